// One wire protocol (OpenAI chat, Anthropic Messages, Bedrock Converse, a generic JSON API):
// how a request value becomes HTTP bytes and how the endpoint's bytes become an answer value.
// Retries, rate limits, cache, record/replay and secret handling are shared below it
// (protocol_provider.h); a protocol never sees them.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "evalkit/base/status.h"
#include "evalkit/http/http_client.h"
#include "evalkit/model/model_response.h"

namespace evalkit {

class WireProtocol {
 public:
  virtual ~WireProtocol() = default;

  // Fills url, method, headers and body of http for request (params: the provider's merged
  // with the request's), and timestamp_body when the answer will be streamed. An error when
  // the request cannot be said in this protocol.
  virtual Status encode(const ModelRequest& request, const nlohmann::json& params,
                        HttpRequest* http) const = 0;

  // Reads an answer whose status is not an error into response: text, finish_reason, tool
  // calls, usage and, for a streamed answer, streamed and time_to_first_token_s (seconds
  // from the attempt's start; HttpResponse::arrivals tell when each byte came). Sets ok, or
  // error_kind malformed with what is wrong.
  virtual void decode(const HttpResponse& http, ModelResponse* response) const = 0;

  // The endpoint's own explanation in an error answer's body (a snippet when it has none).
  virtual std::string error_message(const HttpResponse& http) const;

  // Whether an answer with this status failed (default: any status outside 200-299).
  virtual bool is_error_status(int status) const { return status < 200 || status >= 300; }
};

// The message of an OpenAI-style error body ({"error": {"message"}} or {"error": "..."}), of
// {"type": "error", "error": {"message"}} (Anthropic), {"message": "..."} (AWS) or
// {"detail": "..."} (FastAPI and many services); else the first 200 bytes of body with
// control characters blanked.
std::string endpoint_error_message(const std::string& body);

}  // namespace evalkit

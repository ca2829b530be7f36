// The provider every HTTP wire protocol shares: it asks the protocol for the bytes, sends them
// with retries, backoff and the pool's rate limits, turns failures into errors that name no
// secret, times streamed answers, and records live answers for replay.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "evalkit/providers/provider.h"
#include "evalkit/providers/wire_protocol.h"

namespace evalkit {

// A provider speaking protocol for config. secrets (API keys, header and query values,
// signing keys) are removed from every error message.
std::unique_ptr<Provider> make_protocol_provider(const ProviderConfig& config,
                                                 const ProviderEnvironment& environment,
                                                 std::unique_ptr<WireProtocol> protocol,
                                                 std::vector<std::string> secrets);

// What a request may cost against a tokens-per-minute limit: about four bytes a token of
// the body, plus the most the model may answer (max_tokens, max_completion_tokens or
// maxTokens in params).
double estimate_request_tokens(const HttpRequest& http, const nlohmann::json& params);

}  // namespace evalkit

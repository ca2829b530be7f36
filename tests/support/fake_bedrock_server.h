// A fake Amazon Bedrock runtime (POST /model/{modelId}/converse) on 127.0.0.1 for tests. It
// verifies AWS Signature Version 4 the way AWS does, from the request as received: it rebuilds
// the canonical request (the received path's segments URI-encoded again, the query sorted,
// the headers SignedHeaders names), recomputes the signature with the test keys and refuses a
// mismatch with AWS's 403. It checks the Converse body (messages, content blocks, toolUse and
// toolResult pairing, toolConfig) and answers per fake_model_turns.h.
#pragma once

#include <cstdint>
#include <ctime>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "tests/support/event_loop_http_server.h"
#include "tests/support/fake_openai_server.h"

namespace evalkit::testing {

struct FakeBedrockServerOptions {
  std::string access_key_id = "AKIDEXAMPLE";
  std::string secret_access_key = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
  std::string session_token;  // when set, requests must carry it as x-amz-security-token
  std::string region = "us-east-1";
  int latency_ms = 0;
  int throttled_first = 0;  // the first N signed requests get a 429 ThrottlingException
};

class FakeBedrockServer {
 public:
  explicit FakeBedrockServer(FakeBedrockServerOptions options = {});
  ~FakeBedrockServer();
  FakeBedrockServer(const FakeBedrockServer&) = delete;
  FakeBedrockServer& operator=(const FakeBedrockServer&) = delete;

  std::string base_url() const;  // "http://127.0.0.1:PORT"
  std::vector<ReceivedRequest> request_log() const;
  uint64_t signature_failures() const;  // 403s for a bad or missing signature
  void stop();

 private:
  class Handler;
  std::unique_ptr<Handler> handler_;
  std::unique_ptr<EventLoopHttpServer> http_;
};

// The signature check alone: "" when request carries a valid SigV4 Authorization for the
// options' keys and region (service "bedrock") at `now`, else AWS's complaint.
std::string bedrock_signature_problem(const HttpRequest& request,
                                      const FakeBedrockServerOptions& options, std::time_t now);

// The Converse body check alone: "" when Bedrock would accept body, else its message.
std::string converse_request_problem(const nlohmann::json& body);

}  // namespace evalkit::testing

// A fake Anthropic Messages endpoint (POST /v1/messages) on 127.0.0.1 for tests. It checks a
// request the way the real API does (x-api-key, anthropic-version, required and unknown
// fields, roles, tool_use/tool_result pairing, tool schemas) and answers with a Message or
// its event stream; answers are decided by fake_model_turns.h.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "tests/support/event_loop_http_server.h"
#include "tests/support/fake_openai_server.h"

namespace evalkit::testing {

struct FakeAnthropicServerOptions {
  std::string require_api_key;  // when set, x-api-key must equal it
  int latency_ms = 0;           // before the answer (a stream's first event)
  int stream_interval_ms = 0;   // between a stream's events
  // The first `overloaded_first` requests are refused with 529 overloaded_error (retried by
  // clients), each with `retry_after_s` when it is > 0.
  int overloaded_first = 0;
  int retry_after_s = 0;
  bool cut_streams = false;            // streams stop half-way, without message_stop
  bool error_event_midstream = false;  // streams end in an `error` event after the first text
  // {needle, text}: a conversation whose system or user text holds needle is answered with
  // text (the first match wins), as a judge would answer its template.
  std::vector<std::pair<std::string, std::string>> replies;
};

class FakeAnthropicServer {
 public:
  explicit FakeAnthropicServer(FakeAnthropicServerOptions options = {});
  ~FakeAnthropicServer();
  FakeAnthropicServer(const FakeAnthropicServer&) = delete;
  FakeAnthropicServer& operator=(const FakeAnthropicServer&) = delete;

  // "http://127.0.0.1:PORT", what base_url (or ANTHROPIC_BASE_URL) should be.
  std::string base_url() const;
  std::vector<ReceivedRequest> request_log() const;
  // Requests answered 2xx, and refused with 4xx (the API's validation).
  uint64_t answered() const;
  uint64_t refused() const;
  void stop();

 private:
  class Handler;
  std::unique_ptr<Handler> handler_;
  std::unique_ptr<EventLoopHttpServer> http_;
};

// What the fake checks, for unit tests of the checks themselves: the error message the API
// would give for body, or "" when it would accept it.
std::string anthropic_request_problem(const nlohmann::json& body);

}  // namespace evalkit::testing

// A fake application endpoint (a team's own RAG/agent service) on 127.0.0.1 for tests of the
// generic http provider. POST /api/chat takes {"query", "history", "session"} with an
// X-App-Token header and answers with the text nested deep in the reply:
//   {"data": {"answer": {"text": ...}, "actions": [{"name", "arguments"}]},
//    "meta": {"usage": {"in": n, "out": m}, "stop": "done"}, "error": null}
// Tool calls (actions) are decided by the question (fake_model_turns.h) among the tools the
// request offers in "tools" (OpenAI format) or, without them, `lookup_order`. A query holding
// "APP_ERROR" gets a 200 whose "error" is set; "MISSING" a 404 {"detail"}; the first
// `unavailable_first` requests a 503. GET /api/search?q=... answers {"result": "found: q"}.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "tests/support/event_loop_http_server.h"
#include "tests/support/fake_openai_server.h"

namespace evalkit::testing {

struct FakeHttpAppServerOptions {
  std::string require_token = "app-token-123";
  int unavailable_first = 0;
  int latency_ms = 0;
};

class FakeHttpAppServer {
 public:
  explicit FakeHttpAppServer(FakeHttpAppServerOptions options = {});
  ~FakeHttpAppServer();
  FakeHttpAppServer(const FakeHttpAppServer&) = delete;
  FakeHttpAppServer& operator=(const FakeHttpAppServer&) = delete;

  std::string base_url() const;  // "http://127.0.0.1:PORT"
  std::vector<ReceivedRequest> request_log() const;
  void stop();

 private:
  class Handler;
  std::unique_ptr<Handler> handler_;
  std::unique_ptr<EventLoopHttpServer> http_;
};

}  // namespace evalkit::testing

// A fake OpenAI-compatible endpoint on 127.0.0.1 for integration tests, fault-injection tests
// and benchmarks: deterministic answers (see fake_openai_api.h), a fixed latency, and seeded
// faults (500, 429, stalls, malformed bodies) on demand. One epoll thread serves everything.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "tests/support/event_loop_http_server.h"
#include "tests/support/fake_openai_api.h"
#include "tests/support/fake_openai_faults.h"

namespace evalkit::testing {

enum class StallEnd { kClose, kAnswer };

struct FakeOpenAIServerOptions {
  uint16_t port = 0;   // 0 picks a free port
  int latency_ms = 0;  // added before every answer, on a timer
  std::vector<FakeOpenAIRule> rules;

  // Fault fractions in [0, 1] for POST /v1/chat/completions and /v1/embeddings, drawn in
  // this order from one seeded uniform draw per request (see FaultFractions).
  double fail_500 = 0;
  double fail_429 = 0;
  double stall = 0;
  double malformed = 0;
  uint64_t seed = 0;

  // When > 0, the server has this many slots: a model request arriving while `capacity`
  // earlier ones are still within their latency is refused at once with a 429, as an
  // overloaded endpoint does. Counted as `overloaded`, not as an injected fault.
  int capacity = 0;

  // A fraction in [0, 1] of chat questions answered with degrade_reply instead of the usual
  // answer: a worse model. Which questions is decided by is_degraded(request model, last
  // user message, degrade_rate, seed), the same in every run. Counted as ok answers.
  double degrade_rate = 0;
  std::string degrade_reply = "I am not sure.";

  int retry_after_s = 1;               // the 429's Retry-After
  bool retry_after_http_date = false;  // send Retry-After as an HTTP-date (now + retry_after_s)
  int stall_ms = 30000;                // how long a stalled request is held
  StallEnd stall_end = StallEnd::kClose;
  std::vector<MalformedKind> malformed_kinds;  // rotated through; empty means all kinds
  size_t malformed_oversize_bytes = 4 << 20;   // an oversized body is larger than this

  // Streamed answers (a chat request with "stream": true): the pieces' spacing, and whether
  // every stream is cut off before its end (no finish_reason, no [DONE]).
  int stream_interval_ms = 0;
  bool cut_streams = false;

  std::string require_api_key;  // when set, requests need `Authorization: Bearer <key>`
  // Azure OpenAI's deployment routes, POST /openai/deployments/{name}/chat/completions: they
  // need an api-version query parameter, and `api-key: <azure_api_key>` when that is set.
  std::string azure_api_key;
  std::vector<std::string> model_ids = {"fake-chat", "fake-embedding"};  // GET /v1/models
  size_t request_log_capacity = 1000;  // the oldest entries are dropped beyond this
};

// Counts since the server started. Each request has exactly one outcome.
struct FakeOpenAIServerStats {
  std::map<std::string, uint64_t> requests_by_path;
  uint64_t ok = 0;              // a 2xx answer as asked (echo, rule, embeddings, models)
  uint64_t fail_500 = 0;        // injected
  uint64_t fail_429 = 0;        // injected
  uint64_t overloaded = 0;      // 429: every slot busy (FakeOpenAIServerOptions::capacity)
  uint64_t stalled = 0;         // injected, whether the stall ends in a close or an answer
  uint64_t malformed = 0;       // injected
  uint64_t unauthorized = 0;    // 401: missing or wrong API key
  uint64_t bad_request = 0;     // 400 and other 4xx for unusable requests (JSON, HTTP)
  uint64_t not_found = 0;       // 404: unknown method or path
  uint64_t scripted_error = 0;  // a rule's own non-2xx status
  uint64_t connections_accepted = 0;

  uint64_t total_requests() const;
  nlohmann::json to_json() const;
};

// One request as received, for assertions on what a client sent.
struct ReceivedRequest {
  std::string method;
  std::string path;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  std::string target;  // path plus query, as sent

  // The first header named `name` (case-insensitive), or "" when absent.
  std::string header(std::string_view name) const;
};

class FakeOpenAIServer {
 public:
  // Starts listening and serving at once. Throws std::runtime_error if it cannot listen.
  explicit FakeOpenAIServer(FakeOpenAIServerOptions options = {});
  ~FakeOpenAIServer();  // stop()s
  FakeOpenAIServer(const FakeOpenAIServer&) = delete;
  FakeOpenAIServer& operator=(const FakeOpenAIServer&) = delete;

  uint16_t port() const;
  // "http://127.0.0.1:PORT/v1", what OPENAI_BASE_URL should be set to.
  std::string base_url() const;
  // Stops serving and closes every connection. Safe to call twice.
  void stop();

  FakeOpenAIServerStats stats() const;
  // The most recent requests, oldest first, at most options.request_log_capacity.
  std::vector<ReceivedRequest> request_log() const;

 private:
  class Handler;
  std::unique_ptr<Handler> handler_;
  std::unique_ptr<EventLoopHttpServer> http_;
};

}  // namespace evalkit::testing

// Token-bucket rate limits of a connection pool, against the fake server. Only lower bounds
// on elapsed time are asserted: a limiter that lets requests through too fast fails, a slow
// machine cannot.
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <fstream>
#include <mutex>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "evalkit/http/http_client.h"
#include "tests/support/fake_openai_server.h"
#include "tests/support/process.h"

namespace evalkit {
namespace {

using Clock = std::chrono::steady_clock;

// Sends n requests at once on one pool and returns the seconds until all have answered.
double send_all(HttpClient& client, const std::string& url, int n, double estimated_tokens) {
  std::mutex mutex;
  std::condition_variable done;
  int answered = 0, ok = 0;
  const auto start = Clock::now();
  for (int i = 0; i < n; ++i) {
    HttpRequest request;
    request.url = url;
    request.pool = "pool";
    request.headers = {"Content-Type: application/json"};
    request.body = R"({"model":"m","messages":[{"role":"user","content":"hi"}]})";
    request.estimated_tokens = estimated_tokens;
    client.submit(std::move(request), [&](HttpResponse response) {
      std::lock_guard<std::mutex> lock(mutex);
      ++answered;
      ok += response.status == 200 ? 1 : 0;
      done.notify_one();
    });
  }
  std::unique_lock<std::mutex> lock(mutex);
  done.wait(lock, [&] { return answered == n; });
  EXPECT_EQ(ok, n);
  return std::chrono::duration<double>(Clock::now() - start).count();
}

TEST(RateLimitTest, RequestsPerMinuteSpreadsRequestsOut) {
  testing::FakeOpenAIServer server;
  HttpClient client;
  client.set_pool_rate("pool", 600, 0);  // 10 a second, a burst of 10
  const double elapsed = send_all(client, server.base_url() + "/chat/completions", 25, 0);
  // 10 go at once, the other 15 at 10 a second.
  EXPECT_GE(elapsed, 1.4);
  EXPECT_GT(client.stats().rate_limited_waits, 0);
}

TEST(RateLimitTest, TokensPerMinuteChargesTheEstimate) {
  testing::FakeOpenAIServer server;
  HttpClient client;
  client.set_pool_rate("pool", 0, 6000);  // 100 tokens a second, a burst of 100
  const double elapsed = send_all(client, server.base_url() + "/chat/completions", 6, 50);
  // Two fit the burst; the other four need 200 tokens at 100 a second.
  EXPECT_GE(elapsed, 1.9);
}

TEST(RateLimitTest, UnlimitedPoolsDoNotWait) {
  testing::FakeOpenAIServer server;
  HttpClient client;
  send_all(client, server.base_url() + "/chat/completions", 25, 1000);
  EXPECT_EQ(client.stats().rate_limited_waits, 0);
}

TEST(RateLimitTest, SuiteRequestsPerMinuteLimitsARun) {
  testing::FakeOpenAIServer server;
  const std::string dir = testing::make_temp_dir("rate-limit");
  std::ofstream(dir + "/suite.yaml")
      << "suite: limited\nproviders:\n  - {id: a, type: openai-chat, model: m, base_url: "
      << server.base_url() << ", requests_per_minute: 1200}\n"
      << "prompts:\n  - {id: p, messages: [{role: user, content: \"{{n}}\"}]}\ncases:\n";
  {
    std::ofstream suite(dir + "/suite.yaml", std::ios::app);
    for (int i = 0; i < 60; ++i) suite << "  - {id: c" << i << ", vars: {n: " << i << "}, expected: x}\n";
    suite << "scorers:\n  - {type: contains, value: echo}\n";
  }
  const auto start = Clock::now();
  const auto r = testing::run_evalkit({"run", dir + "/suite.yaml", "--db", dir + "/db", "-q"});
  const double elapsed = std::chrono::duration<double>(Clock::now() - start).count();
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  // 20 a second with a burst of 20: the other 40 take at least two seconds.
  EXPECT_GE(elapsed, 1.9);
  EXPECT_EQ(server.stats().ok, 60u);
}

}  // namespace
}  // namespace evalkit

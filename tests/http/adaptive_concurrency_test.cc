// Adaptive concurrency against an endpoint with fewer slots than the pool's limit: the
// client settles near the endpoint's capacity instead of hammering it with requests that
// are refused.
#include <condition_variable>
#include <cstdio>
#include <mutex>

#include <gtest/gtest.h>

#include "evalkit/http/http_client.h"
#include "tests/support/fake_openai_server.h"

namespace evalkit {
namespace {

struct Outcome {
  int refused = 0;  // 429 answers, each followed by a resend
  int succeeded = 0;
  long long cuts = 0;
};

// n requests on one pool of limit 64; a refused request is sent again after 10 ms (as a
// retry would) until every request has succeeded.
class Sender {
 public:
  Sender(const std::string& url, bool adaptive) : url_(url) {
    client_.set_pool_limit("pool", 64);
    if (adaptive) client_.set_pool_adaptive("pool", true);
  }

  Outcome run(int n) {
    for (int i = 0; i < n; ++i) send(0);
    std::unique_lock<std::mutex> lock(mutex_);
    done_.wait(lock, [&] { return outcome_.succeeded + failed_ == n; });
    EXPECT_EQ(failed_, 0);
    outcome_.cuts = client_.stats().concurrency_cuts;
    return outcome_;
  }

 private:
  void send(double delay_s) {
    HttpRequest request;
    request.url = url_;
    request.pool = "pool";
    request.headers = {"Content-Type: application/json"};
    request.body = R"({"model":"m","messages":[{"role":"user","content":"hi"}]})";
    client_.submit(
        std::move(request),
        [this](HttpResponse response) {
          if (response.status == 429) {
            {
              std::lock_guard<std::mutex> lock(mutex_);
              ++outcome_.refused;
            }
            send(0.010);
            return;
          }
          std::lock_guard<std::mutex> lock(mutex_);
          if (response.status == 200) {
            ++outcome_.succeeded;
          } else {
            ++failed_;
          }
          done_.notify_one();
        },
        delay_s);
  }

  std::string url_;
  HttpClient client_;
  std::mutex mutex_;
  std::condition_variable done_;
  Outcome outcome_;
  int failed_ = 0;
};

testing::FakeOpenAIServerOptions eight_slots() {
  testing::FakeOpenAIServerOptions options;
  options.capacity = 8;
  options.latency_ms = 20;
  return options;
}

TEST(AdaptiveConcurrencyTest, FindsTheEndpointsCapacityWithFarFewerRefusals) {
  constexpr int kRequests = 400;
  testing::FakeOpenAIServer fixed_server(eight_slots());
  const Outcome fixed = Sender(fixed_server.base_url() + "/chat/completions", false).run(kRequests);
  testing::FakeOpenAIServer adaptive_server(eight_slots());
  const Outcome adaptive =
      Sender(adaptive_server.base_url() + "/chat/completions", true).run(kRequests);

  std::printf("400 requests, 8 slots, pool limit 64: %d refusals fixed, %d adaptive (%lld cuts)\n",
              fixed.refused, adaptive.refused, adaptive.cuts);
  EXPECT_EQ(fixed.succeeded, kRequests);
  EXPECT_EQ(adaptive.succeeded, kRequests);
  EXPECT_EQ(fixed.cuts, 0);
  EXPECT_GT(adaptive.cuts, 0);
  // 64 at once against 8 slots: a fixed limit keeps most of every wave refused; the
  // adaptive one halves to the capacity within a few rounds and stays near it.
  EXPECT_GT(fixed.refused, kRequests);
  EXPECT_LT(adaptive.refused * 3, fixed.refused)
      << "fixed " << fixed.refused << ", adaptive " << adaptive.refused;
  EXPECT_EQ(adaptive_server.stats().overloaded, uint64_t(adaptive.refused));
  EXPECT_EQ(adaptive_server.stats().ok, uint64_t(kRequests));
}

TEST(AdaptiveConcurrencyTest, AnEndpointThatNeverRefusesKeepsTheFullLimit) {
  testing::FakeOpenAIServerOptions options;
  options.latency_ms = 5;
  testing::FakeOpenAIServer server(options);
  const Outcome outcome = Sender(server.base_url() + "/chat/completions", true).run(200);
  EXPECT_EQ(outcome.refused, 0);
  EXPECT_EQ(outcome.cuts, 0);
}

}  // namespace
}  // namespace evalkit

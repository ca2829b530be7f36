// Retry-After as a real server sends it: the header is read off the wire by the HTTP client
// and the retry waits as long as the server asked, not the (much shorter) backoff. Only lower
// bounds on time are asserted, so a slow machine cannot fail these tests.
#include <ctime>
#include <future>
#include <string>

#include <gtest/gtest.h>

#include "evalkit/http/http_client.h"
#include "evalkit/providers/call_counters.h"
#include "evalkit/providers/retry_policy.h"
#include "evalkit/providers/retrying_sender.h"
#include "tests/support/fake_openai_server.h"

namespace evalkit {
namespace {

HttpRequest chat_request(const testing::FakeOpenAIServer& server) {
  HttpRequest request;
  request.url = server.base_url() + "/chat/completions";
  request.pool = "pool";
  request.headers = {"Content-Type: application/json"};
  request.body = R"({"model":"fake-chat","messages":[{"role":"user","content":"hi"}]})";
  request.timeout_s = 10;
  return request;
}

HttpResponse send_once(HttpClient& client, HttpRequest request) {
  std::promise<HttpResponse> answered;
  client.submit(std::move(request),
                [&](HttpResponse response) { answered.set_value(std::move(response)); });
  return answered.get_future().get();
}

testing::FakeOpenAIServerOptions always_throttled(int retry_after_s, bool http_date) {
  testing::FakeOpenAIServerOptions options;
  options.fail_429 = 1.0;
  options.retry_after_s = retry_after_s;
  options.retry_after_http_date = http_date;
  return options;
}

TEST(RetryAfterTest, TheClientReadsTheSecondsAServerSends) {
  testing::FakeOpenAIServer server(always_throttled(7, false));
  HttpClient client;
  const HttpResponse response = send_once(client, chat_request(server));
  ASSERT_TRUE(response.transport_error.empty()) << response.transport_error;
  EXPECT_EQ(response.status, 429);
  EXPECT_EQ(response.retry_after, "7");
  EXPECT_EQ(parse_retry_after(response.retry_after, std::time(nullptr)), 7);
}

TEST(RetryAfterTest, TheClientReadsTheHttpDateAServerSends) {
  testing::FakeOpenAIServer server(always_throttled(40, true));
  HttpClient client;
  const std::time_t before = std::time(nullptr);
  const HttpResponse response = send_once(client, chat_request(server));
  const std::time_t after = std::time(nullptr);
  EXPECT_EQ(response.status, 429);
  EXPECT_TRUE(response.retry_after.ends_with(" GMT")) << response.retry_after;
  // The date is "now + 40 s" on the server's clock (the same clock), to the second.
  const double wait = parse_retry_after(response.retry_after, before);
  EXPECT_GE(wait, 39);
  EXPECT_LE(wait, 41 + static_cast<double>(after - before));
}

TEST(RetryAfterTest, ARetryWaitsAsLongAsTheServerAsks) {
  testing::FakeOpenAIServer server(always_throttled(1, false));
  HttpClient client;
  RetryPolicy policy;
  policy.max_attempts = 3;
  policy.base_delay_s = 0.01;  // without Retry-After, the backoff is at most 10 and 20 ms
  policy.max_delay_s = 5;
  policy.deadline_s = 30;
  CallCounters counters;
  std::promise<SendOutcome> finished;
  send_with_retries(client, chat_request(server), policy, &counters,
                    [&](SendOutcome outcome) { finished.set_value(std::move(outcome)); });
  const SendOutcome outcome = finished.get_future().get();
  EXPECT_EQ(outcome.attempts, 3);
  EXPECT_EQ(outcome.response.status, 429);
  EXPECT_EQ(counters.retries(), 2);
  EXPECT_EQ(server.stats().fail_429, 3u);
  // Two waits of the server's 1 s each.
  EXPECT_GE(outcome.total_s, 2.0);
}

TEST(RetryAfterTest, TheServersWaitIsCappedByTheBackoffCeiling) {
  testing::FakeOpenAIServer server(always_throttled(3600, false));
  HttpClient client;
  RetryPolicy policy;
  policy.max_attempts = 2;
  policy.base_delay_s = 0.01;
  policy.max_delay_s = 0.5;
  policy.deadline_s = 30;
  std::promise<SendOutcome> finished;
  send_with_retries(client, chat_request(server), policy, nullptr,
                    [&](SendOutcome outcome) { finished.set_value(std::move(outcome)); });
  const SendOutcome outcome = finished.get_future().get();
  EXPECT_EQ(outcome.attempts, 2);
  EXPECT_GE(outcome.total_s, 0.5);
  EXPECT_LT(outcome.total_s, 20);  // an hour's wait was not honoured
}

}  // namespace
}  // namespace evalkit

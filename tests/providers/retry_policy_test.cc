#include "evalkit/providers/retry_policy.h"

#include <gtest/gtest.h>

#include "evalkit/providers/openai_chat_provider.h"
#include "evalkit/providers/provider.h"

namespace evalkit {
namespace {

HttpResponse status(int code) {
  HttpResponse r;
  r.status = code;
  return r;
}

TEST(RetryPolicyTest, RetriesOnlyTransientFailures) {
  EXPECT_TRUE(is_retryable(status(429)));
  EXPECT_TRUE(is_retryable(status(500)));
  EXPECT_TRUE(is_retryable(status(503)));
  EXPECT_TRUE(is_retryable(status(408)));
  EXPECT_FALSE(is_retryable(status(400)));
  EXPECT_FALSE(is_retryable(status(401)));
  EXPECT_FALSE(is_retryable(status(404)));
  EXPECT_FALSE(is_retryable(status(200)));
  HttpResponse refused;
  refused.transport_error = "Couldn't connect to server";
  EXPECT_TRUE(is_retryable(refused));
  HttpResponse huge;
  huge.transport_error = "too large";
  huge.body_too_large = true;
  EXPECT_FALSE(is_retryable(huge));
}

TEST(RetryPolicyTest, ParsesRetryAfterSecondsAndHttpDates) {
  EXPECT_EQ(parse_retry_after("7", 0), 7);
  EXPECT_EQ(parse_retry_after("", 0), -1);
  EXPECT_EQ(parse_retry_after("soon", 0), -1);
  // 1994-11-06T08:49:37Z is 784111777 seconds after the epoch.
  EXPECT_EQ(parse_retry_after("Sun, 06 Nov 1994 08:49:37 GMT", 784111777 - 30), 30);
  EXPECT_EQ(parse_retry_after("Sun, 06 Nov 1994 08:49:37 GMT", 784111777 + 30), 0);
}

TEST(RetryPolicyTest, FullJitterStaysUnderTheExponentialCeiling) {
  RetryPolicy policy;
  policy.base_delay_s = 0.5;
  policy.max_delay_s = 4;
  std::mt19937_64 rng(1);
  double largest_third = 0;
  for (int i = 0; i < 2000; ++i) {
    const double first = retry_delay_s(policy, 1, status(500), rng);
    EXPECT_GE(first, 0);
    EXPECT_LE(first, 0.5);
    const double third = retry_delay_s(policy, 3, status(500), rng);
    EXPECT_LE(third, 2.0);
    largest_third = std::max(largest_third, third);
    EXPECT_LE(retry_delay_s(policy, 10, status(500), rng), 4.0);
  }
  EXPECT_GT(largest_third, 1.5);  // the jitter spans the whole interval
  HttpResponse throttled = status(429);
  throttled.retry_after = "3";
  EXPECT_EQ(retry_delay_s(policy, 1, throttled, rng), 3);
  throttled.retry_after = "60";
  EXPECT_EQ(retry_delay_s(policy, 1, throttled, rng), 4);  // capped
}

TEST(ChatCompletionParsingTest, ReadsTextFinishReasonAndUsage) {
  ModelResponse r;
  parse_chat_completion(
      R"({"choices":[{"message":{"role":"assistant","content":"Paris"},"finish_reason":"stop"}],
          "usage":{"prompt_tokens":9,"completion_tokens":1}})",
      &r);
  EXPECT_TRUE(r.ok);
  EXPECT_EQ(r.text, "Paris");
  EXPECT_EQ(r.finish_reason, "stop");
  EXPECT_EQ(r.prompt_tokens, 9);
  EXPECT_EQ(r.completion_tokens, 1);
}

TEST(ChatCompletionParsingTest, MalformedBodiesBecomeErrors) {
  for (const char* body : {"", "{\"choices\": [", "<html>502 Bad Gateway</html>", "[]",
                           "{\"choices\": []}", "{\"choices\": [{\"message\": 5}]}",
                           "{\"choices\": [{\"message\": {\"content\": 42}}]}",
                           "{\"choices\": [{\"message\": {\"content\": \"\xff\xfe\"}}]}"}) {
    ModelResponse r;
    parse_chat_completion(body, &r);
    EXPECT_FALSE(r.ok) << body;
    EXPECT_EQ(r.error_kind, error_kind::kMalformed) << body;
    EXPECT_FALSE(r.error.empty());
  }
}

TEST(RedactTest, RemovesEveryOccurrence) {
  EXPECT_EQ(redact("key sk-abc123 and sk-abc123", "sk-abc123"), "key [redacted] and [redacted]");
  EXPECT_EQ(redact("nothing here", "sk-abc123"), "nothing here");
}

}  // namespace
}  // namespace evalkit

// The fake server's fault injection, seen from a client: every fault at fraction 1.0, seeded
// fractions, and each kind of malformed body.
#include "tests/support/fake_openai_faults.h"

#include <algorithm>
#include <regex>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "tests/support/fake_openai_server.h"
#include "tests/support/test_http_client.h"

namespace evalkit::testing {
namespace {

using json = nlohmann::json;
using ::testing::HasSubstr;

const json kChatRequest = {{"model", "m"},
                           {"messages", {{{"role", "user"}, {"content", "hello there"}}}}};

std::string chat_url(const FakeOpenAIServer& server) {
  return server.base_url() + "/chat/completions";
}

TEST(FakeOpenAIFaults, Fail500AtFractionOne) {
  FakeOpenAIServerOptions options;
  options.fail_500 = 1.0;
  FakeOpenAIServer server(options);
  TestHttpClient client;
  for (int i = 0; i < 5; ++i) {
    const HttpResult result = client.post(chat_url(server), kChatRequest);
    EXPECT_EQ(result.status, 500);
    EXPECT_EQ(json::parse(result.body)["error"]["type"], "server_error");
  }
  EXPECT_EQ(client.post(server.base_url() + "/embeddings", {{"input", "x"}}).status, 500);
  // Listing models is not a model call and never fails.
  EXPECT_EQ(client.request("GET", server.base_url() + "/models", "").status, 200);
  EXPECT_EQ(server.stats().fail_500, 6u);
}

TEST(FakeOpenAIFaults, Fail429CarriesRetryAfterSeconds) {
  FakeOpenAIServerOptions options;
  options.fail_429 = 1.0;
  options.retry_after_s = 7;
  FakeOpenAIServer server(options);
  TestHttpClient client;
  const HttpResult result = client.post(chat_url(server), kChatRequest);
  EXPECT_EQ(result.status, 429);
  EXPECT_THAT(result.headers, HasSubstr("Retry-After: 7\r\n"));
  EXPECT_EQ(json::parse(result.body)["error"]["code"], "rate_limit_exceeded");
  EXPECT_EQ(server.stats().fail_429, 1u);
}

TEST(FakeOpenAIFaults, Fail429CanCarryAnHttpDate) {
  FakeOpenAIServerOptions options;
  options.fail_429 = 1.0;
  options.retry_after_http_date = true;
  FakeOpenAIServer server(options);
  TestHttpClient client;
  const HttpResult result = client.post(chat_url(server), kChatRequest);
  EXPECT_EQ(result.status, 429);
  const std::regex date(
      R"(Retry-After: (Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d\d (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d\d:\d\d:\d\d GMT\r\n)");
  EXPECT_TRUE(std::regex_search(result.headers, date)) << result.headers;
  EXPECT_EQ(http_date(784111777), "Sun, 06 Nov 1994 08:49:37 GMT");
}

TEST(FakeOpenAIFaults, StallOutlastsTheClientTimeout) {
  FakeOpenAIServerOptions options;
  options.stall = 1.0;
  options.stall_ms = 5000;
  FakeOpenAIServer server(options);
  TestHttpClient client;
  const HttpResult result = client.post(chat_url(server), kChatRequest, {}, 200);
  EXPECT_EQ(result.code, CURLE_OPERATION_TIMEDOUT);
  EXPECT_GE(result.elapsed.count(), 200);
  EXPECT_EQ(server.stats().stalled, 1u);
}

TEST(FakeOpenAIFaults, StallThenCloseSendsNothing) {
  FakeOpenAIServerOptions options;
  options.stall = 1.0;
  options.stall_ms = 150;
  options.stall_end = StallEnd::kClose;
  FakeOpenAIServer server(options);
  TestHttpClient client;
  const HttpResult result = client.post(chat_url(server), kChatRequest);
  EXPECT_EQ(result.code, CURLE_GOT_NOTHING);
  EXPECT_GE(result.elapsed.count(), 150);
}

TEST(FakeOpenAIFaults, StallThenAnswerIsLateButValid) {
  FakeOpenAIServerOptions options;
  options.stall = 1.0;
  options.stall_ms = 150;
  options.stall_end = StallEnd::kAnswer;
  FakeOpenAIServer server(options);
  TestHttpClient client;
  const HttpResult result = client.post(chat_url(server), kChatRequest);
  ASSERT_EQ(result.code, CURLE_OK);
  EXPECT_EQ(result.status, 200);
  EXPECT_GE(result.elapsed.count(), 150);
  EXPECT_EQ(json::parse(result.body)["choices"][0]["message"]["content"], "echo: hello there");
}

HttpResult malformed_answer(MalformedKind kind, const std::string& path, const json& request) {
  FakeOpenAIServerOptions options;
  options.malformed = 1.0;
  options.malformed_kinds = {kind};
  options.malformed_oversize_bytes = 100000;
  FakeOpenAIServer server(options);
  TestHttpClient client;
  HttpResult result = client.post(server.base_url() + path, request);
  EXPECT_EQ(server.stats().malformed, 1u);
  return result;
}

bool parses(const std::string& body) { return json::accept(body); }

TEST(FakeOpenAIFaults, EachMalformedKindBreaksTheChatAnswer) {
  const std::string path = "/chat/completions";
  HttpResult r = malformed_answer(MalformedKind::kTruncatedJson, path, kChatRequest);
  EXPECT_EQ(r.status, 200);
  EXPECT_FALSE(parses(r.body));
  EXPECT_THAT(r.body, HasSubstr("chat.completion"));

  r = malformed_answer(MalformedKind::kInvalidJson, path, kChatRequest);
  EXPECT_FALSE(parses(r.body));

  r = malformed_answer(MalformedKind::kWrongTypes, path, kChatRequest);
  EXPECT_TRUE(json::parse(r.body)["choices"][0]["message"]["content"].is_number());

  r = malformed_answer(MalformedKind::kMissingChoices, path, kChatRequest);
  EXPECT_FALSE(json::parse(r.body).contains("choices"));
  EXPECT_EQ(json::parse(r.body)["object"], "chat.completion");

  r = malformed_answer(MalformedKind::kInvalidUtf8, path, kChatRequest);
  EXPECT_FALSE(parses(r.body));
  EXPECT_NE(r.body.find('\xFF'), std::string::npos);

  r = malformed_answer(MalformedKind::kHtmlErrorPage, path, kChatRequest);
  EXPECT_EQ(r.status, 200);
  EXPECT_THAT(r.content_type, HasSubstr("text/html"));
  EXPECT_THAT(r.body, HasSubstr("<html>"));

  r = malformed_answer(MalformedKind::kOversized, path, kChatRequest);
  EXPECT_GT(r.body.size(), 100000u);
  EXPECT_TRUE(parses(r.body));
}

TEST(FakeOpenAIFaults, MalformedEmbeddingsBreakTheirOwnShape) {
  const json request = {{"input", {"a b", "c"}}};
  HttpResult r = malformed_answer(MalformedKind::kWrongTypes, "/embeddings", request);
  EXPECT_TRUE(json::parse(r.body)["data"][0]["embedding"].is_string());
  r = malformed_answer(MalformedKind::kMissingChoices, "/embeddings", request);
  EXPECT_FALSE(json::parse(r.body).contains("data"));
  r = malformed_answer(MalformedKind::kOversized, "/embeddings", request);
  EXPECT_GT(r.body.size(), 100000u);
  r = malformed_answer(MalformedKind::kInvalidUtf8, "/embeddings", request);
  EXPECT_FALSE(parses(r.body));
}

TEST(FakeOpenAIFaults, MalformedKindsRotate) {
  FakeOpenAIServerOptions options;
  options.malformed = 1.0;
  options.malformed_oversize_bytes = 10000;
  FakeOpenAIServer server(options);
  TestHttpClient client;
  const size_t kinds = all_malformed_kinds().size();
  int html_pages = 0, unparsable = 0;
  for (size_t i = 0; i < 2 * kinds; ++i) {
    const HttpResult result = client.post(chat_url(server), kChatRequest);
    html_pages += result.content_type.find("text/html") != std::string::npos;
    unparsable += !parses(result.body);
  }
  EXPECT_EQ(html_pages, 2);
  EXPECT_EQ(unparsable, 2 * 4);  // truncated, invalid JSON, invalid UTF-8, HTML
  EXPECT_EQ(server.stats().malformed, 2 * kinds);
}

std::vector<long> statuses_for(uint64_t seed, int requests) {
  FakeOpenAIServerOptions options;
  options.fail_500 = 0.3;
  options.seed = seed;
  FakeOpenAIServer server(options);
  TestHttpClient client;
  std::vector<long> statuses;
  for (int i = 0; i < requests; ++i) {
    statuses.push_back(client.post(chat_url(server), kChatRequest).status);
  }
  return statuses;
}

TEST(FakeOpenAIFaults, FractionsAreSeededAndAboutRight) {
  const std::vector<long> first = statuses_for(42, 200);
  const long failures = std::count(first.begin(), first.end(), 500);
  EXPECT_GE(failures, 40);  // 0.3 * 200 = 60; the binomial spread is about 6.5
  EXPECT_LE(failures, 80);
  EXPECT_EQ(failures + std::count(first.begin(), first.end(), 200), 200);
  EXPECT_EQ(statuses_for(42, 200), first);
  EXPECT_NE(statuses_for(43, 200), first);
}

TEST(FakeOpenAIFaults, FractionsStackInOrder) {
  const FaultFractions fractions{0.25, 0.25, 0.25, 0.25};
  std::vector<int> counts(5, 0);
  for (uint64_t i = 0; i < 4000; ++i) counts[size_t(draw_fault(7, i, fractions))]++;
  EXPECT_EQ(counts[size_t(FaultKind::kNone)], 0);
  for (FaultKind kind :
       {FaultKind::kFail500, FaultKind::kFail429, FaultKind::kStall, FaultKind::kMalformed}) {
    EXPECT_GT(counts[size_t(kind)], 850);
    EXPECT_LT(counts[size_t(kind)], 1150);
  }
}

}  // namespace
}  // namespace evalkit::testing

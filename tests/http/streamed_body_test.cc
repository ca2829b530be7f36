// The HTTP client's timestamped body: each piece of a streamed answer is noted with when it
// came, so a parser can tell the time to the first token; the plain path notes nothing.
#include <chrono>
#include <future>

#include <gtest/gtest.h>

#include "evalkit/http/http_client.h"
#include "tests/support/fake_openai_server.h"

namespace evalkit {
namespace {

HttpResponse post(HttpClient& client, const std::string& url, const std::string& body,
                  bool timestamp) {
  HttpRequest request;
  request.url = url;
  request.pool = "pool";
  request.headers = {"Content-Type: application/json"};
  request.body = body;
  request.timestamp_body = timestamp;
  std::promise<HttpResponse> answered;
  client.submit(std::move(request),
                [&](HttpResponse response) { answered.set_value(std::move(response)); });
  return answered.get_future().get();
}

constexpr const char* kStreamRequest =
    R"({"model":"m","stream":true,"messages":[{"role":"user","content":"one two three four"}]})";

TEST(StreamedBodyTest, PiecesArriveInOrderWithTheirTimes) {
  testing::FakeOpenAIServerOptions options;
  options.stream_interval_ms = 40;
  testing::FakeOpenAIServer server(options);
  HttpClient client;
  const HttpResponse response =
      post(client, server.base_url() + "/chat/completions", kStreamRequest, true);
  ASSERT_EQ(response.status, 200) << response.transport_error;
  EXPECT_EQ(response.content_type, "text/event-stream");
  ASSERT_GE(response.arrivals.size(), 4u);
  EXPECT_EQ(response.arrivals.front().offset, 0u);
  for (size_t i = 1; i < response.arrivals.size(); ++i) {
    EXPECT_GT(response.arrivals[i].offset, response.arrivals[i - 1].offset);
    EXPECT_GE(response.arrivals[i].elapsed_s, response.arrivals[i - 1].elapsed_s);
  }
  // Eight pieces 40 ms apart: the last came at least 0.2 s after the first.
  EXPECT_GE(response.arrivals.back().elapsed_s - response.arrivals.front().elapsed_s, 0.2);
  EXPECT_NE(response.body.find("data: [DONE]"), std::string::npos);
}

TEST(StreamedBodyTest, WithoutTheFlagNothingIsNoted) {
  testing::FakeOpenAIServer server;
  HttpClient client;
  const HttpResponse response =
      post(client, server.base_url() + "/chat/completions", kStreamRequest, false);
  ASSERT_EQ(response.status, 200);
  EXPECT_TRUE(response.arrivals.empty());
  EXPECT_FALSE(response.body.empty());
}

TEST(StreamedBodyTest, ArrivalTimeOfAnOffsetIsItsPiecesTime) {
  const std::vector<BodyArrival> arrivals = {{0, 0.1}, {10, 0.2}, {25, 0.5}};
  EXPECT_DOUBLE_EQ(arrival_time_s(arrivals, 0), 0.1);
  EXPECT_DOUBLE_EQ(arrival_time_s(arrivals, 9), 0.1);
  EXPECT_DOUBLE_EQ(arrival_time_s(arrivals, 10), 0.2);
  EXPECT_DOUBLE_EQ(arrival_time_s(arrivals, 24), 0.2);
  EXPECT_DOUBLE_EQ(arrival_time_s(arrivals, 1000), 0.5);
  EXPECT_DOUBLE_EQ(arrival_time_s({}, 3), 0.0);
}

}  // namespace
}  // namespace evalkit

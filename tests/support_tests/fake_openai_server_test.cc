#include "tests/support/fake_openai_server.h"

#include <arpa/inet.h>
#include <curl/curl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cmath>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "tests/support/test_http_client.h"

namespace evalkit::testing {
namespace {

using json = nlohmann::json;
using ::testing::HasSubstr;

json chat_request(const std::string& user_message, const std::string& model = "gpt-test") {
  return {{"model", model},
          {"temperature", 0},
          {"messages",
           {{{"role", "system"}, {"content", "Answer briefly."}},
            {{"role", "user"}, {"content", user_message}}}}};
}

std::string chat_url(const FakeOpenAIServer& server) {
  return server.base_url() + "/chat/completions";
}

double cosine(const json& a, const json& b) {
  double dot = 0, na = 0, nb = 0;
  for (size_t i = 0; i < a.size(); ++i) {
    dot += a[i].get<double>() * b[i].get<double>();
    na += a[i].get<double>() * a[i].get<double>();
    nb += b[i].get<double>() * b[i].get<double>();
  }
  return dot / std::sqrt(na * nb);
}

TEST(FakeOpenAIServer, EchoesTheLastUserMessageInOpenAIShape) {
  FakeOpenAIServer server;
  TestHttpClient client;
  const HttpResult result = client.post(chat_url(server), chat_request("What is two plus two?"));
  ASSERT_EQ(result.code, CURLE_OK);
  ASSERT_EQ(result.status, 200);
  EXPECT_THAT(result.content_type, HasSubstr("application/json"));
  const json body = json::parse(result.body);
  EXPECT_EQ(body["object"], "chat.completion");
  EXPECT_EQ(body["model"], "gpt-test");
  EXPECT_TRUE(body["id"].is_string());
  EXPECT_TRUE(body["created"].is_number_integer());
  EXPECT_EQ(body["choices"][0]["message"]["role"], "assistant");
  EXPECT_EQ(body["choices"][0]["message"]["content"], "echo: What is two plus two?");
  EXPECT_EQ(body["choices"][0]["finish_reason"], "stop");
  // Prompt: "Answer briefly." (2 words) + "What is two plus two?" (5 words).
  EXPECT_EQ(body["usage"]["prompt_tokens"], 7);
  EXPECT_EQ(body["usage"]["completion_tokens"], 6);
  EXPECT_EQ(body["usage"]["total_tokens"], 13);
}

TEST(FakeOpenAIServer, ReadsContentPartArrays) {
  FakeOpenAIServer server;
  TestHttpClient client;
  const json request = {
      {"model", "m"},
      {"messages",
       {{{"role", "user"},
         {"content",
          {{{"type", "text"}, {"text", "part one"}}, {{"type", "text"}, {"text", "two"}}}}}}}};
  const json body = json::parse(client.post(chat_url(server), request).body);
  EXPECT_EQ(body["choices"][0]["message"]["content"], "echo: part one\ntwo");
  EXPECT_EQ(body["usage"]["prompt_tokens"], 3);
}

TEST(FakeOpenAIServer, FirstMatchingRuleWins) {
  FakeOpenAIServerOptions options;
  options.rules = {{"capital of France", "Paris", std::nullopt, std::nullopt, std::nullopt},
                   {"capital", "Somewhere", std::nullopt, std::nullopt, "length"},
                   {"overloaded", "try later", 503, std::nullopt, std::nullopt},
                   {"raw please", "", 202, std::string("not json at all"), std::nullopt}};
  FakeOpenAIServer server(options);
  TestHttpClient client;

  json body =
      json::parse(client.post(chat_url(server), chat_request("the capital of France?")).body);
  EXPECT_EQ(body["choices"][0]["message"]["content"], "Paris");
  EXPECT_EQ(body["usage"]["completion_tokens"], 1);

  body = json::parse(client.post(chat_url(server), chat_request("capital of Peru")).body);
  EXPECT_EQ(body["choices"][0]["message"]["content"], "Somewhere");
  EXPECT_EQ(body["choices"][0]["finish_reason"], "length");

  HttpResult result = client.post(chat_url(server), chat_request("are you overloaded"));
  EXPECT_EQ(result.status, 503);
  EXPECT_EQ(json::parse(result.body)["error"]["message"], "try later");

  result = client.post(chat_url(server), chat_request("raw please"));
  EXPECT_EQ(result.status, 202);
  EXPECT_EQ(result.body, "not json at all");

  // A rule may match any message, not only the user's.
  json request = chat_request("hello");
  request["messages"][0]["content"] = "You know the capital of France.";
  body = json::parse(client.post(chat_url(server), request).body);
  EXPECT_EQ(body["choices"][0]["message"]["content"], "Paris");
  EXPECT_EQ(server.stats().scripted_error, 1u);
}

TEST(FakeOpenAIServer, ParsesRulesFromJson) {
  const auto rules = parse_fake_openai_rules(json::parse(
      R"([{"match": "a", "reply": "b", "status": 500}, {"match": "c", "raw_body": "{}"}])"));
  ASSERT_EQ(rules.size(), 2u);
  EXPECT_EQ(rules[0].status, 500);
  EXPECT_EQ(rules[1].raw_body, "{}");
  EXPECT_THROW(parse_fake_openai_rules(json::parse(R"([{"mach": "a"}])")), std::invalid_argument);
  EXPECT_THROW(parse_fake_openai_rules(json::parse(R"({"match": "a"})")), std::invalid_argument);
}

TEST(FakeOpenAIServer, EmbeddingsAreDeterministicUnitVectors) {
  FakeOpenAIServer server;
  TestHttpClient client;
  const std::string url = server.base_url() + "/embeddings";
  const json request = {{"model", "embed-test"},
                        {"input",
                         {"The cat sat on the mat", "the CAT sat on a rug",
                          "quarterly revenue forecast spreadsheet"}},
                        {"dimensions", 256}};
  const HttpResult first = client.post(url, request);
  ASSERT_EQ(first.status, 200);
  const json body = json::parse(first.body);
  EXPECT_EQ(body["object"], "list");
  EXPECT_EQ(body["model"], "embed-test");
  ASSERT_EQ(body["data"].size(), 3u);
  for (size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(body["data"][i]["object"], "embedding");
    EXPECT_EQ(body["data"][i]["index"], i);
    ASSERT_EQ(body["data"][i]["embedding"].size(), 256u);
    EXPECT_NEAR(cosine(body["data"][i]["embedding"], body["data"][i]["embedding"]), 1.0, 1e-6);
    double norm = 0;
    for (const auto& v : body["data"][i]["embedding"]) norm += v.get<double>() * v.get<double>();
    EXPECT_NEAR(norm, 1.0, 1e-5);
  }
  EXPECT_EQ(body["usage"]["prompt_tokens"], 6 + 6 + 4);
  EXPECT_EQ(client.post(url, request).body, first.body);

  const double shared = cosine(body["data"][0]["embedding"], body["data"][1]["embedding"]);
  const double unrelated = cosine(body["data"][0]["embedding"], body["data"][2]["embedding"]);
  EXPECT_GT(shared, 0.5);
  EXPECT_GT(shared, unrelated);
}

TEST(FakeOpenAIServer, EmbeddingsDefaultTo64DimensionsAndRejectBadInput) {
  FakeOpenAIServer server;
  TestHttpClient client;
  const std::string url = server.base_url() + "/embeddings";
  const json body = json::parse(client.post(url, {{"input", "one string"}}).body);
  ASSERT_EQ(body["data"].size(), 1u);
  EXPECT_EQ(body["data"][0]["embedding"].size(), 64u);
  EXPECT_EQ(client.post(url, {{"input", {1, 2, 3}}}).status, 400);
  EXPECT_EQ(client.post(url, {{"input", "x"}, {"dimensions", 0}}).status, 400);
  EXPECT_EQ(client.post(url, {{"model", "m"}}).status, 400);
}

TEST(FakeOpenAIServer, ListsModels) {
  FakeOpenAIServerOptions options;
  options.model_ids = {"alpha", "beta"};
  FakeOpenAIServer server(options);
  TestHttpClient client;
  const HttpResult result = client.request("GET", server.base_url() + "/models", "");
  ASSERT_EQ(result.status, 200);
  const json body = json::parse(result.body);
  ASSERT_EQ(body["data"].size(), 2u);
  EXPECT_EQ(body["data"][1]["id"], "beta");
}

TEST(FakeOpenAIServer, AnswersUnknownPathsAndBadJsonWithOpenAIErrors) {
  FakeOpenAIServer server;
  TestHttpClient client;
  HttpResult result = client.post(server.base_url() + "/completions", chat_request("x"));
  EXPECT_EQ(result.status, 404);
  EXPECT_THAT(json::parse(result.body)["error"]["message"].get<std::string>(),
              HasSubstr("/v1/completions"));
  result = client.request("GET", chat_url(server), "");
  EXPECT_EQ(result.status, 404);

  result = client.request("POST", chat_url(server), "{\"messages\": [");
  EXPECT_EQ(result.status, 400);
  EXPECT_EQ(json::parse(result.body)["error"]["type"], "invalid_request_error");
  result = client.post(chat_url(server), {{"model", "m"}});
  EXPECT_EQ(result.status, 400);

  const FakeOpenAIServerStats stats = server.stats();
  EXPECT_EQ(stats.not_found, 2u);
  EXPECT_EQ(stats.bad_request, 2u);
  EXPECT_EQ(stats.requests_by_path.at("/v1/chat/completions"), 3u);
}

TEST(FakeOpenAIServer, RequiresTheApiKeyWhenConfigured) {
  FakeOpenAIServerOptions options;
  options.require_api_key = "sk-test-123";
  FakeOpenAIServer server(options);
  TestHttpClient client;
  HttpResult result = client.post(chat_url(server), chat_request("hi"));
  EXPECT_EQ(result.status, 401);
  EXPECT_EQ(json::parse(result.body)["error"]["code"], "invalid_api_key");
  result = client.post(chat_url(server), chat_request("hi"), {"Authorization: Bearer wrong"});
  EXPECT_EQ(result.status, 401);
  result = client.post(chat_url(server), chat_request("hi"), {"Authorization: Bearer sk-test-123"});
  EXPECT_EQ(result.status, 200);
  EXPECT_EQ(server.stats().unauthorized, 2u);
  EXPECT_EQ(server.stats().ok, 1u);
}

TEST(FakeOpenAIServer, LogsWhatArrived) {
  FakeOpenAIServerOptions options;
  options.request_log_capacity = 2;
  FakeOpenAIServer server(options);
  TestHttpClient client;
  json request = chat_request("first");
  request["max_tokens"] = 17;
  client.post(chat_url(server), request, {"Authorization: Bearer sk-abc"});
  client.post(chat_url(server), chat_request("second", "model-b"), {"X-Trace: 42"});
  client.post(chat_url(server), chat_request("third", "model-c"), {"X-Trace: 43"});
  const std::vector<ReceivedRequest> log = server.request_log();
  ASSERT_EQ(log.size(), 2u);  // the oldest was dropped
  EXPECT_EQ(log[0].method, "POST");
  EXPECT_EQ(log[0].path, "/v1/chat/completions");
  EXPECT_EQ(log[0].header("x-trace"), "42");
  EXPECT_EQ(json::parse(log[0].body)["model"], "model-b");
  EXPECT_EQ(json::parse(log[1].body)["model"], "model-c");

  FakeOpenAIServer fresh;
  client.post(chat_url(fresh), request, {"Authorization: Bearer sk-abc"});
  const ReceivedRequest first = fresh.request_log().at(0);
  EXPECT_EQ(first.header("Authorization"), "Bearer sk-abc");
  EXPECT_EQ(json::parse(first.body)["max_tokens"], 17);
  EXPECT_EQ(json::parse(first.body)["temperature"], 0);
}

TEST(FakeOpenAIServer, ReusesKeepAliveConnections) {
  FakeOpenAIServer server;
  TestHttpClient client;
  constexpr int kRequests = 20;
  for (int i = 0; i < kRequests; ++i) {
    ASSERT_EQ(client.post(chat_url(server), chat_request("ping " + std::to_string(i))).status, 200);
  }
  const FakeOpenAIServerStats stats = server.stats();
  EXPECT_EQ(stats.ok, uint64_t(kRequests));
  EXPECT_LT(stats.connections_accepted, uint64_t(kRequests));
  EXPECT_GE(stats.connections_accepted, 1u);
}

TEST(FakeOpenAIServer, DelaysEveryAnswerByTheLatency) {
  FakeOpenAIServerOptions options;
  options.latency_ms = 120;
  FakeOpenAIServer server(options);
  TestHttpClient client;
  for (int i = 0; i < 3; ++i) {
    const HttpResult result = client.post(chat_url(server), chat_request("slow"));
    ASSERT_EQ(result.status, 200);
    EXPECT_GE(result.elapsed.count(), 120);
  }
  const HttpResult missing = client.request("GET", server.base_url() + "/nothing", "");
  EXPECT_EQ(missing.status, 404);
  EXPECT_GE(missing.elapsed.count(), 120);
}

TEST(FakeOpenAIServer, AcceptsChunkedAndLargeRequestBodies) {
  FakeOpenAIServer server;
  TestHttpClient client;
  HttpResult result = client.request("POST", chat_url(server), chat_request("in chunks").dump(),
                                     {"Transfer-Encoding: chunked"});
  ASSERT_EQ(result.status, 200);
  EXPECT_EQ(json::parse(result.body)["choices"][0]["message"]["content"], "echo: in chunks");
  EXPECT_THAT(server.request_log().at(0).header("Transfer-Encoding"), HasSubstr("chunked"));

  // Large enough that libcurl asks for "100 Continue" first.
  const std::string big(3 << 20, 'w');
  result = client.post(chat_url(server), chat_request(big));
  ASSERT_EQ(result.status, 200);
  EXPECT_EQ(json::parse(result.body)["choices"][0]["message"]["content"], "echo: " + big);
}

// Raw socket: two requests in one write must get two answers, in order.
TEST(FakeOpenAIServer, AnswersPipelinedRequestsInOrder) {
  FakeOpenAIServerOptions options;
  options.latency_ms = 20;
  FakeOpenAIServer server(options);
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  ASSERT_GE(fd, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(server.port());
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address), 0);
  auto request = [](const std::string& message, bool close) {
    const std::string body = chat_request(message).dump();
    return "POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Length: " +
           std::to_string(body.size()) + (close ? "\r\nConnection: close" : "") + "\r\n\r\n" + body;
  };
  const std::string both = request("first", false) + request("second", true);
  ASSERT_EQ(send(fd, both.data(), both.size(), 0), ssize_t(both.size()));
  std::string received;
  char buffer[4096];
  ssize_t n;
  while ((n = recv(fd, buffer, sizeof buffer, 0)) > 0) received.append(buffer, size_t(n));
  close(fd);
  const size_t first = received.find("echo: first");
  const size_t second = received.find("echo: second");
  ASSERT_NE(first, std::string::npos) << received;
  ASSERT_NE(second, std::string::npos) << received;
  EXPECT_LT(first, second);
  EXPECT_THAT(received, HasSubstr("Connection: close"));
  EXPECT_EQ(server.stats().connections_accepted, 1u);
}

// Hundreds of connections at once, each waiting out the latency on the one I/O thread.
TEST(FakeOpenAIServer, ServesHundredsOfConcurrentConnections) {
  FakeOpenAIServerOptions options;
  options.latency_ms = 50;
  FakeOpenAIServer server(options);
  constexpr int kConnections = 300;
  CURLM* multi = curl_multi_init();
  std::vector<CURL*> handles;
  std::vector<std::string> bodies(kConnections);
  const std::string request = chat_request("together").dump();
  curl_slist* headers = curl_slist_append(nullptr, "Content-Type: application/json");
  for (int i = 0; i < kConnections; ++i) {
    CURL* easy = curl_easy_init();
    curl_easy_setopt(easy, CURLOPT_URL, chat_url(server).c_str());
    curl_easy_setopt(easy, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(easy, CURLOPT_POSTFIELDS, request.c_str());
    curl_easy_setopt(easy, CURLOPT_TIMEOUT_MS, 30000L);
    curl_easy_setopt(
        easy, CURLOPT_WRITEFUNCTION, +[](char* data, size_t size, size_t count, void* out) {
          static_cast<std::string*>(out)->append(data, size * count);
          return size * count;
        });
    curl_easy_setopt(easy, CURLOPT_WRITEDATA, &bodies[size_t(i)]);
    curl_multi_add_handle(multi, easy);
    handles.push_back(easy);
  }
  int running = 1;
  while (running > 0) {
    curl_multi_perform(multi, &running);
    curl_multi_poll(multi, nullptr, 0, 100, nullptr);
  }
  int ok = 0;
  for (CURL* easy : handles) {
    long status = 0;
    curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &status);
    ok += status == 200;
    curl_multi_remove_handle(multi, easy);
    curl_easy_cleanup(easy);
  }
  curl_slist_free_all(headers);
  curl_multi_cleanup(multi);
  EXPECT_EQ(ok, kConnections);
  EXPECT_EQ(server.stats().ok, uint64_t(kConnections));
  EXPECT_EQ(server.stats().connections_accepted, uint64_t(kConnections));
  for (const auto& body : bodies) EXPECT_THAT(body, HasSubstr("echo: together"));
}

TEST(FakeOpenAIServer, StopsTwiceWithoutHarm) {
  FakeOpenAIServer server;
  const std::string url = chat_url(server);
  server.stop();
  server.stop();
  TestHttpClient client;
  EXPECT_NE(client.post(url, chat_request("anyone?")).code, CURLE_OK);
}

}  // namespace
}  // namespace evalkit::testing

// The openai-embeddings provider sends the inputs of concurrent requests together, up to
// batch_size texts an HTTP request, against the fake endpoint: each request still gets its own
// vectors, in its own order, once; a failed batch fails every request in it; requests with
// other parameters never share a batch.
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "evalkit/http/http_client.h"
#include "evalkit/providers/call_counters.h"
#include "evalkit/providers/provider.h"
#include "tests/support/fake_openai_api.h"
#include "tests/support/fake_openai_server.h"

namespace evalkit {
namespace {

using evalkit::testing::FakeOpenAIServer;
using evalkit::testing::FakeOpenAIServerOptions;

// Collects answers from callbacks on other threads.
class Answers {
 public:
  explicit Answers(size_t expected) : responses_(expected), calls_(expected, 0) {}

  Provider::Callback slot(size_t i) {
    return [this, i](ModelResponse response) {
      std::lock_guard<std::mutex> lock(mutex_);
      responses_[i] = std::move(response);
      ++calls_[i];
      ++done_;
      changed_.notify_all();
    };
  }

  bool wait_all() {
    std::unique_lock<std::mutex> lock(mutex_);
    return changed_.wait_for(lock, std::chrono::seconds(20),
                             [&] { return done_ == responses_.size(); });
  }

  const ModelResponse& at(size_t i) const { return responses_[i]; }
  int calls(size_t i) const { return calls_[i]; }

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  std::vector<ModelResponse> responses_;
  std::vector<int> calls_;
  size_t done_ = 0;
};

ProviderConfig embedder(const std::string& base_url, int batch_size) {
  ProviderConfig config;
  config.id = "embedder";
  config.type = "openai-embeddings";
  config.model = "fake-embedding";
  config.base_url = base_url;
  config.batch_size = batch_size;
  config.dimensions = 8;
  config.max_attempts = 1;
  return config;
}

// An openai-embeddings provider on its own HTTP client, talking to base_url.
struct Embedder {
  Embedder(const std::string& base_url, int batch_size) {
    environment.http = &http;
    environment.counters = &counters;
    built = make_provider(embedder(base_url, batch_size), environment, &provider);
  }
  HttpClient http;
  CallCounters counters;
  ProviderEnvironment environment;
  std::unique_ptr<Provider> provider;
  Status built;
};

ModelRequest inputs(std::vector<std::string> texts, nlohmann::json params = nlohmann::json::object()) {
  ModelRequest request;
  request.inputs = std::move(texts);
  request.params = std::move(params);
  return request;
}

TEST(EmbeddingsBatchingTest, ConcurrentRequestsShareHttpRequestsAndEachGetsItsOwnVectors) {
  FakeOpenAIServer server(FakeOpenAIServerOptions{});
  Embedder embedder(server.base_url(), 16);
  ASSERT_TRUE(embedder.built) << embedder.built.message();
  Provider* provider = embedder.provider.get();

  constexpr size_t kRequests = 40;
  Answers answers(kRequests);
  for (size_t i = 0; i < kRequests; ++i) {
    // Each request: its own output, then a reference every request shares.
    provider->send(inputs({"answer number " + std::to_string(i), "the shared reference"}),
                   answers.slot(i));
  }
  ASSERT_TRUE(answers.wait_all());
  int64_t tokens = 0;
  for (size_t i = 0; i < kRequests; ++i) {
    const ModelResponse& response = answers.at(i);
    EXPECT_EQ(answers.calls(i), 1);
    ASSERT_TRUE(response.ok) << response.error;
    ASSERT_EQ(response.embeddings.size(), 2u);
    EXPECT_EQ(response.embeddings[0],
              testing::fake_embedding("answer number " + std::to_string(i), 8));
    EXPECT_EQ(response.embeddings[1], testing::fake_embedding("the shared reference", 8));
    tokens += response.prompt_tokens;
  }
  // 80 inputs, 41 distinct texts: far fewer requests than one per request, none over 16
  // texts, and a text asked for twice in one batch sent once.
  const auto log = server.request_log();
  size_t requests = 0, texts_sent = 0, served_tokens = 0;
  for (const auto& request : log) {
    if (request.path != "/v1/embeddings") continue;
    ++requests;
    const auto body = nlohmann::json::parse(request.body);
    ASSERT_LE(body["input"].size(), 16u);
    size_t shared = 0;
    for (const auto& text : body["input"]) {
      if (text == "the shared reference") ++shared;
      served_tokens += testing::count_words(text.get<std::string>());
    }
    EXPECT_LE(shared, 1u);
    texts_sent += body["input"].size();
  }
  EXPECT_LT(requests, kRequests / 2);
  EXPECT_LT(texts_sent, 2 * kRequests);
  // The batches' tokens, shared out among the requests, add up to what the endpoint counted.
  EXPECT_EQ(tokens, int64_t(served_tokens));
}

TEST(EmbeddingsBatchingTest, AFailedBatchFailsEveryRequestInItOnce) {
  FakeOpenAIServerOptions options;
  options.fail_500 = 1.0;
  FakeOpenAIServer server(options);
  Embedder embedder(server.base_url(), 64);
  ASSERT_TRUE(embedder.built) << embedder.built.message();
  Provider* provider = embedder.provider.get();
  constexpr size_t kRequests = 10;
  Answers answers(kRequests);
  for (size_t i = 0; i < kRequests; ++i) {
    provider->send(inputs({"text " + std::to_string(i)}), answers.slot(i));
  }
  ASSERT_TRUE(answers.wait_all());
  for (size_t i = 0; i < kRequests; ++i) {
    EXPECT_EQ(answers.calls(i), 1);
    EXPECT_FALSE(answers.at(i).ok);
    EXPECT_EQ(answers.at(i).error_kind, "server");
    EXPECT_TRUE(answers.at(i).embeddings.empty());
  }
}

// A hostile endpoint's answers (bodies cut short, not JSON, the wrong number of vectors...)
// fail every request of the batch once, with the reason, and never hand one request
// another's vectors.
TEST(EmbeddingsBatchingTest, AMalformedAnswerFailsEveryRequestInTheBatchOnce) {
  FakeOpenAIServerOptions options;
  options.malformed = 1.0;
  FakeOpenAIServer server(options);
  Embedder embedder(server.base_url(), 64);
  ASSERT_TRUE(embedder.built) << embedder.built.message();
  constexpr size_t kRequests = 12;
  Answers answers(kRequests);
  for (size_t i = 0; i < kRequests; ++i) {
    embedder.provider->send(inputs({"text " + std::to_string(i), "shared"}), answers.slot(i));
  }
  ASSERT_TRUE(answers.wait_all());
  for (size_t i = 0; i < kRequests; ++i) {
    EXPECT_EQ(answers.calls(i), 1);
    EXPECT_FALSE(answers.at(i).ok);
    EXPECT_FALSE(answers.at(i).error.empty());
    EXPECT_TRUE(answers.at(i).embeddings.empty());
  }
}

TEST(EmbeddingsBatchingTest, RequestsWithOtherParametersGoSeparately) {
  FakeOpenAIServer server(FakeOpenAIServerOptions{});
  Embedder embedder(server.base_url(), 64);
  ASSERT_TRUE(embedder.built) << embedder.built.message();
  Provider* provider = embedder.provider.get();
  Answers answers(4);
  provider->send(inputs({"a"}, {{"user", "alice"}}), answers.slot(0));
  provider->send(inputs({"b"}, {{"user", "bob"}}), answers.slot(1));
  provider->send(inputs({"c"}, {{"user", "alice"}}), answers.slot(2));
  provider->send(inputs({"d", "e", "f"}), answers.slot(3));  // more inputs than one text
  ASSERT_TRUE(answers.wait_all());
  for (size_t i = 0; i < 4; ++i) ASSERT_TRUE(answers.at(i).ok) << answers.at(i).error;
  EXPECT_EQ(answers.at(3).embeddings.size(), 3u);
  EXPECT_EQ(answers.at(3).embeddings[2], testing::fake_embedding("f", 8));
  std::map<std::string, std::vector<std::string>> sent_by_user;
  for (const auto& request : server.request_log()) {
    if (request.path != "/v1/embeddings") continue;
    const auto body = nlohmann::json::parse(request.body);
    auto& sent = sent_by_user[body.value("user", "")];
    for (const auto& text : body["input"]) sent.push_back(text.get<std::string>());
  }
  EXPECT_EQ(sent_by_user["alice"], (std::vector<std::string>{"a", "c"}));
  EXPECT_EQ(sent_by_user["bob"], (std::vector<std::string>{"b"}));
  EXPECT_EQ(sent_by_user[""], (std::vector<std::string>{"d", "e", "f"}));
}

}  // namespace
}  // namespace evalkit

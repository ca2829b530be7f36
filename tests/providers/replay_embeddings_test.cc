// Embedding answers in replay files: recorded by ResponseRecorder, loaded by ReplayBook,
// and answered by the replay provider only when they fit the request.
#include <fstream>
#include <memory>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "evalkit/providers/provider.h"
#include "evalkit/providers/replay_provider.h"
#include "evalkit/providers/response_recorder.h"
#include "tests/support/process.h"

namespace evalkit {
namespace {

using ::testing::HasSubstr;

ProviderConfig embedder(const std::string& responses_file) {
  ProviderConfig config;
  config.id = "embedder";
  config.type = "openai-embeddings";
  config.model = "fake-embedding";
  config.dimensions = 3;
  config.responses_file = responses_file;
  return config;
}

ModelRequest embedding_request(std::vector<std::string> inputs) {
  ModelRequest request;
  request.kind = ModelRequest::Kind::kEmbedding;
  request.provider_id = "embedder";
  request.inputs = std::move(inputs);
  return request;
}

ModelResponse answer_from(Provider& provider, const ModelRequest& request) {
  ModelResponse answer;
  provider.send(request, [&](ModelResponse response) { answer = std::move(response); });
  return answer;
}

void record(const std::string& path, const ProviderConfig& config, const ModelRequest& request,
            const ModelResponse& response) {
  ResponseRecorder recorder;
  ASSERT_TRUE(recorder.open(path).is_ok());
  const nlohmann::json params = replay_params(config, request);
  recorder.record(replay_key(config.model, request, params), config.model, request, params,
                  response);
}

TEST(ReplayEmbeddingsTest, RecordedVectorsComeBackExactly) {
  const std::string path = testing::make_temp_dir("replay-embeddings") + "/rec.jsonl";
  const ProviderConfig config = embedder(path);
  const ModelRequest request = embedding_request({"Paris", "the capital of France"});
  ModelResponse live;
  live.ok = true;
  live.embeddings = {{0.1f, -2.5e-7f, 3.0f}, {1.0f / 3.0f, 0.0f, -0.75f}};
  live.prompt_tokens = 7;
  record(path, config, request, live);

  std::unique_ptr<Provider> replay;
  ASSERT_TRUE(make_replay_provider(config, &replay).is_ok());
  const ModelResponse answer = answer_from(*replay, request);
  ASSERT_TRUE(answer.ok) << answer.error;
  EXPECT_TRUE(answer.cached);
  EXPECT_EQ(answer.embeddings, live.embeddings);  // float for float, not approximately
  EXPECT_EQ(answer.prompt_tokens, 7);

  // Other texts, or other dimensions, were never recorded.
  const ModelResponse other = answer_from(*replay, embedding_request({"Paris"}));
  EXPECT_EQ(other.error_kind, error_kind::kReplayMiss);
  ProviderConfig wider = config;
  wider.dimensions = 4;
  ASSERT_TRUE(make_replay_provider(wider, &replay).is_ok());
  EXPECT_EQ(answer_from(*replay, request).error_kind, error_kind::kReplayMiss);
}

TEST(ReplayEmbeddingsTest, AnAnswerWithTheWrongNumberOfVectorsIsMalformed) {
  const std::string path = testing::make_temp_dir("replay-embeddings") + "/rec.jsonl";
  const ProviderConfig config = embedder(path);
  const ModelRequest request = embedding_request({"one", "two"});
  ModelResponse short_answer;
  short_answer.ok = true;
  short_answer.embeddings = {{1, 2, 3}};
  record(path, config, request, short_answer);

  std::unique_ptr<Provider> replay;
  ASSERT_TRUE(make_replay_provider(config, &replay).is_ok());
  const ModelResponse answer = answer_from(*replay, request);
  EXPECT_FALSE(answer.ok);
  EXPECT_EQ(answer.error_kind, error_kind::kMalformed);
  EXPECT_THAT(answer.error, HasSubstr("holds 1 embeddings for 2 inputs"));
}

TEST(ReplayEmbeddingsTest, ABadEmbeddingsLineNamesFileAndLine) {
  const std::string path = testing::make_temp_dir("replay-embeddings") + "/rec.jsonl";
  std::ofstream(path) << R"({"key": "a", "response": {"text": "fine"}})"
                      << "\n"
                      << R"({"key": "b", "response": {"embeddings": [[0.5, "x"]]}})"
                      << "\n";
  ReplayBook book;
  const Status status = book.load(path);
  ASSERT_FALSE(status.is_ok());
  EXPECT_THAT(status.message(), HasSubstr("rec.jsonl:2"));
  EXPECT_THAT(status.message(), HasSubstr("\"embeddings\"[0] holds a non-number"));

  std::ofstream(path) << R"({"key": "c", "response": {"embeddings": {"0": [1]}}})"
                      << "\n";
  const Status shape = book.load(path);
  ASSERT_FALSE(shape.is_ok());
  EXPECT_THAT(shape.message(), HasSubstr("rec.jsonl:1"));
  EXPECT_THAT(shape.message(), HasSubstr("must be an array of arrays"));
}

}  // namespace
}  // namespace evalkit

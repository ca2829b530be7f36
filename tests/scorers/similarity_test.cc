#include "evalkit/scorers/similarity.h"

#include <cmath>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/support/scorer_fixture.h"

namespace evalkit {
namespace {

using ::testing::HasSubstr;

TEST(SimilarityMathTest, CosineOfGivenVectors) {
  // (1,2,3).(4,5,6) = 32; |a| = sqrt(14), |b| = sqrt(77).
  EXPECT_NEAR(raw_similarity(SimilarityMetric::kCosine, {1, 2, 3}, {4, 5, 6}),
              32.0 / std::sqrt(14.0 * 77.0), 1e-7);
  EXPECT_NEAR(raw_similarity(SimilarityMetric::kCosine, {1, 0}, {0, 1}), 0.0, 1e-12);
  EXPECT_NEAR(raw_similarity(SimilarityMetric::kCosine, {1, 1}, {-2, -2}), -1.0, 1e-7);
  EXPECT_NEAR(raw_similarity(SimilarityMetric::kCosine, {3, 4}, {6, 8}), 1.0, 1e-7);
  EXPECT_EQ(raw_similarity(SimilarityMetric::kCosine, {0, 0}, {1, 2}), 0.0);
}

TEST(SimilarityMathTest, DotAndEuclidean) {
  EXPECT_NEAR(raw_similarity(SimilarityMetric::kDot, {1, 2, 3}, {4, 5, 6}), 32.0, 1e-6);
  EXPECT_NEAR(raw_similarity(SimilarityMetric::kEuclidean, {0, 0}, {3, 4}), -5.0, 1e-6);
}

TEST(SimilarityMathTest, ValuesMapOntoZeroToOne) {
  EXPECT_DOUBLE_EQ(similarity_value(SimilarityMetric::kCosine, 0.9), 0.9);
  EXPECT_DOUBLE_EQ(similarity_value(SimilarityMetric::kCosine, -0.4), 0.0);
  EXPECT_DOUBLE_EQ(similarity_value(SimilarityMetric::kDot, 32.0), 1.0);
  EXPECT_DOUBLE_EQ(similarity_value(SimilarityMetric::kEuclidean, 0.0), 1.0);
  EXPECT_DOUBLE_EQ(similarity_value(SimilarityMetric::kEuclidean, -1.0), 0.5);
  EXPECT_DOUBLE_EQ(similarity_value(SimilarityMetric::kEuclidean, -3.0), 0.25);
}

ModelResponse embeddings(std::vector<std::vector<float>> vectors) {
  ModelResponse response;
  response.ok = true;
  response.embeddings = std::move(vectors);
  return response;
}

Score score_with(const Scorer& scorer, const std::vector<std::string>& expected,
                 const std::vector<ModelResponse>& responses) {
  const nlohmann::json vars = nlohmann::json::object();
  ScoreInput input;
  input.output = "the output";
  input.expected = &expected;
  input.vars = &vars;
  input.model_responses = &responses;
  return scorer.score(input);
}

TEST(SimilarityScorerTest, AsksForOutputAndReferencesInOneRequest) {
  auto scorer = testing::make_test_scorer("similarity", {{"provider", "embedder"}});
  const std::vector<std::string> expected = {"first", "second"};
  const nlohmann::json vars = nlohmann::json::object();
  ScoreInput input;
  input.output = "answer";
  input.expected = &expected;
  input.vars = &vars;
  const auto requests = scorer->requests(input);
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0].kind, ModelRequest::Kind::kEmbedding);
  EXPECT_EQ(requests[0].provider_id, "embedder");
  EXPECT_EQ(requests[0].inputs, (std::vector<std::string>{"answer", "first", "second"}));
}

TEST(SimilarityScorerTest, BestReferenceWinsAndThresholdDecides) {
  auto scorer = testing::make_test_scorer("similarity", {{"provider", "embedder"}});
  // Output (4,3); references at cosine 3/5 and exactly 4/5.
  const Score score = score_with(*scorer, {"far", "near"}, {embeddings({{4, 3}, {0, 1}, {1, 0}})});
  EXPECT_FALSE(score.error) << score.reason;
  EXPECT_NEAR(score.value, 0.8, 1e-6);
  EXPECT_TRUE(score.pass);  // default threshold 0.8
  EXPECT_EQ(score.details["best_reference"], 1);
  EXPECT_EQ(score.details["metric"], "cosine");
  EXPECT_NEAR(score.details["similarity"].get<double>(), 0.8, 1e-6);

  ScorerSpec strict;
  strict.type = "similarity";
  strict.options = {{"provider", "embedder"}, {"metric", "euclidean"}};
  strict.threshold = 0.9;
  std::string error;
  auto euclidean = make_similarity_scorer(strict, &error);
  ASSERT_NE(euclidean, nullptr) << error;
  const Score far = score_with(*euclidean, {"near"}, {embeddings({{0, 0}, {3, 4}})});
  EXPECT_NEAR(far.value, 1.0 / 6.0, 1e-6);
  EXPECT_FALSE(far.pass);
}

TEST(SimilarityScorerTest, EmbeddingErrorsAreScorerErrors) {
  auto scorer = testing::make_test_scorer("similarity", {{"provider", "embedder"}});
  ModelResponse failed;
  failed.error = "HTTP 500: boom";
  const Score score = score_with(*scorer, {"ref"}, {failed});
  EXPECT_TRUE(score.error);
  EXPECT_THAT(score.reason, HasSubstr("HTTP 500: boom"));
  const Score short_answer = score_with(*scorer, {"ref"}, {embeddings({{1, 0}})});
  EXPECT_TRUE(short_answer.error);
  EXPECT_THAT(short_answer.reason, HasSubstr("expected 2 embeddings, got 1"));
  const Score no_reference = score_with(*scorer, {}, {});
  EXPECT_TRUE(no_reference.error);
}

TEST(SimilarityScorerTest, RejectsBadOptions) {
  EXPECT_THAT(testing::scorer_error("similarity", {{"provider", "e"}, {"metric", "manhattan"}}),
              HasSubstr("cosine, dot or euclidean"));
  EXPECT_THAT(testing::scorer_error("similarity", nlohmann::json::object()),
              HasSubstr("defaults.embedder"));
}

}  // namespace
}  // namespace evalkit

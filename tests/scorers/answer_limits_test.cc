// latency, cost and finish_reason: checks on the answer beyond its text.
#include <gtest/gtest.h>

#include "evalkit/scorers/registry.h"
#include "tests/support/scorer_fixture.h"

namespace evalkit {
namespace {

using nlohmann::json;

Score score_answer(const Scorer& scorer, const ModelAnswer& answer,
                   std::optional<double> cost_usd = std::nullopt) {
  const std::vector<std::string> expected;
  const json vars = json::object();
  ScoreInput input;
  input.output = answer.text;
  input.answer = &answer;
  input.expected = &expected;
  input.vars = &vars;
  input.cost_usd = cost_usd;
  return scorer.score(input);
}

TEST(LatencyScorerTest, TotalSecondsAgainstTheLimit) {
  const auto scorer = testing::make_test_scorer("latency", {{"max", 1.5}});
  ModelAnswer answer;
  answer.latency_s = 1.2;
  const Score fast = score_answer(*scorer, answer);
  EXPECT_TRUE(fast.pass);
  EXPECT_EQ(fast.value, 1.0);
  EXPECT_EQ(fast.reason, "latency 1.2 s is within max 1.5 s");
  EXPECT_EQ(fast.details["seconds"], 1.2);
  answer.latency_s = 1.5;
  EXPECT_TRUE(score_answer(*scorer, answer).pass);  // the limit itself is within
  answer.latency_s = 1.51;
  const Score slow = score_answer(*scorer, answer);
  EXPECT_FALSE(slow.pass);
  EXPECT_EQ(slow.value, 0.0);
  EXPECT_EQ(slow.reason, "latency 1.51 s is over max 1.5 s");
  EXPECT_EQ(scorer->signature(), "latency|max_s:1.5|of:total");
}

TEST(LatencyScorerTest, TimeToFirstTokenNeedsAStreamedAnswer) {
  const auto scorer = testing::make_test_scorer("latency", {{"max", 0.5}, {"of", "first_token"}});
  ModelAnswer answer;
  answer.latency_s = 3;
  const Score unstreamed = score_answer(*scorer, answer);
  EXPECT_TRUE(unstreamed.error);
  EXPECT_NE(unstreamed.reason.find("stream: true"), std::string::npos);
  answer.streamed = true;
  answer.time_to_first_token_s = 0.2;
  const Score streamed = score_answer(*scorer, answer);
  EXPECT_TRUE(streamed.pass) << streamed.reason;  // the total of 3 s does not matter
  EXPECT_EQ(streamed.reason, "time to first token 0.2 s is within max 0.5 s");
}

TEST(LatencyScorerTest, OptionsAreChecked) {
  EXPECT_NE(testing::scorer_error("latency", json::object()).find("'max'"), std::string::npos);
  EXPECT_NE(testing::scorer_error("latency", {{"max", 0}}), "");
  EXPECT_NE(testing::scorer_error("latency", {{"max", "2s"}}), "");
  EXPECT_NE(testing::scorer_error("latency", {{"max", 2}, {"of", "first"}}).find("first_token"),
            std::string::npos);
  ScorerSpec spec;
  spec.type = "latency";
  spec.options = {{"max", 2}};
  spec.threshold = 0.5;
  std::unique_ptr<Scorer> scorer;
  EXPECT_NE(make_scorer(spec, &scorer).message().find("'threshold' is for scores"),
            std::string::npos);
}

TEST(CostScorerTest, DollarsAtTheProvidersPrice) {
  const auto scorer = testing::make_test_scorer("cost", {{"max", 0.002}});
  ModelAnswer answer;
  const Score cheap = score_answer(*scorer, answer, 0.0015);
  EXPECT_TRUE(cheap.pass);
  EXPECT_EQ(cheap.reason, "cost $0.0015 is within max $0.002");
  const Score dear = score_answer(*scorer, answer, 0.0031);
  EXPECT_FALSE(dear.pass);
  EXPECT_EQ(dear.reason, "cost $0.0031 is over max $0.002");
  const Score unknown = score_answer(*scorer, answer);
  EXPECT_TRUE(unknown.error);
  EXPECT_NE(unknown.reason.find("price"), std::string::npos);
  EXPECT_NE(testing::scorer_error("cost", json::object()), "");
  EXPECT_NE(testing::scorer_error("cost", {{"max", -1}}), "");
}

TEST(FinishReasonScorerTest, ReasonsMatchAcrossProtocols) {
  const auto scorer = testing::make_test_scorer("finish_reason", {{"value", "length"}});
  ModelAnswer answer;
  answer.finish_reason = "max_tokens";  // Anthropic's and Bedrock's word
  const Score cut = score_answer(*scorer, answer);
  EXPECT_TRUE(cut.pass);
  EXPECT_EQ(cut.reason, "finish reason 'max_tokens' (cut at the token limit)");
  answer.finish_reason = "end_turn";
  const Score done = score_answer(*scorer, answer);
  EXPECT_FALSE(done.pass);
  EXPECT_EQ(done.reason, "finish reason 'end_turn', expected 'length'");
  answer.finish_reason = "";
  EXPECT_FALSE(score_answer(*scorer, answer).pass);

  const auto exact = testing::make_test_scorer(
      "finish_reason", {{"value", {"stop", "tool_calls"}}, {"normalize", false}});
  answer.finish_reason = "end_turn";
  EXPECT_FALSE(score_answer(*exact, answer).pass);
  answer.finish_reason = "tool_calls";
  EXPECT_TRUE(score_answer(*exact, answer).pass);
  EXPECT_NE(testing::scorer_error("finish_reason", json::object()).find("'value'"),
            std::string::npos);
}

}  // namespace
}  // namespace evalkit

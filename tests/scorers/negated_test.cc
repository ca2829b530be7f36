// `negate: true` / `not:` on any scorer: the verdict and value turn around, errors stay errors,
// and suites read both spellings.
#include <gtest/gtest.h>

#include "evalkit/scorers/registry.h"
#include "tests/support/scorer_fixture.h"
#include "tests/support/suite_fixture.h"

namespace evalkit {
namespace {

std::unique_ptr<Scorer> negated(const std::string& type, const nlohmann::json& options,
                                std::optional<double> threshold = std::nullopt) {
  ScorerSpec spec;
  spec.type = type;
  spec.options = options;
  spec.threshold = threshold;
  spec.negate = true;
  std::unique_ptr<Scorer> scorer;
  EXPECT_TRUE(make_scorer(spec, &scorer).is_ok());
  return scorer;
}

TEST(NegatedScorerTest, TurnsVerdictAndValueAround) {
  const auto scorer = negated("contains", {{"value", "sorry"}});
  EXPECT_EQ(scorer->name(), "not_contains");
  EXPECT_EQ(scorer->signature(), "not(contains|src:value|mode:any)");
  const Score clean = testing::score_output(*scorer, "Paris.");
  EXPECT_TRUE(clean.pass);
  EXPECT_EQ(clean.value, 1.0);
  EXPECT_EQ(clean.reason, "not: expected output to contain 'sorry', got 'Paris.'");
  const Score hit = testing::score_output(*scorer, "I'm sorry.");
  EXPECT_FALSE(hit.pass);
  EXPECT_EQ(hit.value, 0.0);
}

TEST(NegatedScorerTest, ContinuousScorersPassBelowTheirThreshold) {
  const auto scorer = negated("levenshtein", nlohmann::json::object(), 0.8);
  const Score far = testing::score_output(*scorer, "completely different", {"Paris"});
  EXPECT_TRUE(far.pass);
  const Score same = testing::score_output(*scorer, "Paris", {"Paris"});
  EXPECT_FALSE(same.pass);
  EXPECT_EQ(same.value, 0.0);
}

TEST(NegatedScorerTest, AnErrorIsNeverTurnedIntoAPass) {
  const auto scorer = negated("exact_match", nlohmann::json::object());
  const Score no_reference = testing::score_output(*scorer, "Paris", {});
  EXPECT_TRUE(no_reference.error);
  EXPECT_FALSE(no_reference.pass);
}

TEST(NegatedScorerTest, SuitesSayNotOrNegate) {
  testing::SuiteFixture fixture("negation");
  fixture.write("r.jsonl", "");
  fixture.write("ok.yaml", R"(
suite: negation
providers: [{id: p, type: replay, responses: r.jsonl}]
prompt: "Say {{x}}"
cases: [{id: a, vars: {x: hi}, expected: hi}]
scorers:
  - {type: contains, value: sorry, negate: true}
  - not: {type: regex, pattern: "^No"}
  - not: {not: exact_match}
  - {type: icontains, value: x, negate: false}
)");
  Suite suite;
  const Status status = fixture.load("ok.yaml", &suite);
  ASSERT_TRUE(status.is_ok()) << status.message();
  ASSERT_EQ(suite.scorers.size(), 4u);
  EXPECT_TRUE(suite.scorers[0].negate);
  EXPECT_TRUE(suite.scorers[1].negate);
  EXPECT_EQ(suite.scorers[1].type, "regex");
  EXPECT_FALSE(suite.scorers[2].negate);  // not: not: is the scorer itself
  EXPECT_FALSE(suite.scorers[3].negate);

  fixture.write("bad.yaml", R"(
suite: negation
providers: [{id: p, type: replay, responses: r.jsonl}]
prompt: "Say {{x}}"
cases: [{id: a, vars: {x: hi}}]
scorers:
  - {type: contains, value: sorry, negate: yes please}
)");
  EXPECT_EQ(fixture.error("bad.yaml"),
            "bad.yaml:7:44: expected true or false for 'negate', got 'yes please'");
}

}  // namespace
}  // namespace evalkit

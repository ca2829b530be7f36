#include <gtest/gtest.h>

#include "evalkit/scorers/registry.h"
#include "tests/support/scorer_fixture.h"

namespace evalkit {
namespace {

using testing::make_test_scorer;
using testing::score_output;
using testing::scorer_error;

TEST(ExactMatchTest, ExactWithoutNormalization) {
  const auto scorer = make_test_scorer("exact_match");
  const Score hit = score_output(*scorer, "Paris", {"Paris"});
  EXPECT_EQ(hit.value, 1.0);
  EXPECT_TRUE(hit.pass);
  EXPECT_EQ(hit.name, "exact_match");
  EXPECT_EQ(hit.type, "exact_match");
  const Score miss = score_output(*scorer, "paris.", {"Paris"});
  EXPECT_EQ(miss.value, 0.0);
  EXPECT_FALSE(miss.pass);
  EXPECT_FALSE(miss.error);
  EXPECT_EQ(miss.reason, "expected 'Paris', got 'paris.'");
  EXPECT_EQ(scorer->signature(), "exact_match|norm:none");
}

TEST(ExactMatchTest, NormalizesBothSides) {
  const auto scorer = make_test_scorer(
      "exact_match",
      {{"normalize", {"lower", "trim", "strip_punctuation", "collapse_whitespace"}}});
  EXPECT_TRUE(score_output(*scorer, "  The  Eiffel\tTower!\n", {"the eiffel tower"}).pass);
  EXPECT_TRUE(score_output(*scorer, "paris", {"PARIS."}).pass);
  EXPECT_FALSE(score_output(*scorer, "paris france", {"paris"}).pass);
  EXPECT_EQ(scorer->signature(),
            "exact_match|norm:lower,trim,strip_punctuation,collapse_whitespace");
}

TEST(ExactMatchTest, AnyReferenceMatches) {
  const auto scorer = make_test_scorer("exact_match", {{"normalize", "lower"}});
  const Score score = score_output(*scorer, "nyc", {"New York", "NYC"});
  EXPECT_TRUE(score.pass);
  EXPECT_EQ(score.reason, "matched 'NYC'");
  const Score miss = score_output(*scorer, "LA", {"New York", "NYC"});
  EXPECT_EQ(miss.reason, "expected 'New York' or 'NYC', got 'LA'");
}

TEST(ExactMatchTest, NoReferenceIsAnError) {
  const auto scorer = make_test_scorer("exact_match");
  const Score score = score_output(*scorer, "anything", {});
  EXPECT_TRUE(score.error);
  EXPECT_FALSE(score.pass);
}

TEST(ExactMatchTest, LongTextsAreCutInReasons) {
  const auto scorer = make_test_scorer("exact_match");
  const std::string long_output(200, 'x');
  const Score score = score_output(*scorer, long_output, {"y"});
  EXPECT_EQ(score.reason, "expected 'y', got '" + std::string(80, 'x') + "…'");
}

TEST(ExactMatchTest, ThresholdNameAndWeightComeFromTheSpec) {
  ScorerSpec spec;
  spec.type = "exact_match";
  spec.name = "capital";
  spec.weight = 2.5;
  std::unique_ptr<Scorer> scorer;
  ASSERT_TRUE(make_scorer(spec, &scorer).is_ok());
  const Score score = score_output(*scorer, "a", {"a"});
  EXPECT_EQ(score.name, "capital");
  EXPECT_EQ(score.weight, 2.5);
}

TEST(ExactMatchTest, RejectsBadOptions) {
  EXPECT_EQ(scorer_error("exact_match", {{"normalise", {"lower"}}}),
            "scorer 'exact_match': unknown option 'normalise' (did you mean 'normalize'?)");
  EXPECT_EQ(scorer_error("exact_match", {{"normalize", {"lowr"}}}),
            "scorer 'exact_match': unknown normalize step 'lowr' (did you mean 'lower'?)");
  EXPECT_EQ(scorer_error("exact_match", {{"normalize", {{"step", "lower"}}}}),
            "scorer 'exact_match': option 'normalize' expects a string or a list of strings");
  // A number where text is expected is taken as its text.
  EXPECT_EQ(scorer_error("exact_match", {{"normalize", 3}}),
            "scorer 'exact_match': unknown normalize step '3'");
}

TEST(ExactMatchTest, UnknownTypeSuggestsTheClosest) {
  EXPECT_EQ(scorer_error("exact_mach", nlohmann::json::object()),
            "scorer 'exact_mach' is unknown (did you mean 'exact_match'?)");
}

}  // namespace
}  // namespace evalkit

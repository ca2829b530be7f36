// contains, icontains, not_contains, starts_with: they share option handling.
#include <gtest/gtest.h>

#include "tests/support/scorer_fixture.h"

namespace evalkit {
namespace {

using testing::make_test_scorer;
using testing::score_output;
using testing::scorer_error;

TEST(ContainsTest, DefaultsToExpectedAnswers) {
  const auto scorer = make_test_scorer("contains");
  const Score hit = score_output(*scorer, "The capital is Paris.", {"Lyon", "Paris"});
  EXPECT_TRUE(hit.pass);
  EXPECT_EQ(hit.value, 1.0);
  EXPECT_EQ(hit.reason, "output does contain 'Paris'");
  const Score miss = score_output(*scorer, "The capital is paris.", {"Paris"});
  EXPECT_FALSE(miss.pass);
  EXPECT_EQ(miss.reason, "expected output to contain 'Paris', got 'The capital is paris.'");
  EXPECT_EQ(scorer->signature(), "contains|src:expected|mode:any");
  EXPECT_TRUE(score_output(*scorer, "x", {}).error);
}

TEST(ContainsTest, ValueOptionAndAllMode) {
  const auto any = make_test_scorer("contains", {{"value", {"alpha", "beta"}}});
  EXPECT_TRUE(score_output(*any, "beta only", {"ignored"}).pass);
  const auto all = make_test_scorer("contains", {{"value", {"alpha", "beta"}}, {"mode", "all"}});
  EXPECT_FALSE(score_output(*all, "beta only").pass);
  EXPECT_EQ(score_output(*all, "beta only").reason,
            "expected output to contain 'alpha', got 'beta only'");
  EXPECT_TRUE(score_output(*all, "alpha and beta").pass);
  EXPECT_EQ(all->signature(), "contains|src:value|mode:all");
  const auto single = make_test_scorer("contains", {{"value", "needle"}});
  EXPECT_TRUE(score_output(*single, "haystack needle").pass);
}

TEST(ContainsTest, RejectsBadOptions) {
  EXPECT_EQ(scorer_error("contains", {{"mode", "some"}}),
            "scorer 'contains': option 'mode' must be 'any' or 'all', not 'some'");
  EXPECT_EQ(scorer_error("contains", {{"values", "x"}}),
            "scorer 'contains': unknown option 'values' (did you mean 'value'?)");
  EXPECT_EQ(scorer_error("contains", {{"value", nlohmann::json::array()}}),
            "scorer 'contains': option 'value' is an empty list");
}

TEST(IContainsTest, IgnoresCase) {
  const auto scorer = make_test_scorer("icontains");
  EXPECT_TRUE(score_output(*scorer, "THE CAPITAL IS PARIS", {"paris"}).pass);
  EXPECT_FALSE(score_output(*scorer, "Lyon", {"paris"}).pass);
}

TEST(NotContainsTest, PassesOnlyWhenNoValueAppears) {
  const auto scorer = make_test_scorer("not_contains", {{"value", {"sorry", "as an AI"}}});
  EXPECT_TRUE(score_output(*scorer, "Paris").pass);
  const Score miss = score_output(*scorer, "I am sorry, I cannot");
  EXPECT_FALSE(miss.pass);
  EXPECT_EQ(miss.reason, "expected output to not contain 'sorry', got 'I am sorry, I cannot'");
  EXPECT_EQ(scorer->signature(), "not_contains|src:value|mode:all");
  EXPECT_EQ(scorer_error("not_contains", {{"mode", "any"}}),
            "scorer 'not_contains': unknown option 'mode'");
}

TEST(StartsWithTest, ChecksThePrefix) {
  const auto scorer = make_test_scorer("starts_with", {{"value", {"Yes", "No"}}});
  EXPECT_TRUE(score_output(*scorer, "No, because").pass);
  EXPECT_FALSE(score_output(*scorer, "Well, yes").pass);
  const auto by_expected = make_test_scorer("starts_with");
  EXPECT_TRUE(score_output(*by_expected, "Paris is the capital", {"Paris"}).pass);
  EXPECT_FALSE(score_output(*by_expected, "It is Paris", {"Paris"}).pass);
}

}  // namespace
}  // namespace evalkit

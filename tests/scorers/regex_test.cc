#include <gtest/gtest.h>

#include "tests/support/scorer_fixture.h"

namespace evalkit {
namespace {

using testing::make_test_scorer;
using testing::score_output;
using testing::scorer_error;

TEST(RegexTest, SearchesAnywhereInTheOutput) {
  const auto scorer = make_test_scorer("regex", {{"pattern", "\\b\\d{4}-\\d{2}-\\d{2}\\b"}});
  const Score hit = score_output(*scorer, "It happened on 1969-07-20 at night.");
  EXPECT_TRUE(hit.pass);
  EXPECT_EQ(hit.reason, "matched '1969-07-20'");
  const Score miss = score_output(*scorer, "It happened in July.");
  EXPECT_FALSE(miss.pass);
  EXPECT_EQ(miss.value, 0.0);
  EXPECT_EQ(scorer->signature(), "regex|pattern:\\b\\d{4}-\\d{2}-\\d{2}\\b|case:exact");
}

TEST(RegexTest, AnchorsAndIgnoreCase) {
  const auto exact = make_test_scorer("regex", {{"pattern", "^yes$"}});
  EXPECT_FALSE(score_output(*exact, "YES").pass);
  EXPECT_FALSE(score_output(*exact, "yes sir").pass);
  const auto loose = make_test_scorer("regex", {{"pattern", "^yes$"}, {"ignore_case", true}});
  EXPECT_TRUE(score_output(*loose, "YES").pass);
  EXPECT_EQ(loose->signature(), "regex|pattern:^yes$|case:ignore");
}

TEST(RegexTest, InvalidOrMissingPatternIsAFactoryError) {
  const std::string error = scorer_error("regex", {{"pattern", "(unclosed"}});
  EXPECT_NE(error.find("invalid pattern /(unclosed/"), std::string::npos) << error;
  EXPECT_EQ(scorer_error("regex", nlohmann::json::object()),
            "scorer 'regex': option 'pattern' is required");
  EXPECT_EQ(scorer_error("regex", {{"pattern", "a"}, {"ignore_case", "yes"}}),
            "scorer 'regex': option 'ignore_case' expects true or false");
}

}  // namespace
}  // namespace evalkit

#include "evalkit/base/suggest.h"

#include <gtest/gtest.h>

namespace evalkit {
namespace {

TEST(SuggestTest, FindsCloseTypos) {
  const std::vector<std::string> names = {"rouge", "bleu", "exact_match", "regex"};
  EXPECT_EQ(closest_match("rogue", names), "rouge");
  EXPECT_EQ(closest_match("exact_mach", names), "exact_match");
  EXPECT_EQ(did_you_mean("blue", names), " (did you mean 'bleu'?)");
}

TEST(SuggestTest, StaysQuietWhenNothingIsClose) {
  const std::vector<std::string> names = {"rouge", "bleu"};
  EXPECT_EQ(closest_match("similarity", names), "");
  EXPECT_EQ(did_you_mean("xyz", names), "");
}

}  // namespace
}  // namespace evalkit

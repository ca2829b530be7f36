#include "evalkit/gate/holm.h"

#include <gtest/gtest.h>

namespace evalkit {
namespace {

TEST(HolmTest, TextbookExample) {
  // Sorted: 0.005, 0.01, 0.03, 0.04 -> x4, x3, x2, x1 = 0.02, 0.03, 0.06, 0.04, and the
  // running maximum lifts the last to 0.06. Output keeps the input order.
  const std::vector<double> adjusted = holm_adjust({0.01, 0.04, 0.03, 0.005});
  ASSERT_EQ(adjusted.size(), 4u);
  EXPECT_DOUBLE_EQ(adjusted[0], 0.03);
  EXPECT_DOUBLE_EQ(adjusted[1], 0.06);
  EXPECT_DOUBLE_EQ(adjusted[2], 0.06);
  EXPECT_DOUBLE_EQ(adjusted[3], 0.02);
}

TEST(HolmTest, CapsAtOneAndLeavesASingleTestAlone) {
  const std::vector<double> adjusted = holm_adjust({0.6, 0.7});
  EXPECT_DOUBLE_EQ(adjusted[0], 1.0);
  EXPECT_DOUBLE_EQ(adjusted[1], 1.0);
  EXPECT_DOUBLE_EQ(holm_adjust({0.03})[0], 0.03);
  EXPECT_TRUE(holm_adjust({}).empty());
}

TEST(HolmTest, RejectsFewerThanUnadjustedButMoreThanBonferroni) {
  const std::vector<double> p = {0.012, 0.02, 0.04};
  const std::vector<double> adjusted = holm_adjust(p);
  // Bonferroni would give 0.036, 0.06, 0.12: only the first below 0.05.
  // Holm: 0.036, 0.04, 0.04: all three.
  EXPECT_DOUBLE_EQ(adjusted[0], 0.036);
  EXPECT_DOUBLE_EQ(adjusted[1], 0.04);
  EXPECT_DOUBLE_EQ(adjusted[2], 0.04);
}

}  // namespace
}  // namespace evalkit

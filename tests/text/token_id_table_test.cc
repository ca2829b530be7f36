#include "evalkit/text/token_id_table.h"

#include <string>

#include <gtest/gtest.h>

namespace evalkit {
namespace {

TEST(TokenIdTableTest, IdsAreDenseAndStable) {
  TokenIdTable table;
  EXPECT_EQ(table.intern("the"), 0u);
  EXPECT_EQ(table.intern("cat"), 1u);
  EXPECT_EQ(table.intern("the"), 0u);
  EXPECT_EQ(table.intern(""), 2u);
  EXPECT_EQ(table.size(), 3u);
  EXPECT_EQ(table.token(1), "cat");
  EXPECT_EQ(table.token(2), "");
}

TEST(TokenIdTableTest, SurvivesGrowthAndSimilarTokens) {
  TokenIdTable table;
  // Many tokens force several rehashes; prefixes and equal lengths stress the comparison.
  for (int i = 0; i < 20000; ++i) {
    EXPECT_EQ(table.intern("token" + std::to_string(i)), static_cast<uint32_t>(i));
  }
  for (int i = 0; i < 20000; i += 997) {
    EXPECT_EQ(table.intern("token" + std::to_string(i)), static_cast<uint32_t>(i));
    EXPECT_EQ(table.token(i), "token" + std::to_string(i));
  }
  EXPECT_EQ(table.intern("a-very-long-token-over-sixteen-bytes"), 20000u);
  EXPECT_EQ(table.intern("a-very-long-token-over-sixteen-byteZ"), 20001u);
}

TEST(TokenIdTableTest, ClearStartsOver) {
  TokenIdTable table;
  table.intern("x");
  table.intern("y");
  table.clear();
  EXPECT_EQ(table.size(), 0u);
  EXPECT_EQ(table.intern("y"), 0u);
}

}  // namespace
}  // namespace evalkit

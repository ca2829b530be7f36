#include "evalkit/base/json_parse.h"

#include <string>

#include <gtest/gtest.h>

namespace evalkit {
namespace {

std::string nested_arrays(size_t depth) {
  return std::string(depth, '[') + std::string(depth, ']');
}

TEST(JsonParseTest, NestingUpToTheLimitParses) {
  const nlohmann::json value = parse_untrusted_json(nested_arrays(kMaxJsonDepth));
  ASSERT_FALSE(value.is_discarded());
  EXPECT_EQ(value.dump().size(), 2 * kMaxJsonDepth);
}

TEST(JsonParseTest, DeeperNestingIsMalformedNotACrash) {
  // 100,000 levels: dumping such a value would recurse 100,000 deep and overflow the stack.
  EXPECT_TRUE(parse_untrusted_json(nested_arrays(kMaxJsonDepth + 1)).is_discarded());
  EXPECT_TRUE(parse_untrusted_json(nested_arrays(100000)).is_discarded());
  const std::string objects = [] {
    std::string text;
    for (int i = 0; i < 100000; ++i) text += "{\"a\":";
    return text + "1" + std::string(100000, '}');
  }();
  EXPECT_TRUE(parse_untrusted_json(objects).is_discarded());
}

TEST(JsonParseTest, BracketsInsideStringsDoNotCount) {
  const std::string text = "{\"s\": \"" + std::string(5000, '[') + "\\\"" + "\"}";
  const nlohmann::json value = parse_untrusted_json(text);
  ASSERT_FALSE(value.is_discarded());
  EXPECT_EQ(value["s"].get<std::string>().size(), 5001u);
}

TEST(JsonParseTest, OverflowOffsetNamesTheFirstTooDeepBracket) {
  EXPECT_EQ(json_nesting_overflow("[[[]]]", 2), 2u);
  EXPECT_EQ(json_nesting_overflow("[[]][[]]", 2), std::string_view::npos);
  EXPECT_EQ(json_nesting_overflow("{\"a\":[{}]}", 2), 6u);
}

TEST(JsonParseTest, ThrowingParseRefusesDepthWithAParseError) {
  try {
    (void)parse_json_within_depth(nested_arrays(100000));
    FAIL() << "no exception";
  } catch (const nlohmann::json::parse_error& e) {
    EXPECT_EQ(e.byte, kMaxJsonDepth + 1);
  }
  EXPECT_EQ(parse_json_within_depth("[1,[2]]").dump(), "[1,[2]]");
}

TEST(JsonParseTest, NumberTooLargeIsDiscarded) {
  EXPECT_TRUE(parse_untrusted_json("1e999999").is_discarded());
}

}  // namespace
}  // namespace evalkit

#include "evalkit/text/normalize.h"

#include <string>

#include <gtest/gtest.h>

#include "evalkit/text/code_fence.h"
#include "evalkit/text/excerpt.h"

namespace evalkit {
namespace {

TEST(NormalizeTest, StepsApplyInOrder) {
  using S = NormalizeStep;
  EXPECT_EQ(normalize_text("  Hello,   World!  ", {S::kLower}), "  hello,   world!  ");
  EXPECT_EQ(normalize_text("  Hello,   World!  ", {S::kTrim}), "Hello,   World!");
  EXPECT_EQ(normalize_text(" a \t\n b ", {S::kCollapseWhitespace}), " a b ");
  EXPECT_EQ(normalize_text("a-b, c!", {S::kStripPunctuation}), "ab c");
  EXPECT_EQ(normalize_text(" A , B ", {S::kStripPunctuation, S::kCollapseWhitespace, S::kTrim}),
            "A B");
}

TEST(NormalizeTest, LowerLeavesUtf8Alone) { EXPECT_EQ(ascii_lower("ÉCOLE Été"), "École Été"); }

// `lower` maps exactly the 26 ASCII capitals to their small letters and keeps every other
// byte, the neighbours of 'A' and 'Z' ('@', '[') and UTF-8 bytes included.
TEST(NormalizeTest, LowerMapsExactlyTheAsciiCapitals) {
  std::string every_byte;
  for (int b = 0; b < 256; ++b) every_byte.push_back(static_cast<char>(b));
  const std::string lowered = normalize_text(every_byte, {NormalizeStep::kLower});
  ASSERT_EQ(lowered.size(), every_byte.size());
  for (int b = 0; b < 256; ++b) {
    const bool capital = b >= 'A' && b <= 'Z';
    const int expected = capital ? b + ('a' - 'A') : b;
    EXPECT_EQ(static_cast<unsigned char>(lowered[b]), expected) << "byte " << b;
  }
  EXPECT_EQ(normalize_text("AZ az @[`{ ÀZ", {NormalizeStep::kLower}), "az az @[`{ Àz");
}

TEST(NormalizeTest, NamesRoundTrip) {
  for (const auto& name : normalize_step_names()) {
    NormalizeStep step;
    ASSERT_TRUE(parse_normalize_step(name, &step));
    EXPECT_EQ(normalize_step_name(step), name);
  }
  NormalizeStep step;
  EXPECT_FALSE(parse_normalize_step("upper", &step));
  EXPECT_EQ(normalize_signature({}), "none");
}

TEST(ExcerptTest, CutsAtCodePoints) {
  EXPECT_EQ(excerpt("short"), "short");
  EXPECT_EQ(excerpt("ééééé", 3), "ééé…");
  EXPECT_EQ(excerpt("line1\nline2"), "line1\\nline2");
  EXPECT_EQ(quoted_excerpt("abcdef", 4), "'abcd…'");
}

TEST(CodeFenceTest, TakesTheFirstFencedBlock) {
  EXPECT_EQ(strip_code_fence("```json\n{\"a\":1}\n```"), "{\"a\":1}\n");
  EXPECT_EQ(strip_code_fence("intro\n```\nbody\n```\noutro"), "body\n");
  EXPECT_EQ(strip_code_fence("no fence"), "no fence");
  EXPECT_EQ(strip_code_fence("```\nunclosed"), "unclosed");
}

}  // namespace
}  // namespace evalkit

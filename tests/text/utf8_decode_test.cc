#include "evalkit/text/utf8_decode.h"

#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace evalkit {
namespace {

std::vector<char32_t> decode(std::string_view text) {
  std::vector<char32_t> out;
  decode_utf8(text, &out);
  return out;
}

TEST(Utf8DecodeTest, DecodesOneToFourByteSequences) {
  EXPECT_EQ(decode("a\u00e9\u4e2d\U0001F600"),
            (std::vector<char32_t>{U'a', 0xE9, 0x4E2D, 0x1F600}));
  EXPECT_TRUE(decode("").empty());
}

TEST(Utf8DecodeTest, InvalidBytesBecomeReplacementCharacters) {
  constexpr char32_t R = kUtf8Replacement;
  EXPECT_EQ(decode("\xff"), (std::vector<char32_t>{R}));
  EXPECT_EQ(decode("a\x80z"), (std::vector<char32_t>{U'a', R, U'z'}));
  EXPECT_EQ(decode("\xc3"), (std::vector<char32_t>{R}));                // truncated
  EXPECT_EQ(decode("\xc0\xaf"), (std::vector<char32_t>{R, R}));         // overlong
  EXPECT_EQ(decode("\xed\xa0\x80"), (std::vector<char32_t>{R, R, R}));  // surrogate
  EXPECT_EQ(decode("\xe4\xb8x"), (std::vector<char32_t>{R, R, U'x'}));
}

TEST(Utf8DecodeTest, EncodesBackToTheSameBytes) {
  std::string text = "a\u00e9\u4e2d\U0001F600";
  std::string round_trip;
  for (char32_t c : decode(text)) encode_utf8(c, &round_trip);
  EXPECT_EQ(round_trip, text);
}

}  // namespace
}  // namespace evalkit

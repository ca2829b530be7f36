#include "evalkit/text/utf8.h"

#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace evalkit {
namespace {

constexpr char32_t R = kReplacementCharacter;

std::vector<char32_t> decode_bytewise(std::string_view text) {
  std::vector<char32_t> out;
  decode_utf8_bytewise(text, &out);
  return out;
}

std::u32string decode(std::string_view text) {
  std::u32string out;
  decode_utf8(text, &out);
  return out;
}

TEST(Utf8Test, DecodesOneToFourByteSequences) {
  EXPECT_EQ(decode_bytewise("a\u00e9\u4e2d\U0001F600"),
            (std::vector<char32_t>{U'a', 0xE9, 0x4E2D, 0x1F600}));
  EXPECT_EQ(decode("a\u00e9\u4e2d\U0001F600"), (std::u32string{U'a', 0xE9, 0x4E2D, 0x1F600}));
  EXPECT_TRUE(decode_bytewise("").empty());
  EXPECT_TRUE(decode("").empty());
}

TEST(Utf8Test, BytewiseDecodingGivesEveryInvalidByteItsOwnReplacement) {
  EXPECT_EQ(decode_bytewise("\xff"), (std::vector<char32_t>{R}));
  EXPECT_EQ(decode_bytewise("a\x80z"), (std::vector<char32_t>{U'a', R, U'z'}));
  EXPECT_EQ(decode_bytewise("\xc3"), (std::vector<char32_t>{R}));                // truncated
  EXPECT_EQ(decode_bytewise("\xc0\xaf"), (std::vector<char32_t>{R, R}));         // overlong
  EXPECT_EQ(decode_bytewise("\xed\xa0\x80"), (std::vector<char32_t>{R, R, R}));  // surrogate
  EXPECT_EQ(decode_bytewise("\xe4\xb8x"), (std::vector<char32_t>{R, R, U'x'}));
  EXPECT_EQ(decode_bytewise("\xf4\x90\x80\x80"), (std::vector<char32_t>{R, R, R, R}));  // > 10FFFF
}

TEST(Utf8Test, PythonDecodingReplacesEachMaximalInvalidSubsequenceOnce) {
  EXPECT_EQ(decode("\xe4\xb8x"), (std::u32string{R, U'x'}));  // truncated prefix: one U+FFFD
  EXPECT_EQ(decode("\xc0\xaf"), (std::u32string{R, R}));      // C0 never starts a sequence
  EXPECT_EQ(decode("\xed\xa0\x80"), (std::u32string{R, R, R}));
  EXPECT_EQ(decode("\xf0\x9f\x98"), (std::u32string{R}));
  EXPECT_FALSE(is_valid_utf8("\xf0\x9f\x98"));
  EXPECT_TRUE(is_valid_utf8("plain ascii text, longer than eight bytes \U0001F600"));
}

TEST(Utf8Test, EncodesBackToTheSameBytes) {
  const std::string text = "a\u00e9\u4e2d\U0001F600";
  std::string round_trip;
  for (char32_t c : decode_bytewise(text)) append_utf8(c, &round_trip);
  EXPECT_EQ(round_trip, text);
  std::string encoded;
  encode_utf8(decode(text), &encoded);
  EXPECT_EQ(encoded, text);
}

TEST(Utf8Test, EncodesSurrogatesAndOutOfRangeValuesAsTheReplacement) {
  std::string out;
  append_utf8(0xD800, &out);
  append_utf8(0x110000, &out);
  EXPECT_EQ(out, "\xef\xbf\xbd\xef\xbf\xbd");
}

TEST(Utf8Test, RepairsOnlyInvalidText) {
  std::string storage;
  const std::string valid = "caf\u00e9";
  EXPECT_EQ(valid_utf8(valid, &storage).data(), valid.data());
  EXPECT_EQ(valid_utf8("a\xe4\xb8z", &storage), "a\xef\xbf\xbdz");
}

}  // namespace
}  // namespace evalkit

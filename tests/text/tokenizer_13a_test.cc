#include "evalkit/text/tokenizer_13a.h"

#include <string>

#include <gtest/gtest.h>

#include "evalkit/text/python_whitespace.h"
#include "evalkit/text/word_tokenizer.h"
#include "tests/support/golden_jsonl.h"

namespace evalkit {
namespace {

std::string bleu_13a(std::string_view text) {
  std::string out;
  tokenize_for_bleu(text, WordTokenizer::k13a, /*lowercase=*/false, &out);
  return out;
}

// hypothesis_13a / references_13a are sacrebleu's rstrip() + Tokenizer13a output.
TEST(Tokenizer13a, MatchesSacrebleuOnEveryGoldenRecord) {
  const auto records = testing::read_jsonl("golden/bleu.jsonl");
  ASSERT_GE(records.size(), 200u);
  int strings_checked = 0;
  for (const auto& record : records) {
    const std::string id = record.at("id");
    EXPECT_EQ(bleu_13a(record.at("hypothesis").get<std::string>()),
              record.at("hypothesis_13a").get<std::string>())
        << id;
    ++strings_checked;
    const auto& refs = record.at("references");
    const auto& expected = record.at("references_13a");
    ASSERT_EQ(refs.size(), expected.size()) << id;
    for (std::size_t i = 0; i < refs.size(); ++i) {
      EXPECT_EQ(bleu_13a(refs[i].get<std::string>()), expected[i].get<std::string>())
          << id << " reference " << i;
      ++strings_checked;
    }
  }
  std::printf("checked %d strings from %zu golden records\n", strings_checked, records.size());
}

TEST(Tokenizer13a, PeriodsAndCommasStayOnlyBetweenDigits) {
  std::string out;
  tokenize_13a("Pi is 3.14, not 3. Or .5 and 1,234.56.", &out);
  EXPECT_EQ(out, "Pi is 3.14 , not 3 . Or . 5 and 1,234.56 .");
}

TEST(Tokenizer13a, ReSubIsLeftToRightAndNonOverlapping) {
  std::string out;
  tokenize_13a("a.b.c,d,e Wait...", &out);
  EXPECT_EQ(out, "a . b . c , d , e Wait . . .");
}

TEST(Tokenizer13a, HyphenSplitsOnlyAfterDigit) {
  std::string out;
  tokenize_13a("2020-01-15 x-1 -5 state-of-the-art", &out);
  EXPECT_EQ(out, "2020 - 01 - 15 x-1 -5 state-of-the-art");
}

TEST(Tokenizer13a, EntitiesUnescapeInSacrebleuOrder) {
  std::string out;
  tokenize_13a("&amp;lt; &amp;quot; &quot;", &out);
  EXPECT_EQ(out, "< & quot ; \"");  // &quot; survives, then rule 1 splits & and ;
}

TEST(Tokenizer13a, SkippedAndHyphenatedLineBreaks) {
  std::string out;
  tokenize_13a("well-<skipped>\nknown", &out);
  EXPECT_EQ(out, "wellknown");
}

TEST(Tokenizer13a, RstripHappensBeforeTheHyphenRule) {
  // "-\n" at the very end is stripped as whitespace first, so the hyphen stays.
  EXPECT_EQ(bleu_13a("co-\n"), "co-");
  std::string raw;
  tokenize_13a("co-\n", &raw);
  EXPECT_EQ(raw, "co");
}

TEST(Tokenizer13a, InvalidUtf8BecomesReplacementCharacter) {
  std::string out;
  tokenize_13a(
      "ab\xff"
      "cd \xe2\x82",
      &out);
  EXPECT_EQ(out,
            "ab\xef\xbf\xbd"
            "cd \xef\xbf\xbd");
}

TEST(PythonWhitespace, MatchesStrIsspace) {
  for (char32_t cp :
       {0x1C, 0x1F, 0x85, 0xA0, 0x1680, 0x2000, 0x200A, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000}) {
    EXPECT_TRUE(is_python_whitespace(cp)) << std::hex << static_cast<uint32_t>(cp);
  }
  for (char32_t cp : {0x200B, 0x180E, 0xFEFF, 0x1B, 0x21}) {
    EXPECT_FALSE(is_python_whitespace(cp)) << std::hex << static_cast<uint32_t>(cp);
  }
  std::vector<std::string_view> words;
  python_split(
      "a\xc2\xa0"
      "b\xe3\x80\x80"
      "c\x1c"
      "d\xe2\x80\x8b"
      "e",
      &words);
  ASSERT_EQ(words.size(), 4u);
  EXPECT_EQ(words[3],
            "d\xe2\x80\x8b"
            "e");
  EXPECT_EQ(python_rstrip("x \xe2\x80\xa8\xc2\x85"), "x");
}

TEST(TokenizerIntl, SplitsUnicodePunctuationAndSymbols) {
  std::string out;
  tokenize_for_bleu("Hello, «world»! 3.14 costs 5€ — ok", WordTokenizer::kIntl, false, &out);
  EXPECT_EQ(out, "Hello , « world » ! 3.14 costs 5 € — ok");
}

TEST(TokenizerIntl, NumberBeforePunctuationAtTheEndStaysAttached) {
  // mteval-v14's quirk, kept by sacrebleu: "2020." at the end of a line is one token.
  std::string out;
  tokenize_for_bleu("in 2020.", WordTokenizer::kIntl, false, &out);
  EXPECT_EQ(out, "in 2020.");
}

TEST(WordTokenizer, NoneOnlySplitsAndLowercaseIsPythonLower) {
  std::string out;
  tokenize_for_bleu("  Hello,  WORLD. ", WordTokenizer::kNone, false, &out);
  EXPECT_EQ(out, "Hello, WORLD.");
  tokenize_for_bleu("İstanbul ΟΔΟΣ ΟΔΟΣ.", WordTokenizer::kNone, true, &out);
  EXPECT_EQ(out, "i\xcc\x87stanbul οδος οδος.");
}

}  // namespace
}  // namespace evalkit

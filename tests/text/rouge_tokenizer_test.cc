#include "evalkit/text/rouge_tokenizer.h"

#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "tests/support/golden_jsonl.h"

namespace evalkit {
namespace {

using Tokens = std::vector<std::string>;

TEST(RougeTokenizerTest, DefaultMatchesRougeScoreOnEveryGoldenRecord) {
  auto records = testing::read_jsonl("golden/rouge.jsonl");
  ASSERT_EQ(records.size(), 209u);
  for (const auto& record : records) {
    SCOPED_TRACE(record["id"].get<std::string>());
    std::string target = record["target"];
    std::string prediction = record["prediction"];
    constexpr auto kDefault = RougeTokenizerKind::kDefault;
    EXPECT_EQ(rouge_tokenize(target, kDefault, false), record["target_tokens"].get<Tokens>());
    EXPECT_EQ(rouge_tokenize(prediction, kDefault, false),
              record["prediction_tokens"].get<Tokens>());
    EXPECT_EQ(rouge_tokenize(target, kDefault, true), record["target_tokens_stem"].get<Tokens>());
    EXPECT_EQ(rouge_tokenize(prediction, kDefault, true),
              record["prediction_tokens_stem"].get<Tokens>());
  }
}

TEST(RougeTokenizerTest, UnicodeEqualsDefaultOnAsciiText) {
  int ascii_texts = 0;
  for (const auto& record : testing::read_jsonl("golden/rouge.jsonl")) {
    for (const char* field : {"target", "prediction"}) {
      std::string text = record[field];
      bool ascii = true;
      for (char c : text) ascii &= static_cast<unsigned char>(c) < 0x80;
      if (!ascii) continue;
      ++ascii_texts;
      for (bool stem : {false, true}) {
        EXPECT_EQ(rouge_tokenize(text, RougeTokenizerKind::kUnicode, stem),
                  rouge_tokenize(text, RougeTokenizerKind::kDefault, stem))
            << record["id"];
      }
    }
  }
  // 302 of the 418 texts are ASCII; an empty or cut file must not pass.
  EXPECT_GE(ascii_texts, 300);
}

TEST(RougeTokenizerTest, DefaultFollowsPythonLowerForTheTwoSpecialCapitals) {
  constexpr auto kDefault = RougeTokenizerKind::kDefault;
  // U+0130 lowercases to "i" + U+0307, and the combining dot splits the word.
  EXPECT_EQ(rouge_tokenize("\u0130stanbul", kDefault, false), (Tokens{"i", "stanbul"}));
  // U+212A KELVIN SIGN lowercases to "k" and stays inside the token.
  EXPECT_EQ(rouge_tokenize("300\u212A", kDefault, false), (Tokens{"300k"}));
  EXPECT_EQ(rouge_tokenize("caf\u00e9 Stra\u00dfe", kDefault, false), (Tokens{"caf", "stra", "e"}));
  EXPECT_TRUE(rouge_tokenize("\u4e2d\u6587", kDefault, false).empty());
}

TEST(RougeTokenizerTest, DefaultSurvivesInvalidUtf8) {
  std::string text = "ab\xff\xc3(cd\xe2\x82";
  EXPECT_EQ(rouge_tokenize(text, RougeTokenizerKind::kDefault, false), (Tokens{"ab", "cd"}));
}

TEST(RougeTokenizerTest, UnicodeKeepsLettersOfEveryScript) {
  constexpr auto kUnicode = RougeTokenizerKind::kUnicode;
  EXPECT_EQ(rouge_tokenize("Caf\u00e9 NA\u00cfVE Stra\u00dfe", kUnicode, false),
            (Tokens{"caf\u00e9", "na\u00efve", "stra\u00dfe"}));
  EXPECT_EQ(rouge_tokenize("\u041c\u043e\u0441\u043a\u0432\u0430, \u0394\u0395\u039b\u03a4\u0391",
                           kUnicode, false),
            (Tokens{"\u043c\u043e\u0441\u043a\u0432\u0430", "\u03b4\u03b5\u03bb\u03c4\u03b1"}));
  EXPECT_EQ(rouge_tokenize("\u0130stanbul", kUnicode, false), (Tokens{"istanbul"}));
  // A combining accent stays with its letter (no normalization: it is not precomposed).
  EXPECT_EQ(rouge_tokenize("cafe\u0301!", kUnicode, false), (Tokens{"cafe\u0301"}));
}

TEST(RougeTokenizerTest, UnicodeSurvivesInvalidUtf8) {
  std::string text = "ab\xff\xc3(cd\xe2\x82";
  EXPECT_EQ(rouge_tokenize(text, RougeTokenizerKind::kUnicode, false), (Tokens{"ab", "cd"}));
}

TEST(RougeTokenizerTest, UnicodeSplitsUnspacedScriptsIntoCharacters) {
  EXPECT_EQ(rouge_tokenize("ab\u4e2d\u6587 x\u3002", RougeTokenizerKind::kUnicode, false),
            (Tokens{"ab", "\u4e2d", "\u6587", "x"}));
}

TEST(RougeTokenizerTest, UnicodeStemsOnlyAsciiWords) {
  EXPECT_EQ(rouge_tokenize("running caf\u00e9s", RougeTokenizerKind::kUnicode, true),
            (Tokens{"run", "caf\u00e9s"}));
}

TEST(RougeTokenizerTest, ParsesTokenizerNames) {
  RougeTokenizerKind kind = RougeTokenizerKind::kDefault;
  EXPECT_TRUE(parse_rouge_tokenizer("unicode", &kind));
  EXPECT_EQ(kind, RougeTokenizerKind::kUnicode);
  EXPECT_TRUE(parse_rouge_tokenizer("default", &kind));
  EXPECT_EQ(kind, RougeTokenizerKind::kDefault);
  EXPECT_FALSE(parse_rouge_tokenizer("13a", &kind));
}

}  // namespace
}  // namespace evalkit

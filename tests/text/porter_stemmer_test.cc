#include "evalkit/text/porter_stemmer.h"

#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "tests/support/golden_jsonl.h"

namespace evalkit {
namespace {

TEST(PorterStemmerTest, MatchesNltkOnEveryGoldenWord) {
  int words = 0;
  int mismatches = 0;
  for (const nlohmann::json& record : testing::read_jsonl("golden/porter.jsonl")) {
    std::string word = record["word"];
    std::string expected = record["stem"];
    std::string actual = porter_stem(word);
    if (actual != expected) ++mismatches;
    EXPECT_EQ(actual, expected) << "word: " << word;
    ++words;
  }
  EXPECT_EQ(words, 1100);
  EXPECT_EQ(mismatches, 0);
}

TEST(PorterStemmerTest, NltkExtensions) {
  EXPECT_EQ(porter_stem("dying"), "die");  // irregular-forms table
  EXPECT_EQ(porter_stem("skies"), "sky");
  EXPECT_EQ(porter_stem("dies"), "die");  // step 1a, four letters
  EXPECT_EQ(porter_stem("flies"), "fli");
  EXPECT_EQ(porter_stem("died"), "die");  // step 1b, four letters
  EXPECT_EQ(porter_stem("spied"), "spi");
  EXPECT_EQ(porter_stem("enjoy"), "enjoy");  // step 1c keeps y after a vowel
  EXPECT_EQ(porter_stem("happy"), "happi");
  EXPECT_EQ(porter_stem("is"), "is");  // two letters are left alone
  EXPECT_EQ(porter_stem("as"), "as");
}

TEST(PorterStemmerTest, ClassicPorterRules) {
  EXPECT_EQ(porter_stem("caresses"), "caress");
  EXPECT_EQ(porter_stem("ponies"), "poni");
  EXPECT_EQ(porter_stem("agreed"), "agre");
  EXPECT_EQ(porter_stem("hopping"), "hop");
  EXPECT_EQ(porter_stem("filing"), "file");
  EXPECT_EQ(porter_stem("relational"), "relat");
  EXPECT_EQ(porter_stem("generalizations"), "gener");
  EXPECT_EQ(porter_stem("controlling"), "control");
}

TEST(PorterStemmerTest, ReusesTheOutputBuffer) {
  std::string out = "previous contents that are long";
  porter_stem("running", &out);
  EXPECT_EQ(out, "run");
}

}  // namespace
}  // namespace evalkit

#include "evalkit/scorers/levenshtein.h"

#include <random>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "evalkit/scorers/registry.h"
#include "evalkit/text/levenshtein_distance.h"
#include "evalkit/text/utf8.h"
#include "tests/support/scorer_fixture.h"

namespace evalkit {
namespace {

size_t distance(std::string_view a, std::string_view b) {
  std::vector<char32_t> x, y;
  decode_utf8_bytewise(a, &x);
  decode_utf8_bytewise(b, &y);
  return levenshtein_distance(x, y);
}

using testing::score_output;

std::unique_ptr<Scorer> make(const nlohmann::json& options,
                             std::optional<double> threshold = std::nullopt) {
  return testing::make_test_scorer("levenshtein", options, threshold);
}

TEST(LevenshteinTest, HandCheckedDistances) {
  EXPECT_EQ(distance("kitten", "sitting"), 3u);
  EXPECT_EQ(distance("flaw", "lawn"), 2u);
  EXPECT_EQ(distance("", ""), 0u);
  EXPECT_EQ(distance("", "abc"), 3u);
  EXPECT_EQ(distance("abc", ""), 3u);
  EXPECT_EQ(distance("abc", "abc"), 0u);
  EXPECT_EQ(distance("ab", "ba"), 2u);  // no transpositions
}

TEST(LevenshteinTest, CountsCodePointsNotBytes) {
  EXPECT_EQ(distance("caf\u00e9", "cafe"), 1u);        // 2-byte letter, one substitution
  EXPECT_EQ(distance("\u4e2d\u6587", "\u4e2d"), 1u);   // 3-byte characters
  EXPECT_EQ(distance("\U0001F600x", "x"), 1u);         // 4-byte emoji
  EXPECT_EQ(distance("cafe\u0301", "caf\u00e9"), 2u);  // no normalization: e+U+0301 vs é
}

TEST(LevenshteinTest, InvalidUtf8NeverCrashes) {
  EXPECT_EQ(distance("a\xff"
                     "b",
                     "ab"),
            1u);
  EXPECT_EQ(distance("\xe4\xb8", "\xef\xbf\xbd\xef\xbf\xbd"), 0u);  // each bad byte is U+FFFD
}

TEST(LevenshteinTest, BitParallelAndLongInputsAgreeWithTheTable) {
  std::mt19937 random(3);
  for (int trial = 0; trial < 500; ++trial) {
    std::uniform_int_distribution<size_t> length(0, trial % 3 == 0 ? 300 : 70);
    std::uniform_int_distribution<int> pick(0, 4 + trial % 7);
    std::vector<char32_t> a(length(random)), b(length(random));
    // A mix of ASCII and non-ASCII code points exercises both mask tables.
    for (auto& c : a) c = pick(random) % 2 ? U'a' + pick(random) : 0x4E00 + pick(random);
    for (auto& c : b) c = pick(random) % 2 ? U'a' + pick(random) : 0x4E00 + pick(random);
    EXPECT_EQ(levenshtein_distance(a, b), levenshtein_distance_dp(a, b))
        << a.size() << "x" << b.size();
  }
}

TEST(LevenshteinTest, SimilarityAndThreshold) {
  auto scorer = make(nlohmann::json::object());
  EXPECT_EQ(scorer->name(), "levenshtein");
  Score result = score_output(*scorer, "kitten", {"sitting"});
  EXPECT_EQ(result.details["distance"].get<int>(), 3);
  EXPECT_NEAR(result.value, 1.0 - 3.0 / 7.0, 1e-12);
  EXPECT_FALSE(result.pass);  // 0.571 < 0.8
  Score close = score_output(*scorer, "colour", {"color"});
  EXPECT_NEAR(close.value, 1.0 - 1.0 / 6.0, 1e-12);
  EXPECT_TRUE(close.pass);
  Score empty = score_output(*scorer, "", {""});
  EXPECT_DOUBLE_EQ(empty.value, 1.0);
  EXPECT_TRUE(empty.pass);
  EXPECT_FALSE(score_output(*make(nlohmann::json::object(), 0.9), "colour", {"color"}).pass);
}

TEST(LevenshteinTest, MaxDistanceDecidesPass) {
  auto scorer = make({{"max_distance", 3}});
  EXPECT_TRUE(score_output(*scorer, "kitten", {"sitting"}).pass);
  EXPECT_FALSE(score_output(*make({{"max_distance", 2}}), "kitten", {"sitting"}).pass);
}

TEST(LevenshteinTest, LowercaseOption) {
  EXPECT_EQ(score_output(*make(nlohmann::json::object()), "\u00c9T\u00c9", {"\u00e9t\u00e9"})
                .details["distance"]
                .get<int>(),
            3);
  auto folded = make({{"lowercase", true}});
  EXPECT_EQ(
      score_output(*folded, "\u00c9T\u00c9", {"\u00e9t\u00e9"}).details["distance"].get<int>(), 0);
  EXPECT_EQ(folded->signature(), "levenshtein|unit:codepoint|lowercase:yes");
}

TEST(LevenshteinTest, SeveralReferencesKeepTheBest) {
  auto scorer = make(nlohmann::json::object());
  Score result = score_output(*scorer, "paris", {"london", "Paris", "pari"});
  EXPECT_EQ(result.details["distance"].get<int>(), 1);
  EXPECT_NEAR(result.value, 0.8, 1e-12);  // "pari" and "Paris" both give 0.8
  // With max_distance the smallest distance wins even if its similarity is lower:
  // "ab" vs "abcd" is distance 2 (similarity 0.5); vs "xyzxyzxyz" much worse.
  Score by_distance = score_output(*make({{"max_distance", 2}}), "ab", {"xyzxyzxyz", "abcd"});
  EXPECT_EQ(by_distance.details["distance"].get<int>(), 2);
  EXPECT_TRUE(by_distance.pass);
}

TEST(LevenshteinTest, ErrorsAndOptions) {
  EXPECT_TRUE(score_output(*make(nlohmann::json::object()), "x", {}).error);
  ScorerSpec spec;
  spec.type = "levenshtein";
  spec.options = {{"max_distance", -1}};
  std::unique_ptr<Scorer> scorer;
  EXPECT_FALSE(make_scorer(spec, &scorer).is_ok());
  spec.options = {{"lowercas", true}};
  Status status = make_scorer(spec, &scorer);
  EXPECT_NE(status.message().find("did you mean 'lowercase'"), std::string::npos)
      << status.message();
}

TEST(LevenshteinTest, CorpusMeans) {
  auto scorer = make(nlohmann::json::object());
  nlohmann::json a = {{"distance", 2}, {"similarity", 0.5}};
  nlohmann::json b = {{"distance", 0}, {"similarity", 1.0}};
  nlohmann::json corpus = scorer->corpus({&a, &b});
  EXPECT_DOUBLE_EQ(corpus["score"].get<double>(), 0.75);
  EXPECT_DOUBLE_EQ(corpus["distance"].get<double>(), 1.0);
}

}  // namespace
}  // namespace evalkit

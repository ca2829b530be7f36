#include "evalkit/scorers/rouge.h"

#include <map>
#include <random>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "evalkit/scorers/registry.h"
#include "tests/support/golden_jsonl.h"
#include "tests/support/scorer_fixture.h"

namespace evalkit {
namespace {

constexpr double kTolerance = 1e-9;

std::vector<RougeVariant> four_variants() {
  std::vector<RougeVariant> variants;
  for (const char* name : {"rouge1", "rouge2", "rougeL", "rougeLsum"}) {
    RougeVariant variant;
    EXPECT_TRUE(parse_rouge_variant(name, &variant));
    variants.push_back(variant);
  }
  return variants;
}

void expect_scores(const nlohmann::json& expected, const RougeScore& actual) {
  EXPECT_NEAR(actual.p, expected["p"].get<double>(), kTolerance);
  EXPECT_NEAR(actual.r, expected["r"].get<double>(), kTolerance);
  EXPECT_NEAR(actual.f, expected["f"].get<double>(), kTolerance);
}

TEST(RougeTest, MatchesRougeScoreOnEveryGoldenRecord) {
  auto records = testing::read_jsonl("golden/rouge.jsonl");
  ASSERT_EQ(records.size(), 209u);
  auto variants = four_variants();
  for (bool stem : {false, true}) {
    RougeTextOptions options;
    options.stem = stem;
    for (const auto& record : records) {
      SCOPED_TRACE(record["id"].get<std::string>() + (stem ? " (stemmed)" : ""));
      std::vector<RougeScore> scores(variants.size());
      rouge_score_pair(record["target"].get<std::string>(), record["prediction"].get<std::string>(),
                       options, variants, scores);
      for (size_t v = 0; v < variants.size(); ++v) {
        SCOPED_TRACE(variants[v].name());
        expect_scores(record[variants[v].name() + (stem ? "_stem" : "")], scores[v]);
      }
    }
  }
}

using testing::score_output;

std::unique_ptr<Scorer> make(const nlohmann::json& options,
                             std::optional<double> threshold = std::nullopt) {
  return testing::make_test_scorer("rouge", options, threshold);
}

TEST(RougeTest, ScorerMatchesGoldenRecordsThroughTheRegistry) {
  auto records = testing::read_jsonl("golden/rouge.jsonl");
  auto scorer = make({{"variant", "rougeLsum"}, {"stemmer", "porter"}});
  ASSERT_NE(scorer, nullptr);
  for (const auto& record : records) {
    SCOPED_TRACE(record["id"].get<std::string>());
    Score result = score_output(*scorer, record["prediction"].get<std::string>(),
                                {record["target"].get<std::string>()});
    EXPECT_NEAR(result.value, record["rougeLsum_stem"]["f"].get<double>(), kTolerance);
    EXPECT_NEAR(result.details["p"].get<double>(), record["rougeLsum_stem"]["p"].get<double>(),
                kTolerance);
  }
}

TEST(RougeTest, NameSignatureAndDefaults) {
  auto scorer = make(nlohmann::json::object());
  EXPECT_EQ(scorer->name(), "rougeL");
  EXPECT_EQ(scorer->signature(), "rougeL|stem:none|tok:default|measure:f");
  auto stemmed = make(
      {{"variant", "rouge2"}, {"use_stemmer", true}, {"measure", "r"}, {"tokenizer", "unicode"}});
  EXPECT_EQ(stemmed->name(), "rouge2");
  EXPECT_EQ(stemmed->signature(), "rouge2|stem:porter|tok:unicode|measure:r");
  // "a b c d" vs "a b x y": LCS 2 of 4, F 0.5 meets the default threshold of 0.5 exactly.
  Score half = score_output(*scorer, "a b x y", {"a b c d"});
  EXPECT_DOUBLE_EQ(half.value, 0.5);
  EXPECT_TRUE(half.pass);
  EXPECT_EQ(half.type, "rouge");
  Score lower = score_output(*scorer, "a x y z", {"a b c d"});
  EXPECT_FALSE(lower.pass);
}

TEST(RougeTest, MeasureSelectsPrecisionOrRecall) {
  // prediction "a b" against target "a b c d": P = 1, R = 0.5.
  EXPECT_DOUBLE_EQ(score_output(*make({{"measure", "p"}}), "a b", {"a b c d"}).value, 1.0);
  EXPECT_DOUBLE_EQ(score_output(*make({{"measure", "r"}}), "a b", {"a b c d"}).value, 0.5);
  Score f = score_output(*make({{"measure", "f"}}, 0.7), "a b", {"a b c d"});
  EXPECT_NEAR(f.value, 2.0 / 3.0, 1e-12);
  EXPECT_FALSE(f.pass);
}

TEST(RougeTest, SeveralReferencesKeepTheBestF) {
  auto scorer = make({{"variant", "rouge1"}});
  Score result = score_output(*scorer, "the cat sat", {"a dog ran", "the cat sat down", "the cat"});
  // Against "the cat sat down": P = 1, R = 0.75; against "the cat": P = 2/3, R = 1.
  EXPECT_NEAR(result.details["f"].get<double>(), 2 * 0.75 / 1.75, 1e-12);
  EXPECT_NEAR(result.details["r"].get<double>(), 0.75, 1e-12);
  // On a tie the first reference wins, like numpy.argmax in score_multi.
  Score tie =
      score_output(*make({{"variant", "rouge1"}, {"measure", "p"}}), "a b", {"a b c d", "a c"});
  // Both references give F = 2/3; the first has P = 1, the second P = 0.5.
  EXPECT_DOUBLE_EQ(tie.value, 1.0);
}

TEST(RougeTest, NoReferenceIsAnErrorNotAZero) {
  Score result = score_output(*make(nlohmann::json::object()), "anything", {});
  EXPECT_TRUE(result.error);
  EXPECT_FALSE(result.pass);
}

TEST(RougeTest, UnicodeTokenizerScoresNonAsciiText) {
  const std::string reference = "\u041a\u043e\u0448\u043a\u0430 \u0441\u0438\u0434\u0438\u0442";
  const std::string output = "\u043a\u043e\u0448\u043a\u0430 \u0441\u043f\u0438\u0442";
  Score by_default = score_output(*make({{"variant", "rouge1"}}), output, {reference});
  EXPECT_DOUBLE_EQ(by_default.value, 0.0);  // rouge-score drops every Cyrillic letter
  Score unicode =
      score_output(*make({{"variant", "rouge1"}, {"tokenizer", "unicode"}}), output, {reference});
  EXPECT_DOUBLE_EQ(unicode.value, 0.5);  // "кошка" matches after lowercasing
  Score chinese = score_output(*make({{"variant", "rouge1"}, {"tokenizer", "unicode"}}),
                               "\u6211\u7231\u732b", {"\u6211\u7231\u72d7"});
  EXPECT_NEAR(chinese.value, 2.0 / 3.0, 1e-12);  // one token per ideograph
}

TEST(RougeTest, HigherOrderNgramsCountClippedMatches) {
  RougeVariant rouge3;
  ASSERT_TRUE(parse_rouge_variant("rouge3", &rouge3));
  EXPECT_EQ(rouge3.name(), "rouge3");
  RougeScore result;
  rouge_score_pair("a b c a b c a b c", "a b c a b c d", {}, std::span(&rouge3, 1),
                   std::span(&result, 1));
  // target trigrams: abc x3, bca x2, cab x2; prediction: abc x2, bca, cab, bcd -> overlap 4.
  EXPECT_DOUBLE_EQ(result.p, 4.0 / 5.0);
  EXPECT_DOUBLE_EQ(result.r, 4.0 / 7.0);
}

TEST(RougeTest, HigherOrderMatchesANaiveCount) {
  std::mt19937 random(7);
  std::uniform_int_distribution<int> word(0, 3);
  std::uniform_int_distribution<int> length(0, 14);
  const char* words[] = {"w", "x", "y", "z"};
  for (int trial = 0; trial < 200; ++trial) {
    std::vector<std::string> target_tokens, prediction_tokens;
    std::string target, prediction;
    for (int i = length(random); i > 0; --i) target += std::string(words[word(random)]) + " ";
    for (int i = length(random); i > 0; --i) prediction += std::string(words[word(random)]) + " ";
    auto split = [](const std::string& text) {
      return rouge_tokenize(text, RougeTokenizerKind::kDefault, false);
    };
    auto t = split(target);
    auto p = split(prediction);
    for (int n = 1; n <= 5; ++n) {
      std::map<std::vector<std::string>, int> t_counts, p_counts;
      for (size_t i = 0; i + n <= t.size(); ++i) ++t_counts[{t.begin() + i, t.begin() + i + n}];
      for (size_t i = 0; i + n <= p.size(); ++i) ++p_counts[{p.begin() + i, p.begin() + i + n}];
      int overlap = 0;
      for (const auto& [gram, count] : t_counts) overlap += std::min(count, p_counts[gram]);
      int p_total = p.size() >= static_cast<size_t>(n) ? static_cast<int>(p.size()) - n + 1 : 0;
      RougeVariant variant{RougeVariant::Kind::kNgram, n};
      RougeScore result;
      rouge_score_pair(target, prediction, {}, std::span(&variant, 1), std::span(&result, 1));
      EXPECT_DOUBLE_EQ(result.p, static_cast<double>(overlap) / std::max(p_total, 1))
          << target << " | " << prediction << " n=" << n;
    }
  }
}

TEST(RougeTest, ParsesVariantNames) {
  RougeVariant variant;
  EXPECT_TRUE(parse_rouge_variant("rouge12", &variant));
  EXPECT_EQ(variant.n, 12);
  EXPECT_FALSE(parse_rouge_variant("rouge0", &variant));
  EXPECT_FALSE(parse_rouge_variant("rouge", &variant));
  EXPECT_FALSE(parse_rouge_variant("rougeX", &variant));
  EXPECT_FALSE(parse_rouge_variant("rouge1x", &variant));
}

TEST(RougeTest, BadOptionsAreReportedWithSuggestions) {
  ScorerSpec spec;
  spec.type = "rouge";
  spec.options = {{"variant", "rougel"}};
  std::unique_ptr<Scorer> scorer;
  Status status = make_scorer(spec, &scorer);
  EXPECT_FALSE(status.is_ok());
  EXPECT_NE(status.message().find("did you mean 'rougeL'"), std::string::npos) << status.message();
  spec.options = {{"stemer", "porter"}};
  status = make_scorer(spec, &scorer);
  EXPECT_NE(status.message().find("did you mean 'stemmer'"), std::string::npos) << status.message();
  spec.options = {{"tokenizer", "13a"}};
  EXPECT_FALSE(make_scorer(spec, &scorer).is_ok());
}

TEST(RougeTest, CorpusIsTheMeanOfEachMeasure) {
  auto scorer = make({{"measure", "r"}});
  nlohmann::json a = {{"p", 1.0}, {"r", 0.5}, {"f", 2.0 / 3.0}};
  nlohmann::json b = {{"p", 0.0}, {"r", 0.0}, {"f", 0.0}};
  nlohmann::json corpus = scorer->corpus({&a, &b});
  EXPECT_DOUBLE_EQ(corpus["p"].get<double>(), 0.5);
  EXPECT_DOUBLE_EQ(corpus["r"].get<double>(), 0.25);
  EXPECT_DOUBLE_EQ(corpus["f"].get<double>(), 1.0 / 3.0);
  EXPECT_DOUBLE_EQ(corpus["score"].get<double>(), 0.25);
  EXPECT_TRUE(scorer->corpus({}).is_null());
}

}  // namespace
}  // namespace evalkit

#include "evalkit/scorers/chrf.h"

#include <memory>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "evalkit/scorers/registry.h"
#include "tests/support/golden_jsonl.h"
#include "tests/support/scorer_fixture.h"

namespace evalkit {
namespace {

constexpr double kScoreTolerance = 1e-7;  // on sacrebleu's 0-100 scale

using testing::score_output;

std::unique_ptr<Scorer> make_chrf(const nlohmann::json& options = nlohmann::json::object()) {
  return testing::make_test_scorer("chrf", options);
}

double chrf_score(const Scorer& scorer, const std::string& hypothesis,
                  const std::vector<std::string>& references) {
  return score_output(scorer, hypothesis, references).details.at("score").get<double>();
}

TEST(Chrf, SentenceChrfAndChrfPlusPlusMatchSacrebleuOnEveryGoldenRecord) {
  const auto records = testing::read_jsonl("golden/chrf.jsonl");
  ASSERT_GE(records.size(), 200u);
  const auto chrf = make_chrf();
  const auto chrf_pp = make_chrf({{"word_order", 2}});
  int vectors = 0;
  for (const auto& record : records) {
    const std::string id = record.at("id");
    const auto refs = record.at("references").get<std::vector<std::string>>();
    const std::string hypothesis = record.at("hypothesis");
    EXPECT_NEAR(chrf_score(*chrf, hypothesis, refs), record.at("chrf").get<double>(),
                kScoreTolerance)
        << id;
    EXPECT_NEAR(chrf_score(*chrf_pp, hypothesis, refs), record.at("chrf_pp").get<double>(),
                kScoreTolerance)
        << id << " chrF++";
    vectors += 2;
  }
  std::printf("checked %d chrF vectors from %zu records\n", vectors, records.size());
}

TEST(Chrf, CorpusChrfAndChrfPlusPlusMatchSacrebleu) {
  const auto records = testing::read_jsonl("golden/bleu_corpus.jsonl");
  ASSERT_EQ(records.size(), 3u);
  for (const char* key : {"sacrebleu_corpus_chrf", "sacrebleu_corpus_chrf_pp"}) {
    const bool plus_plus = std::string(key).ends_with("_pp");
    const auto scorer = make_chrf({{"word_order", plus_plus ? 2 : 0}});
    for (const auto& record : records) {
      const auto& hypotheses = record.at("hypotheses");
      const auto& references = record.at("references");
      std::vector<Score> scores;
      for (std::size_t i = 0; i < hypotheses.size(); ++i) {
        scores.push_back(
            score_output(*scorer, hypotheses[i], references[i].get<std::vector<std::string>>()));
      }
      std::vector<const nlohmann::json*> details;
      for (const auto& s : scores) details.push_back(&s.details);
      EXPECT_NEAR(scorer->corpus(details).at("score").get<double>(), record.at(key).get<double>(),
                  kScoreTolerance)
          << record.at("id") << " " << key;
    }
  }
}

// char_order 2, hypothesis "ab", reference "abc":
//   order 1: 2 of 2 hypothesis chars match, of 3 reference chars: P = 1, R = 2/3
//   order 2: "ab" matches of {"ab", "bc"}:                         P = 1, R = 1/2
// Averaged: P = 1, R = 7/12; F2 = 5 * 7/12 / (4 + 7/12) = 35/55 = 7/11.
// eps_smoothing averages the per-order F2 instead: (10/14 + 2.5/4.5) / 2 = 80/126.
TEST(Chrf, HandWorkedAveragingAndEpsSmoothing) {
  EXPECT_NEAR(chrf_score(*make_chrf({{"char_order", 2}}), "ab", {"abc"}), 700.0 / 11, 1e-9);
  EXPECT_NEAR(chrf_score(*make_chrf({{"char_order", 2}, {"eps_smoothing", true}}), "ab", {"abc"}),
              8000.0 / 126, 1e-9);
}

// "(hi)" vs "( hi )": the same characters once whitespace is gone, so chrF is 100. The words
// differ: "(hi)" loses only its last punctuation mark, giving "(hi" ")", against "(" "hi" ")".
//   char orders 1-4: P = R = 1; orders 5-6: no n-grams (not effective)
//   word unigrams: 1 of 2 match, of 3: P = 1/2, R = 1/3; word bigrams: P = R = 0
//   P = 4.5/6 = 3/4, R = (4 + 1/3)/6 = 13/18; F2 = 5 * 3/4 * 13/18 / (3 + 13/18) = 1170/1608.
TEST(Chrf, ChrfPlusPlusStripsOnePunctuationMarkPerWord) {
  EXPECT_NEAR(chrf_score(*make_chrf(), "(hi)", {"( hi )"}), 100.0, 1e-9);
  EXPECT_NEAR(chrf_score(*make_chrf({{"word_order", 2}}), "(hi)", {"( hi )"}), 117000.0 / 1608,
              1e-9);
}

TEST(Chrf, LowercaseOptionAndWhitespaceRemoval) {
  EXPECT_EQ(chrf_score(*make_chrf(), "AB", {"ab"}), 0.0);
  EXPECT_NEAR(chrf_score(*make_chrf({{"lowercase", true}}), "AB", {"ab"}), 100.0, 1e-9);
  EXPECT_NEAR(chrf_score(*make_chrf(),
                         "a b\xe3\x80\x80"
                         "c",
                         {"abc"}),
              100.0, 1e-9);
}

TEST(Chrf, BestReferenceIsUsedAndItsStatisticsKept) {
  const Score score = score_output(*make_chrf({{"char_order", 2}}), "ab", {"xyz", "abc"});
  EXPECT_NEAR(score.details.at("score").get<double>(), 700.0 / 11, 1e-9);
  EXPECT_EQ(score.details.at("stats"), nlohmann::json({2, 3, 2, 1, 2, 1}));
}

TEST(Chrf, NamesAndSignatures) {
  const auto chrf = make_chrf();
  const auto chrf_pp = make_chrf({{"word_order", 2}});
  EXPECT_EQ(chrf->name(), "chrf");
  EXPECT_EQ(chrf_pp->name(), "chrf++");
  EXPECT_EQ(chrf->signature(),
            std::string("chrF2|case:mixed|eff:yes|nc:6|nw:0|space:no|version:") + EVALKIT_VERSION);
  EXPECT_EQ(
      chrf_pp->signature(),
      std::string("chrF2++|case:mixed|eff:yes|nc:6|nw:2|space:no|version:") + EVALKIT_VERSION);
}

TEST(Chrf, ThresholdReasonAndErrors) {
  const Score score = score_output(*make_chrf(), "the cat", {"the cat"});
  EXPECT_TRUE(score.pass);
  EXPECT_EQ(score.reason, "chrF 100.0 >= threshold 50.0");
  EXPECT_TRUE(score_output(*make_chrf(), "x", {}).error);
  ScorerSpec spec;
  spec.type = "chrf";
  spec.options = {{"char_order", 0}};
  std::unique_ptr<Scorer> scorer;
  EXPECT_FALSE(make_scorer(spec, &scorer).is_ok());
}

}  // namespace
}  // namespace evalkit

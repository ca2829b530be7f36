#include "evalkit/scorers/bleu.h"

#include <cmath>
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

std::unique_ptr<Scorer> make_bleu(const nlohmann::json& options = nlohmann::json::object(),
                                  std::optional<double> threshold = std::nullopt) {
  return testing::make_test_scorer("bleu", options, threshold);
}

// Compares evalkit's details with sacrebleu's: integers exactly, floats within tolerance.
void expect_details(const nlohmann::json& actual, const nlohmann::json& expected,
                    const std::string& where) {
  EXPECT_EQ(actual.at("sys_len"), expected.at("sys_len")) << where;
  EXPECT_EQ(actual.at("ref_len"), expected.at("ref_len")) << where;
  EXPECT_EQ(actual.at("counts"), expected.at("counts")) << where;
  EXPECT_EQ(actual.at("totals"), expected.at("totals")) << where;
  EXPECT_NEAR(actual.at("bp").get<double>(), expected.at("bp").get<double>(), 1e-12) << where;
  ASSERT_EQ(actual.at("precisions").size(), expected.at("precisions").size()) << where;
  for (std::size_t i = 0; i < expected.at("precisions").size(); ++i) {
    EXPECT_NEAR(actual.at("precisions")[i].get<double>(),
                expected.at("precisions")[i].get<double>(), kScoreTolerance)
        << where << " precision " << i;
  }
}

TEST(Bleu, SentenceAndOneSegmentCorpusMatchSacrebleuOnEveryGoldenRecord) {
  const auto records = testing::read_jsonl("golden/bleu.jsonl");
  ASSERT_GE(records.size(), 200u);
  const auto scorer = make_bleu();
  int vectors = 0;
  for (const auto& record : records) {
    const std::string id = record.at("id");
    const auto refs = record.at("references").get<std::vector<std::string>>();
    const Score score = score_output(*scorer, record.at("hypothesis"), refs);
    ASSERT_FALSE(score.error) << id << ": " << score.reason;
    const double expected = record.at("sacrebleu_sentence_bleu");
    EXPECT_NEAR(score.details.at("score").get<double>(), expected, kScoreTolerance) << id;
    EXPECT_NEAR(score.value, std::min(1.0, expected / 100), 1e-9) << id;
    expect_details(score.details, record.at("sacrebleu_sentence_bleu_details"), id);
    ++vectors;

    const nlohmann::json corpus = scorer->corpus({&score.details});
    EXPECT_NEAR(corpus.at("score").get<double>(),
                record.at("sacrebleu_corpus_bleu_1seg").get<double>(), kScoreTolerance)
        << id << " (1-segment corpus)";
    expect_details(corpus, record.at("sacrebleu_corpus_bleu_1seg_details"), id + " corpus");
    ++vectors;
  }
  std::printf("checked %d BLEU vectors from %zu records\n", vectors, records.size());
}

TEST(Bleu, CorpusMatchesSacrebleuCorpusBleu) {
  const auto records = testing::read_jsonl("golden/bleu_corpus.jsonl");
  ASSERT_EQ(records.size(), 3u);
  const auto scorer = make_bleu();
  for (const auto& record : records) {
    const std::string id = record.at("id");
    const auto& hypotheses = record.at("hypotheses");
    const auto& references = record.at("references");
    ASSERT_EQ(hypotheses.size(), references.size()) << id;
    std::vector<Score> scores;
    for (std::size_t i = 0; i < hypotheses.size(); ++i) {
      scores.push_back(
          score_output(*scorer, hypotheses[i], references[i].get<std::vector<std::string>>()));
    }
    std::vector<const nlohmann::json*> details;
    for (const auto& s : scores) details.push_back(&s.details);
    const nlohmann::json corpus = scorer->corpus(details);
    EXPECT_NEAR(corpus.at("score").get<double>(), record.at("sacrebleu_corpus_bleu").get<double>(),
                kScoreTolerance)
        << id;
    expect_details(corpus, record.at("sacrebleu_corpus_bleu_details"), id);
  }
}

// Hand-worked example, tokenizer none: hypothesis "a b c d", reference "a b x d".
//   unigrams 3/4, bigrams 1/3 (a b), trigrams 0/2, 4-grams 0/1; equal lengths, so bp = 1.
//   exp:   p = 75, 100/3, 100/(2*2) = 25, 100/(4*1) = 25; (75*100/3*25*25)^(1/4) = 1562500^(1/4)
//   floor: p3 = 100*0.1/2 = 5, p4 = 100*0.1/1 = 10;       (2500*5*10)^(1/4) = 125000^(1/4)
//   add-k: orders > 1 get +1: 2/4, 1/3, 1/2; (75*50*(100/3)*50)^(1/4) = 6250000^(1/4) = 50
//   none:  p3 = 0, log(0) is -9999999999, so 0.
double hand_worked(const std::string& smooth) {
  const auto scorer = make_bleu({{"tokenize", "none"}, {"smooth", smooth}});
  return score_output(*scorer, "a b c d", {"a b x d"}).details.at("score").get<double>();
}

TEST(Bleu, SmoothingVariantsOnAHandWorkedExample) {
  EXPECT_NEAR(hand_worked("exp"), std::pow(1562500.0, 0.25), 1e-9);
  EXPECT_NEAR(hand_worked("floor"), std::pow(125000.0, 0.25), 1e-9);
  EXPECT_NEAR(hand_worked("add-k"), 50.0, 1e-9);
  EXPECT_EQ(hand_worked("none"), 0.0);
}

TEST(Bleu, SmoothValueOverridesTheDefault) {
  // floor 0.5: p3 = 100*0.5/2 = 25, p4 = 50; (2500*25*50)^(1/4) = 3125000^(1/4).
  const auto scorer = make_bleu({{"tokenize", "none"}, {"smooth", "floor"}, {"smooth_value", 0.5}});
  EXPECT_NEAR(score_output(*scorer, "a b c d", {"a b x d"}).details.at("score").get<double>(),
              std::pow(3125000.0, 0.25), 1e-9);
  EXPECT_NE(scorer->signature().find("smooth:floor[0.50]"), std::string::npos);
}

// Hypothesis "the the the", references "the cat" (2) and "the the dog sat" (4): both are 1
// token away, so the shorter wins (ref_len 2, bp 1). "the" clips to its highest count in one
// reference (2 of 3), "the the" to 1 of 2, "the the the" 0 of 1 (exp: 100/2), no 4-grams:
// effective order 3, score = (200/3 * 50 * 50)^(1/3).
TEST(Bleu, MultipleReferencesClipByMaxCountAndTieToTheShorterLength) {
  const auto scorer = make_bleu({{"tokenize", "none"}});
  const Score score = score_output(*scorer, "the the the", {"the cat", "the the dog sat"});
  EXPECT_EQ(score.details.at("ref_len"), 2);
  EXPECT_EQ(score.details.at("counts"), nlohmann::json({2, 1, 0, 0}));
  EXPECT_EQ(score.details.at("totals"), nlohmann::json({3, 2, 1, 0}));
  EXPECT_EQ(score.details.at("nrefs"), 2);
  EXPECT_NEAR(score.details.at("score").get<double>(), std::cbrt(200.0 / 3 * 50 * 50), 1e-9);
}

TEST(Bleu, LowercaseOption) {
  // "The Cat" vs "the cat": two tokens, effective order 2; all match only when lowercased.
  EXPECT_NEAR(score_output(*make_bleu({{"lowercase", true}}), "The Cat", {"the cat"}).value, 1.0,
              1e-12);
  EXPECT_EQ(score_output(*make_bleu(), "The Cat", {"the cat"}).value, 0.0);
  EXPECT_NE(make_bleu({{"lowercase", true}})->signature().find("|case:lc|"), std::string::npos);
}

TEST(Bleu, NoneTokenizerKeepsPunctuationAttached) {
  // 13a splits "mat." into "mat ." (2/2 unigrams match "mat ."); none keeps "mat." whole.
  const auto none = make_bleu({{"tokenize", "none"}});
  const Score score = score_output(*none, "mat.", {"mat ."});
  EXPECT_EQ(score.details.at("sys_len"), 1);
  EXPECT_EQ(score.details.at("counts")[0], 0);
  EXPECT_EQ(score_output(*make_bleu(), "mat.", {"mat ."}).details.at("counts")[0], 2);
}

TEST(Bleu, WithoutEffectiveOrderShortSentencesScoreZero) {
  const auto scorer = make_bleu({{"effective_order", false}});
  EXPECT_EQ(score_output(*scorer, "the cat", {"the cat"}).value, 0.0);
  EXPECT_GT(score_output(*make_bleu(), "the cat", {"the cat"}).value, 0.99);
}

TEST(Bleu, SignatureIsTheSameForEveryTrial) {
  const auto scorer = make_bleu();
  const std::string expected =
      std::string("bleu|case:mixed|eff:yes|tok:13a|smooth:exp|version:") + EVALKIT_VERSION;
  EXPECT_EQ(scorer->signature(), expected);
  EXPECT_EQ(score_output(*scorer, "a", {"a", "b", "c"}).signature, expected);
  EXPECT_EQ(make_bleu({{"tokenize", "intl"}, {"effective_order", false}})->signature(),
            std::string("bleu|case:mixed|eff:no|tok:intl|smooth:exp|version:") + EVALKIT_VERSION);
}

TEST(Bleu, ThresholdDefaultsTo30AndReasonExplains) {
  const auto scorer = make_bleu();
  const Score low = score_output(*scorer, "a completely different sentence", {"the cat sat"});
  EXPECT_FALSE(low.pass);
  EXPECT_EQ(low.reason, "BLEU 0.0 < threshold 30.0");
  const Score high = score_output(*scorer, "the cat sat on the mat", {"the cat sat on the mat"});
  EXPECT_TRUE(high.pass);
  EXPECT_EQ(high.reason, "BLEU 100.0 >= threshold 30.0");
  EXPECT_FALSE(
      score_output(*make_bleu({}, 1.0), "the cat sat on a mat", {"the cat sat on the mat"}).pass);
}

TEST(Bleu, NoReferenceIsAnErrorNotAZero) {
  const Score score = score_output(*make_bleu(), "anything", {});
  EXPECT_TRUE(score.error);
  EXPECT_FALSE(score.pass);
}

TEST(Bleu, InvalidUtf8DoesNotCrash) {
  const Score score = score_output(*make_bleu(), "caf\xc3 ok \xff", {"caf\xc3 ok \xff"});
  EXPECT_FALSE(score.error);
  EXPECT_NEAR(score.value, 1.0, 1e-12);
}

TEST(Bleu, BadOptionsAreRefusedWithAUsefulMessage) {
  ScorerSpec spec;
  spec.type = "bleu";
  std::unique_ptr<Scorer> scorer;
  spec.options = {{"smoth", "exp"}};
  Status status = make_scorer(spec, &scorer);
  EXPECT_FALSE(status.is_ok());
  EXPECT_NE(status.message().find("did you mean 'smooth'"), std::string::npos) << status.message();
  spec.options = {{"tokenize", "moses"}};
  EXPECT_FALSE(make_scorer(spec, &scorer).is_ok());
  spec.options = {{"smooth", "exp"}, {"smooth_value", 0.2}};
  EXPECT_FALSE(make_scorer(spec, &scorer).is_ok());
  spec.options = {{"max_order", 0}};
  EXPECT_FALSE(make_scorer(spec, &scorer).is_ok());
}

TEST(Bleu, MaxOrderChangesTheNumberOfOrders) {
  const auto scorer = make_bleu({{"max_order", 2}, {"tokenize", "none"}});
  const Score score = score_output(*scorer, "a b c", {"a b d"});
  EXPECT_EQ(score.details.at("counts"), nlohmann::json({2, 1}));
  // sqrt(2/3 * 1/2) * 100
  EXPECT_NEAR(score.details.at("score").get<double>(), 100 * std::sqrt(1.0 / 3), 1e-9);
}

}  // namespace
}  // namespace evalkit

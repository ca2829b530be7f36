// Corpus statistics folded one output at a time give what corpus() gives from every trial's
// details, so `evalkit score --corpus` can stream its input without changing a number.
#include <memory>
#include <random>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "evalkit/scorers/registry.h"

namespace evalkit {
namespace {

struct Output {
  std::string text;
  std::vector<std::string> references;
};

std::vector<Output> outputs() {
  static const char* const kWords[] = {"the",    "cat",   "sat", "on",      "a",
                                       "mat",    "Paris", "is",  "capital", "of",
                                       "France", "dogs",  "run", "fast",    "."};
  std::mt19937 random(7);
  const auto sentence = [&](int words) {
    std::string text;
    for (int i = 0; i < words; ++i) text += std::string(i ? " " : "") + kWords[random() % 15];
    return text;
  };
  std::vector<Output> out;
  for (int i = 0; i < 40; ++i) {
    Output o{sentence(1 + i % 9), {}};
    for (int r = 0; r < i % 3; ++r) o.references.push_back(sentence(2 + (i + r) % 8));
    out.push_back(std::move(o));  // every third output has no reference: score() errors
  }
  out.push_back({"", {"an empty output"}});
  return out;
}

void expect_streamed_equals_stored(const std::string& type, const nlohmann::json& options) {
  ScorerSpec spec;
  spec.type = type;
  spec.options = options;
  std::unique_ptr<Scorer> scorer;
  ASSERT_TRUE(make_scorer(spec, &scorer)) << type;
  std::unique_ptr<CorpusStatistics> streamed = scorer->corpus_statistics();
  ASSERT_NE(streamed, nullptr) << type;
  const nlohmann::json vars = nlohmann::json::object();
  std::vector<nlohmann::json> details;
  int errored = 0;
  for (const auto& output : outputs()) {
    ScoreInput input;
    input.output = output.text;
    input.expected = &output.references;
    input.vars = &vars;
    streamed->add(input);
    const Score score = scorer->score(input);
    errored += score.error ? 1 : 0;
    details.push_back(score.details);
  }
  ASSERT_GT(errored, 0);  // the skipped outputs are part of the comparison
  std::vector<const nlohmann::json*> pointers;
  for (const auto& d : details) pointers.push_back(&d);
  const nlohmann::json stored = scorer->corpus(pointers);
  ASSERT_TRUE(stored.is_object()) << type;
  EXPECT_EQ(streamed->result(), stored) << type << " " << options.dump();
}

TEST(CorpusStatisticsTest, StreamedBleuEqualsBleuFromStoredDetails) {
  expect_streamed_equals_stored("bleu", nlohmann::json::object());
  expect_streamed_equals_stored("bleu", {{"smooth", "floor"}, {"lowercase", true}});
  expect_streamed_equals_stored("bleu", {{"max_order", 2}, {"tokenize", "none"}});
}

TEST(CorpusStatisticsTest, StreamedChrfEqualsChrfFromStoredDetails) {
  expect_streamed_equals_stored("chrf", nlohmann::json::object());
  expect_streamed_equals_stored("chrf", {{"word_order", 2}});
}

TEST(CorpusStatisticsTest, StreamedRougeEqualsRougeFromStoredDetails) {
  for (const char* variant : {"rouge1", "rouge2", "rougeL", "rougeLsum"}) {
    expect_streamed_equals_stored("rouge", {{"variant", variant}});
  }
  expect_streamed_equals_stored("rouge", {{"variant", "rougeL"}, {"stemmer", "porter"}});
}

TEST(CorpusStatisticsTest, MetricsWithoutACorpusSumHaveNone) {
  ScorerSpec spec;
  spec.type = "exact_match";
  std::unique_ptr<Scorer> scorer;
  ASSERT_TRUE(make_scorer(spec, &scorer));
  EXPECT_EQ(scorer->corpus_statistics(), nullptr);
  EXPECT_TRUE(scorer->corpus({}).is_null());
}

TEST(CorpusStatisticsTest, NothingScoredGivesNoRougeCorpus) {
  ScorerSpec spec;
  spec.type = "rouge";
  spec.options = {{"variant", "rougeL"}};
  std::unique_ptr<Scorer> scorer;
  ASSERT_TRUE(make_scorer(spec, &scorer));
  EXPECT_TRUE(scorer->corpus_statistics()->result().is_null());
}

}  // namespace
}  // namespace evalkit

// Micro-benchmarks of the ROUGE hot paths: tokenizing, stemming, LCS, and whole pairs.
#include <benchmark/benchmark.h>

#include <random>
#include <string>
#include <vector>

#include "evalkit/scorers/rouge_metric.h"
#include "evalkit/text/lcs.h"
#include "evalkit/text/porter_stemmer.h"
#include "evalkit/text/rouge_tokenizer.h"

namespace {

using evalkit::RougeScore;
using evalkit::RougeTextOptions;
using evalkit::RougeVariant;

// A reference of `words` words from a 2,000-word vocabulary and a hypothesis with about 15%
// substitutions and 5% deletions, in sentences of 20 words, one per line.
std::pair<std::string, std::string> make_pair(int words, unsigned seed) {
  std::mt19937 random(seed);
  std::vector<std::string> vocabulary;
  const char* suffixes[] = {"", "s", "ing", "ed", "ation", "ly"};
  for (int i = 0; i < 2000; ++i) {
    std::string word;
    for (int k = 3 + i % 6; k > 0; --k) word += static_cast<char>('a' + random() % 26);
    vocabulary.push_back(word + suffixes[i % 6]);
  }
  std::uniform_int_distribution<int> pick(0, 1999);
  std::uniform_real_distribution<double> chance(0, 1);
  std::string reference, hypothesis;
  for (int i = 0; i < words; ++i) {
    const std::string& word = vocabulary[pick(random)];
    const char* separator = i % 20 == 19 ? ".\n" : " ";
    reference += word + separator;
    double roll = chance(random);
    if (roll < 0.05) continue;
    hypothesis += (roll < 0.20 ? vocabulary[pick(random)] : word) + separator;
  }
  return {reference, hypothesis};
}

void BM_Tokenize(benchmark::State& state) {
  auto [reference, hypothesis] = make_pair(100, 1);
  std::string scratch;
  for (auto _ : state) {
    evalkit::RougeTokenCursor cursor(reference, evalkit::RougeTokenizerKind::kDefault, &scratch);
    std::string_view token;
    size_t count = 0;
    while (cursor.next(&token)) count += token.size();
    benchmark::DoNotOptimize(count);
  }
  state.SetBytesProcessed(state.iterations() * reference.size());
}
BENCHMARK(BM_Tokenize);

void BM_TokenizeUnicode(benchmark::State& state) {
  std::string text;
  for (int i = 0; i < 50; ++i) text += "Caf\u00e9 na\u00efve \u041c\u043e\u0441\u043a\u0432\u0430 ";
  std::string scratch;
  for (auto _ : state) {
    evalkit::RougeTokenCursor cursor(text, evalkit::RougeTokenizerKind::kUnicode, &scratch);
    std::string_view token;
    size_t count = 0;
    while (cursor.next(&token)) count += token.size();
    benchmark::DoNotOptimize(count);
  }
  state.SetBytesProcessed(state.iterations() * text.size());
}
BENCHMARK(BM_TokenizeUnicode);

void BM_PorterStem(benchmark::State& state) {
  const std::vector<std::string> words = {"generalizations", "running",    "happiness", "skies",
                                          "controlling",     "relational", "agreed",    "cats"};
  std::string out;
  for (auto _ : state) {
    for (const auto& word : words) {
      evalkit::porter_stem(word, &out);
      benchmark::DoNotOptimize(out.data());
    }
  }
  state.SetItemsProcessed(state.iterations() * words.size());
}
BENCHMARK(BM_PorterStem);

void BM_LcsLength(benchmark::State& state) {
  std::mt19937 random(5);
  std::vector<uint32_t> a(state.range(0)), b(state.range(0));
  for (auto& x : a) x = random() % 500;
  for (auto& x : b) x = random() % 500;
  evalkit::LcsScratch scratch;
  for (auto _ : state) benchmark::DoNotOptimize(evalkit::lcs_length(a, b, &scratch));
}
BENCHMARK(BM_LcsLength)->Arg(20)->Arg(100)->Arg(400);

void BM_LcsTableDp(benchmark::State& state) {
  std::mt19937 random(5);
  std::vector<uint32_t> a(state.range(0)), b(state.range(0));
  for (auto& x : a) x = random() % 500;
  for (auto& x : b) x = random() % 500;
  for (auto _ : state) benchmark::DoNotOptimize(evalkit::lcs_length_dp(a, b));
}
BENCHMARK(BM_LcsTableDp)->Arg(20)->Arg(100)->Arg(400);

void score_pair(benchmark::State& state, const char* variant_name, bool stem) {
  auto [reference, hypothesis] = make_pair(static_cast<int>(state.range(0)), 2);
  RougeVariant variant;
  evalkit::parse_rouge_variant(variant_name, &variant);
  RougeTextOptions options;
  options.stem = stem;
  RougeScore score;
  for (auto _ : state) {
    evalkit::rouge_score_pair(reference, hypothesis, options, std::span(&variant, 1),
                              std::span(&score, 1));
    benchmark::DoNotOptimize(score.f);
  }
}

void BM_Rouge1(benchmark::State& state) { score_pair(state, "rouge1", false); }
void BM_Rouge2(benchmark::State& state) { score_pair(state, "rouge2", false); }
void BM_RougeL(benchmark::State& state) { score_pair(state, "rougeL", false); }
void BM_RougeLStemmed(benchmark::State& state) { score_pair(state, "rougeL", true); }
void BM_RougeLsum(benchmark::State& state) { score_pair(state, "rougeLsum", false); }
BENCHMARK(BM_Rouge1)->Arg(100);
BENCHMARK(BM_Rouge2)->Arg(100);
BENCHMARK(BM_RougeL)->Arg(20)->Arg(100)->Arg(1000);
BENCHMARK(BM_RougeLStemmed)->Arg(100);
BENCHMARK(BM_RougeLsum)->Arg(100)->Arg(1000);

}  // namespace

BENCHMARK_MAIN();

// Per-segment cost of sentence BLEU and of its parts (13a tokenization, statistics).
#include <benchmark/benchmark.h>

#include "bench/synthetic_segments.h"
#include "evalkit/scorers/bleu.h"
#include "evalkit/scorers/registry.h"
#include "evalkit/text/tokenizer_13a.h"

namespace evalkit {
namespace {

const std::vector<bench::SegmentPair>& pairs() {
  static const auto data = bench::make_synthetic_segments(4096);
  return data;
}

void BM_Tokenize13a(benchmark::State& state) {
  std::string out;
  std::size_t i = 0;
  for (auto _ : state) {
    tokenize_13a(pairs()[i++ % pairs().size()].references[0], &out);
    benchmark::DoNotOptimize(out.data());
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_Tokenize13a);

void BM_BleuStatistics(benchmark::State& state) {
  const BleuOptions options;
  BleuStatistics stats;
  std::size_t i = 0;
  for (auto _ : state) {
    const auto& pair = pairs()[i++ % pairs().size()];
    bleu_statistics(pair.hypothesis, pair.references, options, &stats);
    benchmark::DoNotOptimize(stats.counts.data());
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_BleuStatistics);

// The whole scorer path a trial takes: statistics, score, details JSON.
void BM_BleuScorer(benchmark::State& state) {
  ScorerSpec spec;
  spec.type = "bleu";
  std::unique_ptr<Scorer> scorer;
  if (!make_scorer(spec, &scorer).is_ok()) return state.SkipWithError("no bleu scorer");
  const nlohmann::json vars = nlohmann::json::object();
  std::size_t i = 0;
  for (auto _ : state) {
    const auto& pair = pairs()[i++ % pairs().size()];
    ScoreInput input;
    input.output = pair.hypothesis;
    input.expected = &pair.references;
    input.vars = &vars;
    benchmark::DoNotOptimize(scorer->score(input).value);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_BleuScorer);

void BM_BleuStatisticsFourReferences(benchmark::State& state) {
  const BleuOptions options;
  std::vector<std::vector<std::string>> refs;
  for (std::size_t k = 0; k + 4 <= pairs().size(); k += 4) {
    refs.push_back({pairs()[k].references[0], pairs()[k + 1].hypothesis,
                    pairs()[k + 2].references[0], pairs()[k + 3].hypothesis});
  }
  BleuStatistics stats;
  std::size_t i = 0;
  for (auto _ : state) {
    const std::size_t k = i++ % refs.size();
    bleu_statistics(pairs()[4 * k].hypothesis, refs[k], options, &stats);
    benchmark::DoNotOptimize(stats.counts.data());
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_BleuStatisticsFourReferences);

}  // namespace
}  // namespace evalkit

BENCHMARK_MAIN();

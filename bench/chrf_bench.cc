// Per-segment cost of sentence chrF and chrF++.
#include <benchmark/benchmark.h>

#include "bench/synthetic_segments.h"
#include "evalkit/scorers/chrf.h"

namespace evalkit {
namespace {

const std::vector<bench::SegmentPair>& pairs() {
  static const auto data = bench::make_synthetic_segments(4096);
  return data;
}

void run_chrf(benchmark::State& state, const ChrfOptions& options) {
  std::vector<int64_t> stats;
  std::size_t i = 0;
  for (auto _ : state) {
    const auto& pair = pairs()[i++ % pairs().size()];
    chrf_statistics(pair.hypothesis, pair.references, options, &stats);
    benchmark::DoNotOptimize(chrf_from_statistics(stats, options));
  }
  state.SetItemsProcessed(state.iterations());
}

void BM_Chrf(benchmark::State& state) { run_chrf(state, ChrfOptions{}); }
BENCHMARK(BM_Chrf);

void BM_ChrfPlusPlus(benchmark::State& state) {
  ChrfOptions options;
  options.word_order = 2;
  run_chrf(state, options);
}
BENCHMARK(BM_ChrfPlusPlus);

void BM_ChrfLowercase(benchmark::State& state) {
  ChrfOptions options;
  options.lowercase = true;
  run_chrf(state, options);
}
BENCHMARK(BM_ChrfLowercase);

}  // namespace
}  // namespace evalkit

BENCHMARK_MAIN();

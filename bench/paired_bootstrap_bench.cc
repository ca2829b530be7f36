// The paired bootstrap at the production setting (10,000 resamples) for growing case counts.
#include <random>
#include <vector>

#include <benchmark/benchmark.h>

#include "evalkit/gate/paired_bootstrap.h"

namespace evalkit {
namespace {

void make_scores(int64_t n, std::vector<double>* baseline, std::vector<double>* current) {
  std::mt19937_64 rng(42);
  std::uniform_real_distribution<double> uniform(0, 1);
  std::normal_distribution<double> noise(0, 0.1);
  for (int64_t i = 0; i < n; ++i) {
    const double value = uniform(rng);
    baseline->push_back(value);
    current->push_back(value - 0.02 + noise(rng));
  }
}

// Every call draws its resamples afresh: the cost of one comparison in a fresh process.
void BM_PairedBootstrap(benchmark::State& state) {
  std::vector<double> baseline, current;
  make_scores(state.range(0), &baseline, &current);
  BootstrapOptions options;
  options.reuse_weights = false;
  for (auto _ : state) {
    benchmark::DoNotOptimize(paired_bootstrap(baseline, current, options));
  }
  state.SetItemsProcessed(state.iterations() * state.range(0) * options.resamples);
}
BENCHMARK(BM_PairedBootstrap)->Arg(500)->Arg(5000)->Arg(50000)->Unit(benchmark::kMillisecond);

// A second metric (or comparison) with the same case count reuses the kept weights.
void BM_PairedBootstrapKeptWeights(benchmark::State& state) {
  std::vector<double> baseline, current;
  make_scores(state.range(0), &baseline, &current);
  benchmark::DoNotOptimize(paired_bootstrap(baseline, current));
  for (auto _ : state) {
    benchmark::DoNotOptimize(paired_bootstrap(baseline, current));
  }
  state.SetItemsProcessed(state.iterations() * state.range(0) * kDefaultBootstrapResamples);
}
BENCHMARK(BM_PairedBootstrapKeptWeights)->Arg(500)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace evalkit

BENCHMARK_MAIN();

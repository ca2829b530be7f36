// Micro-benchmarks of the Levenshtein distance: the bit-parallel path (shorter side <= 64
// code points), the row DP beyond it, and the whole scorer with UTF-8 decoding.
#include <benchmark/benchmark.h>

#include <memory>
#include <random>
#include <string>
#include <vector>

#include "evalkit/scorers/registry.h"
#include "evalkit/text/levenshtein_distance.h"

namespace {

// Two strings of `length` code points that differ in about a fifth of their positions.
std::pair<std::vector<char32_t>, std::vector<char32_t>> make_pair(size_t length, bool ascii) {
  std::mt19937 random(9);
  std::vector<char32_t> a(length);
  for (auto& c : a) c = ascii ? U'a' + random() % 26 : 0x4E00 + random() % 200;
  std::vector<char32_t> b = a;
  for (size_t i = 0; i < length; i += 5) b[i] = ascii ? U'a' + random() % 26 : 0x4E00;
  if (!b.empty()) b.erase(b.begin() + static_cast<long>(length / 2));
  return {a, b};
}

void BM_Distance(benchmark::State& state, bool ascii) {
  auto [a, b] = make_pair(static_cast<size_t>(state.range(0)), ascii);
  for (auto _ : state) benchmark::DoNotOptimize(evalkit::levenshtein_distance(a, b));
  state.SetItemsProcessed(state.iterations() * state.range(0));
}
void BM_DistanceAscii(benchmark::State& state) { BM_Distance(state, true); }
void BM_DistanceCjk(benchmark::State& state) { BM_Distance(state, false); }
BENCHMARK(BM_DistanceAscii)->Arg(16)->Arg(64)->Arg(256)->Arg(1024);
BENCHMARK(BM_DistanceCjk)->Arg(16)->Arg(64)->Arg(256);

void BM_DistanceTable(benchmark::State& state) {
  auto [a, b] = make_pair(static_cast<size_t>(state.range(0)), true);
  for (auto _ : state) benchmark::DoNotOptimize(evalkit::levenshtein_distance_dp(a, b));
  state.SetItemsProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_DistanceTable)->Arg(16)->Arg(64)->Arg(256);

void BM_Scorer(benchmark::State& state) {
  evalkit::ScorerSpec spec;
  spec.type = "levenshtein";
  std::unique_ptr<evalkit::Scorer> scorer;
  if (!evalkit::make_scorer(spec, &scorer).is_ok()) {
    state.SkipWithError("no levenshtein scorer");
    return;
  }
  const std::vector<std::string> references = {"The capital of France is Paris.",
                                               "Paris is the capital of France."};
  const nlohmann::json vars = nlohmann::json::object();
  evalkit::ScoreInput input;
  input.output = "The capital city of France is Paris!";
  input.expected = &references;
  input.vars = &vars;
  for (auto _ : state) benchmark::DoNotOptimize(scorer->score(input).value);
}
BENCHMARK(BM_Scorer);

}  // namespace

BENCHMARK_MAIN();

// Cost of the run document's group fields (per-cell summaries, paired comparisons between
// providers and between prompts, rankings) for a run of C cases x 2 prompts x 3 providers,
// against the case aggregation every report already does and the whole run document.
// The ratio to watch: BM_GroupFields / BM_RunDocument at the same size.
#include <benchmark/benchmark.h>

#include <string>
#include <vector>

#include "evalkit/gate/case_aggregate.h"
#include "evalkit/report/group_fields.h"
#include "evalkit/report/run_document.h"

namespace evalkit {
namespace {

std::vector<TrialResult> make_trials(int cases) {
  std::vector<TrialResult> trials;
  const char* prompts[] = {"terse", "polite"};
  const char* providers[] = {"small", "medium", "large"};
  uint64_t state = 42;
  const auto uniform = [&state] {
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    return double(state >> 11) * 0x1.0p-53;
  };
  int64_t index = 0;
  for (int c = 0; c < cases; ++c) {
    const std::string case_id = "case-" + std::to_string(c);
    const double difficulty = uniform();
    for (const char* prompt : prompts) {
      for (int p = 0; p < 3; ++p) {
        TrialResult trial;
        trial.index = index++;
        trial.key = {case_id, prompt, providers[p], 0};
        const double score = std::min(1.0, difficulty + 0.1 * p + 0.2 * uniform());
        trial.pass = score >= 0.6;
        trial.answer.latency_s = 0.1 + uniform();
        trial.prompt_tokens = 20;
        trial.completion_tokens = 5;
        Score s;
        s.name = "similarity";
        s.type = "similarity";
        s.value = score;
        s.pass = trial.pass;
        trial.scores.push_back(s);
        trials.push_back(std::move(trial));
      }
    }
  }
  return trials;
}

RunRecord make_run() {
  RunRecord run;
  run.id = "bench";
  run.suite = "bench";
  run.config = {{"alpha", 0.05}};
  return run;
}

void BM_AggregateCases(benchmark::State& state) {
  const std::vector<TrialResult> trials = make_trials(int(state.range(0)));
  for (auto _ : state) benchmark::DoNotOptimize(aggregate_cases(trials, PassRule{}));
  state.SetItemsProcessed(state.iterations() * int64_t(trials.size()));
}
BENCHMARK(BM_AggregateCases)->Arg(1000)->Arg(10000)->Unit(benchmark::kMillisecond);

void BM_GroupFields(benchmark::State& state) {
  const std::vector<TrialResult> trials = make_trials(int(state.range(0)));
  const RunRecord run = make_run();
  for (auto _ : state) benchmark::DoNotOptimize(build_group_fields(run, trials, {}));
  state.SetItemsProcessed(state.iterations() * int64_t(trials.size()));
}
BENCHMARK(BM_GroupFields)->Arg(1000)->Arg(10000)->Unit(benchmark::kMillisecond);

void BM_RunDocument(benchmark::State& state) {
  const std::vector<TrialResult> trials = make_trials(int(state.range(0)));
  const RunRecord run = make_run();
  for (auto _ : state) benchmark::DoNotOptimize(build_run_document(run, trials));
  state.SetItemsProcessed(state.iterations() * int64_t(trials.size()));
}
BENCHMARK(BM_RunDocument)->Arg(1000)->Arg(10000)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace evalkit

BENCHMARK_MAIN();

// Rendering cost of each report format for a run of N trials (reports are written once per
// run, but a 100,000-trial run must not make the CI job wait on them).
#include <benchmark/benchmark.h>

#include <nlohmann/json.hpp>

#include "evalkit/report/html_report.h"
#include "evalkit/report/junit_report.h"
#include "evalkit/report/markdown_report.h"

namespace evalkit {
namespace {

using nlohmann::json;

json make_document(int trials) {
  json list = json::array();
  for (int i = 0; i < trials; ++i) {
    const bool pass = i % 5 != 3;
    list.push_back(
        {{"index", i},
         {"case_id", "case-" + std::to_string(i)},
         {"prompt_id", "qa"},
         {"provider_id", "assistant"},
         {"repeat", 0},
         {"labels", {"qa"}},
         {"vars", {{"country", "France"}}},
         {"expected", {"Paris"}},
         {"request", {{"messages", {{{"role", "user"}, {"content", "What is the capital?"}}}}}},
         {"output", "The capital city is Paris, an old <city> by a river & more."},
         {"error", ""},
         {"error_kind", ""},
         {"latency_s", 0.2},
         {"duration_s", 0.21},
         {"pass", pass},
         {"weighted_score", pass ? 1.0 : 0.0},
         {"scores",
          {{{"name", "exact_match"},
            {"value", pass ? 1.0 : 0.0},
            {"pass", pass},
            {"error", false},
            {"reason", "expected 'Paris'"}}}},
         {"baseline", {{"output", "The capital is Paris."}, {"pass", true}}}});
  }
  return {{"run", {{"suite", "bench"}, {"id", "run"}}},
          {"summary", {{"trials", trials}}},
          {"trials", list},
          {"comparison", {{"verdict", "pass"}, {"metrics", json::array()}}}};
}

void BM_HtmlReport(benchmark::State& state) {
  const json document = make_document(int(state.range(0)));
  size_t bytes = 0;
  for (auto _ : state) bytes = render_html_report(document).size();
  state.SetItemsProcessed(state.iterations() * state.range(0));
  state.counters["MB"] = double(bytes) / 1e6;
}
BENCHMARK(BM_HtmlReport)->Arg(1000)->Arg(10000)->Unit(benchmark::kMillisecond);

void BM_JunitReport(benchmark::State& state) {
  const json document = make_document(int(state.range(0)));
  for (auto _ : state) benchmark::DoNotOptimize(render_junit_report(document));
  state.SetItemsProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_JunitReport)->Arg(1000)->Arg(10000)->Unit(benchmark::kMillisecond);

void BM_MarkdownReport(benchmark::State& state) {
  const json document = make_document(int(state.range(0)));
  for (auto _ : state) benchmark::DoNotOptimize(render_markdown_report(document));
  state.SetItemsProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_MarkdownReport)->Arg(1000)->Arg(10000)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace evalkit

BENCHMARK_MAIN();

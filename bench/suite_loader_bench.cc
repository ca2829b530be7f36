// Loading suites with large JSONL and CSV datasets (100k cases).
#include <benchmark/benchmark.h>

#include <filesystem>
#include <fstream>
#include <string>

#include <unistd.h>

#include "evalkit/suite/suite_loader.h"

namespace evalkit {
namespace {

constexpr int kCases = 100000;

// A suite folder with a 100k-line JSONL dataset and a 100k-row CSV dataset, made once.
const std::filesystem::path& bench_dir() {
  static const std::filesystem::path dir = [] {
    const std::filesystem::path root = std::filesystem::temp_directory_path() /
                                       ("evalkit-suite-bench-" + std::to_string(getpid()));
    std::filesystem::create_directories(root);
    const std::string head =
        "providers: [{id: p, type: openai-chat, model: m}]\n"
        "prompts: [{id: qa, messages: [{role: system, content: Be brief.}, "
        "{role: user, content: \"Capital of {{country}} ({{meta.region}})?\"}]}]\n"
        "scorers: [{type: exact_match, normalize: [lower, trim]}, {type: regex, pattern: "
        "\"^[A-Z]\"}]\n";
    std::ofstream(root / "jsonl.yaml") << head << "cases: [{file: big.jsonl}]\n";
    std::ofstream(root / "csv.yaml")
        << "providers: [{id: p, type: openai-chat, model: m}]\n"
           "prompt: \"Capital of {{country}}?\"\nscorers: [exact_match]\n"
           "cases: [{file: big.csv}]\n";
    std::ofstream jsonl(root / "big.jsonl");
    std::ofstream csv(root / "big.csv");
    csv << "id,country,expected,labels\n";
    for (int i = 0; i < kCases; ++i) {
      const std::string n = std::to_string(i);
      jsonl << "{\"id\": \"case-" << n << "\", \"vars\": {\"country\": \"Country " << n
            << "\", \"meta\": {\"region\": \"r" << (i % 7) << "\"}}, \"expected\": [\"City " << n
            << "\", \"city" << n << "\"], \"labels\": [\"geo\", \"bench\"]}\n";
      csv << "case-" << n << ",\"Country, " << n << "\",City " << n << ",geo;bench\n";
    }
    return root;
  }();
  return dir;
}

void load(benchmark::State& state, const char* file) {
  const std::string path = (bench_dir() / file).string();
  for (auto _ : state) {
    Suite suite;
    const Status status = load_suite(path, &suite);
    if (!status) state.SkipWithError(status.message().c_str());
    benchmark::DoNotOptimize(suite.inline_cases.data());
  }
  state.SetItemsProcessed(state.iterations() * kCases);
}

void BM_LoadSuiteJsonl100k(benchmark::State& state) { load(state, "jsonl.yaml"); }
void BM_LoadSuiteCsv100k(benchmark::State& state) { load(state, "csv.yaml"); }

BENCHMARK(BM_LoadSuiteJsonl100k)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_LoadSuiteCsv100k)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace evalkit

BENCHMARK_MAIN();

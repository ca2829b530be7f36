// Flat memory: the evalkit binary runs exact-match suites of growing size (a JSONL dataset of
// N cases) against the fake endpoint and the benchmark prints each run's peak RSS, the
// growth per case, and the ratio of the largest run's peak to the peak at 100,000 cases
// (target: <= 1.3, and <= 300 MiB at 1,000,000 cases). evalkit runs as a child process, so
// its rusage is its own; the fake endpoint runs in this process on its own epoll thread.
//
//   flat_memory_throughput [--sizes 20000,100000,1000000] [--concurrency C] [--latency-ms L]
//                          [--report-json] [--junit] [--report-html] [--report-md]
//                          [--all-reports] [--gate] [--keep-db] [--evalkit PATH]
//
// --evalkit runs another evalkit binary (an older build, to measure a change before and after).
//
// --report-json also writes the run's JSON report (the complete document) to a file, so the
// figure covers the report writer too; --junit, --report-html and --report-md add those
// reports, --all-reports all four.
//
// --gate runs each suite twice in one database and measures the second run, which is gated
// against the first (`--baseline last`): the figure covers reading both runs' cases for the
// paired comparison and, with a report flag, each trial's baseline in the report. The gated
// run is held to 300 MiB at 1,000,000 cases, not to the 1.3 ratio: its exact paired tests keep
// each case's values in both runs.
#include <fcntl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "tests/support/fake_openai_server.h"
#include "tests/support/process.h"

namespace {

std::string text_flag(int argc, char** argv, const char* name, const std::string& fallback) {
  for (int i = 1; i + 1 < argc; ++i) {
    if (std::strcmp(argv[i], name) == 0) return argv[i + 1];
  }
  return fallback;
}

bool switch_flag(int argc, char** argv, const char* name) {
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], name) == 0) return true;
  }
  return false;
}

std::vector<long> parse_sizes(const std::string& text) {
  std::vector<long> sizes;
  std::stringstream in(text);
  std::string item;
  while (std::getline(in, item, ',')) sizes.push_back(std::stol(item));
  return sizes;
}

struct Measurement {
  long cases = 0;
  int exit_code = -1;
  double wall_s = 0;
  double cpu_s = 0;
  double peak_mib = 0;
  unsigned long long served = 0;
};

Measurement measure(const std::string& binary, const std::filesystem::path& dir,
                    const std::string& base_url, long cases, long concurrency,
                    const std::vector<std::string>& report_flags, bool gate,
                    evalkit::testing::FakeOpenAIServer& server) {
  {
    std::ofstream data(dir / "cases.jsonl");
    for (long i = 0; i < cases; ++i) {
      data << "{\"id\": \"case-" << i << "\", \"vars\": {\"n\": " << i
           << "}, \"expected\": \"Paris\"}\n";
    }
    std::ofstream suite(dir / "suite.yaml");
    suite << "suite: flat-memory\nproviders:\n  - id: endpoint\n    type: openai-chat\n"
          << "    model: fake-chat\n    base_url: " << base_url << "\n"
          << "    concurrency: " << concurrency << "\n    timeout: 60\n"
          << "prompts:\n  - id: p\n    messages: [{role: user, content: \"Question {{n}}\"}]\n"
          << "cases:\n  - file: cases.jsonl\nscorers:\n  - {type: exact_match}\n";
  }
  const std::string suite = (dir / "suite.yaml").string();
  const std::string db = (dir / "evalkit.db").string();
  std::filesystem::remove(db);
  std::filesystem::remove(db + "-wal");
  std::filesystem::remove(db + "-shm");
  const std::string jobs = std::to_string(concurrency);
  // evalkit run SUITE --db DB -j C -q --no-progress [--baseline last] [--report-json ...]
  auto run_child = [&](bool with_reports, bool against_baseline, rusage* usage) {
    const pid_t pid = fork();
    if (pid == 0) {
      const int null = open("/dev/null", O_WRONLY);
      dup2(null, 1);
      std::vector<std::string> args = {"evalkit", "run", suite, "--db", db, "-j", jobs, "-q",
                                       "--no-progress"};
      if (against_baseline) {
        args.push_back("--baseline");
        args.push_back("last");
      }
      for (const std::string& flag : with_reports ? report_flags : std::vector<std::string>{}) {
        args.push_back("--" + flag);
        args.push_back((dir / ("report." + flag)).string());
      }
      std::vector<char*> argv;
      for (std::string& arg : args) argv.push_back(arg.data());
      argv.push_back(nullptr);
      execv(binary.c_str(), argv.data());
      _exit(127);
    }
    int status = 0;
    wait4(pid, &status, 0, usage);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  };
  rusage usage{};
  if (gate && run_child(false, false, &usage) != 0) {
    std::fprintf(stderr, "flat_memory_throughput: the baseline run failed\n");
  }
  const unsigned long long served_before = server.stats().ok;
  const auto start = std::chrono::steady_clock::now();
  usage = {};
  const int exit_code = run_child(true, gate, &usage);
  Measurement m;
  m.cases = cases;
  m.exit_code = exit_code;
  m.wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  m.cpu_s = double(usage.ru_utime.tv_sec) + double(usage.ru_utime.tv_usec) / 1e6 +
            double(usage.ru_stime.tv_sec) + double(usage.ru_stime.tv_usec) / 1e6;
  m.peak_mib = double(usage.ru_maxrss) / 1024.0;
  m.served = server.stats().ok - served_before;
  return m;
}

}  // namespace

int main(int argc, char** argv) {
  const std::vector<long> sizes = parse_sizes(text_flag(argc, argv, "--sizes", "20000,100000"));
  const long concurrency = std::stol(text_flag(argc, argv, "--concurrency", "256"));
  const int latency_ms = std::stoi(text_flag(argc, argv, "--latency-ms", "1"));
  // Each report flag given (--report-json, --junit, --report-html, --report-md) makes the run
  // write that report too; --all-reports asks for all four.
  std::vector<std::string> report_flags;
  const bool all_reports = switch_flag(argc, argv, "--all-reports");
  for (const char* flag : {"report-json", "junit", "report-html", "report-md"}) {
    if (all_reports || switch_flag(argc, argv, (std::string("--") + flag).c_str())) {
      report_flags.push_back(flag);
    }
  }
  std::string report_names;
  for (const std::string& flag : report_flags) report_names += " --" + flag;
  const bool keep_db = switch_flag(argc, argv, "--keep-db");
  const bool gate = switch_flag(argc, argv, "--gate");
  const std::string binary = text_flag(argc, argv, "--evalkit", evalkit::testing::evalkit_binary());

  evalkit::testing::FakeOpenAIServerOptions options;
  options.latency_ms = latency_ms;
  options.rules = {{"", "Paris", {}, {}, {}}};
  options.request_log_capacity = 16;
  evalkit::testing::FakeOpenAIServer server(options);

  const auto dir =
      std::filesystem::temp_directory_path() / ("evalkit-flat-memory-" + std::to_string(getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);

  std::printf("flat_memory_throughput: %s, exact-match suite, C=%ld in flight, L=%d ms%s%s\n",
              binary.c_str(), concurrency, latency_ms,
              report_flags.empty() ? "" : (", with" + report_names).c_str(),
              gate ? ", gated against a baseline run of the same suite" : "");
  std::printf("  %10s  %9s  %8s  %8s  %10s  %10s  %4s\n", "cases", "served", "wall s", "CPU s",
              "peak MiB", "KiB/case", "exit");
  std::vector<Measurement> results;
  bool ok = true;
  for (long cases : sizes) {
    const Measurement m =
        measure(binary, dir, server.base_url(), cases, concurrency, report_flags, gate, server);
    results.push_back(m);
    ok = ok && m.exit_code == 0 && m.served == static_cast<unsigned long long>(cases);
    std::printf("  %10ld  %9llu  %8.2f  %8.2f  %10.1f  %10.3f  %4d\n", m.cases, m.served, m.wall_s,
                m.cpu_s, m.peak_mib, m.peak_mib * 1024.0 / double(m.cases), m.exit_code);
    std::fflush(stdout);
  }
  if (results.size() >= 2) {
    const Measurement& small = results[results.size() - 2];
    const Measurement& large = results.back();
    const double slope_kib =
        (large.peak_mib - small.peak_mib) * 1024.0 / double(large.cases - small.cases);
    std::printf("  growth %ld -> %ld cases: %.3f KiB per extra case\n", small.cases, large.cases,
                slope_kib);
  }
  const Measurement* at_100k = nullptr;
  for (const Measurement& m : results) {
    if (m.cases == 100000) at_100k = &m;
  }
  const Measurement& largest = results.back();
  if (at_100k != nullptr && largest.cases > at_100k->cases) {
    // The gate's paired tests are exact: they hold each case's values in both runs (about 140
    // bytes a case with one metric, docs/scale.md), so only the ungated run is held to 1.3.
    std::printf("  ratio peak(%ld)/peak(100000)  %.3f   (%s)\n", largest.cases,
                largest.peak_mib / at_100k->peak_mib,
                gate ? "the gate holds each case's paired values: no ratio target"
                     : "target <= 1.3");
  }
  if (largest.cases >= 1000000) {
    std::printf("  peak at %ld cases / 300 MiB  %.3f   (target <= 1)\n", largest.cases,
                largest.peak_mib / 300.0);
  }
  if (!keep_db)
    std::filesystem::remove_all(dir);
  else
    std::printf("  kept %s\n", dir.c_str());
  return ok ? 0 : 1;
}

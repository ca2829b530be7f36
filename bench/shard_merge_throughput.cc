// Sharded runs and their merge at full size: N exact-match cases (default 400,000) split into
// S shards (default 4) that run as separate evalkit processes at the same time against the
// fake endpoint, each writing its JSON report; then `evalkit merge` joins the reports into one
// stored run. Prints each shard's wall time and peak RSS, and the merge's wall time, CPU and
// peak RSS with the ratio of that peak to the shard reports' size on disk (a merge that
// streams stays well under 1).
//
//   shard_merge_throughput [--cases N] [--shards S] [--concurrency C] [--latency-ms L]
//                          [--merge-report]        (the merge also writes the merged report)
//                          [--compare-merge PATH]  (also merge the same reports with the
//                                                   evalkit at PATH, e.g. an older build)
#include <fcntl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "tests/support/fake_openai_server.h"
#include "tests/support/process.h"

namespace {

long flag(int argc, char** argv, const char* name, long fallback) {
  for (int i = 1; i + 1 < argc; ++i) {
    if (std::strcmp(argv[i], name) == 0) return std::stol(argv[i + 1]);
  }
  return fallback;
}

std::string text_flag(int argc, char** argv, const char* name) {
  for (int i = 1; i + 1 < argc; ++i) {
    if (std::strcmp(argv[i], name) == 0) return argv[i + 1];
  }
  return "";
}

bool switch_flag(int argc, char** argv, const char* name) {
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], name) == 0) return true;
  }
  return false;
}

pid_t start(const std::vector<std::string>& args) {
  const pid_t pid = fork();
  if (pid == 0) {
    const int null = open("/dev/null", O_WRONLY);
    dup2(null, 1);
    std::vector<char*> argv;
    for (const std::string& arg : args) argv.push_back(const_cast<char*>(arg.c_str()));
    argv.push_back(nullptr);
    execv(argv[0], argv.data());
    _exit(127);
  }
  return pid;
}

struct Finished {
  int exit_code = -1;
  double wall_s = 0;
  double cpu_s = 0;
  double peak_mib = 0;
};

Finished finish(pid_t pid, std::chrono::steady_clock::time_point started) {
  int status = 0;
  rusage usage{};
  wait4(pid, &status, 0, &usage);
  Finished f;
  f.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  f.wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  f.cpu_s = double(usage.ru_utime.tv_sec) + double(usage.ru_utime.tv_usec) / 1e6 +
            double(usage.ru_stime.tv_sec) + double(usage.ru_stime.tv_usec) / 1e6;
  f.peak_mib = double(usage.ru_maxrss) / 1024.0;
  return f;
}

}  // namespace

int main(int argc, char** argv) {
  const long cases = flag(argc, argv, "--cases", 400000);
  const long shards = flag(argc, argv, "--shards", 4);
  const long concurrency = flag(argc, argv, "--concurrency", 64);
  const long latency_ms = flag(argc, argv, "--latency-ms", 1);
  const bool merge_report = switch_flag(argc, argv, "--merge-report");
  const std::string compare_with = text_flag(argc, argv, "--compare-merge");

  evalkit::testing::FakeOpenAIServerOptions options;
  options.latency_ms = int(latency_ms);
  options.rules = {{"", "Paris", {}, {}, {}}};
  options.request_log_capacity = 16;
  evalkit::testing::FakeOpenAIServer server(options);

  const auto dir =
      std::filesystem::temp_directory_path() / ("evalkit-shard-merge-" + std::to_string(getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  {
    std::ofstream data(dir / "cases.jsonl");
    for (long i = 0; i < cases; ++i) {
      data << "{\"id\": \"case-" << i << "\", \"vars\": {\"n\": " << i
           << "}, \"expected\": \"Paris\"}\n";
    }
    std::ofstream suite(dir / "suite.yaml");
    suite << "suite: sharded\nproviders:\n  - id: endpoint\n    type: openai-chat\n"
          << "    model: fake-chat\n    base_url: " << server.base_url() << "\n"
          << "    concurrency: " << concurrency << "\n    timeout: 60\n"
          << "prompts:\n  - id: p\n    messages: [{role: user, content: \"Question {{n}}\"}]\n"
          << "cases:\n  - file: cases.jsonl\nscorers:\n  - {type: exact_match}\n";
  }
  const std::string binary = evalkit::testing::evalkit_binary();
  const std::string suite = (dir / "suite.yaml").string();

  std::printf("shard_merge_throughput: N=%ld cases in %ld shards, C=%ld each, L=%ld ms\n", cases,
              shards, concurrency, latency_ms);
  std::fflush(stdout);
  const auto shards_started = std::chrono::steady_clock::now();
  std::vector<pid_t> pids;
  std::vector<std::string> reports;
  for (long i = 1; i <= shards; ++i) {
    const std::string n = std::to_string(i);
    reports.push_back((dir / ("shard" + n + ".json")).string());
    pids.push_back(start({binary, "run", suite, "--shard", n + "/" + std::to_string(shards), "--db",
                          (dir / ("shard" + n + ".db")).string(), "--report-json", reports.back(),
                          "-q", "--no-progress", "-j", std::to_string(concurrency)}));
  }
  bool ok = true;
  uintmax_t report_bytes = 0;
  for (size_t i = 0; i < pids.size(); ++i) {
    const Finished f = finish(pids[i], shards_started);
    std::error_code ec;
    report_bytes += std::filesystem::file_size(reports[i], ec);
    std::printf("  shard %zu: exit %d, wall %.2f s, CPU %.2f s, peak RSS %.1f MiB\n", i + 1,
                f.exit_code, f.wall_s, f.cpu_s, f.peak_mib);
    ok = ok && f.exit_code == 0;
  }
  const double report_mib = double(report_bytes) / (1024.0 * 1024.0);
  std::printf("  requests served %llu of %ld; shard reports %.1f MiB\n",
              static_cast<unsigned long long>(server.stats().ok), cases, report_mib);
  std::fflush(stdout);

  const auto run_merge = [&](const std::string& evalkit, const std::string& name) {
    std::vector<std::string> merge = {evalkit, "merge"};
    merge.insert(merge.end(), reports.begin(), reports.end());
    merge.insert(merge.end(), {"--db", (dir / (name + ".db")).string(), "--into", "nightly"});
    if (merge_report) {
      merge.insert(merge.end(), {"--report-json", (dir / (name + ".json")).string()});
    }
    const auto merge_started = std::chrono::steady_clock::now();
    const Finished m = finish(start(merge), merge_started);
    std::printf(
        "  merge by %s%s: exit %d, wall %.2f s, CPU %.2f s, peak RSS %.1f MiB = %.3f of the "
        "reports' size\n",
        evalkit.c_str(), merge_report ? " (with --report-json)" : "", m.exit_code, m.wall_s,
        m.cpu_s, m.peak_mib, m.peak_mib / report_mib);
    std::fflush(stdout);
    return m;
  };
  const Finished merged = run_merge(binary, "merged");
  ok = ok && merged.exit_code == 0;
  if (!compare_with.empty()) {
    const Finished reference = run_merge(compare_with, "reference");
    std::printf("  peak RSS ratio %.3f, wall time ratio %.3f (this build / %s)\n",
                merged.peak_mib / reference.peak_mib, merged.wall_s / reference.wall_s,
                compare_with.c_str());
  }
  std::filesystem::remove_all(dir);
  return ok ? 0 : 1;
}

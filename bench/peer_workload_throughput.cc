// The peer workload: a JSON suite of N inline cases (default 10,000), each with its own
// `contains` value and judge rubric, and suite-level ROUGE-1 (>= 0.75), BLEU (>= 0.5) and
// embedding similarity (>= 0.85) scorers, run by the evalkit binary against the fake endpoint
// (chat, judge and embeddings) answering after L ms (default 50) with C requests in flight
// (default 256). Prints evalkit's peak RSS (target <= 100 MiB), its CPU per case (target
// <= 0.5 ms), the fake endpoint's CPU beside it (it runs in this process, on its own thread),
// and a digest of every case's verdict, so a change can show it decides the same.
//
//   peer_workload_throughput [--cases N] [--concurrency C] [--latency-ms L] [--evalkit PATH]
//
// --evalkit runs another evalkit binary (an older build, to compare before and after).
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

#include <nlohmann/json.hpp>

#include "evalkit/base/hash.h"
#include "evalkit/store/store.h"
#include "tests/support/fake_openai_server.h"
#include "tests/support/process.h"

namespace {

long flag(int argc, char** argv, const char* name, long fallback) {
  for (int i = 1; i + 1 < argc; ++i) {
    if (std::strcmp(argv[i], name) == 0) return std::stol(argv[i + 1]);
  }
  return fallback;
}

double cpu_seconds(const rusage& usage) {
  return double(usage.ru_utime.tv_sec) + double(usage.ru_utime.tv_usec) / 1e6 +
         double(usage.ru_stime.tv_sec) + double(usage.ru_stime.tv_usec) / 1e6;
}

const char* const kTopics[] = {"rivers",  "volcanoes", "glaciers", "deserts", "forests",
                               "oceans",  "mountains", "islands",  "lakes",   "canyons",
                               "prairie", "tundra",    "reefs",    "deltas",  "fjords"};

// Case i's question (the fake endpoint echoes it back as the answer), its reference, keyword
// and rubric. Some cases are meant to fail: every 7th keyword is absent from the answer,
// every 11th reference shares few words with it.
nlohmann::json peer_case(long i) {
  const std::string topic = kTopics[i % 15];
  const std::string other = kTopics[(i + 4) % 15];
  const std::string question = "Explain in two sentences how " + topic +
                               " shape the landscape around site " + std::to_string(i) +
                               " and why " + other + " nearby matter for the people living there";
  const std::string reference =
      i % 11 == 0 ? "A short note on " + other + " without the details the question asked for"
                  : question;
  nlohmann::json c;
  c["id"] = "case-" + std::to_string(i);
  c["vars"] = {{"question", question}};
  c["expected"] = reference;
  c["scorers"] = nlohmann::json::array(
      {{{"type", "contains"}, {"value", i % 7 == 0 ? "glacier-" + std::to_string(i) : topic}},
       {{"type", "judge"},
        {"template", "rubric"},
        {"rubric", "The answer names " + topic + " and " + other + ", refers to site " +
                       std::to_string(i) + ", and stays within two sentences."}}});
  return c;
}

}  // namespace

int main(int argc, char** argv) {
  const long cases = flag(argc, argv, "--cases", 10000);
  const long concurrency = flag(argc, argv, "--concurrency", 256);
  const long latency_ms = flag(argc, argv, "--latency-ms", 50);

  // The judge's verdict is scripted; everything else (the assistant) is the fake's echo.
  evalkit::testing::FakeOpenAIServerOptions options;
  options.latency_ms = int(latency_ms);
  options.rules = {{"[Rubric]",
                    "{\"reason\": \"meets the rubric\", \"pass\": true, \"score\": 0.9}",
                    {},
                    {},
                    {}}};
  options.request_log_capacity = 16;
  evalkit::testing::FakeOpenAIServer server(options);

  const auto dir = std::filesystem::temp_directory_path() /
                   ("evalkit-peer-workload-" + std::to_string(getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  const std::string url = server.base_url();
  nlohmann::json suite = {
      {"suite", "peer-workload"},
      {"defaults", {{"provider", "assistant"}, {"judge", "grader"}, {"embedder", "embedder"}}},
      {"providers",
       {{{"id", "assistant"},
         {"type", "openai-chat"},
         {"model", "fake-chat"},
         {"base_url", url},
         {"concurrency", concurrency}},
        {{"id", "grader"},
         {"type", "openai-chat"},
         {"model", "fake-judge"},
         {"base_url", url},
         {"concurrency", concurrency}},
        {{"id", "embedder"},
         {"type", "openai-embeddings"},
         {"model", "fake-embedding"},
         {"base_url", url},
         {"concurrency", concurrency}}}},
      {"prompts",
       {{{"id", "explain"}, {"messages", {{{"role", "user"}, {"content", "{{question}}"}}}}}}},
      {"scorers",
       {{{"type", "rouge"}, {"variant", "rouge1"}, {"threshold", 0.75}},
        {{"type", "bleu"}, {"threshold", 0.5}},
        {{"type", "similarity"}, {"threshold", 0.85}}}},
      {"cases", nlohmann::json::array()}};
  for (long i = 0; i < cases; ++i) suite["cases"].push_back(peer_case(i));
  const std::string suite_path = (dir / "suite.json").string();
  std::ofstream(suite_path) << suite.dump(1);
  suite = nullptr;
  const auto suite_bytes = std::filesystem::file_size(suite_path);

  const std::string db = (dir / "evalkit.db").string();
  const std::string jobs = std::to_string(concurrency);
  std::string binary = evalkit::testing::evalkit_binary();
  for (int i = 1; i + 1 < argc; ++i) {
    if (std::strcmp(argv[i], "--evalkit") == 0) binary = argv[i + 1];
  }
  // Loading alone (evalkit validate reads and checks the suite, then exits): the part of the
  // peak that is the suite itself.
  rusage load_usage{};
  {
    const pid_t validate = fork();
    if (validate == 0) {
      const int null = open("/dev/null", O_WRONLY);
      dup2(null, 1);
      execl(binary.c_str(), "evalkit", "validate", suite_path.c_str(), static_cast<char*>(nullptr));
      _exit(127);
    }
    int validate_status = 0;
    wait4(validate, &validate_status, 0, &load_usage);
  }
  rusage self_before{};
  getrusage(RUSAGE_SELF, &self_before);
  const auto start = std::chrono::steady_clock::now();
  const pid_t pid = fork();
  if (pid == 0) {
    const int null = open("/dev/null", O_WRONLY);
    dup2(null, 1);
    execl(binary.c_str(), "evalkit", "run", suite_path.c_str(), "--db", db.c_str(), "-j",
          jobs.c_str(), "-q", "--no-progress", static_cast<char*>(nullptr));
    _exit(127);
  }
  int status = 0;
  rusage usage{};
  wait4(pid, &status, 0, &usage);
  const double wall =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  rusage self_after{};
  getrusage(RUSAGE_SELF, &self_after);
  const double cpu = cpu_seconds(usage);
  const double fake_cpu = cpu_seconds(self_after) - cpu_seconds(self_before);
  const auto stats = server.stats();
  const int exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;

  // Every case's verdict, read back from the run's database, as one digest.
  long passed = 0, failed = 0, errors = 0;
  std::string verdicts;
  {
    evalkit::Store store;
    std::string run_id;
    std::vector<evalkit::TrialResult> trials;
    if (store.open(db, evalkit::Store::Access::kRead) &&
        store.resolve_run_id("last", "", &run_id) && store.load_trials(run_id, &trials)) {
      for (const auto& trial : trials) {
        verdicts += trial.key.case_id + (trial.error.empty() ? (trial.pass ? "+" : "-") : "!");
        for (const auto& score : trial.scores) verdicts += score.pass ? "1" : "0";
        verdicts += '\n';
        if (!trial.error.empty())
          ++errors;
        else if (trial.pass)
          ++passed;
        else
          ++failed;
      }
    }
  }

  std::printf(
      "peer_workload_throughput: %s\n  N=%ld inline cases (%.1f MiB JSON suite), C=%ld, L=%ld ms\n",
      binary.c_str(), cases, double(suite_bytes) / (1024.0 * 1024.0), concurrency, latency_ms);
  std::printf("  evalkit exit code     %d\n", exit_code);
  std::printf("  requests served       %llu (chat, judge and embeddings; connections %llu)\n",
              static_cast<unsigned long long>(stats.ok),
              static_cast<unsigned long long>(stats.connections_accepted));
  std::printf("  verdicts              %ld passed, %ld failed, %ld errors; digest %016llx\n",
              passed, failed, errors, static_cast<unsigned long long>(evalkit::fnv1a64(verdicts)));
  std::printf("  wall time             %.3f s\n", wall);
  std::printf("  peak RSS              %.1f MiB = %.2f of the 100 MiB target\n",
              double(usage.ru_maxrss) / 1024.0, double(usage.ru_maxrss) / 1024.0 / 100.0);
  std::printf("  loading alone         peak RSS %.1f MiB, CPU %.3f s (evalkit validate)\n",
              double(load_usage.ru_maxrss) / 1024.0, cpu_seconds(load_usage));
  std::printf("  evalkit CPU           %.3f s = %.3f ms per case = %.2f of the 0.5 ms target\n",
              cpu, cpu * 1000.0 / double(cases), cpu * 1000.0 / double(cases) / 0.5);
  std::printf("  fake endpoint CPU     %.3f s = %.3f ms per case (%.0f%% of the two together)\n",
              fake_cpu, fake_cpu * 1000.0 / double(cases), 100.0 * fake_cpu / (fake_cpu + cpu));
  std::filesystem::remove_all(dir);
  return exit_code == 0 || exit_code == 1 ? 0 : 1;
}

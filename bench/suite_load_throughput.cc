// Loading a suite of 10,000 inline cases, the shape of issue 16's peer workload: each case
// has its own vars, reference, labels, a `contains` check and a judge rubric; the suite has
// ROUGE-1, BLEU and similarity scorers. The same suite is written as JSON (one case a line,
// about 3.7 MB) and as block YAML. For each, the benchmark prints load_suite's time in this
// process, then `evalkit validate` end to end (a child: wall time and peak RSS) against the
// bounds of 0.15 s and 40 MB, and the share of the end-to-end time the in-process load is.
//
//   suite_load_throughput [--cases N] [--evalkit PATH] [--write DIR]
//
// --evalkit runs another evalkit binary as the child (an older build, to compare in one session).
// --write only writes peer.json and peer.yaml into DIR (to time or profile them by hand).
#include <fcntl.h>
#include <malloc.h>
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

#include "evalkit/suite/suite_loader.h"
#include "tests/support/process.h"

namespace {

long flag(int argc, char** argv, const char* name, long fallback) {
  for (int i = 1; i + 1 < argc; ++i) {
    if (std::strcmp(argv[i], name) == 0) return std::stol(argv[i + 1]);
  }
  return fallback;
}

// A sentence of a few words that differs from case to case.
std::string words(long seed, int count) {
  static const char* const kWords[] = {"the",   "answer",   "river", "capital", "green",
                                       "model", "mentions", "quick", "data",    "mountain",
                                       "sea",   "concise",  "paris", "test",    "house"};
  std::string text;
  for (int i = 0; i < count; ++i) {
    if (i > 0) text += ' ';
    text += kWords[static_cast<size_t>(seed * 7 + i * 13 + (seed >> 3)) % std::size(kWords)];
  }
  return text;
}

void write_suites(const std::filesystem::path& dir, long cases) {
  std::ofstream json(dir / "peer.json");
  json << "{\n \"suite\": \"peer\",\n \"defaults\": {\"judge\": \"grader\", \"embedder\": "
          "\"embed\"},\n \"providers\": [\n"
          "  {\"id\": \"assistant\", \"type\": \"openai-chat\", \"model\": \"m\", "
          "\"base_url\": \"http://127.0.0.1:9/v1\", \"concurrency\": 256},\n"
          "  {\"id\": \"grader\", \"type\": \"openai-chat\", \"model\": \"g\", "
          "\"base_url\": \"http://127.0.0.1:9/v1\"},\n"
          "  {\"id\": \"embed\", \"type\": \"openai-embeddings\", \"model\": \"e\", "
          "\"base_url\": \"http://127.0.0.1:9/v1\"}\n ],\n"
          " \"prompts\": [{\"id\": \"qa\", \"messages\": [{\"role\": \"system\", \"content\": "
          "\"Answer briefly.\"}, {\"role\": \"user\", \"content\": \"{{question}}\"}]}],\n"
          " \"scorers\": [{\"type\": \"rouge\", \"variant\": \"rouge1\", \"threshold\": 0.75}, "
          "{\"type\": \"bleu\", \"threshold\": 0.5}, {\"type\": \"similarity\", \"threshold\": "
          "0.85}],\n \"cases\": [\n";
  std::ofstream yaml(dir / "peer.yaml");
  yaml << "suite: peer\ndefaults: {judge: grader, embedder: embed}\nproviders:\n"
          "  - {id: assistant, type: openai-chat, model: m, base_url: \"http://127.0.0.1:9/v1\", "
          "concurrency: 256}\n"
          "  - {id: grader, type: openai-chat, model: g, base_url: \"http://127.0.0.1:9/v1\"}\n"
          "  - {id: embed, type: openai-embeddings, model: e, base_url: "
          "\"http://127.0.0.1:9/v1\"}\n"
          "prompts:\n  - id: qa\n    messages:\n      - {role: system, content: Answer briefly.}\n"
          "      - {role: user, content: \"{{question}}\"}\n"
          "scorers:\n  - {type: rouge, variant: rouge1, threshold: 0.75}\n"
          "  - {type: bleu, threshold: 0.5}\n  - {type: similarity, threshold: 0.85}\n"
          "cases:\n";
  for (long i = 0; i < cases; ++i) {
    const std::string n = std::to_string(i);
    const std::string question = "Question " + n + ": " + words(i, 12) + "?";
    const std::string expected = words(i + 1, 25);
    const std::string rubric =
        "The answer must mention " + words(i + 2, 6) + " and be concise (" + n + ").";
    json << "  {\"id\": \"case-" << n << "\", \"vars\": {\"question\": \"" << question
         << "\"}, \"expected\": \"" << expected << "\", \"labels\": [\"peer\", \"l" << i % 10
         << "\"], \"scorers\": [{\"type\": \"contains\", \"value\": \"word" << n
         << "\"}, {\"type\": \"judge\", \"template\": \"rubric\", \"rubric\": \"" << rubric
         << "\"}]}" << (i + 1 < cases ? ",\n" : "\n");
    yaml << "  - id: case-" << n << "\n    vars: {question: \"" << question
         << "\"}\n    expected: " << expected << "\n    labels: [peer, l" << i % 10
         << "]\n    scorers:\n      - {type: contains, value: word" << n
         << "}\n      - type: judge\n        template: rubric\n        rubric: " << rubric << "\n";
  }
  json << " ]\n}\n";
}

struct ChildRun {
  double wall_s = 0;
  double max_rss_mb = 0;
  int exit_code = -1;
};

const char* text_flag(int argc, char** argv, const char* name, const char* fallback) {
  for (int i = 1; i + 1 < argc; ++i) {
    if (std::strcmp(argv[i], name) == 0) return argv[i + 1];
  }
  return fallback;
}

ChildRun run_evalkit(const std::string& binary, const std::vector<std::string>& args) {
  const auto start = std::chrono::steady_clock::now();
  const pid_t pid = fork();
  if (pid == 0) {
    const int null = open("/dev/null", O_WRONLY);
    dup2(null, 1);
    std::vector<char*> argv;
    argv.push_back(const_cast<char*>("evalkit"));
    for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    execv(binary.c_str(), argv.data());
    _exit(127);
  }
  int status = 0;
  rusage usage{};
  wait4(pid, &status, 0, &usage);
  ChildRun run;
  run.wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  run.max_rss_mb = double(usage.ru_maxrss) / 1024.0;
  run.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return run;
}

}  // namespace

int main(int argc, char** argv) {
  const long cases = flag(argc, argv, "--cases", 10000);
  const std::string binary =
      text_flag(argc, argv, "--evalkit", evalkit::testing::evalkit_binary().c_str());
  if (const char* out = text_flag(argc, argv, "--write", nullptr); out != nullptr) {
    std::filesystem::create_directories(out);
    write_suites(out, cases);
    return 0;
  }
  const auto dir =
      std::filesystem::temp_directory_path() / ("evalkit-suite-load-" + std::to_string(getpid()));
  std::filesystem::create_directories(dir);
  write_suites(dir, cases);
  std::printf("suite_load_throughput: %ld inline cases, evalkit %s\n", cases, binary.c_str());
  int failures = 0;
  for (const char* name : {"peer.json", "peer.yaml"}) {
    const std::string path = (dir / name).string();
    // The child runs first: a forked child's peak RSS counts the pages it shares with its
    // parent until exec, so this process must not hold a loaded suite yet.
    malloc_trim(0);
    const ChildRun run = run_evalkit(binary, {"validate", path});
    double load_s = 0;
    {
      evalkit::Suite suite;
      const auto start = std::chrono::steady_clock::now();
      const evalkit::Status status = evalkit::load_suite(path, &suite);
      load_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      if (!status || suite.case_count != static_cast<size_t>(cases)) {
        std::printf("  %s: %s\n", name, status ? "wrong case count" : status.message().c_str());
        ++failures;
        continue;
      }
    }
    std::printf(
        "  %-10s %.1f MB: load_suite %.3f s; evalkit validate %.3f s (exit %d), "
        "%.2f of the 0.15 s bound, peak RSS %.1f MB, %.2f of the 40 MB bound; "
        "load_suite is %.2f of end to end\n",
        name, double(std::filesystem::file_size(path)) / 1e6, load_s, run.wall_s, run.exit_code,
        run.wall_s / 0.15, run.max_rss_mb, run.max_rss_mb / 40.0, load_s / run.wall_s);
    failures += run.exit_code == 0 ? 0 : 1;
  }
  std::filesystem::remove_all(dir);
  return failures == 0 ? 0 : 1;
}

// `evalkit score` end to end against its own kernel: 100,000 pairs of corpus BLEU and 10,000
// pairs of ROUGE-L (one line out per pair, and --corpus), on seeded synthetic sentences of
// 18-26 words (about 280 bytes of JSON a pair). Each line prints the evalkit binary's wall
// time and peak RSS (it runs as a child, reading the pairs from a file on stdin), the same
// metric computed in this process on pairs already in memory (the kernel), their ratio, and
// the bounds: BLEU <= 0.45 s and <= 30 MB, ROUGE-L <= 0.15 s.
//
//   score_throughput [--pairs N] [--rouge-pairs M]
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
#include <random>
#include <span>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "evalkit/scorers/bleu.h"
#include "evalkit/scorers/rouge_metric.h"
#include "tests/support/process.h"

namespace {

struct Pair {
  std::string hypothesis;
  std::vector<std::string> references;
};

long flag(int argc, char** argv, const char* name, long fallback) {
  for (int i = 1; i + 1 < argc; ++i) {
    if (std::strcmp(argv[i], name) == 0) return std::stol(argv[i + 1]);
  }
  return fallback;
}

std::vector<Pair> make_pairs(long count, uint64_t seed) {
  static const char* const kWords[] = {
      "the",   "a",      "cat",      "dog",  "sat",      "on",   "mat",     "quick", "brown",
      "fox",   "jumps",  "over",     "lazy", "river",    "city", "capital", "paris", "france",
      "model", "answer", "question", "data", "test",     "run",  "fast",    "slow",  "red",
      "blue",  "green",  "house",    "tree", "mountain", "sea"};
  std::mt19937_64 random(seed);
  std::uniform_int_distribution<int> length(18, 26);
  const auto sentence = [&] {
    std::string text;
    for (int n = length(random); n > 0; --n) {
      if (!text.empty()) text += ' ';
      text += kWords[random() % std::size(kWords)];
    }
    return text;
  };
  std::vector<Pair> pairs(static_cast<size_t>(count));
  for (auto& pair : pairs) {
    pair.hypothesis = sentence();
    pair.references = {sentence()};
  }
  return pairs;
}

std::string write_pairs(const std::vector<Pair>& pairs, const std::filesystem::path& path) {
  std::ofstream out(path);
  for (size_t i = 0; i < pairs.size(); ++i) {
    out << nlohmann::json{{"id", i},
                          {"hypothesis", pairs[i].hypothesis},
                          {"references", pairs[i].references}}
               .dump()
        << "\n";
  }
  return path.string();
}

struct ChildRun {
  double wall_s = 0;
  double max_rss_mb = 0;
  int exit_code = -1;
};

// The evalkit binary with input on stdin and stdout discarded.
ChildRun run_evalkit(const std::vector<std::string>& args, const std::string& input) {
  const std::string binary = evalkit::testing::evalkit_binary();
  const auto start = std::chrono::steady_clock::now();
  const pid_t pid = fork();
  if (pid == 0) {
    const int in = open(input.c_str(), O_RDONLY);
    const int null = open("/dev/null", O_WRONLY);
    dup2(in, 0);
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

template <typename Kernel>
double time_kernel(Kernel kernel) {
  const auto start = std::chrono::steady_clock::now();
  kernel();
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

void report(const char* what, const ChildRun& run, double kernel_s, double bound_s,
            double bound_mb) {
  std::printf(
      "%-28s end to end %.3f s (exit %d), kernel %.3f s, ratio %.2f; bound %.2f s: "
      "%.2f of it",
      what, run.wall_s, run.exit_code, kernel_s, run.wall_s / kernel_s, bound_s,
      run.wall_s / bound_s);
  std::printf("; peak RSS %.1f MB", run.max_rss_mb);
  if (bound_mb > 0)
    std::printf(" (bound %.0f MB: %.2f of it)", bound_mb, run.max_rss_mb / bound_mb);
  std::printf("\n");
}

}  // namespace

int main(int argc, char** argv) {
  const long bleu_pairs = flag(argc, argv, "--pairs", 100000);
  const long rouge_pairs = flag(argc, argv, "--rouge-pairs", 10000);
  const auto dir = std::filesystem::temp_directory_path() /
                   ("evalkit-score-throughput-" + std::to_string(getpid()));
  std::filesystem::create_directories(dir);

  // Each child runs before this process holds the pairs: a forked child's peak RSS counts the
  // pages it shares with its parent until exec.
  const std::string bleu_file = write_pairs(make_pairs(bleu_pairs, 1), dir / "bleu.jsonl");
  const std::string rouge_file = write_pairs(make_pairs(rouge_pairs, 2), dir / "rouge.jsonl");
  malloc_trim(0);
  const ChildRun bleu_run = run_evalkit({"score", "bleu", "--corpus"}, bleu_file);
  const ChildRun rouge_run = run_evalkit({"score", "rouge", "--variant", "rougeL"}, rouge_file);
  const ChildRun rouge_corpus_run =
      run_evalkit({"score", "rouge", "--variant", "rougeL", "--corpus"}, rouge_file);

  double checksum = 0;
  double bleu_kernel = 0;
  {
    const auto bleu_data = make_pairs(bleu_pairs, 1);
    const evalkit::BleuOptions bleu_options;
    bleu_kernel = time_kernel([&] {
      evalkit::BleuStatistics total, one;
      total.counts.assign(bleu_options.max_order, 0);
      total.totals.assign(bleu_options.max_order, 0);
      for (const auto& pair : bleu_data) {
        evalkit::bleu_statistics(pair.hypothesis, pair.references, bleu_options, &one);
        total.add(one);
      }
      checksum += evalkit::bleu_from_statistics(total, bleu_options, false).score;
    });
  }
  const auto rouge_data = make_pairs(rouge_pairs, 2);
  const evalkit::RougeTextOptions rouge_text;
  evalkit::RougeVariant rouge_l;  // rougeL
  const double rouge_kernel = time_kernel([&] {
    evalkit::RougeScore best;
    for (const auto& pair : rouge_data) {
      evalkit::rouge_score_multi(pair.references, pair.hypothesis, rouge_text,
                                 std::span(&rouge_l, 1), std::span(&best, 1));
      checksum += best.f;
    }
  });
  std::printf("score_throughput: %ld BLEU pairs (%.1f MB), %ld ROUGE-L pairs\n", bleu_pairs,
              double(std::filesystem::file_size(bleu_file)) / 1e6, rouge_pairs);
  report("bleu --corpus", bleu_run, bleu_kernel, 0.45, 30);
  report("rouge --variant rougeL", rouge_run, rouge_kernel, 0.15, 0);
  report("rouge --variant rougeL --corpus", rouge_corpus_run, rouge_kernel, 0.15, 0);
  std::printf("(checksum %.3f)\n", checksum);
  std::filesystem::remove_all(dir);
  return 0;
}

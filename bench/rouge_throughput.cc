// ROUGE throughput on seeded synthetic data shaped like the golden README's "Reference speed"
// run (10,000 pairs of about 100 words, Zipf-like vocabulary of 5,000 words), compared with
// the rouge_score medians measured there: 11.5 s rougeL, 21.2 s rougeL + stemmer, 24.8 s
// for rouge1 + rouge2 + rougeL + rougeLsum, all single-threaded.
#include <oneapi/tbb/blocked_range.h>
#include <oneapi/tbb/global_control.h>
#include <oneapi/tbb/parallel_reduce.h>
#include <oneapi/tbb/task_arena.h>

#include <algorithm>
#include <atomic>
#include <bit>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <functional>
#include <random>
#include <string>
#include <vector>

#include "evalkit/scorers/registry.h"
#include "evalkit/scorers/rouge.h"

namespace {

using evalkit::RougeScore;
using evalkit::RougeTextOptions;
using evalkit::RougeVariant;

constexpr int kPairs = 10000;
constexpr int kVocabulary = 5000;
constexpr int kRuns = 3;

std::atomic<uint64_t> threads_seen{0};  // bit per TBB thread index that did work

struct Pair {
  std::string reference;
  std::string hypothesis;
};

// English-looking words with common suffixes, so that the stemmer has real work to do.
std::vector<std::string> make_vocabulary(std::mt19937_64& random) {
  static const char* const kOnsets[] = {"b", "c", "d", "f", "g", "h",  "l",  "m",  "n",  "p",
                                        "r", "s", "t", "v", "w", "st", "tr", "pl", "gr", "ch"};
  static const char* const kVowels[] = {"a", "e", "i", "o", "u", "ea", "ou", "io", "y"};
  static const char* const kSuffixes[] = {"",      "",     "",     "",   "s",   "ing",  "ed", "ly",
                                          "ation", "ness", "ment", "er", "ies", "able", "ful"};
  std::uniform_int_distribution<int> syllables(1, 3);
  std::vector<std::string> words;
  while (words.size() < kVocabulary) {
    std::string word;
    for (int s = syllables(random); s > 0; --s) {
      word += kOnsets[random() % std::size(kOnsets)];
      word += kVowels[random() % std::size(kVowels)];
    }
    word += kSuffixes[random() % std::size(kSuffixes)];
    words.push_back(word);
  }
  return words;
}

// Samples word ranks with probability proportional to 1 / rank.
class ZipfSampler {
 public:
  explicit ZipfSampler(int n) : cumulative_(n) {
    double total = 0;
    for (int rank = 0; rank < n; ++rank) cumulative_[rank] = total += 1.0 / (rank + 1);
  }
  int operator()(std::mt19937_64& random) const {
    double x = std::uniform_real_distribution<double>(0, cumulative_.back())(random);
    return static_cast<int>(std::lower_bound(cumulative_.begin(), cumulative_.end(), x) -
                            cumulative_.begin());
  }

 private:
  std::vector<double> cumulative_;
};

// Sentences of about 20 words, one per line (as ROUGE-Lsum expects).
std::string join(const std::vector<int>& ids, const std::vector<std::string>& words) {
  std::string text;
  for (size_t i = 0; i < ids.size(); ++i) {
    std::string word = words[ids[i]];
    bool sentence_start = i % 20 == 0;
    if (sentence_start) word[0] = static_cast<char>(word[0] - 'a' + 'A');
    if (i > 0) text += sentence_start ? "\n" : " ";
    text += word;
    if (i % 20 == 19 || i + 1 == ids.size())
      text += ".";
    else if (i % 7 == 6)
      text += ",";
  }
  return text;
}

std::vector<Pair> make_pairs() {
  std::mt19937_64 random(20240611);
  std::vector<std::string> words = make_vocabulary(random);
  ZipfSampler zipf(kVocabulary);
  std::uniform_int_distribution<int> length(80, 116);
  std::uniform_real_distribution<double> chance(0, 1);
  std::vector<Pair> pairs;
  for (int p = 0; p < kPairs; ++p) {
    std::vector<int> reference(length(random));
    for (int& id : reference) id = zipf(random);
    std::vector<int> hypothesis;
    for (int id : reference) {
      double roll = chance(random);
      if (roll < 0.05) continue;                              // deletion
      hypothesis.push_back(roll < 0.20 ? zipf(random) : id);  // 15% substitution
    }
    if (chance(random) < 0.5) hypothesis.push_back(zipf(random));
    pairs.push_back({join(reference, words), join(hypothesis, words)});
  }
  return pairs;
}

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

// Scores every pair once with rouge_score_pair (what RougeScorer.score does); returns the
// sum of F over all variants so that the work cannot be optimized away.
double score_all(const std::vector<Pair>& pairs, size_t begin, size_t end,
                 const RougeTextOptions& options, const std::vector<RougeVariant>& variants) {
  std::vector<RougeScore> scores(variants.size());
  double sum = 0;
  for (size_t i = begin; i < end; ++i) {
    evalkit::rouge_score_pair(pairs[i].reference, pairs[i].hypothesis, options, variants, scores);
    for (const RougeScore& score : scores) sum += score.f;
  }
  return sum;
}

// CPU time of the whole process (all threads): on a shared, loaded machine wall-clock time
// includes waiting for a core, CPU time does not.
double process_cpu_seconds() {
  timespec now{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &now);
  return static_cast<double>(now.tv_sec) + static_cast<double>(now.tv_nsec) * 1e-9;
}

struct Timing {
  double first;
  double median;
  double median_cpu;
  double checksum;
};

Timing time_runs(const std::function<double()>& run) {
  std::vector<double> times;
  std::vector<double> cpu_times;
  double checksum = 0;
  for (int r = 0; r < kRuns; ++r) {
    auto start = std::chrono::steady_clock::now();
    double cpu_start = process_cpu_seconds();
    checksum = run();
    times.push_back(seconds_since(start));
    cpu_times.push_back(process_cpu_seconds() - cpu_start);
  }
  double first = times.front();
  std::sort(times.begin(), times.end());
  std::sort(cpu_times.begin(), cpu_times.end());
  return {first, times[kRuns / 2], cpu_times[kRuns / 2], checksum};
}

void report(const char* what, const Timing& timing, double reference_seconds) {
  std::printf(
      "%-46s wall %7.4f s (first %7.4f) %6.1fx | cpu %7.4f s %6.1fx | vs %.1f s [sum %.4f]\n", what,
      timing.median, timing.first, reference_seconds / timing.median, timing.median_cpu,
      reference_seconds / timing.median_cpu, reference_seconds, timing.checksum);
}

std::vector<RougeVariant> variants(std::initializer_list<const char*> names) {
  std::vector<RougeVariant> out;
  for (const char* name : names) {
    RougeVariant variant;
    evalkit::parse_rouge_variant(name, &variant);
    out.push_back(variant);
  }
  return out;
}

}  // namespace

int main() {
  std::vector<Pair> pairs = make_pairs();
  double words = 0;
  for (const Pair& pair : pairs) {
    words += 1 + std::count(pair.reference.begin(), pair.reference.end(), ' ') +
             std::count(pair.reference.begin(), pair.reference.end(), '\n');
  }
  std::printf("%d pairs, %.1f words per reference on average\n", kPairs, words / kPairs);

  const RougeTextOptions plain;
  RougeTextOptions stemmed;
  stemmed.stem = true;
  const auto rouge_l = variants({"rougeL"});
  const auto all_four = variants({"rouge1", "rouge2", "rougeL", "rougeLsum"});
  {
    tbb::global_control one_thread(tbb::global_control::max_allowed_parallelism, 1);
    report("rougeL, single thread",
           time_runs([&] { return score_all(pairs, 0, pairs.size(), plain, rouge_l); }), 11.5);
    report("rougeL + porter stemmer, single thread",
           time_runs([&] { return score_all(pairs, 0, pairs.size(), stemmed, rouge_l); }), 21.2);
    report("rouge1+rouge2+rougeL+rougeLsum, single thread",
           time_runs([&] { return score_all(pairs, 0, pairs.size(), plain, all_four); }), 24.8);

    // The same rougeL through the Scorer interface (builds Score, details, reason).
    evalkit::ScorerSpec spec;
    spec.type = "rouge";
    std::unique_ptr<evalkit::Scorer> scorer;
    if (!evalkit::make_scorer(spec, &scorer).is_ok()) return 1;
    const nlohmann::json vars = nlohmann::json::object();
    std::vector<std::vector<std::string>> references;
    for (const Pair& pair : pairs) references.push_back({pair.reference});
    report("rougeL via Scorer::score, single thread", time_runs([&] {
             double sum = 0;
             for (size_t i = 0; i < pairs.size(); ++i) {
               evalkit::ScoreInput input;
               input.output = pairs[i].hypothesis;
               input.expected = &references[i];
               input.vars = &vars;
               sum += scorer->score(input).value;
             }
             return sum;
           }),
           11.5);
  }

  for (int threads : {1, 2}) {
    tbb::global_control control(tbb::global_control::max_allowed_parallelism, threads);
    auto parallel = [&](const std::vector<RougeVariant>& chosen, const RougeTextOptions& options) {
      return tbb::parallel_reduce(
          tbb::blocked_range<size_t>(0, pairs.size(), 64), 0.0,
          [&](const tbb::blocked_range<size_t>& range, double sum) {
            threads_seen |= uint64_t{1} << (tbb::this_task_arena::current_thread_index() % 64);
            return sum + score_all(pairs, range.begin(), range.end(), options, chosen);
          },
          std::plus<double>());
    };
    threads_seen = 0;
    char label[64];
    std::snprintf(label, sizeof label, "rougeL, TBB parallel_reduce, %d thread%s", threads,
                  threads == 1 ? "" : "s");
    report(label, time_runs([&] { return parallel(rouge_l, plain); }), 11.5);
    std::snprintf(label, sizeof label, "all four, TBB parallel_reduce, %d thread%s", threads,
                  threads == 1 ? "" : "s");
    report(label, time_runs([&] { return parallel(all_four, plain); }), 24.8);
    std::printf("  (%d thread(s) took part)\n", std::popcount(threads_seen.load()));
  }
  return 0;
}

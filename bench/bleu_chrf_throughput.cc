// Corpus BLEU (13a, exp) and corpus chrF over 100,000 synthetic segment pairs, timed
// single-threaded against sacrebleu's medians from tests/data/golden/README.md, then on
// 1 and 2 TBB threads.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <functional>
#include <vector>

#include <tbb/blocked_range.h>
#include <tbb/global_control.h>
#include <tbb/parallel_reduce.h>
#include <tbb/task_arena.h>

#include "bench/synthetic_segments.h"
#include "evalkit/scorers/bleu.h"
#include "evalkit/scorers/chrf.h"

namespace evalkit::bench {
namespace {

constexpr std::size_t kSegments = 100000;
constexpr double kSacrebleuBleuSeconds = 13.4;
constexpr double kSacrebleuChrfSeconds = 44.4;
constexpr int kRuns = 5;

double thread_cpu_seconds() {
  timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

struct Timing {
  double wall = 0;  // seconds, median of kRuns
  double cpu = 0;   // this thread's CPU seconds, median (robust on a shared machine)
};

Timing median_seconds(const std::function<void()>& work) {
  std::vector<double> walls, cpus;
  for (int i = 0; i < kRuns; ++i) {
    const double cpu_start = thread_cpu_seconds();
    const auto start = std::chrono::steady_clock::now();
    work();
    walls.push_back(
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
    cpus.push_back(thread_cpu_seconds() - cpu_start);
  }
  std::sort(walls.begin(), walls.end());
  std::sort(cpus.begin(), cpus.end());
  return {walls[walls.size() / 2], cpus[cpus.size() / 2]};
}

BleuStatistics empty_bleu(const BleuOptions& options) {
  BleuStatistics s;
  s.counts.assign(options.max_order, 0);
  s.totals.assign(options.max_order, 0);
  return s;
}

double corpus_bleu_serial(const std::vector<SegmentPair>& pairs, const BleuOptions& options) {
  BleuStatistics total = empty_bleu(options);
  BleuStatistics one;
  for (const auto& pair : pairs) {
    bleu_statistics(pair.hypothesis, pair.references, options, &one);
    total.add(one);
  }
  return bleu_from_statistics(total, options, false).score;
}

double corpus_bleu_parallel(const std::vector<SegmentPair>& pairs, const BleuOptions& options) {
  const BleuStatistics total = tbb::parallel_reduce(
      tbb::blocked_range<std::size_t>(0, pairs.size(), 512), empty_bleu(options),
      [&](const tbb::blocked_range<std::size_t>& range, BleuStatistics acc) {
        BleuStatistics one;
        for (std::size_t i = range.begin(); i != range.end(); ++i) {
          bleu_statistics(pairs[i].hypothesis, pairs[i].references, options, &one);
          acc.add(one);
        }
        return acc;
      },
      [](BleuStatistics a, const BleuStatistics& b) {
        a.add(b);
        return a;
      });
  return bleu_from_statistics(total, options, false).score;
}

void add_stats(std::vector<int64_t>* total, const std::vector<int64_t>& one) {
  for (std::size_t i = 0; i < one.size(); ++i) (*total)[i] += one[i];
}

double corpus_chrf_serial(const std::vector<SegmentPair>& pairs, const ChrfOptions& options) {
  std::vector<int64_t> total(3 * options.order(), 0);
  std::vector<int64_t> one;
  for (const auto& pair : pairs) {
    chrf_statistics(pair.hypothesis, pair.references, options, &one);
    add_stats(&total, one);
  }
  return chrf_from_statistics(total, options);
}

double corpus_chrf_parallel(const std::vector<SegmentPair>& pairs, const ChrfOptions& options) {
  const std::vector<int64_t> total = tbb::parallel_reduce(
      tbb::blocked_range<std::size_t>(0, pairs.size(), 512),
      std::vector<int64_t>(3 * options.order(), 0),
      [&](const tbb::blocked_range<std::size_t>& range, std::vector<int64_t> acc) {
        std::vector<int64_t> one;
        for (std::size_t i = range.begin(); i != range.end(); ++i) {
          chrf_statistics(pairs[i].hypothesis, pairs[i].references, options, &one);
          add_stats(&acc, one);
        }
        return acc;
      },
      [](std::vector<int64_t> a, const std::vector<int64_t>& b) {
        add_stats(&a, b);
        return a;
      });
  return chrf_from_statistics(total, options);
}

}  // namespace
}  // namespace evalkit::bench

int main() {
  using namespace evalkit;
  using namespace evalkit::bench;
  const auto pairs = make_synthetic_segments(kSegments);
  std::size_t words = 0;
  for (const auto& p : pairs)
    words += std::count(p.references[0].begin(), p.references[0].end(), ' ') + 1;
  std::printf("%zu segment pairs, %.2f reference words on average; median of %d runs\n\n",
              pairs.size(), static_cast<double>(words) / pairs.size(), kRuns);

  const BleuOptions bleu_options;  // 13a, exp
  const ChrfOptions chrf_options;  // chrF2
  double bleu = 0, chrf = 0;
  const Timing bleu_t = median_seconds([&] { bleu = corpus_bleu_serial(pairs, bleu_options); });
  const Timing chrf_t = median_seconds([&] { chrf = corpus_chrf_serial(pairs, chrf_options); });
  std::printf("single thread      wall s  cpu s   per segment (cpu)  speed-up vs sacrebleu\n");
  auto row = [&](const char* what, const Timing& t, double reference, const char* metric,
                 double value) {
    std::printf("%-17s %7.3f %6.3f %10.2f us        %6.1fx wall, %6.1fx cpu (%.1f s)  %s = %.4f\n",
                what, t.wall, t.cpu, t.cpu / pairs.size() * 1e6, reference / t.wall,
                reference / t.cpu, reference, metric, value);
  };
  row("corpus BLEU 13a", bleu_t, kSacrebleuBleuSeconds, "BLEU", bleu);
  row("corpus chrF2", chrf_t, kSacrebleuChrfSeconds, "chrF", chrf);

  std::printf("\nTBB parallel_reduce over segments\n");
  std::printf("threads  BLEU s   chrF s (wall)   BLEU speed-up  chrF speed-up (vs 1 thread)\n");
  double bleu_one = 0, chrf_one = 0;
  for (int threads : {1, 2}) {
    tbb::global_control limit(tbb::global_control::max_allowed_parallelism, threads);
    tbb::task_arena arena(threads);
    double b = 0, c = 0, bp = 0, cp = 0;
    arena.execute([&] {
      b = median_seconds([&] { bp = corpus_bleu_parallel(pairs, bleu_options); }).wall;
      c = median_seconds([&] { cp = corpus_chrf_parallel(pairs, chrf_options); }).wall;
    });
    if (threads == 1) {
      bleu_one = b;
      chrf_one = c;
    }
    std::printf("%7d  %6.3f   %6.3f   %12.2fx  %12.2fx   (BLEU %.4f, chrF %.4f)\n", threads, b, c,
                bleu_one / b, chrf_one / c, bp, cp);
    if (bp != bleu || cp != chrf) {
      std::printf("parallel result differs from the serial one\n");
      return 1;
    }
  }
  return 0;
}

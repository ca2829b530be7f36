// BLEU as sacrebleu 2.6 computes it: sentence BLEU per trial, corpus BLEU from summed
// statistics. Scorer type "bleu"; see docs/metrics.md for options and the signature.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "evalkit/scorers/scorer.h"
#include "evalkit/text/word_tokenizer.h"

namespace evalkit {

enum class BleuSmoothing { kNone, kFloor, kAddK, kExp };

struct BleuOptions {
  WordTokenizer tokenizer = WordTokenizer::k13a;
  bool lowercase = false;
  BleuSmoothing smoothing = BleuSmoothing::kExp;
  double smooth_value = 0.0;  // floor: 0.1, add-k: 1 (set by parse_bleu_options)
  int max_order = 4;
  bool effective_order = true;  // for sentence scores; corpus scores never use it
};

// Parses ScorerSpec::options ({tokenize, lowercase, smooth, smooth_value, max_order,
// effective_order}); false with *error on an unknown key or a bad value.
bool parse_bleu_options(const nlohmann::json& options, BleuOptions* out, std::string* error);

// The sufficient statistics of one segment (or, summed, of a corpus).
struct BleuStatistics {
  int64_t sys_len = 0;          // hypothesis tokens
  int64_t ref_len = 0;          // closest reference length, ties to the shorter
  std::vector<int64_t> counts;  // per order: clipped matching n-grams
  std::vector<int64_t> totals;  // per order: hypothesis n-grams

  // Adds other's statistics (corpus BLEU sums them).
  void add(const BleuStatistics& other);
};

// Tokenizes and counts one hypothesis against its references. Thread-safe; reuses
// thread-local buffers, so it does not allocate per token.
BleuStatistics bleu_statistics(std::string_view hypothesis, std::span<const std::string> references,
                               const BleuOptions& options);
// The same, into *out (reusing its storage: the form for loops over a corpus).
void bleu_statistics(std::string_view hypothesis, std::span<const std::string> references,
                     const BleuOptions& options, BleuStatistics* out);

struct BleuResult {
  double score = 0.0;              // 0..100
  std::vector<double> precisions;  // percent, per order, after smoothing
  double bp = 0.0;                 // brevity penalty
  BleuStatistics statistics;
};

// sacrebleu's compute_bleu: smoothing, then bp * exp(mean log precision). With
// effective_order the mean runs over the orders the hypothesis has; without it an empty
// order counts as log(0) = -9999999999 and the score is 0.
BleuResult bleu_from_statistics(const BleuStatistics& statistics, const BleuOptions& options,
                                bool effective_order);

// sacrebleu's signature fields for these options, e.g.
// "bleu|case:mixed|eff:yes|tok:13a|smooth:exp|version:0.1.0".
std::string bleu_signature(const BleuOptions& options);

// Registry factory for "bleu".
std::unique_ptr<Scorer> make_bleu_scorer(const ScorerSpec& spec, std::string* error);

}  // namespace evalkit

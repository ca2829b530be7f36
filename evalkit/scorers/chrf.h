// chrF and chrF++ as sacrebleu 2.6 computes them: character n-gram F-score (plus word
// n-grams for chrF++). Scorer type "chrf"; word_order 2 makes it chrF++ (named "chrf++").
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "evalkit/scorers/scorer.h"

namespace evalkit {

struct ChrfOptions {
  int char_order = 6;
  int word_order = 0;  // 2 = chrF++
  double beta = 2.0;
  bool lowercase = false;
  bool eps_smoothing = false;  // average per-order F-scores (chrF++.py) instead of P and R

  int order() const { return char_order + word_order; }
};

// Parses ScorerSpec::options ({char_order, word_order, beta, lowercase, eps_smoothing});
// false with *error on an unknown key or a bad value.
bool parse_chrf_options(const nlohmann::json& options, ChrfOptions* out, std::string* error);

// Statistics of one segment against its best reference (highest sentence chrF, ties to
// the first): for each order, character orders first, then word orders, the triple
// [hypothesis n-grams, reference n-grams, matching n-grams]. The hypothesis count is 0 for
// an order the reference lacks. Thread-safe; reuses thread-local buffers.
std::vector<int64_t> chrf_statistics(std::string_view hypothesis,
                                     std::span<const std::string> references,
                                     const ChrfOptions& options);
// The same, into *out (reusing its storage: the form for loops over a corpus).
void chrf_statistics(std::string_view hypothesis, std::span<const std::string> references,
                     const ChrfOptions& options, std::vector<int64_t>* out);

// The chrF score (0..100) of statistics, summed or not: P and R averaged over the orders
// both sides have, then F-beta.
double chrf_from_statistics(std::span<const int64_t> statistics, const ChrfOptions& options);

// e.g. "chrF2|case:mixed|eff:yes|nc:6|nw:0|space:no|version:0.1.0" ("chrF2++" with words).
std::string chrf_signature(const ChrfOptions& options);

// Registry factory for "chrf".
std::unique_ptr<Scorer> make_chrf_scorer(const ScorerSpec& spec, std::string* error);

}  // namespace evalkit

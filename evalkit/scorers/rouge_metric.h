// ROUGE-N, ROUGE-L and ROUGE-Lsum as Google's rouge-score computes them (RougeScorer.score,
// and score_multi for several references), on texts tokenized by the ROUGE tokenizers.
#pragma once

#include <span>
#include <string>
#include <string_view>

#include "evalkit/text/rouge_tokenizer.h"

namespace evalkit {

struct RougeVariant {
  enum class Kind { kNgram, kLcs, kSummaryLcs };
  Kind kind = Kind::kLcs;
  int n = 0;  // n-gram order, for kNgram

  // rouge-score's name: "rouge1", "rouge2", "rougeL", "rougeLsum".
  std::string name() const;
};

// Parses "rougeL", "rougeLsum" or "rouge<N>" for any N >= 1; false for anything else.
bool parse_rouge_variant(std::string_view name, RougeVariant* out);

struct RougeScore {
  double p = 0.0;
  double r = 0.0;
  double f = 0.0;
};

struct RougeTextOptions {
  RougeTokenizerKind tokenizer = RougeTokenizerKind::kDefault;
  bool stem = false;  // nltk Porter stemmer on tokens longer than 3 characters
};

// RougeScorer(variants).score(target, prediction): one score per variant, written to out
// (out.size() == variants.size()). Each text is tokenized once. Thread-safe.
void rouge_score_pair(std::string_view target, std::string_view prediction,
                      const RougeTextOptions& options, std::span<const RougeVariant> variants,
                      std::span<RougeScore> out);

// score_multi: for each variant, the score against the target with the best F (the first
// such target on a tie). No targets gives zeros.
void rouge_score_multi(std::span<const std::string> targets, std::string_view prediction,
                       const RougeTextOptions& options, std::span<const RougeVariant> variants,
                       std::span<RougeScore> out);

}  // namespace evalkit

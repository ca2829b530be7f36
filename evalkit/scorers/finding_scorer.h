// Base for scorers that fail when they find something in the output that must not be there
// (pii, secrets): value 1 when nothing is found, details list every finding, masked.
#pragma once

#include <string>
#include <vector>

#include "evalkit/scorers/match_scorer.h"
#include "evalkit/scorers/scorer_options.h"

namespace evalkit {

struct Finding {
  std::string kind;    // "credit_card", "api_key", ...
  std::string detail;  // "visa", "openai", ... (may be empty)
  size_t offset = 0;   // bytes into the output
  std::string masked;  // never the raw value
};

class FindingScorer : public MatchScorer {
 public:
  // Reads `kinds` (a list, each one of known; all when absent) into *kinds.
  static void read_kinds(ScorerOptions& options, const std::vector<std::string>& known,
                         std::vector<std::string>* kinds);

  FindingScorer(const ScorerSpec& spec, std::vector<std::string> kinds, std::string what);

  Score score(const ScoreInput& input) const override;

 protected:
  virtual std::vector<Finding> find(std::string_view output) const = 0;
  const std::vector<std::string>& kinds() const { return kinds_; }

 private:
  std::vector<std::string> kinds_;  // empty: all
  std::string what_;                // "personal data", "credentials"
};

}  // namespace evalkit

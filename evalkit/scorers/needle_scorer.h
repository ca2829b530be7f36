// Base for scorers that look for strings ("needles") in the output: contains, icontains,
// not_contains, starts_with. Needles come from the `value` option (a string or a list) or,
// by default, from the case's expected answers.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "evalkit/scorers/match_scorer.h"
#include "evalkit/scorers/scorer_options.h"

namespace evalkit {

class NeedleScorer : public MatchScorer {
 public:
  struct Settings {
    std::vector<std::string> values;  // empty: use the case's expected answers
    bool require_all = false;         // every needle must match, not just one
  };

  // Reads `value` and, when allow_mode is set, `mode: any|all` into *settings.
  static void read_settings(ScorerOptions& options, bool allow_mode, Settings* settings);

  // verb completes "expected output to ...": "contain", "start with".
  NeedleScorer(const ScorerSpec& spec, Settings settings, std::string verb);

  Score score(const ScoreInput& input) const override;

 protected:
  // Whether one needle is satisfied by the output.
  virtual bool matches(std::string_view output, std::string_view needle) const = 0;

 private:
  Settings settings_;
  std::string verb_;
};

}  // namespace evalkit

// Base for scorers whose verdict is yes or no: value 1 on a match, 0 otherwise.
#pragma once

#include <string>

#include "evalkit/scorers/scorer.h"

namespace evalkit {

class MatchScorer : public Scorer {
 public:
  // signature holds the settings after the type, e.g. "norm:lower,trim" (may be empty).
  MatchScorer(const ScorerSpec& spec, std::string settings);

  std::string name() const override { return name_; }
  std::string signature() const override { return signature_; }

 protected:
  // A Score with value 1 or 0, pass by the threshold (default 1), and reason.
  Score verdict(bool matched, std::string reason) const;
  // A Score marked as an error: the scorer could not decide (e.g. no references).
  Score failure(std::string reason) const;

 private:
  std::string type_;
  std::string name_;
  std::string signature_;
  double weight_;
  double threshold_;
};

}  // namespace evalkit

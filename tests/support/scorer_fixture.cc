#include "tests/support/scorer_fixture.h"

#include <gtest/gtest.h>

#include "evalkit/scorers/registry.h"

namespace evalkit::testing {

std::unique_ptr<Scorer> make_test_scorer(const std::string& type, const nlohmann::json& options,
                                         std::optional<double> threshold) {
  ScorerSpec spec;
  spec.type = type;
  spec.options = options;
  spec.threshold = threshold;
  std::unique_ptr<Scorer> scorer;
  const Status status = make_scorer(spec, &scorer);
  EXPECT_TRUE(status.is_ok()) << status.message();
  return scorer;
}

std::string scorer_error(const std::string& type, const nlohmann::json& options) {
  ScorerSpec spec;
  spec.type = type;
  spec.options = options;
  std::unique_ptr<Scorer> scorer;
  const Status status = make_scorer(spec, &scorer);
  return status.is_ok() ? std::string() : status.message();
}

Score score_output(const Scorer& scorer, const std::string& output,
                   const std::vector<std::string>& expected) {
  const nlohmann::json vars = nlohmann::json::object();
  ScoreInput input;
  input.output = output;
  input.expected = &expected;
  input.vars = &vars;
  return scorer.score(input);
}

}  // namespace evalkit::testing

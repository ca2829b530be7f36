// Builds scorers from the registry and scores single outputs, for scorer tests.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "evalkit/scorers/scorer.h"

namespace evalkit::testing {

// The scorer of type with options (a JSON object) and threshold (the scorer's default when
// unset); fails the current test when the factory refuses it.
std::unique_ptr<Scorer> make_test_scorer(const std::string& type,
                                         const nlohmann::json& options = nlohmann::json::object(),
                                         std::optional<double> threshold = std::nullopt);

// The factory's error for a spec it should refuse, or "" when it accepted the spec.
std::string scorer_error(const std::string& type, const nlohmann::json& options);

// Scores output against expected answers with no vars.
Score score_output(const Scorer& scorer, const std::string& output,
                   const std::vector<std::string>& expected = {});

}  // namespace evalkit::testing

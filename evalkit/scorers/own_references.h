// A scorer's own references: `{type: similarity, expected: "Paris is the capital"}` compares
// the output with the given text instead of the case's `expected` answers. Works for every
// scorer that reads references (exact_match, contains without value, similarity, rouge,
// bleu, levenshtein, judge templates with {{expected}}).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "evalkit/scorers/scorer.h"

namespace evalkit {

// Reads the `expected` option: a string, a number or boolean (taken as its text), or a list
// of them. False with *error set for anything else or an empty list.
bool read_own_references(const nlohmann::json& value, std::vector<std::string>* out,
                         std::string* error);

// Wraps inner so that it sees references instead of the case's expected answers.
std::unique_ptr<Scorer> with_own_references(std::unique_ptr<Scorer> inner,
                                            std::vector<std::string> references);

}  // namespace evalkit

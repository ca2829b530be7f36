// Reads the golden test vectors under tests/data/golden (one JSON object a line).
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace evalkit::testing {

// Every record of tests/data/<relative>, e.g. "golden/bleu.jsonl". Fails the calling test
// (ADD_FAILURE) and returns what it read when the file is missing or a line is not JSON.
std::vector<nlohmann::json> read_jsonl(const std::string& relative);

}  // namespace evalkit::testing

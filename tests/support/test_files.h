// Small files tests write and read: suites, reports.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

namespace evalkit::testing {

// Writes text to dir/name (creating the folders name holds) and returns that path.
std::string write_test_file(const std::string& dir, const std::string& name,
                            const std::string& text);

// The whole file at path ("" when it cannot be read).
std::string read_text_file(const std::string& path);

// The JSON document in the file at path (throws nlohmann::json::parse_error if it is not).
nlohmann::json read_json_file(const std::string& path);

}  // namespace evalkit::testing

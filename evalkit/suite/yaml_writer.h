// Writes a JSON value as a suite-style YAML document that the suite loader reads back to the
// same value: strings that would read as something else (numbers, booleans, null, `${`,
// leading spaces, ...) are quoted, numbers use their shortest exact form, and there are no
// anchors or aliases.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

namespace evalkit {

struct YamlWriterOptions {
  // Strings under these keys keep `${...}` for environment expansion; everywhere else `${`
  // is written as `$${`, so text copied from elsewhere is never expanded.
  std::vector<std::string> expand_keys = {"base_url"};
};

// value as YAML: maps and lists in block style, short lists of scalars and small maps of
// scalars in flow style, multi-line strings as literal blocks.
std::string to_yaml(const nlohmann::ordered_json& value, const YamlWriterOptions& options = {});

// Whether text can be written without quotes and read back as the same string.
bool is_plain_yaml_string(const std::string& text);

}  // namespace evalkit

// Where a value is in a JSON document, as a suite writes it: a dotted path ("answer.text",
// "choices.0.message"; a leading "json." names the document, as promptfoo writes it) or a JSON
// pointer (RFC 6901: "/answer/text").
#pragma once

#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace evalkit {

// Whether path is well formed; problem says why not.
bool valid_json_path(std::string_view path, std::string* problem);

// The value at path in document, or null when any step is missing (a numeric step indexes an
// array; on an object it is a key). "json" alone, and "/"-less "", name the whole document.
const nlohmann::json* find_json_path(const nlohmann::json& document, std::string_view path);

}  // namespace evalkit

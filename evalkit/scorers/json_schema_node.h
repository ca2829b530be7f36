// The compiled form of a JSON Schema and what the compiler (json_schema_compiler.cc) and the
// validator (json_schema.cc) both need. Internal to those two files.
#pragma once

#include <cmath>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "evalkit/scorers/json_schema.h"
#include "evalkit/text/excerpt.h"
#include "evalkit/text/linear_regex.h"

namespace evalkit {

using json = nlohmann::json;

struct JsonSchema::Node {
  bool is_boolean = false;  // a boolean schema: true accepts everything, false nothing
  bool accepts = true;
  std::string where;  // JSON pointer of this schema in the document, "#/properties/a"

  unsigned types = 0;  // bit set of kType*; 0 = any
  std::optional<json> enum_values, const_value;
  std::vector<std::pair<std::string, int>> properties;
  std::vector<std::pair<std::string, LinearRegex>> pattern_property_patterns;
  std::vector<int> pattern_property_schemas;
  int additional_properties = -1, property_names = -1;
  std::vector<std::string> required;
  std::vector<std::pair<std::string, std::vector<std::string>>> dependent_required;
  std::vector<std::pair<std::string, int>> dependent_schemas;
  std::optional<uint64_t> min_properties, max_properties, min_items, max_items, min_length,
      max_length, min_contains, max_contains;
  std::vector<int> prefix_items;
  int items = -1, contains = -1;
  bool unique_items = false;
  std::optional<double> minimum, maximum, exclusive_minimum, exclusive_maximum, multiple_of;
  std::optional<LinearRegex> pattern;
  std::string pattern_source;
  std::string format;
  std::vector<int> all_of, any_of, one_of;
  int not_schema = -1, if_schema = -1, then_schema = -1, else_schema = -1;
  int ref = -1;
};

struct CompiledSchema {
  std::vector<JsonSchema::Node> nodes;  // nodes[0] is the root
};

namespace json_schema_internal {

enum : unsigned {
  kNull = 1,
  kBoolean = 2,
  kObject = 4,
  kArray = 8,
  kNumber = 16,
  kString = 32,
  kInteger = 64,
};

inline const std::vector<std::pair<std::string, unsigned>>& type_names() {
  static const std::vector<std::pair<std::string, unsigned>> names = {
      {"null", kNull},     {"boolean", kBoolean}, {"object", kObject},  {"array", kArray},
      {"number", kNumber}, {"string", kString},   {"integer", kInteger}};
  return names;
}

inline std::string escape_pointer_token(const std::string& token) {
  std::string out;
  for (char c : token) {
    if (c == '~') {
      out += "~0";
    } else if (c == '/') {
      out += "~1";
    } else {
      out += c;
    }
  }
  return out;
}

inline bool is_integral(const json& v) {
  if (v.is_number_integer() || v.is_number_unsigned()) return true;
  if (!v.is_number_float()) return false;
  const double d = v.get<double>();
  return std::isfinite(d) && std::floor(d) == d;
}

inline unsigned instance_type(const json& v) {
  switch (v.type()) {
    case json::value_t::null:
      return kNull;
    case json::value_t::boolean:
      return kBoolean;
    case json::value_t::object:
      return kObject;
    case json::value_t::array:
      return kArray;
    case json::value_t::string:
      return kString;
    default:
      return is_integral(v) ? (kNumber | kInteger) : kNumber;
  }
}

inline std::string type_name(const json& v) {
  const unsigned t = instance_type(v);
  if (t & kInteger) return "integer";
  for (const auto& [name, bit] : type_names()) {
    if (t & bit) return name;
  }
  return "value";
}

inline std::string shown(const json& v) {
  return excerpt(v.dump(-1, ' ', false, json::error_handler_t::replace), 60);
}

}  // namespace json_schema_internal
}  // namespace evalkit

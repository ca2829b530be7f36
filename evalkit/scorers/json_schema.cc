#include "evalkit/scorers/json_schema.h"

#include <cmath>
#include <unordered_set>

#include "evalkit/scorers/json_schema_format.h"
#include "evalkit/scorers/json_schema_node.h"

namespace evalkit {
namespace {

using namespace json_schema_internal;

constexpr int kMaxEvaluationDepth = 1000;

uint64_t code_points(const std::string& s) {
  uint64_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

// A JSON text of v in which equal values are equal strings (1 and 1.0 alike).

void canonical(const json& v, std::string* out) {
  switch (v.type()) {
    case json::value_t::object:
      *out += '{';
      for (const auto& [k, item] : v.items()) {
        *out += json(k).dump() + ':';
        canonical(item, out);
        *out += ',';
      }
      *out += '}';
      return;
    case json::value_t::array:
      *out += '[';
      for (const auto& item : v) {
        canonical(item, out);
        *out += ',';
      }
      *out += ']';
      return;
    case json::value_t::number_float:
      if (is_integral(v) && std::fabs(v.get<double>()) < 9.2e18) {
        *out += std::to_string(int64_t(v.get<double>()));
        return;
      }
      [[fallthrough]];
    default:
      *out += v.dump(-1, ' ', false, json::error_handler_t::replace);
  }
}

class Validator {
 public:
  explicit Validator(const CompiledSchema& schema) : nodes_(schema.nodes) {}

  // Validates v at instance pointer path against node. Writes the first failure to *failure
  // (when not null).
  bool check(int index, const json& v, const std::string& path, std::string* failure,
             int depth) const {
    if (depth > kMaxEvaluationDepth) {
      return fail(failure, path,
                  "the schema and instance nest deeper than " +
                      std::to_string(kMaxEvaluationDepth) + " evaluations");
    }
    const JsonSchema::Node& n = nodes_[size_t(index)];
    if (n.is_boolean) {
      return n.accepts ||
             fail(failure, path, "no value is allowed here (schema false at " + n.where + ")");
    }
    if (n.ref >= 0 && !check(n.ref, v, path, failure, depth + 1)) return false;
    const unsigned type = instance_type(v);
    if (n.types != 0 && (n.types & type) == 0) {
      std::string expected;
      for (const auto& [name, bit] : type_names()) {
        if (n.types & bit) expected += (expected.empty() ? "" : " or ") + name;
      }
      return fail(failure, path, "expected " + expected + ", got " + type_name(v) + " " + shown(v));
    }
    if (n.const_value && !(*n.const_value == v)) {
      return fail(failure, path, "expected " + shown(*n.const_value) + ", got " + shown(v));
    }
    if (n.enum_values) {
      bool found = false;
      for (const auto& option : *n.enum_values) found = found || option == v;
      if (!found) {
        return fail(failure, path,
                    "expected one of " + shown(*n.enum_values) + ", got " + shown(v));
      }
    }
    if ((type & kNumber) && !check_number(n, v, path, failure)) return false;
    if (type == kString && !check_string(n, v.get_ref<const std::string&>(), path, failure))
      return false;
    if (type == kArray && !check_array(n, v, path, failure, depth)) return false;
    if (type == kObject && !check_object(n, v, path, failure, depth)) return false;
    return check_combinators(n, v, path, failure, depth);
  }

 private:
  static bool fail(std::string* failure, const std::string& path, const std::string& message) {
    if (failure != nullptr && failure->empty()) *failure = path + ": " + message;
    return false;
  }

  static std::string number_text(double d) {
    json j = d;
    if (std::floor(d) == d && std::fabs(d) < 1e15) j = int64_t(d);
    return j.dump();
  }

  bool check_number(const JsonSchema::Node& n, const json& v, const std::string& path,
                    std::string* failure) const {
    const double x = v.get<double>();
    if (n.minimum && x < *n.minimum)
      return fail(failure, path,
                  "expected at least " + number_text(*n.minimum) + ", got " + shown(v));
    if (n.maximum && x > *n.maximum)
      return fail(failure, path,
                  "expected at most " + number_text(*n.maximum) + ", got " + shown(v));
    if (n.exclusive_minimum && x <= *n.exclusive_minimum)
      return fail(failure, path,
                  "expected more than " + number_text(*n.exclusive_minimum) + ", got " + shown(v));
    if (n.exclusive_maximum && x >= *n.exclusive_maximum)
      return fail(failure, path,
                  "expected less than " + number_text(*n.exclusive_maximum) + ", got " + shown(v));
    if (n.multiple_of) {
      const double m = *n.multiple_of;
      bool multiple;
      if ((v.is_number_integer() || v.is_number_unsigned()) && std::floor(m) == m && m < 9e18) {
        multiple = v.is_number_unsigned() ? v.get<uint64_t>() % uint64_t(m) == 0
                                          : v.get<int64_t>() % int64_t(m) == 0;
      } else {
        const double q = x / m;
        multiple = std::isfinite(q) && std::fabs(q - std::round(q)) < 1e-9;
      }
      if (!multiple)
        return fail(failure, path,
                    "expected a multiple of " + number_text(m) + ", got " + shown(v));
    }
    return true;
  }

  bool check_string(const JsonSchema::Node& n, const std::string& s, const std::string& path,
                    std::string* failure) const {
    if (n.min_length || n.max_length) {
      const uint64_t length = code_points(s);
      if (n.min_length && length < *n.min_length) {
        return fail(failure, path,
                    "expected at least " + std::to_string(*n.min_length) + " characters, got " +
                        std::to_string(length));
      }
      if (n.max_length && length > *n.max_length) {
        return fail(failure, path,
                    "expected at most " + std::to_string(*n.max_length) + " characters, got " +
                        std::to_string(length));
      }
    }
    if (n.pattern) {
      const LinearRegex::Result r = n.pattern->search(s);
      if (r == LinearRegex::Result::kTooExpensive) {
        return fail(failure, path,
                    "matching /" + excerpt(n.pattern_source, 60) + "/ would take too long");
      }
      if (r == LinearRegex::Result::kNoMatch) {
        return fail(failure, path,
                    "does not match /" + excerpt(n.pattern_source, 60) + "/: " + quoted_excerpt(s));
      }
    }
    if (!n.format.empty() && !format_matches(n.format, s)) {
      return fail(failure, path, "is not a valid " + n.format + ": " + quoted_excerpt(s));
    }
    return true;
  }

  bool check_array(const JsonSchema::Node& n, const json& v, const std::string& path,
                   std::string* failure, int depth) const {
    const uint64_t size = v.size();
    if (n.min_items && size < *n.min_items)
      return fail(failure, path,
                  "expected at least " + std::to_string(*n.min_items) + " items, got " +
                      std::to_string(size));
    if (n.max_items && size > *n.max_items)
      return fail(failure, path,
                  "expected at most " + std::to_string(*n.max_items) + " items, got " +
                      std::to_string(size));
    for (size_t i = 0; i < v.size(); ++i) {
      const std::string item_path = path + "/" + std::to_string(i);
      if (i < n.prefix_items.size()) {
        if (!check(n.prefix_items[i], v[i], item_path, failure, depth + 1)) return false;
      } else if (n.items >= 0 && !check(n.items, v[i], item_path, failure, depth + 1)) {
        return false;
      }
    }
    if (n.contains >= 0) {
      uint64_t matching = 0;
      for (const auto& item : v) matching += check(n.contains, item, path, nullptr, depth + 1);
      const uint64_t least = n.min_contains.value_or(1);
      if (matching < least) {
        return fail(failure, path,
                    "expected at least " + std::to_string(least) +
                        " item(s) matching 'contains', got " + std::to_string(matching));
      }
      if (n.max_contains && matching > *n.max_contains) {
        return fail(failure, path,
                    "expected at most " + std::to_string(*n.max_contains) +
                        " item(s) matching 'contains', got " + std::to_string(matching));
      }
    }
    if (n.unique_items) {
      std::unordered_set<std::string> seen;
      for (size_t i = 0; i < v.size(); ++i) {
        std::string key;
        canonical(v[i], &key);
        if (!seen.insert(std::move(key)).second) {
          return fail(failure, path + "/" + std::to_string(i),
                      "repeats an earlier item (uniqueItems)");
        }
      }
    }
    return true;
  }

  bool check_object(const JsonSchema::Node& n, const json& v, const std::string& path,
                    std::string* failure, int depth) const {
    const uint64_t size = v.size();
    if (n.min_properties && size < *n.min_properties)
      return fail(failure, path,
                  "expected at least " + std::to_string(*n.min_properties) + " properties, got " +
                      std::to_string(size));
    if (n.max_properties && size > *n.max_properties)
      return fail(failure, path,
                  "expected at most " + std::to_string(*n.max_properties) + " properties, got " +
                      std::to_string(size));
    for (const auto& name : n.required) {
      if (!v.contains(name)) return fail(failure, path, "missing required property '" + name + "'");
    }
    for (const auto& [name, needed] : n.dependent_required) {
      if (!v.contains(name)) continue;
      for (const auto& other : needed) {
        if (!v.contains(other))
          return fail(failure, path, "property '" + name + "' needs property '" + other + "'");
      }
    }
    for (const auto& [name, schema] : n.dependent_schemas) {
      if (v.contains(name) && !check(schema, v, path, failure, depth + 1)) return false;
    }
    for (const auto& [key, value] : v.items()) {
      const std::string child = path + "/" + escape_pointer_token(key);
      if (n.property_names >= 0 && !check(n.property_names, json(key), child, failure, depth + 1)) {
        return false;
      }
      bool matched = false;
      for (const auto& [name, schema] : n.properties) {
        if (name == key) {
          matched = true;
          if (!check(schema, value, child, failure, depth + 1)) return false;
        }
      }
      for (size_t p = 0; p < n.pattern_property_patterns.size(); ++p) {
        const LinearRegex::Result r = n.pattern_property_patterns[p].second.search(key);
        if (r == LinearRegex::Result::kTooExpensive) {
          return fail(failure, child, "matching a patternProperties pattern would take too long");
        }
        if (r == LinearRegex::Result::kMatch) {
          matched = true;
          if (!check(n.pattern_property_schemas[p], value, child, failure, depth + 1)) return false;
        }
      }
      if (!matched && n.additional_properties >= 0) {
        const JsonSchema::Node& extra = nodes_[size_t(n.additional_properties)];
        if (extra.is_boolean && !extra.accepts) {
          return fail(failure, child,
                      "property '" + key + "' is not allowed (additionalProperties)");
        }
        if (!check(n.additional_properties, value, child, failure, depth + 1)) return false;
      }
    }
    return true;
  }

  bool check_combinators(const JsonSchema::Node& n, const json& v, const std::string& path,
                         std::string* failure, int depth) const {
    for (int schema : n.all_of) {
      if (!check(schema, v, path, failure, depth + 1)) return false;
    }
    if (!n.any_of.empty()) {
      bool any = false;
      for (int schema : n.any_of) {
        if (check(schema, v, path, nullptr, depth + 1)) {
          any = true;
          break;
        }
      }
      if (!any) {
        std::string first;
        check(n.any_of[0], v, path, &first, depth + 1);
        return fail(failure, path,
                    "matches none of the " + std::to_string(n.any_of.size()) +
                        " anyOf alternatives (the first says " + first + ")");
      }
    }
    if (!n.one_of.empty()) {
      size_t matching = 0;
      for (int schema : n.one_of) matching += check(schema, v, path, nullptr, depth + 1);
      if (matching != 1) {
        return fail(failure, path,
                    "matches " + std::to_string(matching) + " of the " +
                        std::to_string(n.one_of.size()) +
                        " oneOf alternatives (exactly one must match)");
      }
    }
    if (n.not_schema >= 0 && check(n.not_schema, v, path, nullptr, depth + 1)) {
      return fail(failure, path,
                  "matches the schema under 'not' (" + nodes_[size_t(n.not_schema)].where + ")");
    }
    if (n.if_schema >= 0) {
      if (check(n.if_schema, v, path, nullptr, depth + 1)) {
        if (n.then_schema >= 0 && !check(n.then_schema, v, path, failure, depth + 1)) return false;
      } else if (n.else_schema >= 0 && !check(n.else_schema, v, path, failure, depth + 1)) {
        return false;
      }
    }
    return true;
  }

  const std::vector<JsonSchema::Node>& nodes_;
};

}  // namespace

JsonSchema::JsonSchema() = default;
JsonSchema::~JsonSchema() = default;
JsonSchema::JsonSchema(JsonSchema&&) noexcept = default;
JsonSchema& JsonSchema::operator=(JsonSchema&&) noexcept = default;

bool JsonSchema::validate(const json& instance, std::string* failure) const {
  if (!compiled_ || compiled_->nodes.empty()) return true;
  if (failure != nullptr) failure->clear();
  return Validator(*compiled_).check(0, instance, "#", failure, 0);
}

}  // namespace evalkit

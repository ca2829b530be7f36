#include "evalkit/suite/yaml_reader.h"

#include <charconv>
#include <cmath>

#include "evalkit/base/suggest.h"
#include "evalkit/suite/suite_paths.h"

namespace evalkit {
namespace {

// A plain (unquoted) scalar as JSON under YAML 1.2's core schema, but only where the text
// round-trips: "007" stays a string, so ids and zip codes survive.
nlohmann::json plain_scalar_json(const std::string& text) {
  if (text.empty() || text == "~" || text == "null" || text == "Null" || text == "NULL") {
    return nullptr;
  }
  if (text == "true" || text == "True" || text == "TRUE") return true;
  if (text == "false" || text == "False" || text == "FALSE") return false;
  const char* begin = text.data();
  const char* end = begin + text.size();
  const char* digits = text[0] == '-' ? begin + 1 : begin;
  const bool leading_zero = end - digits > 1 && digits[0] == '0' && digits[1] != '.';
  if (!leading_zero && text[0] != '+') {
    int64_t integer = 0;
    auto [ptr, ec] = std::from_chars(begin, end, integer);
    if (ec == std::errc() && ptr == end) return integer;
    double real = 0;
    auto [real_ptr, real_ec] = std::from_chars(begin, end, real);
    if (real_ec == std::errc() && real_ptr == end && std::isfinite(real)) return real;
  }
  return text;
}

}  // namespace

std::string describe_node(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Null:
    case YAML::NodeType::Undefined:
      return "nothing";
    case YAML::NodeType::Scalar:
      return "'" + node.Scalar() + "'";
    case YAML::NodeType::Sequence:
      return "a list";
    case YAML::NodeType::Map:
      return "a map";
  }
  return "something else";
}

SourceLocation YamlReader::where(const YAML::Node& node) const {
  const YAML::Mark mark = node.Mark();
  SourceLocation location;
  location.file = file_;
  if (mark.line >= 0) {
    location.line = mark.line + 1;
    location.column = mark.column + 1;
  }
  return location;
}

Status YamlReader::entries(const YAML::Node& node, const std::vector<std::string>& allowed,
                           const std::string& context,
                           std::vector<std::pair<YAML::Node, YAML::Node>>* out) const {
  if (!node.IsMap()) {
    return error_at(node, "expected a map for " + context + ", got " + describe_node(node));
  }
  out->clear();
  for (auto it = node.begin(); it != node.end(); ++it) {
    const YAML::Node key = it->first;
    if (!key.IsScalar()) return error_at(key, "expected a plain key in " + context);
    const std::string& name = key.Scalar();
    if (std::find(allowed.begin(), allowed.end(), name) == allowed.end()) {
      return error_at(key,
                      "unknown key '" + name + "' in " + context + did_you_mean(name, allowed));
    }
    for (const auto& [seen, value] : *out) {
      if (seen.Scalar() == name) {
        return error_at(key, "key '" + name + "' appears twice in " + context + " (first at " +
                                 where(seen).str() + ")");
      }
    }
    // yaml-cpp places an empty value after its line, so blame the key instead.
    if (it->second.IsNull()) return error_at(key, "'" + name + "' in " + context + " has no value");
    out->emplace_back(key, it->second);
  }
  return Status::ok();
}

Status YamlReader::resolve_path(const YAML::Node& node, const std::string& directory,
                                const std::string& given, std::string* out) const {
  *out = resolve_suite_path(directory, given);
  if (confine_root_.empty()) return Status::ok();
  if (Status s = confine_path(confine_root_, *out); !s) {
    return error_at(node, "'" + given + "' " + s.message());
  }
  return Status::ok();
}

Status YamlReader::expand(const YAML::Node& node, std::string* out) const {
  Status status = expand_env(node.Scalar(), getenv_, secrets_, out);
  if (!status) return error_at(node, status.message());
  return Status::ok();
}

Status YamlReader::read_string(const YAML::Node& node, const std::string& what,
                               std::string* out) const {
  if (!node.IsScalar()) {
    return error_at(node, "expected a string for '" + what + "', got " + describe_node(node));
  }
  return expand(node, out);
}

Status YamlReader::read_literal(const YAML::Node& node, const std::string& what,
                                std::string* out) const {
  if (!node.IsScalar()) {
    return error_at(node, "expected a string for '" + what + "', got " + describe_node(node));
  }
  *out = node.Scalar();
  return Status::ok();
}

Status YamlReader::read_number(const YAML::Node& node, const std::string& what, double* out) const {
  nlohmann::json value;
  if (node.IsScalar()) {
    if (Status status = read_json(node, &value); !status) return status;
  }
  if (!value.is_number()) {
    return error_at(node, "expected a number for '" + what + "', got " + describe_node(node));
  }
  *out = value.get<double>();
  return Status::ok();
}

Status YamlReader::read_int(const YAML::Node& node, const std::string& what, int* out) const {
  nlohmann::json value;
  if (node.IsScalar()) {
    if (Status status = read_json(node, &value); !status) return status;
  }
  if (!value.is_number_integer() || value.get<int64_t>() > INT32_MAX ||
      value.get<int64_t>() < INT32_MIN) {
    return error_at(node, "expected a whole number for '" + what + "', got " + describe_node(node));
  }
  *out = value.get<int>();
  return Status::ok();
}

Status YamlReader::read_strings(const YAML::Node& node, const std::string& what,
                                std::vector<std::string>* out) const {
  out->clear();
  if (node.IsScalar()) {
    out->emplace_back();
    return expand(node, &out->back());
  }
  if (!node.IsSequence()) {
    return error_at(node, "expected a string or a list of strings for '" + what + "', got " +
                              describe_node(node));
  }
  for (const auto& item : node) {
    if (!item.IsScalar()) {
      return error_at(item, "expected a list of strings for '" + what + "', got " +
                                describe_node(item) + " in it");
    }
    out->emplace_back();
    if (Status status = expand(item, &out->back()); !status) return status;
  }
  return Status::ok();
}

Status YamlReader::read_json(const YAML::Node& node, nlohmann::json* out) const {
  switch (node.Type()) {
    case YAML::NodeType::Null:
    case YAML::NodeType::Undefined:
      *out = nullptr;
      return Status::ok();
    case YAML::NodeType::Scalar: {
      std::string text;
      if (Status status = expand(node, &text); !status) return status;
      // yaml-cpp tags quoted scalars "!" and plain ones "?".
      *out = node.Tag() == "!" ? nlohmann::json(std::move(text)) : plain_scalar_json(text);
      return Status::ok();
    }
    case YAML::NodeType::Sequence: {
      *out = nlohmann::json::array();
      for (const auto& item : node) {
        nlohmann::json value;
        if (Status status = read_json(item, &value); !status) return status;
        out->push_back(std::move(value));
      }
      return Status::ok();
    }
    case YAML::NodeType::Map: {
      *out = nlohmann::json::object();
      for (auto it = node.begin(); it != node.end(); ++it) {
        if (!it->first.IsScalar()) return error_at(it->first, "expected a plain key");
        const std::string& key = it->first.Scalar();
        if (out->contains(key)) return error_at(it->first, "key '" + key + "' appears twice");
        nlohmann::json value;
        if (Status status = read_json(it->second, &value); !status) return status;
        (*out)[key] = std::move(value);
      }
      return Status::ok();
    }
  }
  return error_at(node, "unreadable value");
}

}  // namespace evalkit

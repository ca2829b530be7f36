#include "evalkit/scorers/argument_matcher.h"

#include <algorithm>
#include <optional>
#include <regex>
#include <vector>

#include "evalkit/base/number_text.h"
#include "evalkit/base/suggest.h"
#include "evalkit/text/excerpt.h"

namespace evalkit {

struct ArgumentMatcher::Node {
  enum class Kind { kLiteral, kMatcher, kObject, kArray };
  Kind kind = Kind::kLiteral;
  nlohmann::json literal;  // kLiteral
  // kObject: member names and their expectations, in the order written.
  std::vector<std::string> keys;
  std::vector<Node> members;
  std::vector<Node> items;  // kArray
  // kMatcher: every condition given must hold.
  std::optional<nlohmann::json> equals, contains, one_of;
  std::optional<std::string> icontains, starts_with, type;
  std::string regex_text;
  std::optional<std::regex> regex;
  std::optional<double> min, max;
  std::optional<bool> present;
  bool ignore_case = false;
};

namespace {

using Node = ArgumentMatcher::Node;
using json = nlohmann::json;

const std::vector<std::string>& matcher_keys() {
  static const std::vector<std::string> keys = {"equals", "contains", "icontains",  "starts_with",
                                                "regex",  "one_of",   "min",        "max",
                                                "type",   "present",  "ignore_case"};
  return keys;
}

const std::vector<std::string>& type_names() {
  static const std::vector<std::string> names = {"string", "number", "integer", "boolean",
                                                 "array",  "object", "null"};
  return names;
}

bool is_matcher_map(const json& value) {
  if (!value.is_object() || value.empty()) return false;
  const auto& keys = matcher_keys();
  for (const auto& item : value.items()) {
    if (std::find(keys.begin(), keys.end(), item.key()) == keys.end()) return false;
  }
  // ignore_case alone modifies nothing: an object with that one key is a literal.
  return !(value.size() == 1 && value.contains("ignore_case"));
}

std::string lower_ascii(std::string text) {
  for (char& c : text) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return text;
}

std::string type_of(const json& value) {
  switch (value.type()) {
    case json::value_t::string:
      return "a string";
    case json::value_t::boolean:
      return "a boolean";
    case json::value_t::number_integer:
    case json::value_t::number_unsigned:
    case json::value_t::number_float:
      return "a number";
    case json::value_t::array:
      return "a list";
    case json::value_t::object:
      return "an object";
    default:
      return "null";
  }
}

bool has_type(const json& value, const std::string& type) {
  if (type == "string") return value.is_string();
  if (type == "number") return value.is_number();
  if (type == "integer") {
    return value.is_number_integer() ||
           (value.is_number_float() &&
            value.get<double>() == static_cast<double>(static_cast<int64_t>(value.get<double>())));
  }
  if (type == "boolean") return value.is_boolean();
  if (type == "array") return value.is_array();
  if (type == "object") return value.is_object();
  return value.is_null();
}

bool same_text(const std::string& a, const std::string& b, bool ignore_case) {
  return ignore_case ? lower_ascii(a) == lower_ascii(b) : a == b;
}

bool same_value(const json& expected, const json& actual, bool ignore_case) {
  if (ignore_case && expected.is_string() && actual.is_string()) {
    return same_text(expected.get<std::string>(), actual.get<std::string>(), true);
  }
  return expected == actual;
}

bool compile_node(const json& value, const std::string& where, bool root, Node* node,
                  std::string* error);

bool compile_matcher(const json& value, const std::string& where, Node* node, std::string* error) {
  node->kind = Node::Kind::kMatcher;
  const auto fail = [&](const std::string& message) {
    *error = where + ": " + message;
    return false;
  };
  for (const auto& [key, option] : value.items()) {
    if (key == "equals") {
      node->equals = option;
    } else if (key == "contains") {
      if (option.is_object() || option.is_array()) {
        return fail("'contains' expects a string (a substring) or a value (an item of a list)");
      }
      node->contains = option;
    } else if (key == "icontains" || key == "starts_with") {
      if (!option.is_string()) return fail("'" + key + "' expects a string");
      (key == "icontains" ? node->icontains : node->starts_with) = option.get<std::string>();
    } else if (key == "regex") {
      if (!option.is_string()) return fail("'regex' expects a string");
      node->regex_text = option.get<std::string>();
    } else if (key == "one_of") {
      if (!option.is_array() || option.empty()) return fail("'one_of' expects a non-empty list");
      node->one_of = option;
    } else if (key == "min" || key == "max") {
      if (!option.is_number()) return fail("'" + key + "' expects a number");
      (key == "min" ? node->min : node->max) = option.get<double>();
    } else if (key == "type") {
      if (!option.is_string() || std::find(type_names().begin(), type_names().end(),
                                           option.get<std::string>()) == type_names().end()) {
        return fail(
            "'type' expects one of string, number, integer, boolean, array, object, "
            "null");
      }
      node->type = option.get<std::string>();
    } else if (key == "present") {
      if (!option.is_boolean()) return fail("'present' expects true or false");
      node->present = option.get<bool>();
    } else if (key == "ignore_case") {
      if (!option.is_boolean()) return fail("'ignore_case' expects true or false");
      node->ignore_case = option.get<bool>();
    }
  }
  if (node->present == false && value.size() > 1) {
    return fail("'present: false' (the argument must be absent) cannot go with other checks");
  }
  if (!node->regex_text.empty() || value.contains("regex")) {
    auto flags = std::regex::ECMAScript;
    if (node->ignore_case) flags |= std::regex::icase;
    try {
      node->regex.emplace(node->regex_text, flags);
    } catch (const std::regex_error& e) {
      return fail("invalid regex /" + node->regex_text + "/: " + e.what());
    }
  }
  return true;
}

bool compile_node(const json& value, const std::string& where, bool root, Node* node,
                  std::string* error) {
  if (!root && is_matcher_map(value)) return compile_matcher(value, where, node, error);
  if (value.is_object()) {
    node->kind = Node::Kind::kObject;
    for (const auto& [key, member] : value.items()) {
      Node child;
      if (!compile_node(member, where + "." + key, false, &child, error)) return false;
      node->keys.push_back(key);
      node->members.push_back(std::move(child));
    }
    return true;
  }
  if (root) {
    *error = where + " expects a map of argument names to values (e.g. {city: Paris})";
    return false;
  }
  if (value.is_array()) {
    node->kind = Node::Kind::kArray;
    for (size_t i = 0; i < value.size(); ++i) {
      Node child;
      if (!compile_node(value[i], where + "[" + std::to_string(i) + "]", false, &child, error)) {
        return false;
      }
      node->items.push_back(std::move(child));
    }
    return true;
  }
  node->kind = Node::Kind::kLiteral;
  node->literal = value;
  return true;
}

std::string describe_matcher(const Node& node) {
  std::vector<std::string> parts;
  const std::string i = node.ignore_case ? "i" : "";
  if (node.present == false) return "absent";
  if (node.equals) parts.push_back(i + "equals " + short_value(*node.equals));
  if (node.contains) parts.push_back(i + "contains " + short_value(*node.contains));
  if (node.icontains) parts.push_back("icontains " + short_value(*node.icontains));
  if (node.starts_with) parts.push_back(i + "starts_with " + short_value(*node.starts_with));
  if (node.regex) parts.push_back("regex /" + excerpt(node.regex_text, 40) + "/" + i);
  if (node.one_of) parts.push_back("one of " + short_value(*node.one_of));
  if (node.min) parts.push_back(">= " + format_number(*node.min));
  if (node.max) parts.push_back("<= " + format_number(*node.max));
  if (node.type) parts.push_back("type " + *node.type);
  if (parts.empty()) return "any value";
  std::string out;
  for (const auto& part : parts) out += (out.empty() ? "" : " and ") + part;
  return out;
}

std::string describe_node(const Node& node, bool root);

std::string describe_members(const Node& node) {
  std::string out;
  for (size_t k = 0; k < node.keys.size(); ++k) {
    const Node& member = node.members[k];
    if (k > 0) out += ", ";
    out += node.keys[k];
    out += member.kind == Node::Kind::kMatcher ? ": " : "=";
    out += member.kind == Node::Kind::kMatcher ? describe_matcher(member)
                                               : describe_node(member, false);
  }
  return out;
}

std::string describe_node(const Node& node, bool root) {
  switch (node.kind) {
    case Node::Kind::kLiteral:
      return short_value(node.literal);
    case Node::Kind::kMatcher:
      return describe_matcher(node);
    case Node::Kind::kObject:
      return root ? describe_members(node) : "{" + describe_members(node) + "}";
    case Node::Kind::kArray: {
      std::string out = "[";
      for (size_t k = 0; k < node.items.size(); ++k) {
        out += (k == 0 ? "" : ", ") + describe_node(node.items[k], false);
      }
      return out + "]";
    }
  }
  return "";
}

bool matcher_holds(const Node& node, const json& actual) {
  const bool ic = node.ignore_case;
  if (node.equals && !same_value(*node.equals, actual, ic)) return false;
  if (node.contains) {
    if (actual.is_string() && node.contains->is_string()) {
      const std::string haystack =
          ic ? lower_ascii(actual.get<std::string>()) : actual.get<std::string>();
      const std::string needle =
          ic ? lower_ascii(node.contains->get<std::string>()) : node.contains->get<std::string>();
      if (haystack.find(needle) == std::string::npos) return false;
    } else if (actual.is_array()) {
      if (std::none_of(actual.begin(), actual.end(),
                       [&](const json& item) { return same_value(*node.contains, item, ic); })) {
        return false;
      }
    } else {
      return false;
    }
  }
  if (node.icontains) {
    const std::string needle = lower_ascii(*node.icontains);
    if (actual.is_string()) {
      if (lower_ascii(actual.get<std::string>()).find(needle) == std::string::npos) return false;
    } else if (actual.is_array()) {
      if (std::none_of(actual.begin(), actual.end(), [&](const json& item) {
            return item.is_string() && lower_ascii(item.get<std::string>()) == needle;
          })) {
        return false;
      }
    } else {
      return false;
    }
  }
  if (node.starts_with) {
    if (!actual.is_string()) return false;
    const std::string text =
        ic ? lower_ascii(actual.get<std::string>()) : actual.get<std::string>();
    const std::string prefix = ic ? lower_ascii(*node.starts_with) : *node.starts_with;
    if (text.rfind(prefix, 0) != 0) return false;
  }
  if (node.regex) {
    if (!actual.is_string()) return false;
    const std::string& text = actual.get_ref<const std::string&>();
    if (!std::regex_search(text, *node.regex)) return false;
  }
  if (node.one_of && std::none_of(node.one_of->begin(), node.one_of->end(),
                                  [&](const json& item) { return same_value(item, actual, ic); })) {
    return false;
  }
  if ((node.min || node.max) && !actual.is_number()) return false;
  if (node.min && actual.get<double>() < *node.min) return false;
  if (node.max && actual.get<double>() > *node.max) return false;
  if (node.type && !has_type(actual, *node.type)) return false;
  return true;
}

std::string named(const std::string& path) {
  return path.empty() ? "the arguments" : "argument '" + path + "'";
}

bool match_node(const Node& node, const json& actual, ArgumentMatcher::Mode mode,
                const std::string& path, std::string* why) {
  switch (node.kind) {
    case Node::Kind::kLiteral:
      if (node.literal == actual) return true;
      *why = named(path) + " is " + short_value(actual) + ", expected " + short_value(node.literal);
      return false;
    case Node::Kind::kMatcher:
      if (matcher_holds(node, actual)) return true;
      *why = named(path) + " is " + short_value(actual) + ", expected " + describe_matcher(node);
      return false;
    case Node::Kind::kArray:
      if (!actual.is_array()) {
        *why = named(path) + " is " + type_of(actual) + ", expected a list";
        return false;
      }
      if (actual.size() != node.items.size()) {
        *why = named(path) + " has " + std::to_string(actual.size()) + " items, expected " +
               std::to_string(node.items.size());
        return false;
      }
      for (size_t k = 0; k < node.items.size(); ++k) {
        if (!match_node(node.items[k], actual[k], mode, path + "[" + std::to_string(k) + "]",
                        why)) {
          return false;
        }
      }
      return true;
    case Node::Kind::kObject:
      break;
  }
  if (!actual.is_object()) {
    *why = named(path) + " is " + type_of(actual) + ", expected an object";
    return false;
  }
  const std::string prefix = path.empty() ? "" : path + ".";
  for (size_t k = 0; k < node.keys.size(); ++k) {
    const Node& member = node.members[k];
    const auto it = actual.find(node.keys[k]);
    if (member.kind == Node::Kind::kMatcher && member.present.has_value()) {
      const bool wanted = *member.present;
      if (wanted != (it != actual.end())) {
        *why = named(prefix + node.keys[k]) +
               (wanted ? " is missing" : " should be absent, is " + short_value(*it));
        return false;
      }
      if (!wanted) continue;
    }
    if (it == actual.end()) {
      *why = named(prefix + node.keys[k]) + " is missing";
      return false;
    }
    if (!match_node(member, *it, mode, prefix + node.keys[k], why)) return false;
  }
  if (mode == ArgumentMatcher::Mode::kExact) {
    for (const auto& item : actual.items()) {
      if (std::find(node.keys.begin(), node.keys.end(), item.key()) == node.keys.end()) {
        *why = named(prefix + item.key()) + " is not expected (arguments: exact)";
        return false;
      }
    }
  }
  return true;
}

}  // namespace

std::string short_value(const nlohmann::json& value) {
  if (value.is_string()) {
    const std::string& text = value.get_ref<const std::string&>();
    const bool bare = !text.empty() && text.find_first_of(",()=\"{}[]\n") == std::string::npos &&
                      text.front() != ' ' && text.back() != ' ';
    return bare ? excerpt(text, 40) : quoted_excerpt(text, 40);
  }
  return excerpt(value.dump(-1, ' ', false, json::error_handler_t::replace), 40);
}

bool ArgumentMatcher::compile(const nlohmann::json& expected, Mode mode, ArgumentMatcher* out,
                              std::string* error) {
  auto root = std::make_shared<Node>();
  if (!compile_node(expected, "arguments", true, root.get(), error)) return false;
  out->root_ = std::move(root);
  out->mode_ = mode;
  return true;
}

bool ArgumentMatcher::matches(const nlohmann::json& actual, std::string* why) const {
  if (root_ == nullptr) return true;
  if (actual.is_string() && !root_->keys.empty()) {
    *why = "the arguments are not JSON: " + quoted_excerpt(actual.get<std::string>());
    return false;
  }
  return match_node(*root_, actual, mode_, "", why);
}

std::string ArgumentMatcher::describe() const {
  return root_ == nullptr ? std::string() : describe_node(*root_, true);
}

}  // namespace evalkit

// Compiling a JSON Schema: every keyword checked (unknown ones refused), subschemas turned
// into nodes, $refs resolved within the document, in-place $ref cycles refused.
#include <algorithm>
#include <cctype>
#include <map>
#include <set>

#include "evalkit/base/suggest.h"
#include "evalkit/scorers/json_schema_format.h"
#include "evalkit/scorers/json_schema_node.h"

namespace evalkit {
namespace {

using namespace json_schema_internal;

constexpr int kMaxSchemaDepth = 256;

const std::vector<std::string>& known_keywords() {
  static const std::vector<std::string> keywords = {"$schema",
                                                    "$id",
                                                    "$comment",
                                                    "$defs",
                                                    "definitions",
                                                    "$ref",
                                                    "title",
                                                    "description",
                                                    "default",
                                                    "examples",
                                                    "deprecated",
                                                    "readOnly",
                                                    "writeOnly",
                                                    "contentMediaType",
                                                    "contentEncoding",
                                                    "contentSchema",
                                                    "type",
                                                    "enum",
                                                    "const",
                                                    "properties",
                                                    "patternProperties",
                                                    "additionalProperties",
                                                    "propertyNames",
                                                    "required",
                                                    "dependentRequired",
                                                    "dependentSchemas",
                                                    "minProperties",
                                                    "maxProperties",
                                                    "items",
                                                    "prefixItems",
                                                    "contains",
                                                    "minContains",
                                                    "maxContains",
                                                    "uniqueItems",
                                                    "minItems",
                                                    "maxItems",
                                                    "minimum",
                                                    "maximum",
                                                    "exclusiveMinimum",
                                                    "exclusiveMaximum",
                                                    "multipleOf",
                                                    "minLength",
                                                    "maxLength",
                                                    "pattern",
                                                    "format",
                                                    "allOf",
                                                    "anyOf",
                                                    "oneOf",
                                                    "not",
                                                    "if",
                                                    "then",
                                                    "else"};
  return keywords;
}

// Keywords of JSON Schema that evalkit does not evaluate: refused by name, with the reason.

const std::map<std::string, std::string>& refused_keywords() {
  static const std::map<std::string, std::string> refused = {
      {"unevaluatedProperties", "is not supported"},
      {"unevaluatedItems", "is not supported"},
      {"$dynamicRef", "is not supported"},
      {"$dynamicAnchor", "is not supported"},
      {"$recursiveRef", "is not supported (draft 2019-09)"},
      {"$recursiveAnchor", "is not supported (draft 2019-09)"},
      {"$anchor", "is not supported (use a $ref to a JSON pointer)"},
      {"$vocabulary", "is not supported"},
      {"additionalItems", "belongs to older drafts (draft 2020-12: 'items' after 'prefixItems')"},
      {"dependencies",
       "belongs to older drafts (draft 2020-12: 'dependentRequired' / 'dependentSchemas')"},
  };
  return refused;
}

std::string percent_decode(const std::string& text) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '%' && i + 2 < text.size() &&
        std::isxdigit(static_cast<unsigned char>(text[i + 1])) &&
        std::isxdigit(static_cast<unsigned char>(text[i + 2]))) {
      out += char(std::stoi(text.substr(i + 1, 2), nullptr, 16));
      i += 2;
    } else {
      out += text[i];
    }
  }
  return out;
}

class Compiler {
 public:
  Compiler(const json& root, CompiledSchema* out) : root_(root), out_(out) {}

  bool run(std::string* error) {
    if (root_.is_object()) {
      if (const auto id = root_.find("$id"); id != root_.end() && id->is_string()) {
        root_id_ = id->get<std::string>();
        if (const size_t hash = root_id_.find('#'); hash != std::string::npos)
          root_id_.resize(hash);
      }
    }
    compile(root_, "#", 0);
    // $refs may point at places compiled later, or at places only a $ref reaches.
    for (size_t i = 0; i < refs_.size() && error_.empty(); ++i)
      resolve(refs_[i].first, refs_[i].second);
    if (error_.empty()) check_cycles();
    if (!error_.empty()) {
      *error = error_;
      return false;
    }
    return true;
  }

 private:
  void fail(const std::string& where, const std::string& message) {
    if (error_.empty()) error_ = message + " at " + where;
  }

  bool read_count(const json& value, const std::string& key, const std::string& where,
                  std::optional<uint64_t>* out) {
    if (!is_integral(value) || value.get<double>() < 0) {
      fail(where, "'" + key + "' must be a non-negative integer");
      return false;
    }
    *out = uint64_t(value.get<double>());
    return true;
  }

  bool read_number(const json& value, const std::string& key, const std::string& where,
                   std::optional<double>* out) {
    if (!value.is_number()) {
      fail(where, "'" + key + "' must be a number");
      return false;
    }
    *out = value.get<double>();
    return true;
  }

  bool read_strings(const json& value, const std::string& key, const std::string& where,
                    std::vector<std::string>* out) {
    if (!value.is_array()) {
      fail(where, "'" + key + "' must be an array of strings");
      return false;
    }
    std::set<std::string> seen;
    for (const auto& item : value) {
      if (!item.is_string()) {
        fail(where, "'" + key + "' must be an array of strings");
        return false;
      }
      if (!seen.insert(item.get<std::string>()).second) {
        fail(where, "'" + key + "' lists '" + item.get<std::string>() + "' twice");
        return false;
      }
      out->push_back(item.get<std::string>());
    }
    return true;
  }

  bool compile_regex(const json& value, const std::string& key, const std::string& where,
                     LinearRegex* out) {
    if (!value.is_string()) {
      fail(where, "'" + key + "' must be a string");
      return false;
    }
    std::string why;
    if (!LinearRegex::compile(value.get<std::string>(), out, &why)) {
      fail(where, "'" + key + "' /" + excerpt(value.get<std::string>(), 60) + "/: " + why);
      return false;
    }
    return true;
  }

  std::vector<int> compile_list(const json& value, const std::string& key, const std::string& where,
                                int depth, bool allow_empty = false) {
    std::vector<int> out;
    if (!value.is_array() || (!allow_empty && value.empty())) {
      fail(where, "'" + key + "' must be a non-empty array of schemas");
      return out;
    }
    for (size_t i = 0; i < value.size(); ++i) {
      out.push_back(compile(value[i], where + "/" + key + "/" + std::to_string(i), depth + 1));
    }
    return out;
  }

  std::vector<std::pair<std::string, int>> compile_map(const json& value, const std::string& key,
                                                       const std::string& where, int depth) {
    std::vector<std::pair<std::string, int>> out;
    if (!value.is_object()) {
      fail(where, "'" + key + "' must be an object of schemas");
      return out;
    }
    for (const auto& [name, schema] : value.items()) {
      out.emplace_back(
          name, compile(schema, where + "/" + key + "/" + escape_pointer_token(name), depth + 1));
    }
    return out;
  }

  int compile(const json& schema, const std::string& where, int depth) {
    if (!error_.empty()) return 0;
    if (const auto it = by_pointer_.find(where); it != by_pointer_.end()) return it->second;
    if (depth > kMaxSchemaDepth) {
      fail(where,
           "the schema is nested deeper than " + std::to_string(kMaxSchemaDepth) + " levels");
      return 0;
    }
    const int index = int(out_->nodes.size());
    out_->nodes.emplace_back();
    by_pointer_[where] = index;
    JsonSchema::Node node;
    node.where = where;
    if (schema.is_boolean()) {
      node.is_boolean = true;
      node.accepts = schema.get<bool>();
      out_->nodes[size_t(index)] = std::move(node);
      return index;
    }
    if (!schema.is_object()) {
      fail(where, "a schema must be an object or a boolean, not " + type_name(schema));
      return index;
    }
    for (const auto& [key, value] : schema.items()) {
      if (!error_.empty()) break;
      keyword(key, value, where, depth, index, &node);
    }
    out_->nodes[size_t(index)] = std::move(node);
    return index;
  }

  void keyword(const std::string& key, const json& value, const std::string& where, int depth,
               int index, JsonSchema::Node* node) {
    const std::string at = where + "/" + escape_pointer_token(key);
    if (key == "$schema" || key == "$comment" || key == "title" || key == "description" ||
        key == "default" || key == "examples" || key == "deprecated" || key == "readOnly" ||
        key == "writeOnly" || key == "contentMediaType" || key == "contentEncoding") {
      return;  // annotations
    }
    if (key == "contentSchema") {
      compile(value, at, depth + 1);  // an annotation, but it must still be a schema
    } else if (key == "$id") {
      if (where != "#")
        fail(at, "'$id' is supported at the root only (it changes how $refs resolve)");
    } else if (key == "$defs" || key == "definitions") {
      compile_map(value, key, where, depth);
    } else if (key == "$ref") {
      if (!value.is_string()) {
        fail(at, "'$ref' must be a string");
        return;
      }
      // Filled in once every schema is compiled.
      node->ref = -2;
      refs_.emplace_back(index, value.get<std::string>());
    } else if (key == "type") {
      auto add = [&](const json& name) {
        for (const auto& [type, bit] : type_names()) {
          if (name.is_string() && name.get<std::string>() == type) {
            node->types |= bit;
            return true;
          }
        }
        fail(at, "'type' must name null, boolean, object, array, number, string or integer, not " +
                     shown(name));
        return false;
      };
      if (value.is_array()) {
        for (const auto& name : value) {
          if (!add(name)) return;
        }
        if (value.empty()) fail(at, "'type' must not be an empty array");
      } else {
        add(value);
      }
    } else if (key == "enum") {
      if (!value.is_array()) fail(at, "'enum' must be an array");
      node->enum_values = value;
    } else if (key == "const") {
      node->const_value = value;
    } else if (key == "properties") {
      node->properties = compile_map(value, key, where, depth);
    } else if (key == "patternProperties") {
      if (!value.is_object()) {
        fail(at, "'patternProperties' must be an object of schemas");
        return;
      }
      for (const auto& [pattern, schema] : value.items()) {
        LinearRegex regex;
        if (!compile_regex(pattern, key, at, &regex)) return;
        node->pattern_property_patterns.emplace_back(pattern, std::move(regex));
        node->pattern_property_schemas.push_back(
            compile(schema, at + "/" + escape_pointer_token(pattern), depth + 1));
      }
    } else if (key == "additionalProperties") {
      node->additional_properties = compile(value, at, depth + 1);
    } else if (key == "propertyNames") {
      node->property_names = compile(value, at, depth + 1);
    } else if (key == "required") {
      read_strings(value, key, at, &node->required);
    } else if (key == "dependentRequired") {
      if (!value.is_object()) {
        fail(at, "'dependentRequired' must be an object of string arrays");
        return;
      }
      for (const auto& [name, list] : value.items()) {
        std::vector<std::string> names;
        if (!read_strings(list, key, at + "/" + escape_pointer_token(name), &names)) return;
        node->dependent_required.emplace_back(name, std::move(names));
      }
    } else if (key == "dependentSchemas") {
      node->dependent_schemas = compile_map(value, key, where, depth);
    } else if (key == "minProperties") {
      read_count(value, key, at, &node->min_properties);
    } else if (key == "maxProperties") {
      read_count(value, key, at, &node->max_properties);
    } else if (key == "minItems") {
      read_count(value, key, at, &node->min_items);
    } else if (key == "maxItems") {
      read_count(value, key, at, &node->max_items);
    } else if (key == "minLength") {
      read_count(value, key, at, &node->min_length);
    } else if (key == "maxLength") {
      read_count(value, key, at, &node->max_length);
    } else if (key == "minContains") {
      read_count(value, key, at, &node->min_contains);
    } else if (key == "maxContains") {
      read_count(value, key, at, &node->max_contains);
    } else if (key == "items") {
      if (value.is_array()) {
        fail(at, "'items' as an array belongs to older drafts (draft 2020-12: 'prefixItems')");
        return;
      }
      node->items = compile(value, at, depth + 1);
    } else if (key == "prefixItems") {
      node->prefix_items = compile_list(value, key, where, depth);
    } else if (key == "contains") {
      node->contains = compile(value, at, depth + 1);
    } else if (key == "uniqueItems") {
      if (!value.is_boolean()) fail(at, "'uniqueItems' must be true or false");
      node->unique_items = value.is_boolean() && value.get<bool>();
    } else if (key == "minimum") {
      read_number(value, key, at, &node->minimum);
    } else if (key == "maximum") {
      read_number(value, key, at, &node->maximum);
    } else if (key == "exclusiveMinimum") {
      if (value.is_boolean()) {
        fail(at, "'exclusiveMinimum' as a boolean belongs to draft 4 (draft 2020-12: a number)");
        return;
      }
      read_number(value, key, at, &node->exclusive_minimum);
    } else if (key == "exclusiveMaximum") {
      if (value.is_boolean()) {
        fail(at, "'exclusiveMaximum' as a boolean belongs to draft 4 (draft 2020-12: a number)");
        return;
      }
      read_number(value, key, at, &node->exclusive_maximum);
    } else if (key == "multipleOf") {
      if (read_number(value, key, at, &node->multiple_of) && !(*node->multiple_of > 0)) {
        fail(at, "'multipleOf' must be greater than 0");
      }
    } else if (key == "pattern") {
      LinearRegex regex;
      if (compile_regex(value, key, at, &regex)) {
        node->pattern = std::move(regex);
        node->pattern_source = value.get<std::string>();
      }
    } else if (key == "format") {
      if (!value.is_string()) {
        fail(at, "'format' must be a string");
        return;
      }
      const auto& known = supported_json_formats();
      if (std::find(known.begin(), known.end(), value.get<std::string>()) == known.end()) {
        std::string list;
        for (const auto& f : known) list += (list.empty() ? "" : ", ") + f;
        fail(at, "format '" + value.get<std::string>() + "' is not supported (supported: " + list +
                     ")");
        return;
      }
      node->format = value.get<std::string>();
    } else if (key == "allOf") {
      node->all_of = compile_list(value, key, where, depth);
    } else if (key == "anyOf") {
      node->any_of = compile_list(value, key, where, depth);
    } else if (key == "oneOf") {
      node->one_of = compile_list(value, key, where, depth);
    } else if (key == "not") {
      node->not_schema = compile(value, at, depth + 1);
    } else if (key == "if") {
      node->if_schema = compile(value, at, depth + 1);
    } else if (key == "then") {
      node->then_schema = compile(value, at, depth + 1);
    } else if (key == "else") {
      node->else_schema = compile(value, at, depth + 1);
    } else if (const auto refused = refused_keywords().find(key);
               refused != refused_keywords().end()) {
      fail(where, "keyword '" + key + "' " + refused->second);
    } else {
      fail(where, "keyword '" + key + "' is not supported" + did_you_mean(key, known_keywords()));
    }
  }

  void resolve(int node_index, const std::string& ref) {
    const std::string where = out_->nodes[size_t(node_index)].where;
    std::string fragment = ref;
    if (!root_id_.empty() && fragment.rfind(root_id_, 0) == 0)
      fragment = fragment.substr(root_id_.size());
    if (fragment.empty() || fragment[0] != '#') {
      fail(where, "$ref '" + ref +
                      "' leaves the document; only $refs within it (#, #/$defs/...) are supported");
      return;
    }
    fragment = percent_decode(fragment.substr(1));
    if (!fragment.empty() && fragment[0] != '/') {
      fail(where, "$ref '" + ref + "' names an anchor; only JSON pointers (#/...) are supported");
      return;
    }
    const std::string target = "#" + fragment;
    int index = -1;
    if (const auto it = by_pointer_.find(target); it != by_pointer_.end()) {
      index = it->second;
    } else {
      const json* value = nullptr;
      try {
        value = &root_.at(json::json_pointer(fragment));
      } catch (const json::exception&) {
        fail(where, "$ref '" + ref + "' points at nothing in the schema");
        return;
      }
      index = compile(*value, target, 0);
    }
    out_->nodes[size_t(node_index)].ref = index;
  }

  // A cycle of keywords that apply to the same instance ($ref, allOf, anyOf, oneOf, not,
  // if/then/else, dependentSchemas) would recurse forever: refused at load.
  void check_cycles() {
    const auto& nodes = out_->nodes;
    auto in_place = [&](const JsonSchema::Node& n) {
      std::vector<int> next;
      if (n.ref >= 0) next.push_back(n.ref);
      for (int i : n.all_of) next.push_back(i);
      for (int i : n.any_of) next.push_back(i);
      for (int i : n.one_of) next.push_back(i);
      for (int i : {n.not_schema, n.if_schema, n.then_schema, n.else_schema}) {
        if (i >= 0) next.push_back(i);
      }
      for (const auto& [name, i] : n.dependent_schemas) next.push_back(i);
      return next;
    };
    std::vector<int> state(nodes.size(), 0);  // 0 new, 1 on the path, 2 done
    for (size_t start = 0; start < nodes.size(); ++start) {
      if (state[start] != 0) continue;
      std::vector<std::pair<int, std::vector<int>>> stack;
      stack.emplace_back(int(start), in_place(nodes[start]));
      state[start] = 1;
      while (!stack.empty()) {
        auto& [current, next] = stack.back();
        if (next.empty()) {
          state[size_t(current)] = 2;
          stack.pop_back();
          continue;
        }
        const int child = next.back();
        next.pop_back();
        if (state[size_t(child)] == 1) {
          fail(nodes[size_t(child)].where,
               "a $ref cycle that never reaches into the instance (it would recurse forever)");
          return;
        }
        if (state[size_t(child)] == 0) {
          state[size_t(child)] = 1;
          stack.emplace_back(child, in_place(nodes[size_t(child)]));
        }
      }
    }
  }

  const json& root_;
  CompiledSchema* out_;
  std::string root_id_;
  std::string error_;
  std::map<std::string, int> by_pointer_;
  std::vector<std::pair<int, std::string>> refs_;
};

}  // namespace

bool JsonSchema::compile(const json& schema, JsonSchema* out, std::string* error) {
  auto compiled = std::make_unique<CompiledSchema>();
  Compiler compiler(schema, compiled.get());
  if (!compiler.run(error)) return false;
  out->compiled_ = std::move(compiled);
  return true;
}

}  // namespace evalkit

#include "evalkit/suite/scorer_spec_parser.h"

#include <set>

#include "evalkit/base/number_text.h"
#include "evalkit/scorers/answer_transform.h"

namespace evalkit {
namespace {

// Records the text of plain scalars that became numbers or booleans, by JSON pointer, so that
// a string option keeps what was written ("3.10", not 3.1).
void record_scalar_texts(const SourceNode& node, const nlohmann::json& value,
                         const std::string& pointer, std::map<std::string, std::string>* out) {
  if (node.is_scalar()) {
    if ((value.is_number() || value.is_boolean()) &&
        node.scalar().find("${") == std::string::npos) {
      (*out)[pointer] = node.scalar();
    }
  } else if (node.is_sequence() && value.is_array()) {
    for (size_t i = 0; i < node.size() && i < value.size(); ++i) {
      record_scalar_texts(node[i], value[i], pointer + "/" + std::to_string(i), out);
    }
  }
}

Status parse_scorer_spec(const SourceNode& node, const YamlReader& reader, ScorerSpec* spec) {
  spec->where = reader.where(node);
  if (node.is_scalar()) return reader.read_string(node, "type", &spec->type);
  // `not: <scorer>` negates the scorer it wraps (`not: {not: x}` is x again).
  if (node.is_map() && node.size() == 1 && node.begin()->first.is_scalar() &&
      node.begin()->first.scalar() == "not") {
    if (Status s = parse_scorer_spec(node.begin()->second, reader, spec); !s) return s;
    spec->negate = !spec->negate;
    return Status::ok();
  }
  if (!node.is_map()) {
    return reader.error_at(
        node, "expected a scorer (a map with 'type', or a type name), got " + describe_node(node));
  }
  bool has_type = false;
  std::set<std::string> seen;
  for (auto it = node.begin(); it != node.end(); ++it) {
    const SourceNode key = it->first;
    const SourceNode value = it->second;
    if (!key.is_scalar()) return reader.error_at(key, "expected a plain key in scorer");
    const std::string& name = key.scalar();
    if (!seen.insert(name).second) {
      return reader.error_at(key, "key '" + name + "' appears twice in scorer");
    }
    if (name == "type") {
      has_type = true;
      if (Status s = reader.read_string(value, "type", &spec->type); !s) return s;
    } else if (name == "weight") {
      if (Status s = reader.read_number(value, "weight", &spec->weight); !s) return s;
      if (spec->weight < 0) return reader.error_at(value, "'weight' must not be negative");
    } else if (name == "threshold") {
      double threshold = 0;
      if (Status s = reader.read_number(value, "threshold", &threshold); !s) return s;
      if (threshold < 0 || threshold > 1) {
        return reader.error_at(value,
                               "'threshold' must be between 0 and 1, the scale of every "
                               "score (BLEU and chrF are divided by 100), got " +
                                   format_number(threshold));
      }
      spec->threshold = threshold;
    } else if (name == "name") {
      if (Status s = reader.read_string(value, "name", &spec->name); !s) return s;
    } else if (name == "transform") {
      if (Status s = reader.read_json(value, &spec->transform); !s) return s;
      spec->transform_where = reader.where(value);
      AnswerTransform transform;
      std::string error;
      if (!AnswerTransform::compile(spec->transform, &transform, &error)) {
        return reader.error_at(value, "transform: " + error);
      }
    } else if (name == "negate") {
      nlohmann::json flag;
      if (Status s = reader.read_json(value, &flag); !s) return s;
      if (!flag.is_boolean()) {
        return reader.error_at(value, "expected true or false for 'negate', got " +
                                          describe_node(value));
      }
      spec->negate = flag.get<bool>();
    } else if (name == "not") {
      return reader.error_at(key, "'not' wraps a whole scorer (`not: {type: contains, value: x}`); "
                                  "inside a scorer write 'negate: true'");
    } else {
      nlohmann::json option;
      if (Status s = reader.read_json(value, &option); !s) return s;
      record_scalar_texts(value, option, "/" + name, &spec->scalar_texts);
      spec->options[name] = std::move(option);
    }
  }
  if (!has_type || spec->type.empty()) {
    return reader.error_at(node, "scorer has no 'type' (e.g. {type: exact_match})");
  }
  return Status::ok();
}

}  // namespace

Status parse_scorer_specs(const SourceNode& node, const YamlReader& reader,
                          std::vector<ScorerSpec>* out) {
  if (!node.is_sequence()) {
    return reader.error_at(node,
                           "expected a list of scorers for 'scorers', got " + describe_node(node));
  }
  out->reserve(out->size() + node.size());
  for (const auto& item : node) {
    ScorerSpec spec;
    if (Status status = parse_scorer_spec(item, reader, &spec); !status) return status;
    out->push_back(std::move(spec));
  }
  return Status::ok();
}

}  // namespace evalkit

namespace evalkit {

Status parse_scorer_specs_json(const nlohmann::json& value, const SourceLocation& where,
                               std::vector<ScorerSpec>* out) {
  if (!value.is_array()) return Status::error_at(where, "expected a list of scorers for 'scorers'");
  for (const auto& entry : value) {
    ScorerSpec spec;
    spec.where = where;
    // `{"not": <scorer>}` negates the scorer it wraps, as in suite files.
    const nlohmann::json* wrapped = &entry;
    while (wrapped->is_object() && wrapped->size() == 1 && wrapped->contains("not")) {
      spec.negate = !spec.negate;
      wrapped = &(*wrapped)["not"];
    }
    const nlohmann::json& item = *wrapped;
    if (item.is_string()) {
      spec.type = item.get<std::string>();
      out->push_back(std::move(spec));
      continue;
    }
    if (!item.is_object()) {
      return Status::error_at(where, "expected a scorer (an object with 'type', or a type name)");
    }
    for (const auto& [name, option] : item.items()) {
      if (name == "type") {
        if (!option.is_string()) return Status::error_at(where, "expected a string for 'type'");
        spec.type = option.get<std::string>();
      } else if (name == "weight") {
        if (!option.is_number() || option.get<double>() < 0) {
          return Status::error_at(where, "'weight' must be a number >= 0");
        }
        spec.weight = option.get<double>();
      } else if (name == "threshold") {
        if (!option.is_number())
          return Status::error_at(where, "expected a number for 'threshold'");
        spec.threshold = option.get<double>();
      } else if (name == "name") {
        if (!option.is_string()) return Status::error_at(where, "expected a string for 'name'");
        spec.name = option.get<std::string>();
      } else if (name == "negate") {
        if (!option.is_boolean()) return Status::error_at(where, "expected true or false for 'negate'");
        if (option.get<bool>()) spec.negate = !spec.negate;
      } else if (name == "transform") {
        AnswerTransform transform;
        std::string error;
        if (!AnswerTransform::compile(option, &transform, &error)) {
          return Status::error_at(where, "transform: " + error);
        }
        spec.transform = option;
      } else {
        spec.options[name] = option;
      }
    }
    if (spec.type.empty()) {
      return Status::error_at(where, "scorer has no 'type' (e.g. {\"type\": \"contains\"})");
    }
    out->push_back(std::move(spec));
  }
  return Status::ok();
}

}  // namespace evalkit

#include "evalkit/suite/scorer_spec_parser.h"

#include <set>

namespace evalkit {
namespace {

Status parse_scorer_spec(const YAML::Node& node, const YamlReader& reader, ScorerSpec* spec) {
  spec->where = reader.where(node);
  if (node.IsScalar()) return reader.read_string(node, "type", &spec->type);
  if (!node.IsMap()) {
    return reader.error_at(
        node, "expected a scorer (a map with 'type', or a type name), got " + describe_node(node));
  }
  bool has_type = false;
  std::set<std::string> seen;
  for (auto it = node.begin(); it != node.end(); ++it) {
    const YAML::Node key = it->first;
    const YAML::Node value = it->second;
    if (!key.IsScalar()) return reader.error_at(key, "expected a plain key in scorer");
    const std::string& name = key.Scalar();
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
      spec->threshold = threshold;
    } else if (name == "name") {
      if (Status s = reader.read_string(value, "name", &spec->name); !s) return s;
    } else if (name == "transform") {
      if (Status s = reader.read_json(value, &spec->transform); !s) return s;
      spec->transform_where = reader.where(value);
    } else {
      nlohmann::json option;
      if (Status s = reader.read_json(value, &option); !s) return s;
      spec->options[name] = std::move(option);
    }
  }
  if (!has_type || spec->type.empty()) {
    return reader.error_at(node, "scorer has no 'type' (e.g. {type: exact_match})");
  }
  return Status::ok();
}

}  // namespace

Status parse_scorer_specs(const YAML::Node& node, const YamlReader& reader,
                          std::vector<ScorerSpec>* out) {
  if (!node.IsSequence()) {
    return reader.error_at(node,
                           "expected a list of scorers for 'scorers', got " + describe_node(node));
  }
  for (const auto& item : node) {
    ScorerSpec spec;
    if (Status status = parse_scorer_spec(item, reader, &spec); !status) return status;
    out->push_back(std::move(spec));
  }
  return Status::ok();
}

}  // namespace evalkit

#include "evalkit/suite/case_parser.h"

#include <filesystem>

#include "evalkit/suite/dataset_reader.h"
#include "evalkit/suite/message_parser.h"
#include "evalkit/suite/scorer_spec_parser.h"
#include "evalkit/suite/suite_keys.h"
#include "evalkit/suite/suite_parser.h"

namespace evalkit {
namespace {

Status read_timeout(const YamlReader& reader, const SourceNode& value, std::optional<double>* out) {
  double seconds = 0;
  if (Status s = reader.read_number(value, "timeout", &seconds); !s) return s;
  if (seconds <= 0) return reader.error_at(value, "'timeout' must be a positive number of seconds");
  *out = seconds;
  return Status::ok();
}

Status parse_inline_case(const SourceNode& node, const YamlReader& reader, size_t number,
                         CaseConfig* out) {
  std::vector<std::pair<SourceNode, SourceNode>> entries;
  if (Status s = reader.entries(node, suite_keys::inline_case(), "case", &entries); !s) return s;
  out->where = reader.where(node);
  for (const auto& [key, value] : entries) {
    const std::string& name = key.scalar();
    const SourceNode& at = value;
    Status status;
    if (name == "id") {
      status = reader.read_string(at, "id", &out->id);
      if (status && out->id.empty()) status = reader.error_at(at, "case 'id' is empty");
    } else if (name == "description") {
      status = reader.read_string(at, "description", &out->description);
    } else if (name == "pass") {
      PassRule rule;
      status = parse_pass_rule(at, reader, &rule);
      if (status && rule.k_of_n != 0) {
        status = reader.error_at(at, "'k_of_n' belongs to the suite's 'pass', not a case's");
      }
      out->pass = rule;
    } else if (name == "vars") {
      if (!value.is_map()) {
        return reader.error_at(at, "expected a map for 'vars', got " + describe_node(value));
      }
      status = reader.read_json(value, &out->vars);
    } else if (name == "expected") {
      status = reader.read_strings(at, "expected", &out->expected);
    } else if (name == "labels") {
      status = reader.read_strings(at, "labels", &out->labels);
    } else if (name == "scorers") {
      status = parse_scorer_specs(at, reader, &out->scorers);
    } else if (name == "prompt") {
      std::string prompt;
      status = reader.read_string(at, "prompt", &prompt);
      out->prompt = prompt;
    } else if (name == "timeout") {
      status = read_timeout(reader, value, &out->timeout_s);
    } else if (name == "messages") {
      status = parse_chat_messages(at, reader, &out->messages);
    }
    if (!status) return status;
  }
  if (out->id.empty()) out->id = "case-" + std::to_string(number);
  return Status::ok();
}

// What a `{file: ...}` entry adds to each of its cases.
struct DatasetDefaults {
  nlohmann::json vars = nlohmann::json::object();  // a case's own vars win
  std::vector<std::string> labels;
  std::vector<ScorerSpec> scorers;
  std::optional<std::string> prompt;
  std::optional<double> timeout_s;
};

Status parse_dataset_entry(const SourceNode& node, const YamlReader& reader,
                           const std::string& directory, std::vector<CaseConfig>* cases,
                           std::vector<std::string>* dataset_hashes) {
  std::vector<std::pair<SourceNode, SourceNode>> entries;
  if (Status s = reader.entries(node, suite_keys::dataset_entry(), "dataset entry", &entries); !s) {
    return s;
  }
  std::string file;
  SourceNode file_node;
  DatasetDefaults defaults;
  for (const auto& [key, value] : entries) {
    const std::string& name = key.scalar();
    const SourceNode& at = value;
    Status status;
    if (name == "file") {
      file_node = at;
      status = reader.read_string(at, "file", &file);
    } else if (name == "labels") {
      status = reader.read_strings(at, "labels", &defaults.labels);
    } else if (name == "vars") {
      if (!value.is_map()) {
        return reader.error_at(at, "expected a map for 'vars', got " + describe_node(value));
      }
      status = reader.read_json(value, &defaults.vars);
    } else if (name == "scorers") {
      status = parse_scorer_specs(at, reader, &defaults.scorers);
    } else if (name == "prompt") {
      std::string prompt;
      status = reader.read_string(at, "prompt", &prompt);
      defaults.prompt = prompt;
    } else if (name == "timeout") {
      status = read_timeout(reader, value, &defaults.timeout_s);
    }
    if (!status) return status;
  }
  std::string path;
  if (Status s = reader.resolve_path(file_node, directory, file, &path); !s) return s;
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) {
    return reader.error_at(file_node,
                           "dataset file '" + file + "' not found (looked for " + path + ")");
  }
  const size_t first = cases->size();
  std::string sha256;
  if (Status s = read_dataset_cases(path, cases, &sha256); !s) return s;
  dataset_hashes->push_back(sha256);
  for (size_t i = first; i < cases->size(); ++i) {
    CaseConfig& config = (*cases)[i];
    for (const auto& [name, value] : defaults.vars.items()) {
      if (!config.vars.contains(name)) config.vars[name] = value;
    }
    config.labels.insert(config.labels.end(), defaults.labels.begin(), defaults.labels.end());
    config.scorers.insert(config.scorers.end(), defaults.scorers.begin(), defaults.scorers.end());
    if (!config.prompt) config.prompt = defaults.prompt;
    if (!config.timeout_s) config.timeout_s = defaults.timeout_s;
  }
  return Status::ok();
}

}  // namespace

Status parse_cases(const SourceNode& node, const YamlReader& reader, const std::string& directory,
                   std::vector<CaseConfig>* cases, std::vector<std::string>* dataset_hashes) {
  if (!node.is_sequence()) {
    return reader.error_at(node,
                           "expected a list of cases for 'cases', got " + describe_node(node));
  }
  size_t number = 0;
  SourceDocument scratch;  // a JSON suite's case, read when its turn comes (expand_deferred)
  for (const auto& listed : node) {
    ++number;
    const SourceNode item = expand_deferred(listed, &scratch);
    if (item.is_map() && item["file"]) {
      if (Status s = parse_dataset_entry(item, reader, directory, cases, dataset_hashes); !s) {
        return s;
      }
      continue;
    }
    CaseConfig config;
    if (Status s = parse_inline_case(item, reader, number, &config); !s) return s;
    cases->push_back(std::move(config));
  }
  return Status::ok();
}

}  // namespace evalkit

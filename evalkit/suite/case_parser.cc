#include "evalkit/suite/case_parser.h"

#include <algorithm>
#include <filesystem>

#include "evalkit/base/hash.h"

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

// A hash of what makes two specs score alike (scorer_spec_key's parts), without writing
// the options out.
uint64_t spec_hash(const ScorerSpec& spec) {
  uint64_t hash = fnv1a64(spec.type);
  const auto mix = [&](uint64_t value) {
    hash ^= value + 0x9e3779b97f4a7c15ULL + (hash << 6) + (hash >> 2);
  };
  mix(fnv1a64(spec.name));
  mix(spec.negate ? 1 : 2);
  mix(std::hash<double>{}(spec.weight));
  mix(spec.threshold ? std::hash<double>{}(*spec.threshold) : 3);
  mix(std::hash<nlohmann::json>{}(spec.options));
  mix(std::hash<nlohmann::json>{}(spec.transform));
  return hash;
}

bool same_spec(const ScorerSpec& a, const ScorerSpec& b) {
  return a.type == b.type && a.name == b.name && a.negate == b.negate && a.weight == b.weight &&
         a.threshold == b.threshold && a.options == b.options && a.transform == b.transform;
}

// Notes what the rest of the code needs of a case's scorers (Suite::case_scorers and the
// facts beside it), in bounded memory.
void note_case_scorers(const std::vector<ScorerSpec>& specs, Suite* suite, SuiteLocations* facts) {
  for (const auto& spec : specs) {
    if (spec.options.is_object()) {
      const auto provider = spec.options.find("provider");
      if (provider != spec.options.end() && provider->is_string()) {
        suite->case_scorer_providers.insert(provider->get<std::string>());
      }
      const auto judge_template = spec.options.find("template");
      if (spec.type == "judge" && judge_template != spec.options.end() &&
          judge_template->is_string()) {
        const std::string name = judge_template->get<std::string>();
        if (facts->case_judge_template_names.insert(name).second) {
          suite->case_judge_templates.emplace_back(name, spec.where);
        }
      }
    }
    std::string kind = spec.type;
    kind += '\n';
    kind += spec.name;
    const bool new_kind = facts->case_scorer_kinds.insert(kind).second;
    if (!new_kind && suite->case_scorers.size() >= kCaseScorerSpecs) continue;
    const uint64_t hash = spec_hash(spec);
    const auto [first, last] = facts->case_scorer_index.equal_range(hash);
    if (std::any_of(first, last, [&](const auto& entry) {
          return same_spec(suite->case_scorers[entry.second], spec);
        })) {
      continue;
    }
    facts->case_scorer_index.emplace(hash, suite->case_scorers.size());
    suite->case_scorers.push_back(spec);
  }
}

void note_case(const CaseConfig& config, Suite* suite, SuiteLocations* facts) {
  facts->case_id_hashes.push_back(case_id_hash(config.id));
  note_case_scorers(config.scorers, suite, facts);
  ++suite->case_count;
}

// Reads every row of a dataset once: its errors, its row count and the facts validation
// needs. The rows themselves are dropped.
Status scan_dataset(DatasetSource* source, Suite* suite, SuiteLocations* facts) {
  std::unique_ptr<DatasetRows> rows;
  if (Status s = DatasetRows::open(source->file, &rows); !s) return s;
  while (true) {
    CaseConfig config;
    bool end = false;
    if (Status s = rows->next(&config, &end); !s) return s;
    if (end) break;
    ++source->rows;
    if (config.prompt) source->row_prompts = true;
    note_case(config, suite, facts);
    if (source->rows == 1) note_case_scorers(source->scorers, suite, facts);  // after the row's
  }
  source->sha256 = rows->sha256();
  return Status::ok();
}

Status parse_dataset_entry(const SourceNode& node, const YamlReader& reader, Suite* suite,
                           SuiteLocations* facts, std::vector<std::string>* dataset_hashes) {
  std::vector<std::pair<SourceNode, SourceNode>> entries;
  if (Status s = reader.entries(node, suite_keys::dataset_entry(), "dataset entry", &entries); !s) {
    return s;
  }
  std::string file;
  SourceNode file_node;
  DatasetSource source;
  for (const auto& [key, value] : entries) {
    const std::string& name = key.scalar();
    const SourceNode& at = value;
    Status status;
    if (name == "file") {
      file_node = at;
      status = reader.read_string(at, "file", &file);
    } else if (name == "labels") {
      status = reader.read_strings(at, "labels", &source.labels);
    } else if (name == "vars") {
      if (!value.is_map()) {
        return reader.error_at(at, "expected a map for 'vars', got " + describe_node(value));
      }
      status = reader.read_json(value, &source.vars);
    } else if (name == "scorers") {
      status = parse_scorer_specs(at, reader, &source.scorers);
    } else if (name == "prompt") {
      std::string prompt;
      status = reader.read_string(at, "prompt", &prompt);
      source.prompt = prompt;
    } else if (name == "timeout") {
      status = read_timeout(reader, value, &source.timeout_s);
    }
    if (!status) return status;
  }
  if (Status s = reader.resolve_path(file_node, suite->directory, file, &source.path); !s) {
    return s;
  }
  std::error_code ec;
  if (!std::filesystem::is_regular_file(source.path, ec)) {
    return reader.error_at(
        file_node, "dataset file '" + file + "' not found (looked for " + source.path + ")");
  }
  Status format;
  if (!is_dataset_format(source.path, &format)) return format;
  if (Status s = DatasetFile::open(source.path, &source.file); !s) return s;
  if (Status s = scan_dataset(&source, suite, facts); !s) return s;
  dataset_hashes->push_back(source.sha256);
  suite->case_segments.push_back(CaseSegment{true, suite->datasets.size(), source.rows});
  suite->datasets.push_back(std::move(source));
  return Status::ok();
}

}  // namespace

Status parse_cases(const SourceNode& node, const YamlReader& reader, Suite* suite,
                   SuiteLocations* facts, std::vector<std::string>* dataset_hashes) {
  if (!node.is_sequence()) {
    return reader.error_at(node,
                           "expected a list of cases for 'cases', got " + describe_node(node));
  }
  // Room for every listed case at once: growing by doubling would hold the old and the new
  // array together (and leave up to half of the new one unused).
  suite->inline_cases.reserve(suite->inline_cases.size() + node.size());
  size_t number = 0;
  SourceDocument scratch;  // a JSON suite's case, read when its turn comes (expand_deferred)
  for (const auto& listed : node) {
    ++number;
    const SourceNode item = expand_deferred(listed, &scratch);
    if (item.is_map() && item["file"]) {
      if (Status s = parse_dataset_entry(item, reader, suite, facts, dataset_hashes); !s) {
        return s;
      }
      continue;
    }
    CaseConfig config;
    if (Status s = parse_inline_case(item, reader, number, &config); !s) return s;
    note_case(config, suite, facts);
    if (suite->case_segments.empty() || suite->case_segments.back().dataset) {
      suite->case_segments.push_back(CaseSegment{false, suite->inline_cases.size(), 0});
    }
    ++suite->case_segments.back().count;
    suite->inline_cases.push_back(std::move(config));
  }
  return Status::ok();
}

}  // namespace evalkit

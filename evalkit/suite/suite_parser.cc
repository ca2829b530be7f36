#include "evalkit/suite/suite_parser.h"

#include <algorithm>

#include "evalkit/base/hash.h"
#include "evalkit/base/suggest.h"
#include "evalkit/suite/case_parser.h"
#include "evalkit/suite/prompt_parser.h"
#include "evalkit/suite/message_parser.h"
#include "evalkit/suite/provider_parser.h"
#include "evalkit/suite/scorer_spec_parser.h"
#include "evalkit/suite/suite_keys.h"

namespace evalkit {
namespace {

using Entries = std::vector<std::pair<SourceNode, SourceNode>>;

// The systems under test as a list of provider ids, each with its location.
Status parse_under_test(const SourceNode& node, const YamlReader& reader, const std::string& what,
                        std::vector<std::string>* out, SuiteLocations* locations) {
  if (Status s = reader.read_strings(node, what, out); !s) return s;
  if (out->empty()) {
    return reader.error_at(node, "'" + what + "' is an empty list; name at least one provider");
  }
  locations->under_test_key = reader.where(node);
  locations->under_test.clear();
  if (node.is_sequence()) {
    for (const auto& item : node) locations->under_test.push_back(reader.where(item));
  } else {
    locations->under_test.push_back(reader.where(node));
  }
  return Status::ok();
}

Status parse_defaults(const SourceNode& node, const YamlReader& reader, Suite* suite,
                      SuiteLocations* locations) {
  SuiteDefaults* out = &suite->defaults;
  Entries entries;
  if (Status s = reader.entries(node, suite_keys::defaults(), "defaults", &entries); !s) return s;
  for (const auto& [key, value] : entries) {
    const std::string& name = key.scalar();
    if (name == "provider" && !suite->under_test.empty()) {
      return reader.error_at(key, "the systems under test are given twice: use either "
                                  "'under_test' or 'defaults.provider', not both (see " +
                                      locations->under_test_key.str() + ")");
    }
    if (name == "provider" && value.is_sequence()) {
      // Several systems under test: the same as `under_test: [...]`.
      locations->defaults[name] = reader.where(value);
      if (Status s = parse_under_test(value, reader, "defaults.provider", &suite->under_test,
                                      locations);
          !s) {
        return s;
      }
      continue;
    }
    std::string* field = name == "provider" ? &out->provider
                         : name == "judge"  ? &out->judge
                                            : &out->embedder;
    if (Status s = reader.read_string(value, name, field); !s) return s;
    locations->defaults[name] = reader.where(value);
  }
  return Status::ok();
}

}  // namespace

Status parse_pass_rule(const SourceNode& node, const YamlReader& reader, PassRule* out) {
  if (node.is_scalar()) {
    if (node.scalar() == "all") return Status::ok();
    return reader.error_at(node,
                           "expected 'all' or a map like {weighted_score: 0.7} for 'pass', "
                           "got " +
                               describe_node(node));
  }
  Entries entries;
  if (Status s = reader.entries(node, suite_keys::pass_rule(), "pass", &entries); !s) return s;
  for (const auto& [key, value] : entries) {
    const SourceNode& at = value;
    if (key.scalar() == "weighted_score") {
      out->kind = PassRule::Kind::kWeightedScore;
      if (Status s = reader.read_number(at, "weighted_score", &out->min_weighted_score); !s) {
        return s;
      }
      if (out->min_weighted_score < 0 || out->min_weighted_score > 1) {
        return reader.error_at(at, "'weighted_score' must be between 0 and 1");
      }
    } else {
      if (Status s = reader.read_int(at, "k_of_n", &out->k_of_n); !s) return s;
      if (out->k_of_n < 1) return reader.error_at(at, "'k_of_n' must be at least 1");
    }
  }
  return Status::ok();
}

namespace {

bool is_resource_metric(const std::string& metric) {
  const auto& names = suite_keys::resource_metrics();
  return std::find(names.begin(), names.end(), metric) != names.end();
}

Status parse_gate(const SourceNode& node, const YamlReader& reader,
                  std::map<std::string, GateRule>* out, SuiteLocations* locations) {
  if (!node.is_map()) {
    return reader.error_at(
        node, "expected a map of metric: {max_drop, min} for 'gate', got " + describe_node(node));
  }
  for (auto it = node.begin(); it != node.end(); ++it) {
    const std::string& metric = it->first.scalar();
    if (out->count(metric) > 0) {
      return reader.error_at(it->first, "gate metric '" + metric + "' appears twice");
    }
    if (it->second.is_null()) {
      return reader.error_at(it->first, "gate rule for '" + metric + "' has no value");
    }
    Entries entries;
    if (Status s = reader.entries(it->second, suite_keys::gate_rule(),
                                  "gate rule for '" + metric + "'", &entries);
        !s) {
      return s;
    }
    GateRule rule;
    for (const auto& [key, value] : entries) {
      const SourceNode& at = value;
      if (key.scalar() == "test") {
        std::string test;
        if (Status s = reader.read_string(at, "test", &test); !s) return s;
        if (test == "none") {
          rule.test = GateTest::kNone;
        } else if (test != "paired") {
          return reader.error_at(at,
                                 "'test' must be 'paired' (a significance test, the "
                                 "default) or 'none' (a plain threshold on the drop), got '" +
                                     test + "'");
        }
        continue;
      }
      double number = 0;
      if (Status s = reader.read_number(at, key.scalar(), &number); !s) return s;
      const bool resource = is_resource_metric(metric);
      if (resource != (key.scalar() == "max_increase" || key.scalar() == "max")) {
        return reader.error_at(
            key, resource ? "'" + metric + "' is worse when it rises: gate it with "
                                "'max_increase' (the rise allowed, as a share of the baseline) "
                                "or 'max' (a ceiling), not '" + key.scalar() + "'"
                          : "'" + key.scalar() + "' is for latency_p95, latency_mean and "
                                "cost_mean; a score is gated with 'max_drop' or 'min'");
      }
      if (number < 0 && key.scalar() != "min") {
        return reader.error_at(at, "'" + key.scalar() + "' must not be negative");
      }
      if (key.scalar() == "max_drop") {
        rule.max_drop = number;
      } else if (key.scalar() == "max_increase") {
        rule.max_increase = number;
      } else if (key.scalar() == "max") {
        rule.max = number;
      } else {
        rule.min = number;
      }
    }
    if (is_resource_metric(metric)) {
      if (!rule.max_increase && !rule.max) {
        return reader.error_at(it->second,
                               "gate rule for '" + metric + "' needs 'max_increase' or 'max'");
      }
      if (rule.test == GateTest::kNone && !rule.max_increase) {
        return reader.error_at(it->second, "gate rule for '" + metric +
                                               "' has 'test: none', which needs 'max_increase'");
      }
      (*out)[metric] = rule;
      locations->gate[metric] = reader.where(it->first);
      continue;
    }
    if (!rule.max_drop && !rule.min) {
      return reader.error_at(it->second,
                             "gate rule for '" + metric + "' needs 'max_drop' or 'min'");
    }
    if (rule.test == GateTest::kNone && !rule.max_drop) {
      return reader.error_at(it->second, "gate rule for '" + metric +
                                             "' has 'test: none', which needs 'max_drop' (the "
                                             "largest drop that passes)");
    }
    (*out)[metric] = rule;
    locations->gate[metric] = reader.where(it->first);
  }
  return Status::ok();
}

}  // namespace

uint32_t case_id_hash(std::string_view id) {
  const uint64_t hash = fnv1a64(id);
  return uint32_t(hash ^ (hash >> 32));
}

bool is_suite_name(std::string_view name) {
  return !name.empty() && std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
           c == '_' || c == '-';
  });
}

std::set<std::string> api_key_variables(const SourceNode& root) {
  std::set<std::string> names;
  if (!root.is_map()) return names;
  const SourceNode providers = root["providers"];
  if (!providers || !providers.is_sequence()) return names;
  for (const auto& provider : providers) {
    if (!provider.is_map()) continue;
    const SourceNode name = provider["api_key_env"];
    if (name && name.is_scalar()) names.insert(name.scalar());
  }
  // The keys the providers read by default.
  for (const char* name : {"OPENAI_API_KEY", "ANTHROPIC_API_KEY", "AZURE_OPENAI_API_KEY",
                           "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"}) {
    names.insert(name);
  }
  return names;
}

Status parse_suite_document(const SourceNode& root, const YamlReader& reader, Suite* suite,
                            SuiteLocations* locations, std::vector<std::string>* dataset_hashes) {
  Entries entries;
  if (Status s = reader.entries(root, suite_keys::top_level(), "suite", &entries); !s) return s;
  SourceNode prompts_key;
  bool has_prompts = false;
  for (const auto& [key, value] : entries) {
    const std::string& name = key.scalar();
    const SourceNode& at = value;
    Status status;
    if (name == "suite") {
      status = reader.read_string(at, "suite", &suite->name);
      if (status && !is_suite_name(suite->name)) {
        status = reader.error_at(
            at, "suite name '" + suite->name + "' may use only letters, digits, '.', '_' and '-'");
      }
    } else if (name == "description") {
      status = reader.read_string(at, "description", &suite->description);
    } else if (name == "defaults") {
      status = parse_defaults(at, reader, suite, locations);
    } else if (name == "under_test") {
      if (!suite->under_test.empty() || !suite->defaults.provider.empty()) {
        return reader.error_at(key, "the systems under test are given twice: use either "
                                    "'under_test' or 'defaults.provider', not both (see " +
                                        locations->defaults["provider"].str() + ")");
      }
      status = parse_under_test(at, reader, "under_test", &suite->under_test, locations);
    } else if (name == "providers") {
      status = parse_providers(at, reader, suite->directory, &suite->providers);
    } else if (name == "prompts" || name == "prompt") {
      if (has_prompts) {
        return reader.error_at(key, "give 'prompts' or 'prompt', not both (see " +
                                        reader.where(prompts_key).str() + ")");
      }
      prompts_key = key;
      has_prompts = true;
      const PromptFiles files{suite->directory, dataset_hashes};
      status = name == "prompts" ? parse_prompts(at, reader, files, &suite->prompts)
                                 : parse_single_prompt(at, reader, files, &suite->prompts);
    } else if (name == "cases") {
      status = parse_cases(at, reader, suite, locations, dataset_hashes);
    } else if (name == "scorers") {
      status = parse_scorer_specs(at, reader, &suite->scorers);
    } else if (name == "pass") {
      status = parse_pass_rule(at, reader, &suite->pass);
      locations->pass = reader.where(at);
    } else if (name == "repeat") {
      status = reader.read_int(at, "repeat", &suite->repeat);
      if (status && suite->repeat < 1) status = reader.error_at(at, "'repeat' must be at least 1");
    } else if (name == "alpha") {
      status = reader.read_number(at, "alpha", &suite->alpha);
      if (status && (suite->alpha <= 0 || suite->alpha >= 1)) {
        status = reader.error_at(at, "'alpha' must be between 0 and 1 (exclusive)");
      }
    } else if (name == "gate") {
      status = parse_gate(at, reader, &suite->gate, locations);
    }
    if (!status) return status;
  }
  return Status::ok();
}

}  // namespace evalkit

#include "evalkit/suite/suite_validator.h"

#include <set>
#include <unordered_map>

#include "evalkit/base/suggest.h"
#include "evalkit/scorers/registry.h"
#include "evalkit/suite/case_parser.h"
#include "evalkit/suite/template.h"

namespace evalkit {
namespace {

SourceLocation file_only(const Suite& suite) { return SourceLocation{suite.path, 0, 0}; }

template <typename Item>
Status check_unique_ids(const std::vector<Item>& items, const std::string& what) {
  std::unordered_map<std::string, const Item*> seen;
  for (const auto& item : items) {
    const auto [it, inserted] = seen.emplace(item.id, &item);
    if (!inserted) {
      return Status::error_at(item.where, "duplicate " + what + " id '" + item.id +
                                              "' (first defined at " + it->second->where.str() +
                                              ")");
    }
  }
  return Status::ok();
}

std::vector<std::string> provider_ids(const Suite& suite) {
  std::vector<std::string> ids;
  for (const auto& provider : suite.providers) ids.push_back(provider.id);
  return ids;
}

Status check_provider_reference(const Suite& suite, const std::string& id,
                                const SourceLocation& where, const std::string& role) {
  if (suite.find_provider(id) != nullptr) return Status::ok();
  return Status::error_at(where, role + " provider '" + id + "' is not defined" +
                                     did_you_mean(id, provider_ids(suite)));
}

Status check_defaults(const SuiteLocations& locations, Suite* suite) {
  auto where = [&](const char* key) {
    const auto it = locations.defaults.find(key);
    return it == locations.defaults.end() ? file_only(*suite) : it->second;
  };
  SuiteDefaults& defaults = suite->defaults;
  if (defaults.provider.empty() && suite->providers.size() == 1) {
    defaults.provider = suite->providers[0].id;
  }
  if (!defaults.provider.empty()) {
    if (Status s =
            check_provider_reference(*suite, defaults.provider, where("provider"), "default");
        !s) {
      return s;
    }
  }
  if (!defaults.judge.empty()) {
    if (Status s = check_provider_reference(*suite, defaults.judge, where("judge"), "judge"); !s) {
      return s;
    }
    if (suite->find_provider(defaults.judge)->type == "openai-embeddings") {
      return Status::error_at(where("judge"), "judge provider '" + defaults.judge +
                                                  "' is an embeddings provider; a judge needs a "
                                                  "chat model");
    }
  }
  if (!defaults.embedder.empty()) {
    if (Status s =
            check_provider_reference(*suite, defaults.embedder, where("embedder"), "embedder");
        !s) {
      return s;
    }
    const std::string& type = suite->find_provider(defaults.embedder)->type;
    if (type != "openai-embeddings" && type != "replay") {
      return Status::error_at(where("embedder"), "embedder provider '" + defaults.embedder +
                                                     "' is a " + type +
                                                     " provider; an embedder needs "
                                                     "openai-embeddings or replay");
    }
  }
  return Status::ok();
}

// The systems under test answer the prompts; judges and embedders serve the scorers and
// stay out of the matrix (a model grading its own answers is a biased judge: a second
// provider entry with the same model keeps the roles apart).
Status check_systems_under_test(const SuiteLocations& locations, Suite* suite) {
  // Where each id was written: its own list item, else the defaults.provider value, else
  // the file (ids picked implicitly).
  const std::vector<std::string> ids = suite->systems_under_test();
  const bool listed = !suite->under_test.empty();
  SourceLocation where_default = file_only(*suite);
  if (const auto it = locations.defaults.find("provider"); it != locations.defaults.end()) {
    where_default = it->second;
  }
  const auto where = [&](size_t i) {
    return listed && i < locations.under_test.size() ? locations.under_test[i] : where_default;
  };
  const std::set<std::string> helpers = suite->helper_providers();
  std::set<std::string> seen;
  for (size_t i = 0; i < ids.size(); ++i) {
    const std::string& id = ids[i];
    if (Status s = check_provider_reference(*suite, id, where(i), "under-test"); !s) return s;
    if (!seen.insert(id).second) {
      return Status::error_at(where(i), "provider '" + id + "' is listed twice as under test");
    }
    if (suite->find_provider(id)->type == "openai-embeddings") {
      return Status::error_at(where(i), "provider '" + id +
                                            "' is an embeddings provider: it cannot answer "
                                            "prompts, so it cannot be under test");
    }
    if (helpers.count(id)) {
      const bool implicit = !listed && !locations.defaults.count("provider");
      return Status::error_at(
          where(i), "provider '" + id + "' " +
                        (implicit ? "is the suite's only provider, so it answers the prompts, "
                                    "and it"
                                  : "is under test and") +
                        " also serves a scorer (judge or embedder); a model should not grade "
                        "its own answers: add a second provider entry with the same model for "
                        "the scorer");
    }
  }
  if (ids.empty()) {
    return Status::error_at(file_only(*suite),
                            "suite has no provider to answer the prompts: every provider is a "
                            "judge or an embedder (add one, or name it in 'under_test')");
  }
  suite->under_test = ids;
  return Status::ok();
}

// Model-assisted scorers without a `provider` use the suite's embedder or judge; a judge
// template given as a file is found next to the suite, like datasets.
void complete_model_scorer(const Suite& suite, ScorerSpec* spec) {
  if (!spec->options.is_object()) return;
  const std::string& fallback = spec->type == "similarity" ? suite.defaults.embedder
                                : spec->type == "judge"    ? suite.defaults.judge
                                                           : std::string();
  if (!fallback.empty() && !spec->options.contains("provider")) {
    spec->options["provider"] = fallback;
  }
  if (spec->type != "judge") return;
  const auto it = spec->options.find("template");
  if (it == spec->options.end() || !it->is_string()) return;
  const std::string name = it->get<std::string>();
  const auto ends_with = [&](const std::string& tail) {
    return name.size() > tail.size() &&
           name.compare(name.size() - tail.size(), tail.size(), tail) == 0;
  };
  if (ends_with(".yaml") || ends_with(".yml")) *it = resolve_suite_path(suite.directory, name);
}

void complete_model_scorers(Suite* suite) {
  for (auto& spec : suite->scorers) complete_model_scorer(*suite, &spec);
  for (auto& test_case : suite->cases) {
    for (auto& spec : test_case.scorers) complete_model_scorer(*suite, &spec);
  }
}

// Builds every distinct scorer spec once (dataset entries repeat theirs on every case) and
// collects the metric names they produce.
class ScorerCheck {
 public:
  explicit ScorerCheck(const Suite& suite) : suite_(suite) {}

  Status check(const ScorerSpec& spec) {
    std::string key = spec.type + "\n" + spec.name + "\n" + spec.options.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n" + spec.transform.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    if (!checked_.insert(std::move(key)).second) return Status::ok();
    if (const auto it = spec.options.find("provider");
        it != spec.options.end() && it->is_string()) {
      if (Status s = check_provider_reference(suite_, it->get<std::string>(), spec.where,
                                              "scorer '" + spec.type + "':");
          !s) {
        return s;
      }
    }
    std::unique_ptr<Scorer> scorer;
    if (Status s = make_scorer(spec, &scorer); !s) return s;
    metrics_.insert(scorer->name());
    return Status::ok();
  }

  const std::set<std::string>& metrics() const { return metrics_; }

 private:
  const Suite& suite_;
  std::set<std::string> checked_;
  std::set<std::string> metrics_;
};

// A prompt's distinct template variables, computed once for all cases.
struct PromptVariables {
  const PromptConfig* prompt;
  std::vector<std::string> variables;
};

Status check_cases(const Suite& suite, ScorerCheck* scorers) {
  std::vector<PromptVariables> prompts;
  std::vector<std::string> prompt_ids;
  for (const auto& prompt : suite.prompts) {
    PromptVariables entry{&prompt, {}};
    std::set<std::string> seen;
    for (const auto& message : prompt.messages) {
      for (auto& variable : template_variables(message.content)) {
        if (seen.insert(variable).second) entry.variables.push_back(std::move(variable));
      }
    }
    prompts.push_back(std::move(entry));
    prompt_ids.push_back(prompt.id);
  }
  std::unordered_map<std::string, const CaseConfig*> ids;
  ids.reserve(suite.cases.size());
  for (const auto& config : suite.cases) {
    const auto [it, inserted] = ids.emplace(config.id, &config);
    if (!inserted) {
      return Status::error_at(config.where, "duplicate case id '" + config.id +
                                                "' (first defined at " + it->second->where.str() +
                                                ")");
    }
    if (config.prompt && suite.find_prompt(*config.prompt) == nullptr) {
      return Status::error_at(config.where, "case '" + config.id + "' names prompt '" +
                                                *config.prompt + "', which is not defined" +
                                                did_you_mean(*config.prompt, prompt_ids));
    }
    for (const auto& entry : prompts) {
      if (config.prompt && *config.prompt != entry.prompt->id) continue;
      for (const auto& variable : entry.variables) {
        if (find_template_variable(config.vars, variable) == nullptr) {
          return Status::error_at(config.where, "case '" + config.id + "' has no variable '" +
                                                    variable + "' used by prompt '" +
                                                    entry.prompt->id + "' (" +
                                                    entry.prompt->where.str() + ")");
        }
      }
    }
    if (suite.scorers.empty() && config.scorers.empty()) {
      return Status::error_at(
          config.where,
          "case '" + config.id + "' has no scorers (add 'scorers:' to the suite or the case)");
    }
    for (const auto& spec : config.scorers) {
      if (Status s = scorers->check(spec); !s) return s;
    }
  }
  return Status::ok();
}

Status check_gate(const Suite& suite, const SuiteLocations& locations,
                  const std::set<std::string>& metrics) {
  std::vector<std::string> known(metrics.begin(), metrics.end());
  known.push_back("pass_rate");
  for (const auto& [metric, rule] : suite.gate) {
    if (std::find(known.begin(), known.end(), metric) != known.end()) continue;
    const auto it = locations.gate.find(metric);
    return Status::error_at(
        it == locations.gate.end() ? file_only(suite) : it->second,
        "gate metric '" + metric + "' is not produced by any scorer" + did_you_mean(metric, known));
  }
  return Status::ok();
}

}  // namespace

Status validate_suite(const SuiteLocations& locations, Suite* suite) {
  if (suite->providers.empty()) {
    return Status::error_at(file_only(*suite), "suite has no providers (add 'providers:')");
  }
  if (suite->prompts.empty()) {
    return Status::error_at(file_only(*suite),
                            "suite has no prompts (add 'prompts:' or 'prompt:')");
  }
  if (suite->cases.empty()) {
    return Status::error_at(file_only(*suite), "suite has no cases (add 'cases:')");
  }
  if (Status s = check_unique_ids(suite->providers, "provider"); !s) return s;
  if (Status s = check_unique_ids(suite->prompts, "prompt"); !s) return s;
  if (Status s = check_defaults(locations, suite); !s) return s;
  complete_model_scorers(suite);
  if (Status s = check_systems_under_test(locations, suite); !s) return s;
  if (suite->pass.k_of_n > suite->repeat) {
    return Status::error_at(locations.pass, "'k_of_n' is " + std::to_string(suite->pass.k_of_n) +
                                                " but each case runs only " +
                                                std::to_string(suite->repeat) + " time(s)");
  }
  ScorerCheck scorers(*suite);
  for (const auto& spec : suite->scorers) {
    if (Status s = scorers.check(spec); !s) return s;
  }
  if (Status s = check_cases(*suite, &scorers); !s) return s;
  return check_gate(*suite, locations, scorers.metrics());
}

}  // namespace evalkit

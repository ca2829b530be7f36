#include "evalkit/suite/suite_validator.h"

#include <algorithm>
#include <cctype>
#include <map>
#include <set>
#include <unordered_map>

#include "evalkit/base/suggest.h"
#include "evalkit/scorers/registry.h"
#include "evalkit/suite/case_cursor.h"
#include "evalkit/suite/case_parser.h"
#include "evalkit/suite/scorer_template.h"
#include "evalkit/suite/suite_keys.h"
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

// A provider's `prompts` must name prompts of the suite.
Status check_provider_prompts(const Suite& suite) {
  std::vector<std::string> ids;
  for (const auto& prompt : suite.prompts) ids.push_back(prompt.id);
  for (const auto& provider : suite.providers) {
    for (const auto& id : provider.prompts) {
      if (suite.find_prompt(id) == nullptr) {
        return Status::error_at(provider.where, "provider '" + provider.id + "' names prompt '" +
                                                    id + "', which is not defined" +
                                                    did_you_mean(id, ids));
      }
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

// Model-assisted scorers without a `provider` use the suite's embedder or judge. Dataset
// rows' own scorers are completed as the cases are walked (CaseCursor).
void complete_model_scorers(Suite* suite) {
  for (auto& spec : suite->scorers) complete_model_scorer(*suite, &spec);
  for (auto& test_case : suite->inline_cases) {
    for (auto& spec : test_case.scorers) complete_model_scorer(*suite, &spec);
  }
  for (auto& source : suite->datasets) {
    for (auto& spec : source.scorers) complete_model_scorer(*suite, &spec);
  }
  // Completed, two specs may have become one.
  std::vector<ScorerSpec> distinct;
  std::set<std::string> keys;
  for (auto& spec : suite->case_scorers) {
    complete_model_scorer(*suite, &spec);
    if (keys.insert(scorer_spec_key(spec)).second) distinct.push_back(std::move(spec));
  }
  suite->case_scorers = std::move(distinct);
}

// Builds every distinct scorer spec once (dataset entries repeat theirs on every case) and
// collects the metric names they produce.
class ScorerCheck {
 public:
  explicit ScorerCheck(const Suite& suite) : suite_(suite) {}

  // Builds spec once; *needs_references tells whether it errs on a case without references.
  Status check(const ScorerSpec& spec, bool* needs_references = nullptr) {
    const auto [it, inserted] = needs_references_.try_emplace(check_key(spec), false);
    if (needs_references != nullptr) *needs_references = it->second;
    if (!inserted) return Status::ok();
    if (const auto provider = spec.options.find("provider");
        provider != spec.options.end() && provider->is_string()) {
      if (Status s = check_provider_reference(suite_, provider->get<std::string>(), spec.where,
                                              "scorer '" + spec.type + "':");
          !s) {
        return s;
      }
      if (Status s = check_provider_type(spec, *suite_.find_provider(provider->get<std::string>()));
          !s) {
        return s;
      }
    }
    std::unique_ptr<Scorer> scorer;
    if (Status s = make_scorer(spec, &scorer); !s) return s;
    metrics_.insert(scorer->name());
    it->second = errs_without_references(spec, *scorer);
    if (needs_references != nullptr) *needs_references = it->second;
    return Status::ok();
  }

  const std::set<std::string>& metrics() const { return metrics_; }

 private:
  // Equal for specs that build alike: type, name, negation, transform and options, with the
  // string value of a free-text option (ScorerKind::free_text_options: a `contains` value, a
  // judge's rubric) left out, so cases that differ only there build one scorer. Strings are
  // written as their bytes with their length, other values as JSON.
  static std::string check_key(const ScorerSpec& spec) {
    std::string key;
    const auto text = [&key](std::string_view value) {
      key += std::to_string(value.size());
      key += ':';
      key += value;
    };
    const auto value = [&](const nlohmann::json& json) {
      if (json.is_string()) {
        key += 's';
        text(json.get_ref<const std::string&>());
      } else if (json.is_null()) {
        key += 'n';
      } else if (json.is_boolean()) {
        key += json.get<bool>() ? 't' : 'f';
      } else {
        key += 'j';
        key += json.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
        key += '\n';
      }
    };
    text(spec.type);
    text(spec.name);
    key += spec.negate ? '!' : '=';
    value(spec.transform);
    const ScorerKind* kind = find_scorer_kind(spec.type);
    if (!spec.options.is_object()) {
      value(spec.options);
      return key;
    }
    key += '{';
    for (const auto& [name, option] : spec.options.items()) {
      text(name);
      if (kind != nullptr && option.is_string() && is_free_text_option(*kind, name)) {
        key += '*';
      } else {
        value(option);
      }
    }
    return key;
  }

  // A similarity scorer needs an embeddings model, a judge a chat model.
  static Status check_provider_type(const ScorerSpec& spec, const ProviderConfig& provider) {
    if (spec.type == "similarity" && provider.type != "openai-embeddings" &&
        provider.type != "replay") {
      return Status::error_at(spec.where, "scorer 'similarity': provider '" + provider.id +
                                              "' is a " + provider.type +
                                              " provider; similarity needs openai-embeddings "
                                              "(or replay)");
    }
    if (spec.type == "judge" && provider.type == "openai-embeddings") {
      return Status::error_at(spec.where, "scorer 'judge': provider '" + provider.id +
                                              "' is an embeddings provider; a judge needs a "
                                              "chat model");
    }
    return Status::ok();
  }

  // Scores a stand-in output with no references: a scorer that errs needs them. Model-assisted
  // scorers are not called (similarity compares with references, the case's unless it has its
  // own `expected`; a judge's template decides for itself).
  static bool errs_without_references(const ScorerSpec& spec, const Scorer& scorer) {
    if (spec.type == "similarity") return !spec.options.contains("expected");
    const ScorerKind* kind = find_scorer_kind(spec.type);
    if (kind == nullptr || kind->model_assisted) return false;
    static const std::vector<std::string> kNone;
    static const nlohmann::json kNoVars = nlohmann::json::object();
    // A whole answer, timed and priced, so that checks on the answer (latency, cost, tool
    // calls) err only for want of references.
    ModelAnswer answer;
    answer.text = "x";
    answer.finish_reason = "stop";
    answer.streamed = true;
    answer.time_to_first_token_s = 0;
    ScoreInput input;
    input.output = answer.text;
    input.answer = &answer;
    input.cost_usd = 0;
    input.expected = &kNone;
    input.vars = &kNoVars;
    try {
      return scorer.score(input).error;
    } catch (const std::exception&) {
      return false;  // the scorer's own failure, not a missing reference
    }
  }

  const Suite& suite_;
  // By spec key; hashed, not ordered: keys of similar specs share long prefixes.
  std::unordered_map<std::string, bool> needs_references_;
  std::set<std::string> metrics_;
};

// The names a dataset column holding the answers often has.
bool looks_like_answers(const std::string& name) {
  std::string lower;
  for (char c : name)
    lower.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  static const std::set<std::string> kNames = {
      "answer",      "answers",        "expected_answer", "expected_output",
      "reference",   "references",     "target",          "ground_truth",
      "groundtruth", "gold",           "label",           "solution",
      "ideal",       "correct_answer", "output",          "expected_result"};
  return kNames.count(lower) > 0;
}

Status missing_references(const CaseConfig& config, const ScorerSpec& scorer) {
  std::string message = "case '" + config.id + "' has no expected answer, but scorer '" +
                        scorer.type + "' (" + scorer.where.str() +
                        ") compares with one and would fail every trial";
  if (config.vars.is_object()) {
    for (const auto& [key, value] : config.vars.items()) {
      if (!looks_like_answers(key)) continue;
      message += "; its variable '" + key +
                 "' looks like the answers: name that column 'expected' (or the JSONL key "
                 "'expected')";
      break;
    }
  }
  return Status::error_at(config.where, message);
}

// A prompt's distinct template variables, computed once for all cases.
struct PromptVariables {
  const PromptConfig* prompt;
  std::vector<std::string> variables;
};

// A scorer spec and the case variables its options use ({{var}}), found once.
struct TemplatedScorer {
  const ScorerSpec* spec;
  std::vector<std::string> variables;
};

Status find_scorer_variables(const ScorerSpec& spec, std::vector<std::string>* variables) {
  if (Status s = scorer_variables(spec, variables); !s) {
    return Status::error_at(spec.where, "scorer '" + spec.type + "': " + s.message());
  }
  return Status::ok();
}

// Checks a scorer against one case: every variable it uses exists, and the spec rendered
// with the case's vars builds. Specs without variables are built once.
Status check_case_scorer(const CaseConfig& config, const TemplatedScorer& entry,
                         ScorerCheck* scorers, bool* needs_references) {
  if (entry.variables.empty()) return scorers->check(*entry.spec, needs_references);
  for (const auto& variable : entry.variables) {
    if (find_template_variable(config.vars, variable) == nullptr) {
      return Status::error_at(config.where, "case '" + config.id + "' has no variable '" +
                                                variable + "' used by scorer '" + entry.spec->type +
                                                "' (" + entry.spec->where.str() + ")");
    }
  }
  ScorerSpec rendered;
  if (Status s = render_scorer_spec(*entry.spec, config.vars, &rendered); !s) {
    return Status::error_at(config.where, "case '" + config.id + "', scorer '" + entry.spec->type +
                                              "' (" + entry.spec->where.str() +
                                              "): " + s.message());
  }
  return scorers->check(rendered, needs_references);
}

// What the warnings need to know about the cases' variables, gathered in the same walk.
struct VariableFacts {
  std::set<std::string> first_names;              // of the first cases, up to about 1000
  std::map<std::string, size_t> cases_carrying;   // variable -> cases that carry it
};

void note_variables(const CaseConfig& config, VariableFacts* facts) {
  if (!config.vars.is_object()) return;
  const bool gather = facts->first_names.size() <= 1000;
  for (const auto& item : config.vars.items()) {
    if (gather) facts->first_names.insert(item.key());
    ++facts->cases_carrying[item.key()];
  }
}

// The case ids whose hash another case shares: only these are compared exactly, so the
// duplicate check keeps 4 bytes a case while loading rather than every id.
std::set<uint32_t> colliding_hashes(std::vector<uint32_t> hashes) {
  std::sort(hashes.begin(), hashes.end());
  std::set<uint32_t> colliding;
  for (size_t i = 1; i < hashes.size(); ++i) {
    if (hashes[i] == hashes[i - 1]) colliding.insert(hashes[i]);
  }
  return colliding;
}

Status check_cases(const Suite& suite, const std::vector<TemplatedScorer>& suite_scorers,
                   std::set<uint32_t> colliding, ScorerCheck* scorers, VariableFacts* variables) {
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
  // The first suite-wide scorer without variables that needs references (checked once).
  const ScorerSpec* suite_needing = nullptr;
  for (const auto& entry : suite_scorers) {
    if (!entry.variables.empty()) continue;
    bool needs = false;
    if (Status s = scorers->check(*entry.spec, &needs); !s) return s;
    if (needs && suite_needing == nullptr) suite_needing = entry.spec;
  }
  std::unordered_map<std::string, SourceLocation> ids;  // only ids whose hash collides
  // Structural errors (ids, prompts, variables, scorers) come first; a case without the
  // references its scorers need is reported once every case is otherwise sound.
  std::shared_ptr<const CaseConfig> unreferenced;
  const ScorerSpec* unreferenced_by = nullptr;
  std::shared_ptr<const CaseConfig> held;
  CaseCursor cursor(suite);
  while (cursor.next(&held)) {
    const CaseConfig& config = *held;
    if (colliding.count(case_id_hash(config.id))) {
      const auto [it, inserted] = ids.emplace(config.id, config.where);
      if (!inserted) {
        return Status::error_at(config.where, "duplicate case id '" + config.id +
                                                  "' (first defined at " + it->second.str() +
                                                  ")");
      }
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
    const ScorerSpec* needing = nullptr;
    for (const auto& entry : suite_scorers) {
      if (entry.variables.empty()) continue;  // checked once, before the cases
      bool needs = false;
      if (Status s = check_case_scorer(config, entry, scorers, &needs); !s) return s;
      if (needs && needing == nullptr) needing = entry.spec;
    }
    for (const auto& spec : config.scorers) {
      TemplatedScorer entry{&spec, {}};
      if (Status s = find_scorer_variables(spec, &entry.variables); !s) return s;
      bool needs = false;
      if (Status s = check_case_scorer(config, entry, scorers, &needs); !s) return s;
      if (needs && needing == nullptr) needing = &spec;
    }
    if (config.expected.empty() && unreferenced == nullptr) {
      if (needing == nullptr) needing = suite_needing;
      if (needing != nullptr) {
        unreferenced = held;  // keeps the case (and the spec it names) while the walk goes on
        unreferenced_by = needing;
      }
    }
    note_variables(config, variables);
  }
  if (!cursor.status()) return cursor.status();
  if (unreferenced != nullptr) return missing_references(*unreferenced, *unreferenced_by);
  return Status::ok();
}

Status check_gate(const Suite& suite, const SuiteLocations& locations,
                  const std::set<std::string>& metrics) {
  std::vector<std::string> known(metrics.begin(), metrics.end());
  known.push_back("pass_rate");
  for (const auto& name : suite_keys::resource_metrics()) known.push_back(name);
  for (const auto& [metric, rule] : suite.gate) {
    if (std::find(known.begin(), known.end(), metric) != known.end()) continue;
    const auto it = locations.gate.find(metric);
    return Status::error_at(
        it == locations.gate.end() ? file_only(suite) : it->second,
        "gate metric '" + metric + "' is not produced by any scorer" + did_you_mean(metric, known));
  }
  return Status::ok();
}

// "{country}" in a prompt: a placeholder written with single braces is sent as it is.
void warn_single_braces(const VariableFacts& facts, Suite* suite) {
  const std::set<std::string>& variables = facts.first_names;
  for (const auto& prompt : suite->prompts) {
    for (const auto& message : prompt.messages) {
      const std::string& text = message.content;
      for (size_t open = text.find('{'); open != std::string::npos;
           open = text.find('{', open + 1)) {
        if ((open > 0 && text[open - 1] == '{') ||
            (open + 1 < text.size() && text[open + 1] == '{')) {
          continue;
        }
        const size_t close = text.find('}', open);
        if (close == std::string::npos) break;
        const std::string name = text.substr(open + 1, close - open - 1);
        if (name.empty() || !variables.count(name) ||
            (close + 1 < text.size() && text[close + 1] == '}')) {
          continue;
        }
        suite->warnings.push_back(prompt.where.str() + ": prompt '" + prompt.id + "' has '{" +
                                  name + "}', which is sent as written; a placeholder is '{{" +
                                  name + "}}'");
      }
    }
  }
}

// A variable every case carries but no prompt uses: often a dataset column meant for
// `expected`, or a renamed placeholder.
void warn_unused_variables(const VariableFacts& facts, Suite* suite) {
  std::set<std::string> used;
  for (const auto& prompt : suite->prompts) {
    for (const auto& message : prompt.messages) {
      for (const auto& variable : template_variables(message.content)) {
        used.insert(variable.substr(0, variable.find('.')));
      }
    }
  }
  auto mentioned = [&](const std::string& name) {
    // Scorer options may name a variable too ({{var}} or the name itself).
    for (const auto& spec : suite->scorers) {
      if (spec.options.dump().find(name) != std::string::npos) return true;
    }
    return false;
  };
  for (const auto& [name, cases] : facts.cases_carrying) {
    if (used.count(name) || mentioned(name)) continue;
    std::string line = file_only(*suite).str() + ": variable '" + name + "' of " +
                       std::to_string(cases) + " case" + (cases == 1 ? "" : "s") +
                       " is used by no prompt";
    if (looks_like_answers(name)) line += " (if it holds the answers, name it 'expected')";
    suite->warnings.push_back(line);
  }
}

}  // namespace

Status validate_suite(SuiteLocations* where, Suite* suite) {
  const SuiteLocations& locations = *where;
  if (suite->providers.empty()) {
    return Status::error_at(file_only(*suite), "suite has no providers (add 'providers:')");
  }
  if (suite->prompts.empty()) {
    return Status::error_at(file_only(*suite),
                            "suite has no prompts (add 'prompts:' or 'prompt:')");
  }
  if (suite->case_count == 0) {
    return Status::error_at(file_only(*suite), "suite has no cases (add 'cases:')");
  }
  if (Status s = check_unique_ids(suite->providers, "provider"); !s) return s;
  if (Status s = check_unique_ids(suite->prompts, "prompt"); !s) return s;
  if (Status s = check_defaults(locations, suite); !s) return s;
  if (Status s = check_provider_prompts(*suite); !s) return s;
  complete_model_scorers(suite);
  if (Status s = check_systems_under_test(locations, suite); !s) return s;
  if (suite->pass.k_of_n > suite->repeat) {
    return Status::error_at(locations.pass, "'k_of_n' is " + std::to_string(suite->pass.k_of_n) +
                                                " but each case runs only " +
                                                std::to_string(suite->repeat) + " time(s)");
  }
  ScorerCheck scorers(*suite);
  std::vector<TemplatedScorer> suite_scorers;
  for (const auto& spec : suite->scorers) {
    TemplatedScorer entry{&spec, {}};
    if (Status s = find_scorer_variables(spec, &entry.variables); !s) return s;
    if (entry.variables.empty()) {
      if (Status s = scorers.check(spec); !s) return s;
    }
    suite_scorers.push_back(std::move(entry));
  }
  VariableFacts variables;
  std::set<uint32_t> colliding = colliding_hashes(std::move(where->case_id_hashes));
  where->case_id_hashes = {};
  if (Status s = check_cases(*suite, suite_scorers, std::move(colliding), &scorers, &variables);
      !s) {
    return s;
  }
  if (Status s = check_gate(*suite, locations, scorers.metrics()); !s) return s;
  warn_single_braces(variables, suite);
  warn_unused_variables(variables, suite);
  return Status::ok();
}

}  // namespace evalkit

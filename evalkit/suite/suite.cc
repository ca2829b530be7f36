#include "evalkit/suite/suite.h"

#include "evalkit/suite/suite_paths.h"

namespace evalkit {

const ProviderConfig* Suite::find_provider(const std::string& id) const {
  for (const auto& provider : providers) {
    if (provider.id == id) return &provider;
  }
  return nullptr;
}

const PromptConfig* Suite::find_prompt(const std::string& id) const {
  for (const auto& prompt : prompts) {
    if (prompt.id == id) return &prompt;
  }
  return nullptr;
}

namespace {

void add_scorer_providers(const std::vector<ScorerSpec>& specs, std::set<std::string>* out) {
  for (const auto& spec : specs) {
    if (!spec.options.is_object()) continue;
    const auto it = spec.options.find("provider");
    if (it != spec.options.end() && it->is_string()) out->insert(it->get<std::string>());
  }
}

}  // namespace

std::set<std::string> Suite::helper_providers() const {
  std::set<std::string> helpers;
  if (!defaults.judge.empty()) helpers.insert(defaults.judge);
  if (!defaults.embedder.empty()) helpers.insert(defaults.embedder);
  add_scorer_providers(scorers, &helpers);
  add_scorer_providers(case_scorers, &helpers);
  helpers.insert(case_scorer_providers.begin(), case_scorer_providers.end());
  return helpers;
}

std::vector<std::string> Suite::systems_under_test() const {
  if (!under_test.empty()) return under_test;
  if (!defaults.provider.empty()) return {defaults.provider};
  const std::set<std::string> helpers = helper_providers();
  std::vector<std::string> ids;
  for (const auto& provider : providers) {
    if (provider.type != "openai-embeddings" && !helpers.count(provider.id)) {
      ids.push_back(provider.id);
    }
  }
  return ids;
}

void complete_model_scorer(const Suite& suite, ScorerSpec* spec) {
  spec->directory = suite.directory;  // script files and schemas are found next to the suite
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

std::string scorer_spec_key(const ScorerSpec& spec) {
  const auto dump = [](const nlohmann::json& value) {
    return value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  };
  // Appended piece by piece: chains of operator+ trip GCC 12's -Wrestrict.
  std::string key = spec.type;
  key += '\n';
  key += spec.name;
  key += spec.negate ? "\nnot\n" : "\n";
  key += std::to_string(spec.weight);
  key += '\n';
  key += spec.threshold ? std::to_string(*spec.threshold) : std::string("-");
  key += '\n';
  key += dump(spec.options);
  key += '\n';
  key += dump(spec.transform);
  return key;
}

}  // namespace evalkit

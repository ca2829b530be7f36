#include "evalkit/suite/suite.h"

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
  for (const auto& test_case : cases) add_scorer_providers(test_case.scorers, &helpers);
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

}  // namespace evalkit

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

}  // namespace evalkit

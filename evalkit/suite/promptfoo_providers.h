// promptfoo providers (`openai:gpt-4.1-mini`, `groq:llama3-70b`, `{id, label, config}`,
// `echo`, ...) as evalkit providers, for `evalkit import promptfoo`.
#pragma once

#include <string>
#include <vector>

#include "evalkit/suite/promptfoo_context.h"

namespace evalkit::promptfoo {

struct ConvertedProvider {
  Json provider;                           // the evalkit provider without its id
  std::string name;                        // wanted id: the label, else the model
  std::vector<std::string> prompt_labels;  // promptfoo's provider-level `prompts:`
  bool embeddings = false;                 // an embeddings model (never a system under test)
};

// Converts one entry of `providers:`/`targets:` (a string id, a map with `id`, or the
// `{"openai:gpt-4": {config...}}` form). False, with a note, when evalkit has no equivalent.
bool convert_provider(const YAML::Node& node, ImportContext& context, ConvertedProvider* out);

// Converts a grader (`options.provider` of defaultTest, a test or an assertion): a string id
// or `{id, config}`. want_embeddings picks the embedding model of a `{text, embedding}` pair.
bool convert_grader(const YAML::Node& node, bool want_embeddings, ImportContext& context,
                    ConvertedProvider* out);

// The base URL and API-key variable of the OpenAI-compatible services promptfoo names by
// prefix ("groq", "openrouter", ...); false for other prefixes.
struct CompatibleService {
  const char* prefix;
  const char* base_url;
  const char* key_env;  // "" when the service needs no key
};
bool find_compatible_service(const std::string& prefix, CompatibleService* out);

}  // namespace evalkit::promptfoo

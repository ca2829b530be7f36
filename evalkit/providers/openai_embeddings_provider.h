// POST {base_url}/embeddings on any OpenAI-compatible server.
#pragma once

#include <memory>
#include <string>

#include "evalkit/providers/provider.h"
#include "evalkit/suite/env_expansion.h"

namespace evalkit {

// base_url and api_key are resolved by the caller, as for openai-chat. Inputs go out in HTTP
// requests of at most config.batch_size texts; the inputs of requests sent at about the same
// time (within a few milliseconds) with the same parameters share them, each request getting
// its own vectors in order; texts found in the run's embedding cache are not sent at all.
// getenv reads the ${VAR}s of the provider's headers and query; an unset one is an error.
Status make_openai_embeddings_provider(const ProviderConfig& config,
                                       const ProviderEnvironment& environment,
                                       const EnvLookup& getenv, std::string base_url,
                                       const std::string& api_key, std::unique_ptr<Provider>* out);

// Parses an embeddings list body: data[i].embedding placed by data[i].index into
// response->embeddings (expected_count entries), usage.prompt_tokens. On any other shape,
// or a missing or repeated index, sets ok = false with error_kind malformed.
void parse_embeddings_list(const std::string& body, size_t expected_count, ModelResponse* response);

}  // namespace evalkit

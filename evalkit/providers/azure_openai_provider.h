// Azure OpenAI: the OpenAI chat protocol at a deployment URL,
// {endpoint}/openai/deployments/{deployment}/chat/completions?api-version=..., with the key in
// an `api-key` header (or the suite's own Authorization header for Microsoft Entra tokens).
#pragma once

#include <memory>
#include <string>

#include "evalkit/providers/provider.h"

namespace evalkit {

// The api-version sent when the suite names none (the latest generally available one).
inline constexpr const char* kDefaultAzureApiVersion = "2024-10-21";

// The endpoint is config.base_url, else AZURE_OPENAI_ENDPOINT; the key comes from
// config.api_key_env (AZURE_OPENAI_API_KEY by default).
Status make_azure_openai_provider(const ProviderConfig& config,
                                  const ProviderEnvironment& environment, const EnvLookup& getenv,
                                  std::unique_ptr<Provider>* out);

// The chat completions URL of a deployment (no query): endpoint without trailing slashes,
// then /openai/deployments/<deployment, percent-encoded>/chat/completions.
std::string azure_chat_url(const std::string& endpoint, const std::string& deployment);

}  // namespace evalkit

// POST {base_url}/chat/completions on any OpenAI-compatible server.
#pragma once

#include <memory>

#include "evalkit/providers/provider.h"

namespace evalkit {

// base_url and api_key are resolved by the caller (suite, OPENAI_BASE_URL, api_key_env);
// api_key may be empty for local servers.
std::unique_ptr<Provider> make_openai_chat_provider(const ProviderConfig& config,
                                                    const ProviderEnvironment& environment,
                                                    std::string base_url, std::string api_key);

// Parses a chat completion body into response (text, finish_reason, usage). On a body that
// is not the expected shape, sets response->ok = false with error_kind malformed.
void parse_chat_completion(const std::string& body, ModelResponse* response);

}  // namespace evalkit

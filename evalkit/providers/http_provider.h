// The generic `http` provider: any JSON API a team runs (a RAG service, an agent endpoint). The
// request is the suite's URL, method, headers and body template; the answer is read from the
// JSON reply at the suite's paths (text, and optionally usage, tool calls, finish reason, an
// error field); statuses the suite names count as errors.
#pragma once

#include <memory>
#include <string>

#include "evalkit/providers/provider.h"
#include "evalkit/providers/wire_protocol.h"

namespace evalkit {

// getenv reads the ${VAR}s of the provider's headers and query.
Status make_http_provider(const ProviderConfig& config, const ProviderEnvironment& environment,
                          const EnvLookup& getenv, std::unique_ptr<Provider>* out);

// What a body template and the URL may use: the case's vars, and (winning over vars of the
// same name) `prompt` (the last user turn's text), `system` (system turns joined by blank
// lines), `messages` (the turns in OpenAI's chat format), `tools` (OpenAI's format; null
// when none) and `vars` (all of the case's variables as an object).
nlohmann::json http_template_context(const ModelRequest& request);

// The body template rendered with context: a string that is exactly one {{placeholder}}
// becomes that JSON value (so "{{messages}}" is an array), any other string is a text
// template (non-strings inserted as compact JSON), object keys are text templates too.
Status render_json_template(const nlohmann::json& body, const nlohmann::json& context,
                            nlohmann::json* out);

// Reads the endpoint's JSON answer at the configured paths into response.
void read_http_answer(const HttpAnswerPaths& paths, const std::string& body,
                      ModelResponse* response);

}  // namespace evalkit

// The OpenAI chat completions protocol: POST {base_url}/chat/completions on OpenAI and any
// compatible server (vLLM, TGI, Ollama, llama.cpp), and Azure OpenAI's deployment URLs.
// Tool calls, tool turns, and streamed answers (server-sent `chat.completion.chunk`s).
#pragma once

#include <memory>
#include <string>

#include "evalkit/providers/openai_endpoint.h"
#include "evalkit/providers/provider.h"
#include "evalkit/providers/wire_protocol.h"

namespace evalkit {

// An openai-chat provider at base_url (resolved by the caller: suite, OPENAI_BASE_URL,
// OpenAI's) with api_key (may be empty for local servers); getenv reads the ${VAR}s of its
// headers and query.
Status make_openai_chat_provider(const ProviderConfig& config,
                                 const ProviderEnvironment& environment, const EnvLookup& getenv,
                                 const std::string& base_url, const std::string& api_key,
                                 std::unique_ptr<Provider>* out);

// The chat protocol for config at endpoint; send_model: whether the body names the model
// (Azure's deployment URL already does).
std::unique_ptr<WireProtocol> make_openai_chat_protocol(const ProviderConfig& config,
                                                        OpenAIEndpoint endpoint, bool send_model);

// The request body: params, model (unless empty), messages with their tool calls and tool
// turns, tools and tool_choice when set; with stream, "stream": true and usage asked for.
nlohmann::json openai_chat_body(const ModelRequest& request, const nlohmann::json& params,
                                const std::string& model, bool stream);

// Parses a chat completion body into response (text, finish_reason, tool calls, usage). On a
// body that is not the expected shape, sets response->ok = false with error_kind malformed.
void parse_chat_completion(const std::string& body, ModelResponse* response);

// Parses a streamed chat completion (server-sent chunks) into response: the text joined, tool
// calls assembled from their argument fragments, finish_reason, usage when the server sent
// it, streamed and time_to_first_token_s (from http.arrivals). A stream that ends before its
// finish_reason or [DONE], or an error event, fails the answer.
void parse_chat_completion_stream(const HttpResponse& http, ModelResponse* response);

}  // namespace evalkit

// Anthropic's Messages API: POST {base_url}/v1/messages with x-api-key and anthropic-version
// headers, the system prompt as a top-level field, content blocks (text, tool_use,
// tool_result), stop_reason and usage, and the named-event stream when streaming.
#pragma once

#include <memory>
#include <string>

#include "evalkit/providers/provider.h"
#include "evalkit/providers/wire_protocol.h"

namespace evalkit {

inline constexpr const char* kDefaultAnthropicVersion = "2023-06-01";
// max_tokens is required by the API; sent when params give neither max_tokens nor
// max_completion_tokens.
inline constexpr int kDefaultAnthropicMaxTokens = 1024;

// The endpoint is config.base_url, else ANTHROPIC_BASE_URL, else https://api.anthropic.com;
// the key comes from config.api_key_env (ANTHROPIC_API_KEY by default).
Status make_anthropic_messages_provider(const ProviderConfig& config,
                                        const ProviderEnvironment& environment,
                                        const EnvLookup& getenv, std::unique_ptr<Provider>* out);

// The request body for request: system turns joined into `system`, user/assistant/tool turns
// as messages of content blocks (consecutive user-side turns, tool results included, merged
// into one message, as the API wants), tools as {name, description, input_schema},
// tool_choice as {type: auto|any|none|tool}, OpenAI-style params renamed (stop ->
// stop_sequences, max_completion_tokens -> max_tokens, parallel_tool_calls: false ->
// disable_parallel_tool_use) and OpenAI-only ones dropped (seed, n, logprobs, penalties,
// response_format).
nlohmann::json anthropic_messages_body(const ModelRequest& request, const nlohmann::json& params,
                                       const std::string& model, bool stream);

// Parses a Message object: text blocks joined, tool_use blocks as tool calls, stop_reason,
// usage (input tokens include cache reads and writes).
void parse_anthropic_message(const std::string& body, ModelResponse* response);

// Parses the event stream (message_start, content_block_*, message_delta, message_stop, ping,
// error) into response, timing the first text or tool_use delta from http.arrivals. A
// stream without message_stop, or with an error event, fails the answer.
void parse_anthropic_stream(const HttpResponse& http, ModelResponse* response);

}  // namespace evalkit

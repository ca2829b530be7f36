// Amazon Bedrock's Converse API: POST {endpoint}/model/{modelId}/converse, signed with AWS
// Signature Version 4 (service "bedrock") using the standard AWS environment variables
// (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN; AWS_REGION or
// AWS_DEFAULT_REGION). One body shape for every model Bedrock hosts: system blocks, messages
// of content blocks (text, toolUse, toolResult), inferenceConfig and toolConfig.
#pragma once

#include <ctime>
#include <functional>
#include <memory>
#include <string>

#include "evalkit/providers/provider.h"

namespace evalkit {

// The endpoint is config.base_url, else https://bedrock-runtime.{region}.amazonaws.com.
// clock gives the signing time (defaults to std::time).
Status make_bedrock_converse_provider(const ProviderConfig& config,
                                      const ProviderEnvironment& environment,
                                      const EnvLookup& getenv, std::unique_ptr<Provider>* out,
                                      std::function<std::time_t()> clock = {});

// The Converse request body: system turns as `system` text blocks; user/assistant/tool turns as
// messages of content blocks (tool results in the user message after the call, consecutive
// same-side turns merged); params mapped into inferenceConfig (max_tokens -> maxTokens,
// temperature, top_p -> topP, stop -> stopSequences), any other param into
// additionalModelRequestFields (OpenAI-only ones dropped); tools into toolConfig with
// toolChoice auto/any/tool ("none" sends no toolChoice, and no tools unless the conversation
// already holds tool blocks, which Bedrock requires toolConfig for).
nlohmann::json bedrock_converse_body(const ModelRequest& request, const nlohmann::json& params);

// Parses a Converse answer: output.message.content text blocks joined, toolUse blocks as tool
// calls, stopReason, usage.inputTokens/outputTokens.
void parse_bedrock_converse(const std::string& body, ModelResponse* response);

// The path of a model's Converse endpoint, the model id percent-encoded ("a:0" -> "a%3A0").
std::string bedrock_converse_path(const std::string& model_id);

}  // namespace evalkit

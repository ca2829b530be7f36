// A request to a model: a chat completion or a batch of texts to embed. Plain values that
// every stage may use (suite, run, providers, scorers); providers turn them into bytes.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "evalkit/model/chat_message.h"

namespace evalkit {

struct ModelRequest {
  enum class Kind { kChat, kEmbedding };
  Kind kind = Kind::kChat;
  std::string provider_id;            // which provider answers it
  std::vector<ChatMessage> messages;  // kChat
  nlohmann::json params = nlohmann::json::object();  // per-request overrides of provider params
  // kChat: tools the model may call, in OpenAI's function format
  // ([{"type": "function", "function": {"name", "description", "parameters"}}]); null for none.
  // Providers of other protocols translate them.
  nlohmann::json tools;
  nlohmann::json tool_choice;  // "auto", "none", "required", or {"type":"function",...}; null
  std::vector<std::string> inputs;  // kEmbedding: texts to embed
  // The case's variables: script providers see them (promptfoo's context.vars), the generic
  // http provider builds its body from them. Part of the request's identity only when
  // vars_in_identity is set (the answer depends on them beyond the rendered messages).
  nlohmann::json vars = nlohmann::json::object();
  bool vars_in_identity = false;
};

// What identifies a chat request's content for replay and cache keys: {"messages": [...]}
// plus "tools" and "tool_choice" when set. Messages carry tool fields only when present, so
// a plain text request's identity is what earlier versions recorded.
nlohmann::json chat_request_identity(const ModelRequest& request);

}  // namespace evalkit

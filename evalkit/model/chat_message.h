// One turn of a conversation sent to a chat model.
#pragma once

#include <string>
#include <vector>

#include "evalkit/model/tool_call.h"

namespace evalkit {

struct ChatMessage {
  std::string role;  // "system", "user", "assistant", "tool"
  std::string content;
  std::vector<ToolCall> tool_calls;  // assistant turns: the tools it called
  std::string tool_call_id;          // tool turns: the call this result answers
  std::string name;                  // tool turns: the tool's name (some protocols need it)
};

// {"role", "content"} plus "tool_calls", "tool_call_id" and "name" when set.
nlohmann::json chat_message_to_json(const ChatMessage& message);
nlohmann::json chat_messages_to_json(const std::vector<ChatMessage>& messages);

}  // namespace evalkit

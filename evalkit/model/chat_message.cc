#include "evalkit/model/chat_message.h"

namespace evalkit {

nlohmann::json chat_message_to_json(const ChatMessage& message) {
  nlohmann::json j = {{"role", message.role}, {"content", message.content}};
  if (!message.tool_calls.empty()) j["tool_calls"] = tool_calls_to_json(message.tool_calls);
  if (!message.tool_call_id.empty()) j["tool_call_id"] = message.tool_call_id;
  if (!message.name.empty()) j["name"] = message.name;
  return j;
}

nlohmann::json chat_messages_to_json(const std::vector<ChatMessage>& messages) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& m : messages) out.push_back(chat_message_to_json(m));
  return out;
}

}  // namespace evalkit

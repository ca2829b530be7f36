#include "evalkit/model/tool_call.h"

#include "evalkit/base/json_parse.h"

namespace evalkit {

nlohmann::json tool_call_to_json(const ToolCall& call) {
  nlohmann::json j = {{"name", call.name}, {"arguments", call.arguments}};
  if (!call.id.empty()) j["id"] = call.id;
  return j;
}

nlohmann::json tool_arguments_from_text(const std::string& text) {
  if (text.find_first_not_of(" \t\r\n") == std::string::npos) return nlohmann::json::object();
  nlohmann::json parsed = parse_untrusted_json(text);
  if (parsed.is_discarded()) return text;
  return parsed;
}

bool tool_call_from_json(const nlohmann::json& value, ToolCall* call) {
  if (!value.is_object()) return false;
  *call = ToolCall{};
  if (value.contains("id") && value["id"].is_string()) call->id = value["id"].get<std::string>();
  // OpenAI nests the call in "function" and sends the arguments as a JSON text.
  const bool openai_form = value.contains("function") && value["function"].is_object();
  const nlohmann::json* source = openai_form ? &value["function"] : &value;
  if (!source->contains("name") || !(*source)["name"].is_string()) return false;
  call->name = (*source)["name"].get<std::string>();
  if (source->contains("arguments")) {
    const auto& arguments = (*source)["arguments"];
    call->arguments = arguments.is_string() && openai_form
                          ? tool_arguments_from_text(arguments.get<std::string>())
                          : arguments;
  }
  return true;
}

nlohmann::json tool_calls_to_json(const std::vector<ToolCall>& calls) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& call : calls) out.push_back(tool_call_to_json(call));
  return out;
}

std::vector<ToolCall> tool_calls_from_json(const nlohmann::json& value) {
  std::vector<ToolCall> calls;
  if (!value.is_array()) return calls;
  for (const auto& entry : value) {
    ToolCall call;
    if (tool_call_from_json(entry, &call)) calls.push_back(std::move(call));
  }
  return calls;
}

}  // namespace evalkit

// A tool (function) call an assistant made: its name and JSON arguments.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace evalkit {

struct ToolCall {
  std::string id;    // the provider's id for the call ("call_abc", "toolu_01"); may be empty
  std::string name;  // the function's name
  // The arguments as JSON (an object for every well-behaved model). When the model sent
  // text that is not JSON, the text itself, as a JSON string, so a scorer can say so.
  nlohmann::json arguments = nlohmann::json::object();
};

// {"id", "name", "arguments"}; arguments stay JSON (not OpenAI's JSON-in-a-string).
nlohmann::json tool_call_to_json(const ToolCall& call);
// Reads tool_call_to_json's form, and OpenAI's {"id", "function": {"name", "arguments"}}
// where arguments is a JSON text. Returns false when value is neither.
bool tool_call_from_json(const nlohmann::json& value, ToolCall* call);

nlohmann::json tool_calls_to_json(const std::vector<ToolCall>& calls);
// An array of tool calls in either form; entries that are neither are skipped.
std::vector<ToolCall> tool_calls_from_json(const nlohmann::json& value);

// The arguments parsed from a JSON text; the text as a JSON string when it does not parse.
nlohmann::json tool_arguments_from_text(const std::string& text);

}  // namespace evalkit

// Chat turns and tool definitions as a suite writes them: a prompt's messages, a case's
// conversation, `tools:` and `tool_choice:` on a prompt or provider.
#pragma once

#include <string>
#include <vector>

#include <yaml-cpp/yaml.h>
#include <nlohmann/json.hpp>

#include "evalkit/base/status.h"
#include "evalkit/model/chat_message.h"
#include "evalkit/suite/yaml_reader.h"

namespace evalkit {

// A list of {role, content} turns. Roles: system, user, assistant, tool. An assistant turn
// may carry `tool_calls` ([{id, name, arguments}], or OpenAI's {id, type, function} form)
// and then needs no content; a tool turn needs `tool_call_id` naming a call made by an
// earlier assistant turn of the same list, and may give the tool's `name` and a content
// that is any value (a non-string is sent as its JSON text). Contents are {{var}} templates.
Status parse_chat_messages(const YAML::Node& node, const YamlReader& reader,
                           std::vector<ChatMessage>* out);

// `tools:`: a list of tools in OpenAI's function format,
// [{type: function, function: {name, description?, parameters?}}]; a bare
// {name, description?, parameters?} is accepted and wrapped. Names are unique and
// [A-Za-z0-9_-]{1,64}; parameters, when given, is a JSON Schema object.
Status parse_tools(const YAML::Node& node, const YamlReader& reader, nlohmann::json* out);

// `tool_choice:`: "auto", "none", "required", a tool's name, or
// {type: function, function: {name}}; stored in OpenAI's form. When tools is an array, a named
// choice must name one of them.
Status parse_tool_choice(const YAML::Node& node, const YamlReader& reader,
                         const nlohmann::json& tools, nlohmann::json* out);

// The same checks as parse_chat_messages for a JSON value (a dataset line's `messages`);
// problem says what is wrong.
bool chat_messages_from_json(const nlohmann::json& value, std::vector<ChatMessage>* out,
                             std::string* problem);

}  // namespace evalkit

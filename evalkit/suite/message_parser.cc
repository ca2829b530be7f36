#include "evalkit/suite/message_parser.h"

#include <algorithm>
#include <set>

#include "evalkit/base/suggest.h"
#include "evalkit/suite/suite_keys.h"
#include "evalkit/suite/template.h"

namespace evalkit {
namespace {

using Entries = std::vector<std::pair<YAML::Node, YAML::Node>>;

bool is_tool_name(const std::string& name) {
  if (name.empty() || name.size() > 64) return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '-';
  });
}

// Checks a template's placeholders; problem names the first malformed one.
bool valid_template(const std::string& text, std::string* problem) {
  std::vector<std::string> variables;
  Status s = parse_template_variables(text, &variables);
  if (!s) *problem = s.message();
  return bool(s);
}

// The calls of an assistant turn, in evalkit's {id, name, arguments} form or OpenAI's.
bool read_tool_calls(const nlohmann::json& value, std::vector<ToolCall>* out,
                     std::string* problem) {
  if (!value.is_array()) {
    *problem = "'tool_calls' must be a list of {id, name, arguments}";
    return false;
  }
  for (const auto& item : value) {
    ToolCall call;
    if (!tool_call_from_json(item, &call)) {
      *problem = "each tool call needs a 'name' (as {id, name, arguments})";
      return false;
    }
    if (call.id.empty()) {
      *problem = "tool call '" + call.name + "' needs an 'id' (tool turns answer it by id)";
      return false;
    }
    if (item.contains("arguments") && item["arguments"].is_string() && !item.contains("function")) {
      // {name, arguments: "<json text>"}: the arguments as OpenAI sends them.
      call.arguments = tool_arguments_from_text(item["arguments"].get<std::string>());
    }
    out->push_back(std::move(call));
  }
  return true;
}

// The rules every turn list obeys, whichever syntax it came in.
bool check_turns(const std::vector<ChatMessage>& turns, std::string* problem, size_t* at) {
  std::set<std::string> call_ids;
  for (size_t i = 0; i < turns.size(); ++i) {
    *at = i;
    const ChatMessage& m = turns[i];
    for (const auto& call : m.tool_calls) call_ids.insert(call.id);
    if (m.role == "tool") {
      if (m.tool_call_id.empty()) {
        *problem = "a tool turn needs 'tool_call_id' (the id of the call it answers)";
        return false;
      }
      if (call_ids.count(m.tool_call_id) == 0) {
        *problem =
            "tool turn answers call '" + m.tool_call_id + "', which no earlier assistant turn made";
        return false;
      }
    } else if (!m.tool_call_id.empty()) {
      *problem = "'tool_call_id' belongs on a tool turn, not a " + m.role + " turn";
      return false;
    }
    if (!m.tool_calls.empty() && m.role != "assistant") {
      *problem = "'tool_calls' belongs on an assistant turn, not a " + m.role + " turn";
      return false;
    }
    if (!valid_template(m.content, problem)) return false;
  }
  return true;
}

const std::string& roles_hint() {
  static const std::string hint = "use system, user, assistant or tool";
  return hint;
}

}  // namespace

Status parse_chat_messages(const YAML::Node& node, const YamlReader& reader,
                           std::vector<ChatMessage>* out) {
  if (!node.IsSequence() || node.size() == 0) {
    return reader.error_at(
        node, "expected a list of {role, content} messages for 'messages', got " +
                  (node.IsSequence() ? std::string("an empty list") : describe_node(node)));
  }
  const auto& roles = suite_keys::message_roles();
  std::vector<YAML::Node> items;
  const size_t first = out->size();
  for (const auto& item : node) {
    Entries entries;
    if (Status s = reader.entries(item, suite_keys::message(), "message", &entries); !s) return s;
    ChatMessage message;
    YAML::Node role_node;
    bool has_content = false;
    for (const auto& [key, value] : entries) {
      const std::string& name = key.Scalar();
      Status status;
      if (name == "role") {
        role_node = value;
        status = reader.read_string(value, "role", &message.role);
      } else if (name == "content") {
        has_content = true;
        if (value.IsScalar()) {
          status = reader.read_string(value, "content", &message.content);
        } else {
          nlohmann::json content;
          status = reader.read_json(value, &content);
          message.content = content.dump();
        }
        std::string problem;
        if (status && !valid_template(message.content, &problem)) {
          status = reader.error_at(value, problem);
        }
      } else if (name == "tool_calls") {
        nlohmann::json calls;
        status = reader.read_json(value, &calls);
        std::string problem;
        if (status && !read_tool_calls(calls, &message.tool_calls, &problem)) {
          status = reader.error_at(value, problem);
        }
      } else if (name == "tool_call_id") {
        status = reader.read_string(value, "tool_call_id", &message.tool_call_id);
      } else if (name == "name") {
        status = reader.read_string(value, "name", &message.name);
      }
      if (!status) return status;
    }
    if (message.role.empty()) return reader.error_at(item, "message has no 'role'");
    if (std::find(roles.begin(), roles.end(), message.role) == roles.end()) {
      return reader.error_at(role_node, "message role '" + message.role + "' is unknown (" +
                                            roles_hint() + ")" + did_you_mean(message.role, roles));
    }
    if (!has_content && !(message.role == "assistant" && !message.tool_calls.empty())) {
      return reader.error_at(item, "message has no 'content'");
    }
    out->push_back(std::move(message));
    items.push_back(item);
  }
  const std::vector<ChatMessage> turns(out->begin() + long(first), out->end());
  std::string problem;
  size_t at = 0;
  if (!check_turns(turns, &problem, &at)) return reader.error_at(items[at], problem);
  return Status::ok();
}

bool chat_messages_from_json(const nlohmann::json& value, std::vector<ChatMessage>* out,
                             std::string* problem) {
  if (!value.is_array() || value.empty()) {
    *problem = "'messages' must be a non-empty list of {role, content} messages";
    return false;
  }
  const auto& roles = suite_keys::message_roles();
  const auto& keys = suite_keys::message();
  std::vector<ChatMessage> turns;
  for (size_t i = 0; i < value.size(); ++i) {
    const auto& item = value[i];
    const std::string where = "message " + std::to_string(i + 1) + ": ";
    if (!item.is_object()) {
      *problem = where + "expected an object {role, content}";
      return false;
    }
    ChatMessage message;
    for (const auto& [key, field] : item.items()) {
      if (std::find(keys.begin(), keys.end(), key) == keys.end()) {
        *problem = where + "unknown key '" + key + "'" + did_you_mean(key, keys);
        return false;
      }
      if (key == "content") {
        message.content = field.is_string() ? field.get<std::string>() : field.dump();
      } else if (key == "tool_calls") {
        if (!read_tool_calls(field, &message.tool_calls, problem)) {
          *problem = where + *problem;
          return false;
        }
      } else if (!field.is_string()) {
        *problem = where + "expected a string for '" + key + "'";
        return false;
      } else if (key == "role") {
        message.role = field.get<std::string>();
      } else if (key == "tool_call_id") {
        message.tool_call_id = field.get<std::string>();
      } else {
        message.name = field.get<std::string>();
      }
    }
    if (std::find(roles.begin(), roles.end(), message.role) == roles.end()) {
      *problem = where + (message.role.empty() ? std::string("message has no 'role'")
                                               : "message role '" + message.role +
                                                     "' is unknown (" + roles_hint() + ")");
      return false;
    }
    if (!item.contains("content") &&
        !(message.role == "assistant" && !message.tool_calls.empty())) {
      *problem = where + "message has no 'content'";
      return false;
    }
    turns.push_back(std::move(message));
  }
  size_t at = 0;
  if (!check_turns(turns, problem, &at)) {
    *problem = "message " + std::to_string(at + 1) + ": " + *problem;
    return false;
  }
  out->insert(out->end(), turns.begin(), turns.end());
  return true;
}

Status parse_tools(const YAML::Node& node, const YamlReader& reader, nlohmann::json* out) {
  if (!node.IsSequence()) {
    return reader.error_at(node,
                           "expected a list of tools for 'tools', got " + describe_node(node));
  }
  *out = nlohmann::json::array();
  std::set<std::string> names;
  for (const auto& item : node) {
    nlohmann::json tool;
    if (Status s = reader.read_json(item, &tool); !s) return s;
    if (!tool.is_object()) {
      return reader.error_at(item,
                             "expected a tool {type: function, function: {name, "
                             "description, parameters}}, got " +
                                 describe_node(item));
    }
    if (!tool.contains("function") && tool.contains("name")) {
      tool = {{"type", "function"}, {"function", tool}};  // the bare form
    }
    if (tool.value("type", "function") != "function" || !tool.contains("function") ||
        !tool["function"].is_object()) {
      return reader.error_at(item,
                             "a tool is {type: function, function: {name, description, "
                             "parameters}}");
    }
    tool["type"] = "function";
    const auto& function = tool["function"];
    for (const auto& [key, value] : function.items()) {
      if (key != "name" && key != "description" && key != "parameters" && key != "strict") {
        return reader.error_at(item, "unknown key '" + key +
                                         "' in tool function (name, "
                                         "description, parameters, strict)");
      }
    }
    const std::string name = function.contains("name") && function["name"].is_string()
                                 ? function["name"].get<std::string>()
                                 : "";
    if (!is_tool_name(name)) {
      return reader.error_at(item,
                             "a tool needs a 'name' of 1 to 64 letters, digits, '_' or "
                             "'-', got '" +
                                 name + "'");
    }
    if (!names.insert(name).second) {
      return reader.error_at(item, "tool '" + name + "' is defined twice");
    }
    if (function.contains("description") && !function["description"].is_string()) {
      return reader.error_at(item, "tool '" + name + "': 'description' must be a string");
    }
    if (function.contains("parameters") && !function["parameters"].is_object()) {
      return reader.error_at(item,
                             "tool '" + name + "': 'parameters' must be a JSON Schema object");
    }
    out->push_back(std::move(tool));
  }
  return Status::ok();
}

Status parse_tool_choice(const YAML::Node& node, const YamlReader& reader,
                         const nlohmann::json& tools, nlohmann::json* out) {
  nlohmann::json choice;
  if (Status s = reader.read_json(node, &choice); !s) return s;
  std::string named;
  if (choice.is_string()) {
    const std::string text = choice.get<std::string>();
    if (text == "auto" || text == "none" || text == "required") {
      *out = choice;
      return Status::ok();
    }
    named = text;
  } else if (choice.is_object() && choice.value("type", "") == "function" &&
             choice.contains("function") && choice["function"].is_object() &&
             choice["function"].contains("name") && choice["function"]["name"].is_string()) {
    named = choice["function"]["name"].get<std::string>();
  } else {
    return reader.error_at(node,
                           "expected auto, none, required, a tool's name, or {type: "
                           "function, function: {name}} for 'tool_choice'");
  }
  if (tools.is_array()) {
    std::vector<std::string> names;
    for (const auto& tool : tools) names.push_back(tool["function"]["name"].get<std::string>());
    if (std::find(names.begin(), names.end(), named) == names.end()) {
      return reader.error_at(node, "tool_choice names tool '" + named +
                                       "', which is not among the tools" +
                                       did_you_mean(named, names));
    }
  }
  *out = {{"type", "function"}, {"function", {{"name", named}}}};
  return Status::ok();
}

}  // namespace evalkit

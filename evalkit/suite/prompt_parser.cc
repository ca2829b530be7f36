#include "evalkit/suite/prompt_parser.h"

#include <algorithm>
#include <filesystem>

#include <nlohmann/json.hpp>

#include "evalkit/base/files.h"
#include "evalkit/base/hash.h"
#include "evalkit/base/suggest.h"
#include "evalkit/scorers/answer_transform.h"
#include "evalkit/suite/case_parser.h"
#include "evalkit/suite/message_parser.h"
#include "evalkit/suite/suite_keys.h"
#include "evalkit/suite/template.h"

namespace evalkit {
namespace {

using Entries = std::vector<std::pair<YAML::Node, YAML::Node>>;

// 1-based line and column of byte offset in text.
SourceLocation location_in(const std::string& path, const std::string& text, size_t offset) {
  offset = std::min(offset, text.size());
  const int line = 1 + int(std::count(text.begin(), text.begin() + long(offset), '\n'));
  const size_t line_start = offset == 0 ? std::string::npos : text.rfind('\n', offset - 1);
  const int column = int(offset - (line_start == std::string::npos ? 0 : line_start + 1)) + 1;
  return SourceLocation{path, line, column};
}

Status check_role(const std::string& role, const std::function<Status(const std::string&)>& fail) {
  const auto& roles = suite_keys::message_roles();
  if (std::find(roles.begin(), roles.end(), role) != roles.end()) return Status::ok();
  return fail("message role '" + role + "' is unknown (use system, user or assistant)" +
              did_you_mean(role, roles));
}

Status parse_message_content(const YAML::Node& node, const YamlReader& reader,
                             std::string* content) {
  if (Status s = reader.read_string(node, "content", content); !s) return s;
  std::vector<std::string> variables;
  if (Status s = parse_template_variables(*content, &variables); !s) {
    return reader.error_at(node, s.message());
  }
  return Status::ok();
}

// Template placeholders in text read from path must be well formed; errors name the line.
Status check_file_template(const std::string& path, const std::string& file_text,
                           const std::string& part) {
  std::vector<std::string> variables;
  Status s = parse_template_variables(part, &variables);
  if (s) return s;
  const size_t at = file_text.find(part);
  return Status::error_at(location_in(path, file_text, at == std::string::npos ? 0 : at),
                          s.message());
}

// A chat as JSON: [{"role": ..., "content": "..."}, ...].
Status chat_from_json(const nlohmann::json& chat, const std::string& path, const std::string& text,
                      std::vector<ChatMessage>* out) {
  const SourceLocation file{path, 0, 0};
  if (!chat.is_array() || chat.empty()) {
    return Status::error_at(file, "expected a list of {role, content} messages");
  }
  for (const auto& message : chat) {
    if (!message.is_object() || !message.contains("role") || !message["role"].is_string()) {
      return Status::error_at(file, "every message needs a 'role' string");
    }
    for (const auto& [key, value] : message.items()) {
      if (key != "role" && key != "content") {
        return Status::error_at(file, "unknown key '" + key + "' in message" +
                                          did_you_mean(key, suite_keys::message()));
      }
    }
    const auto content = message.find("content");
    if (content == message.end() || !content->is_string()) {
      return Status::error_at(
          file, "message content must be text (content parts such as images are not supported)");
    }
    ChatMessage entry{message["role"].get<std::string>(), content->get<std::string>()};
    if (Status s =
            check_role(entry.role, [&](const std::string& m) { return Status::error_at(file, m); });
        !s) {
      return s;
    }
    if (Status s = check_file_template(path, text, entry.content); !s) return s;
    out->push_back(std::move(entry));
  }
  return Status::ok();
}

Status parse_json_chat(const std::string& path, const std::string& text, size_t offset,
                       std::string_view json_text, std::vector<ChatMessage>* out) {
  nlohmann::json chat;
  try {
    chat = nlohmann::json::parse(json_text);
  } catch (const nlohmann::json::exception& e) {
    const size_t byte = e.id == 101 ? static_cast<const nlohmann::json::parse_error&>(e).byte : 1;
    const std::string what = e.what();
    const size_t colon = what.rfind(": ");
    return Status::error_at(
        location_in(path, text, offset + (byte > 0 ? byte - 1 : 0)),
        "invalid JSON: " + (colon == std::string::npos ? what : what.substr(colon + 2)));
  }
  return chat_from_json(chat, path, text, out);
}

Status parse_yaml_chat(const std::string& path, const std::string& text,
                       std::vector<ChatMessage>* out) {
  YAML::Node root;
  try {
    root = YAML::Load(text);
  } catch (const YAML::ParserException& e) {
    return Status::error_at(SourceLocation{path, e.mark.line + 1, e.mark.column + 1}, e.msg);
  }
  // The file's own reader: no ${VAR} expansion outside the suite file.
  const YamlReader file_reader(path, [](const std::string&) { return std::nullopt; }, {});
  if (!root.IsSequence()) {
    return Status::error_at(
        SourceLocation{path, 1, 1},
        "expected a list of {role, content} messages, got " + describe_node(root));
  }
  for (const auto& item : root) {
    Entries entries;
    if (Status s = file_reader.entries(item, suite_keys::message(), "message", &entries); !s) {
      return s;
    }
    ChatMessage message;
    for (const auto& [key, value] : entries) {
      if (!value.IsScalar()) {
        return file_reader.error_at(
            value, "expected text for '" + key.Scalar() + "', got " + describe_node(value));
      }
      (key.Scalar() == "role" ? message.role : message.content) = value.Scalar();
    }
    if (Status s = check_role(message.role,
                              [&](const std::string& m) { return file_reader.error_at(item, m); });
        !s) {
      return s;
    }
    if (Status s = check_file_template(path, text, message.content); !s) return s;
    out->push_back(std::move(message));
  }
  return Status::ok();
}

bool has_extension(const std::string& path, std::initializer_list<const char*> extensions) {
  std::string ext = std::filesystem::path(path).extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(),
                 [](unsigned char c) { return char(std::tolower(c)); });
  return std::any_of(extensions.begin(), extensions.end(), [&](const char* e) { return ext == e; });
}

// The prompts a file holds: one chat (.json, .yaml), one chat a line (.jsonl), or text
// prompts separated by `---` lines (anything else).
Status read_prompt_file(const YAML::Node& file_node, const YamlReader& reader,
                        const PromptFiles& files, std::vector<std::vector<ChatMessage>>* out) {
  std::string name;
  if (Status s = reader.read_string(file_node, "file", &name); !s) return s;
  if (name.empty()) return reader.error_at(file_node, "'file' is empty");
  const std::string path = resolve_suite_path(files.directory, name);
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) {
    return reader.error_at(file_node,
                           "prompt file '" + name + "' not found (looked for " + path + ")");
  }
  std::string text;
  if (Status s = read_file(path, &text); !s) return reader.error_at(file_node, s.message());
  if (files.hashes != nullptr) files.hashes->push_back(sha256_hex(text));
  if (has_extension(path, {".json"})) {
    out->emplace_back();
    return parse_json_chat(path, text, 0, text, &out->back());
  }
  if (has_extension(path, {".yaml", ".yml"})) {
    out->emplace_back();
    return parse_yaml_chat(path, text, &out->back());
  }
  if (has_extension(path, {".jsonl"})) {
    size_t position = 0;
    while (position < text.size()) {
      size_t end = text.find('\n', position);
      if (end == std::string::npos) end = text.size();
      const std::string_view line = std::string_view(text).substr(position, end - position);
      if (line.find_first_not_of(" \t\r") != std::string_view::npos) {
        out->emplace_back();
        if (Status s = parse_json_chat(path, text, position, line, &out->back()); !s) return s;
      }
      position = end + 1;
    }
  } else {
    for (auto& part : split_prompt_text(text)) {
      if (Status s = check_file_template(path, text, part); !s) return s;
      out->push_back({ChatMessage{"user", std::move(part)}});
    }
  }
  if (out->empty()) return reader.error_at(file_node, "prompt file '" + name + "' is empty");
  return Status::ok();
}

// One `prompts:` entry, which a file with several prompts turns into several.
Status parse_prompt_entry(const YAML::Node& node, const YamlReader& reader,
                          const PromptFiles& files, size_t number, std::vector<PromptConfig>* out) {
  PromptConfig prompt;
  prompt.where = reader.where(node);
  prompt.id = "prompt-" + std::to_string(number);
  if (node.IsScalar()) {
    prompt.messages.push_back({"user", ""});
    if (Status s = parse_message_content(node, reader, &prompt.messages.back().content); !s) {
      return s;
    }
    out->push_back(std::move(prompt));
    return Status::ok();
  }
  Entries entries;
  if (Status s = reader.entries(node, suite_keys::prompt(), "prompt", &entries); !s) return s;
  bool has_body = false, has_id = false, has_tool_choice = false;
  std::vector<std::vector<ChatMessage>> from_file;
  YAML::Node file_node, tool_choice_node;
  for (const auto& [key, value] : entries) {
    const std::string& name = key.Scalar();
    const YAML::Node& at = value;
    if (name == "id") {
      has_id = true;
      if (Status s = reader.read_string(at, "id", &prompt.id); !s) return s;
      if (prompt.id.empty()) return reader.error_at(at, "prompt 'id' is empty");
      continue;
    }
    if (name == "tools") {
      if (Status s = parse_tools(at, reader, &prompt.tools); !s) return s;
      continue;
    }
    if (name == "tool_choice") {
      tool_choice_node = at;
      has_tool_choice = true;
      continue;
    }
    if (name == "transform") {
      if (Status s = reader.read_json(at, &prompt.transform); !s) return s;
      AnswerTransform transform;
      std::string error;
      if (!AnswerTransform::compile(prompt.transform, &transform, &error)) {
        return reader.error_at(at, "transform: " + error);
      }
      continue;
    }
    if (name == "replaces") {
      if (Status s = reader.read_string(at, "replaces", &prompt.replaces); !s) return s;
      continue;
    }
    if (name == "params") {
      if (!at.IsMap()) {
        return reader.error_at(at, "expected a map for 'params', got " + describe_node(at));
      }
      if (Status s = reader.read_json(at, &prompt.params); !s) return s;
      continue;
    }
    if (has_body) {
      return reader.error_at(key, "a prompt has one of 'messages', 'prompt' or 'file'");
    }
    has_body = true;
    if (name == "messages") {
      if (Status s = parse_chat_messages(at, reader, &prompt.messages); !s) return s;
    } else if (name == "file") {
      file_node = at;
      if (Status s = read_prompt_file(at, reader, files, &from_file); !s) return s;
    } else {
      prompt.messages.push_back({"user", ""});
      if (Status s = parse_message_content(at, reader, &prompt.messages.back().content); !s) {
        return s;
      }
    }
  }
  if (!has_body) {
    return reader.error_at(node,
                           "prompt '" + prompt.id + "' has no 'messages', 'prompt' or 'file'");
  }
  if (has_tool_choice) {
    if (Status s = parse_tool_choice(tool_choice_node, reader, prompt.tools, &prompt.tool_choice);
        !s) {
      return s;
    }
  }
  if (file_node.IsNull()) {
    out->push_back(std::move(prompt));
    return Status::ok();
  }
  if (!has_id) {
    std::string stem = std::filesystem::path(file_node.Scalar()).stem().string();
    std::replace_if(
        stem.begin(), stem.end(),
        [](unsigned char c) { return !std::isalnum(c) && c != '.' && c != '_' && c != '-'; }, '-');
    if (!stem.empty()) prompt.id = stem;
  }
  // Ids made from a file name stay unique: a second "chat" file gives "chat-2".
  const auto taken = [out](const std::string& id) {
    return std::any_of(out->begin(), out->end(),
                       [&](const PromptConfig& other) { return other.id == id; });
  };
  const std::string base = prompt.id;
  for (int n = 2; !has_id && from_file.size() == 1 && taken(prompt.id); ++n) {
    prompt.id = base + "-" + std::to_string(n);
  }
  for (size_t i = 0; i < from_file.size(); ++i) {
    PromptConfig part = prompt;
    if (from_file.size() > 1) part.id += "-" + std::to_string(i + 1);
    part.messages = std::move(from_file[i]);
    out->push_back(std::move(part));
  }
  return Status::ok();
}

}  // namespace

std::vector<std::string> split_prompt_text(const std::string& text) {
  std::vector<std::string> parts;
  std::string current;
  const auto flush = [&] {
    const size_t begin = current.find_first_not_of(" \t\r\n");
    if (begin != std::string::npos) {
      const size_t end = current.find_last_not_of(" \t\r\n");
      parts.push_back(current.substr(begin, end - begin + 1));
    }
    current.clear();
  };
  size_t position = 0;
  while (position <= text.size()) {
    size_t end = text.find('\n', position);
    if (end == std::string::npos) end = text.size();
    std::string line = text.substr(position, end - position);
    const size_t first = line.find_first_not_of(" \t\r");
    const size_t last = line.find_last_not_of(" \t\r");
    if (first != std::string::npos && line.substr(first, last - first + 1) == "---") {
      flush();
    } else {
      current += line;
      if (end < text.size()) current += '\n';
    }
    position = end + 1;
  }
  flush();
  return parts;
}

Status parse_prompts(const YAML::Node& node, const YamlReader& reader, const PromptFiles& files,
                     std::vector<PromptConfig>* out) {
  if (!node.IsSequence()) {
    return reader.error_at(node,
                           "expected a list of prompts for 'prompts', got " + describe_node(node));
  }
  size_t number = 0;
  for (const auto& item : node) {
    if (Status s = parse_prompt_entry(item, reader, files, ++number, out); !s) return s;
  }
  return Status::ok();
}

Status parse_single_prompt(const YAML::Node& node, const YamlReader& reader,
                           const PromptFiles& files, std::vector<PromptConfig>* out) {
  const size_t first = out->size();
  if (Status s = parse_prompt_entry(node, reader, files, 1, out); !s) return s;
  if (out->size() == first + 1 && !(node.IsMap() && node["id"])) (*out)[first].id = "prompt";
  return Status::ok();
}

}  // namespace evalkit

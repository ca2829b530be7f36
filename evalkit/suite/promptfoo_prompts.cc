#include "evalkit/suite/promptfoo_prompts.h"

#include <filesystem>

#include "evalkit/base/files.h"
#include "evalkit/suite/prompt_parser.h"
#include "evalkit/text/utf8.h"

namespace evalkit::promptfoo {
namespace {

const std::set<std::string>& text_extensions() {
  static const std::set<std::string> extensions = {".txt",    ".md",   ".j2", ".jinja",
                                                   ".prompt", ".text", ""};
  return extensions;
}

const std::set<std::string>& prompt_params() {
  static const std::set<std::string> params = {
      "temperature", "max_tokens",       "max_completion_tokens", "top_p",           "seed",
      "stop",        "presence_penalty", "frequency_penalty",     "response_format", "tools",
      "tool_choice", "reasoning_effort"};
  return params;
}

// A chat written as JSON text ([{"role": ..., "content": "..."}, ...]), or as YAML text
// starting with "- role:", as promptfoo reads prompt text.
bool chat_messages(const std::string& text, Json* messages) {
  const size_t first = text.find_first_not_of(" \t\r\n");
  if (first == std::string::npos) return false;
  Json chat;
  if (text.compare(first, 7, "- role:") == 0) {
    try {
      const YAML::Node node = YAML::Load(text);
      if (!node.IsSequence()) return false;
      chat = Json::array();
      for (const auto& m : node) {
        if (!m.IsMap() || !m["role"] || !m["role"].IsScalar()) return false;
        Json message = Json::object();
        for (const auto& item : m) {
          if (!item.second.IsScalar()) return false;
          message[item.first.as<std::string>("")] = item.second.Scalar();
        }
        chat.push_back(message);
      }
    } catch (const YAML::Exception&) {
      return false;
    }
  } else if (text[first] == '[') {
    chat = Json::parse(text, nullptr, false);
  } else {
    return false;
  }
  if (chat.is_discarded() || !chat.is_array() || chat.empty()) return false;
  *messages = Json::array();
  for (const auto& m : chat) {
    if (!m.is_object() || !m.contains("role") || !m["role"].is_string()) return false;
    messages->push_back(m);
  }
  return true;
}

class PromptConverter {
 public:
  PromptConverter(ImportContext& context, ConvertedPrompts* out) : context_(context), out_(out) {}

  void entry(const YAML::Node& node, size_t number, const std::string& map_label = "") {
    std::string label = map_label, text;
    YAML::Node config;
    YAML::Node messages;
    if (node.IsScalar()) {
      text = node.Scalar();
    } else if (node.IsMap()) {
      if (node["label"]) label = node["label"].as<std::string>("");
      if (node["config"]) config.reset(node["config"]);
      const YAML::Node raw = node["raw"]       ? node["raw"]
                             : node["content"] ? node["content"]
                                               : node["id"];
      if (node["messages"]) {
        messages.reset(node["messages"]);
      } else if (!raw || !raw.IsScalar()) {
        context_.dropped(node, "prompt " + std::to_string(number) + " has no text ('raw' or 'id')");
        return;
      } else {
        text = raw.Scalar();
      }
      for (const auto& item : node) {
        const std::string key = item.first.as<std::string>("");
        if (key != "label" && key != "config" && key != "raw" && key != "id" && key != "messages" &&
            key != "content") {
          context_.dropped(item.first, "prompt key '" + key + "' is not converted");
        }
      }
    } else {
      context_.dropped(node, "a prompt is text or a map");
      return;
    }
    const Json params = convert_config(config);
    const std::string fallback = "prompt-" + std::to_string(number);
    if (present(messages)) {
      return chat_entry(node, messages, label.empty() ? fallback : label, params);
    }
    if (is_file_reference(text)) return file_entry(node, text, label, fallback, params);
    add_text(node, text, label.empty() ? fallback : label, {text, label}, params);
  }

 private:
  bool is_file_reference(const std::string& text) const {
    if (text.rfind("file://", 0) == 0) return true;
    if (text.find_first_of(" \t\n{") != std::string::npos) return false;
    const std::string ext = extension_of(text);
    if (ext.empty() || !(text_extensions().count(ext) || ext == ".json" || ext == ".jsonl" ||
                         ext == ".yaml" || ext == ".yml" || ext == ".js" || ext == ".py")) {
      return false;
    }
    std::error_code ec;
    return std::filesystem::is_regular_file(context_.resolve(text), ec);
  }

  Json convert_config(const YAML::Node& config) {
    Json params = Json::object();
    if (!config || !config.IsMap()) return params;
    for (const auto& item : config) {
      const std::string key = item.first.as<std::string>("");
      if (prompt_params().count(key)) {
        params[key] = context_.value(item.second);
      } else {
        context_.dropped(item.first, "prompt config '" + key + "' is not converted");
      }
    }
    return params;
  }

  // A `messages:` list whose contents may be `file://` texts.
  void chat_entry(const YAML::Node& node, const YAML::Node& messages, const std::string& name,
                  const Json& params) {
    Json out = Json::array();
    for (const auto& m : messages) {
      std::string content = m["content"].as<std::string>("");
      if (content.rfind("file://", 0) == 0) {
        const std::string path = context_.resolve(content);
        if (!text_extensions().count(extension_of(path))) {
          context_.dropped(m, "prompt '" + name + "': message content '" + content +
                                  "' is code or data evalkit does not read");
          return;
        }
        if (Status s = read_file(path, &content); !s || !is_valid_utf8(content)) {
          context_.dropped(m, "prompt '" + name + "': '" + path + "' cannot be read");
          return;
        }
      }
      out.push_back({{"role", m["role"].as<std::string>("user")}, {"content", content}});
    }
    add_messages(node, out, name, {name}, params);
  }

  void file_entry(const YAML::Node& node, const std::string& reference, const std::string& label,
                  const std::string& fallback, const Json& params) {
    std::string file = strip_file_scheme(reference);
    if (file.find_first_of("*?[") != std::string::npos)
      return glob_entry(node, reference, label, params);
    const size_t function = file.find(':', 2);
    const std::string ext =
        extension_of(function == std::string::npos ? file : file.substr(0, function));
    if (ext == ".js" || ext == ".ts" || ext == ".py" || ext == ".mjs" || ext == ".cjs") {
      context_.dropped(node, "prompt '" + reference +
                                 "' is a prompt function (code); evalkit prompts are templates");
      return;
    }
    const std::string path = context_.resolve(file);
    std::string text;
    if (Status s = read_file(path, &text); !s) {
      context_.dropped(node, "prompt file '" + reference + "' cannot be read (" + path + ")");
      return;
    }
    if (!is_valid_utf8(text)) {
      context_.dropped(node, "prompt file '" + reference + "' is not UTF-8 text");
      return;
    }
    std::string stem = std::filesystem::path(path).stem().string();
    const std::string base = label.empty() ? stem : label;
    const std::vector<std::string> names = {reference, label, file, "file://" + file};
    if (ext == ".json" || ext == ".yaml" || ext == ".yml") {
      Json messages;
      bool chat = false;
      if (ext == ".json") {
        chat = chat_messages(text, &messages);
      } else {
        YAML::Node loaded;
        if (context_.load_yaml(path, &loaded) && loaded.IsSequence()) {
          ImportContext::FileScope scope(&context_, path);
          messages = context_.value(loaded);
          chat = chat_messages(messages.dump(), &messages);
        }
      }
      if (!chat) {
        add_text(node, text, base, names, params);
        return;
      }
      add_messages(node, messages, base, names, params, path);
      return;
    }
    if (ext == ".jsonl") {
      size_t n = 0;
      for (const auto& line : split_lines(text)) {
        Json messages;
        if (!chat_messages(line, &messages)) continue;
        add_messages(node, messages, base + "-" + std::to_string(++n), names, params);
      }
      return;
    }
    if (!text_extensions().count(ext)) {
      context_.dropped(
          node, "prompt file '" + reference + "' (" + ext + ") is a format evalkit does not read");
      return;
    }
    const std::vector<std::string> parts = split_prompt_text(text);
    if (parts.empty()) {
      context_.dropped(node, "prompt file '" + reference + "' is empty");
      return;
    }
    // The file itself when evalkit reads it the same way; its parts inline otherwise.
    bool as_is = true;
    for (const auto& part : parts) {
      std::string converted, problem;
      Json messages;
      as_is = as_is && evalkit_template(part, &converted, &problem) && converted == part &&
              !chat_messages(part, &messages);
    }
    if (as_is) {
      const std::string id = unique_id(&out_->ids, to_id(base, fallback));
      Json prompt = {{"id", id}, {"file", context_.suite_relative(path)}};
      if (!params.empty()) prompt["params"] = params;
      std::vector<std::string> ids;
      for (size_t i = 0; i < parts.size(); ++i) {
        ids.push_back(parts.size() == 1 ? id : id + "-" + std::to_string(i + 1));
        out_->ids.insert(ids.back());
        remember({parts[i]}, {ids.back()});
      }
      for (const auto& name : names) remember({name}, ids);
      out_->prompts.push_back(prompt);
      return;
    }
    for (size_t i = 0; i < parts.size(); ++i) {
      add_text(node, parts[i], parts.size() == 1 ? base : base + "-" + std::to_string(i + 1), names,
               params);
    }
  }

  void glob_entry(const YAML::Node& node, const std::string& reference, const std::string& label,
                  const Json& params) {
    const std::filesystem::path pattern(context_.resolve(reference));
    const std::filesystem::path dir = pattern.parent_path();
    const std::string name_pattern = pattern.filename().string();
    if (name_pattern.find_first_of("*?[") == std::string::npos ||
        dir.string().find_first_of("*?[") != std::string::npos) {
      context_.dropped(node, "prompt glob '" + reference +
                                 "' is not converted (only file-name "
                                 "wildcards are)");
      return;
    }
    std::vector<std::string> files;
    std::error_code ec;
    for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
      if (entry.is_regular_file() &&
          wildcard_match(name_pattern, entry.path().filename().string())) {
        files.push_back(entry.path().string());
      }
    }
    std::sort(files.begin(), files.end());
    if (files.empty()) context_.dropped(node, "prompt glob '" + reference + "' matches no file");
    for (const auto& file : files)
      file_entry(node, file, "", label.empty() ? "prompt" : label, params);
  }

  static bool wildcard_match(const std::string& pattern, const std::string& name) {
    size_t p = 0, n = 0, star = std::string::npos, mark = 0;
    while (n < name.size()) {
      if (p < pattern.size() && (pattern[p] == '?' || pattern[p] == name[n])) {
        ++p;
        ++n;
      } else if (p < pattern.size() && pattern[p] == '*') {
        star = p++;
        mark = n;
      } else if (star != std::string::npos) {
        p = star + 1;
        n = ++mark;
      } else {
        return false;
      }
    }
    while (p < pattern.size() && pattern[p] == '*') ++p;
    return p == pattern.size();
  }

  static std::vector<std::string> split_lines(const std::string& text) {
    std::vector<std::string> lines;
    size_t position = 0;
    while (position < text.size()) {
      size_t end = text.find('\n', position);
      if (end == std::string::npos) end = text.size();
      lines.push_back(text.substr(position, end - position));
      position = end + 1;
    }
    return lines;
  }

  void add_text(const YAML::Node& node, const std::string& text, const std::string& name,
                const std::vector<std::string>& names, const Json& params) {
    Json messages;
    if (chat_messages(text, &messages)) return add_messages(node, messages, name, names, params);
    std::string converted, problem;
    if (!evalkit_template(text, &converted, &problem)) {
      context_.dropped(node, "prompt '" + name + "' " + problem);
      return;
    }
    const std::string id = unique_id(&out_->ids, to_id(name, "prompt"));
    Json prompt = {{"id", id}, {"prompt", converted}};
    if (!params.empty()) prompt["params"] = params;
    out_->prompts.push_back(prompt);
    remember(names, {id});
    remember({text}, {id});
  }

  void add_messages(const YAML::Node& node, const Json& messages, const std::string& name,
                    const std::vector<std::string>& names, const Json& params,
                    const std::string& file = "") {
    Json out = Json::array();
    bool as_is = !file.empty();
    for (const auto& m : messages) {
      const std::string role = m.value("role", "");
      if (role != "system" && role != "user" && role != "assistant") {
        context_.dropped(node, "prompt '" + name + "': message role '" + role +
                                   "' is not converted (evalkit prompts use system, user and "
                                   "assistant)");
        return;
      }
      if (!m.contains("content") || !m["content"].is_string()) {
        context_.dropped(node, "prompt '" + name +
                                   "': message content that is not text (images, tool calls) "
                                   "is not converted");
        return;
      }
      std::string converted, problem;
      const std::string content = m["content"].get<std::string>();
      if (!evalkit_template(content, &converted, &problem)) {
        context_.dropped(node, "prompt '" + name + "' " + problem);
        return;
      }
      as_is = as_is && converted == content && m.size() == 2;
      out.push_back({{"role", role}, {"content", converted}});
    }
    const std::string id = unique_id(&out_->ids, to_id(name, "prompt"));
    Json prompt = {{"id", id}};
    if (as_is) {
      prompt["file"] = context_.suite_relative(file);
    } else {
      prompt["messages"] = out;
    }
    if (!params.empty()) prompt["params"] = params;
    out_->prompts.push_back(prompt);
    remember(names, {id});
  }

  void remember(const std::vector<std::string>& names, const std::vector<std::string>& ids) {
    for (const auto& name : names) {
      if (name.empty()) continue;
      auto& list = out_->by_name[name];
      list.insert(list.end(), ids.begin(), ids.end());
    }
  }

  ImportContext& context_;
  ConvertedPrompts* out_;
};

}  // namespace

std::string unique_id(std::set<std::string>* used, const std::string& wanted) {
  std::string id = wanted;
  for (int n = 2; used->count(id); ++n) id = wanted + "-" + std::to_string(n);
  used->insert(id);
  return id;
}

void convert_prompts(const YAML::Node& node, ImportContext& context, ConvertedPrompts* out) {
  if (!node) return;
  PromptConverter converter(context, out);
  if (node.IsMap()) {
    // {"prompts/a.txt": "label a", ...}
    size_t number = 0;
    for (const auto& item : node) {
      converter.entry(item.first, ++number, item.second.as<std::string>(""));
    }
    return;
  }
  if (!node.IsSequence()) {
    converter.entry(node, 1);
    return;
  }
  size_t number = 0;
  for (const auto& item : node) {
    context.tick();
    converter.entry(item, ++number);
  }
}

}  // namespace evalkit::promptfoo

#include "evalkit/suite/yaml_writer.h"

#include <algorithm>
#include <cctype>

namespace evalkit {
namespace {

constexpr size_t kFlowWidth = 90;

bool reserved_word(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return char(std::tolower(c)); });
  static const char* kWords[] = {"true", "false", "null", "yes", "no",  "on",
                                 "off",  "y",     "n",    "inf", "nan", "infinity"};
  return std::any_of(std::begin(kWords), std::end(kWords),
                     [&](const char* word) { return text == word; });
}

std::string escape_expansion(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '$' && i + 1 < text.size() && text[i + 1] == '{') out += '$';
    out += text[i];
  }
  return out;
}

std::string double_quoted(const std::string& text) {
  return nlohmann::json(text).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

bool literal_block_fits(const std::string& text) {
  if (text.find('\n') == std::string::npos || text.front() == ' ' || text.front() == '\n') {
    return false;
  }
  for (unsigned char c : text) {
    if ((c < 0x20 && c != '\n' && c != '\t') || c == 0x7f) return false;
  }
  const size_t trailing = text.size() - 1 - text.find_last_not_of('\n');
  if (trailing > 1 || text.find_last_not_of('\n') == std::string::npos) return false;
  // A line of spaces only right after the header would set the indentation wrongly.
  const size_t first_break = text.find('\n');
  return text.find_first_not_of(' ', 0) < first_break;
}

class Writer {
 public:
  explicit Writer(const YamlWriterOptions& options) : options_(options) {}

  std::string scalar(const nlohmann::ordered_json& value, bool expand) const {
    if (value.is_null()) return "null";
    if (value.is_boolean()) return value.get<bool>() ? "true" : "false";
    if (value.is_number()) return value.dump();  // shortest form that reads back exactly
    std::string text = value.get<std::string>();
    if (!expand) text = escape_expansion(text);
    return is_plain_yaml_string(text) ? text : double_quoted(text);
  }

  bool is_scalar(const nlohmann::ordered_json& value) const {
    return !value.is_object() && !value.is_array();
  }

  // [a, b] or {a: 1, b: 2} when value is small and holds only one-line scalars.
  bool flow(const nlohmann::ordered_json& value, bool expand, size_t indent,
            std::string* out) const {
    if (value.empty()) {
      *out = value.is_array() ? "[]" : "{}";
      return true;
    }
    std::string text = value.is_array() ? "[" : "{";
    bool first = true;
    for (auto it = value.begin(); it != value.end(); ++it) {
      if (!is_scalar(*it)) return false;
      if (it->is_string() && it->get_ref<const std::string&>().find('\n') != std::string::npos) {
        return false;
      }
      text += first ? "" : ", ";
      first = false;
      if (value.is_object()) text += key(it.key()) + ": ";
      text += scalar(*it, expand || (value.is_object() && expands(it.key())));
    }
    text += value.is_array() ? "]" : "}";
    if (indent + text.size() > kFlowWidth || (value.is_object() && value.size() > 4)) return false;
    *out = std::move(text);
    return true;
  }

  std::string key(const std::string& name) const {
    return is_plain_yaml_string(name) ? name : double_quoted(name);
  }

  bool expands(const std::string& name) const {
    return std::find(options_.expand_keys.begin(), options_.expand_keys.end(), name) !=
           options_.expand_keys.end();
  }

  // Writes "<value>\n" for a value that follows "key:" or "- " at the given indent.
  void value_after(const nlohmann::ordered_json& value, bool expand, size_t indent,
                   std::string* out) const {
    std::string inline_form;
    if (is_scalar(value)) {
      if (value.is_string() && !expand) {
        const std::string text = escape_expansion(value.get<std::string>());
        if (!is_plain_yaml_string(text) && literal_block_fits(text)) {
          literal(text, indent + 2, out);
          return;
        }
      }
      *out += " " + scalar(value, expand) + "\n";
    } else if (flow(value, expand, indent, &inline_form)) {
      *out += " " + inline_form + "\n";
    } else {
      *out += "\n";
      block(value, expand, indent + 2, out);
    }
  }

  void literal(const std::string& text, size_t indent, std::string* out) const {
    const bool ends_with_newline = text.back() == '\n';
    *out += ends_with_newline ? " |\n" : " |-\n";
    const std::string body = ends_with_newline ? text.substr(0, text.size() - 1) : text;
    size_t position = 0;
    while (position <= body.size()) {
      size_t end = body.find('\n', position);
      if (end == std::string::npos) end = body.size();
      const std::string line = body.substr(position, end - position);
      *out += line.empty() ? "\n" : std::string(indent, ' ') + line + "\n";
      position = end + 1;
    }
  }

  void block(const nlohmann::ordered_json& value, bool expand, size_t indent,
             std::string* out) const {
    const std::string pad(indent, ' ');
    if (value.is_array()) {
      for (const auto& item : value) {
        if (item.is_object() && !item.empty()) {
          std::string inline_form;
          if (flow(item, expand, indent + 2, &inline_form)) {
            *out += pad + "- " + inline_form + "\n";
            continue;
          }
          // "- first: v" then the other keys aligned under it.
          std::string nested;
          block(item, expand, indent + 2, &nested);
          *out += pad + "- " + nested.substr(indent + 2);
        } else {
          *out += pad + "-";
          value_after(item, expand, indent, out);
        }
      }
      return;
    }
    for (auto it = value.begin(); it != value.end(); ++it) {
      *out += pad + key(it.key()) + ":";
      value_after(*it, expand || expands(it.key()), indent, out);
    }
  }

 private:
  const YamlWriterOptions& options_;
};

}  // namespace

bool is_plain_yaml_string(const std::string& text) {
  if (text.empty() || reserved_word(text)) return false;
  const unsigned char first = static_cast<unsigned char>(text.front());
  if (!std::isalpha(first) && first != '_' && first != '/') return false;
  if (text.back() == ' ') return false;
  return std::all_of(text.begin(), text.end(), [](unsigned char c) {
    return std::isalnum(c) || c == '_' || c == ' ' || c == '.' || c == '/' || c == '(' ||
           c == ')' || c == '@' || c == '+' || c == '-' || c == '\'' || c >= 0x80;
  });
}

std::string to_yaml(const nlohmann::ordered_json& value, const YamlWriterOptions& options) {
  Writer writer(options);
  std::string out;
  if (value.is_object() || value.is_array()) {
    writer.block(value, false, 0, &out);
  } else {
    out = writer.scalar(value, false) + "\n";
  }
  return out;
}

}  // namespace evalkit

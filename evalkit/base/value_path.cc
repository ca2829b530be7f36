#include "evalkit/base/value_path.h"

#include <charconv>

namespace evalkit {
namespace {

// Integers of at most 9 digits (with an optional '-'), so an index never overflows.
std::optional<int64_t> integer_of(std::string_view text) {
  const std::string_view digits = !text.empty() && text[0] == '-' ? text.substr(1) : text;
  if (digits.empty() || digits.size() > 9 ||
      digits.find_first_not_of("0123456789") != std::string_view::npos) {
    return std::nullopt;
  }
  int64_t value = 0;
  std::from_chars(text.data(), text.data() + text.size(), value);
  return value;
}

PathStep plain_step(std::string text) {
  PathStep step;
  step.index = integer_of(text);
  step.key = std::move(text);
  return step;
}

std::string at_character(size_t position, std::string_view text) {
  return " at character " + std::to_string(position + 1) + " of '" + std::string(text) + "'";
}

bool parse_pointer(std::string_view text, std::vector<PathStep>* steps, std::string* error) {
  size_t start = 1;
  while (true) {
    const size_t slash = text.find('/', start);
    const std::string_view raw = text.substr(
        start, slash == std::string_view::npos ? std::string_view::npos : slash - start);
    std::string token;
    for (size_t i = 0; i < raw.size(); ++i) {
      if (raw[i] != '~') {
        token += raw[i];
      } else if (i + 1 < raw.size() && (raw[i + 1] == '0' || raw[i + 1] == '1')) {
        token += raw[i + 1] == '0' ? '~' : '/';
        ++i;
      } else {
        *error = "'~' must be followed by 0 or 1 in a JSON pointer" + at_character(start + i, text);
        return false;
      }
    }
    // A pointer's "-" or negative number is a key, not an index from the end.
    PathStep step;
    if (token.empty() || token[0] != '-') step.index = integer_of(token);
    step.key = std::move(token);
    steps->push_back(std::move(step));
    if (slash == std::string_view::npos) return true;
    start = slash + 1;
  }
}

// A ['key'], ["key"] or [index] step starting at text[*at] == '['; advances *at past ']'.
bool parse_bracket(std::string_view text, size_t* at, std::vector<PathStep>* steps,
                   std::string* error) {
  const size_t open = *at;
  size_t i = open + 1;
  if (i < text.size() && (text[i] == '\'' || text[i] == '"')) {
    const char quote = text[i++];
    std::string key;
    while (i < text.size() && text[i] != quote) {
      if (text[i] == '\\' && i + 1 < text.size()) ++i;
      key += text[i++];
    }
    if (i + 1 >= text.size() || text[i + 1] != ']') {
      *error = "unclosed quoted key" + at_character(open, text);
      return false;
    }
    PathStep step;
    step.key = std::move(key);
    step.bracketed_key = true;
    steps->push_back(std::move(step));
    *at = i + 2;
    return true;
  }
  const size_t close = text.find(']', i);
  if (close == std::string_view::npos) {
    *error = "'[' without ']'" + at_character(open, text);
    return false;
  }
  const std::string_view inside = text.substr(i, close - i);
  if (!integer_of(inside)) {
    *error = "expected an index such as [0] or [-1], or a quoted key such as ['a.b']" +
             at_character(open, text);
    return false;
  }
  steps->push_back(plain_step(std::string(inside)));
  *at = close + 1;
  return true;
}

bool parse_dotted(std::string_view text, size_t start, std::vector<PathStep>* steps,
                  std::string* error) {
  size_t i = start;
  bool expect_step = true;  // at the start or after a '.'
  while (i < text.size()) {
    const char c = text[i];
    if (c == '[') {
      if (!parse_bracket(text, &i, steps, error)) return false;
      expect_step = false;
      continue;
    }
    if (c == '.') {
      if (expect_step) {
        *error = "empty step" + at_character(i, text);
        return false;
      }
      expect_step = true;
      ++i;
      continue;
    }
    if (c == ']') {
      *error = "']' without '['" + at_character(i, text);
      return false;
    }
    if (!expect_step) {
      *error = "expected '.' or '[' before a step" + at_character(i, text);
      return false;
    }
    size_t end = i;
    while (end < text.size() && text[end] != '.' && text[end] != '[' && text[end] != ']') ++end;
    steps->push_back(plain_step(std::string(text.substr(i, end - i))));
    expect_step = false;
    i = end;
  }
  if (expect_step) {
    *error =
        steps->empty() ? "the path is empty" : "the path ends with '.'" + at_character(i - 1, text);
    return false;
  }
  return true;
}

}  // namespace

bool ValuePath::parse(std::string_view text, ValuePath* out, std::string* error) {
  out->text_ = std::string(text);
  out->steps_.clear();
  if (text.empty()) {
    *error = "the path is empty";
    return false;
  }
  if (text[0] == '/') return parse_pointer(text, &out->steps_, error);
  size_t start = 0;
  if (text[0] == '$') {
    start = text.size() > 1 && text[1] == '.' ? 2 : 1;
    if (start == text.size()) {
      *error = "the path names no step after '$'";
      return false;
    }
  }
  return parse_dotted(text, start, &out->steps_, error);
}

std::string ValuePath::prefix(size_t count) const {
  std::string out;
  for (size_t i = 0; i < count && i < steps_.size(); ++i) {
    const PathStep& step = steps_[i];
    const bool plain = !step.bracketed_key && !step.key.empty() &&
                       step.key.find_first_of(".[]/") == std::string::npos;
    if (plain) {
      out += (out.empty() ? "" : ".") + step.key;
    } else {
      out += "['" + step.key + "']";
    }
  }
  return out;
}

const nlohmann::json* step_into(const nlohmann::json& node, const PathStep& step) {
  if (node.is_object()) {
    const auto it = node.find(step.key);
    return it == node.end() ? nullptr : &*it;
  }
  if (node.is_array() && step.index && !step.bracketed_key) {
    const int64_t size = static_cast<int64_t>(node.size());
    const int64_t index = *step.index < 0 ? size + *step.index : *step.index;
    if (index < 0 || index >= size) return nullptr;
    return &node[static_cast<size_t>(index)];
  }
  return nullptr;
}

std::string why_missing(const nlohmann::json& node, const PathStep& step,
                        const std::string& where) {
  const std::string named = where.empty() ? "the value" : "'" + where + "'";
  if (node.is_object()) {
    return (where.empty() ? "'" : "'" + where + ".") + step.key + "' is missing";
  }
  if (node.is_array()) {
    const size_t size = node.size();
    const std::string items = std::to_string(size) + (size == 1 ? " item" : " items");
    if (!step.index || step.bracketed_key) {
      return named + " is a list of " + items + "; step into it with an index such as " +
             (where.empty() ? std::string("0") : where + ".0") + ", not '" + step.key + "'";
    }
    return named + " has " + items + ", there is no item " + step.key;
  }
  const std::string type = node.is_string()    ? "a string"
                           : node.is_null()    ? "null"
                           : node.is_boolean() ? "a boolean"
                                               : "a number";
  return named + " is " + type + ", it has no '" + step.key + "'";
}

}  // namespace evalkit

#include "evalkit/text/normalize.h"

#include <cctype>

namespace evalkit {
namespace {

bool is_space(char c) { return std::isspace(static_cast<unsigned char>(c)) != 0; }

std::string trim(std::string_view text) {
  size_t begin = 0;
  size_t end = text.size();
  while (begin < end && is_space(text[begin])) ++begin;
  while (end > begin && is_space(text[end - 1])) --end;
  return std::string(text.substr(begin, end - begin));
}

std::string collapse_whitespace(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  bool in_space = false;
  for (const char c : text) {
    if (is_space(c)) {
      if (!in_space) out.push_back(' ');
      in_space = true;
    } else {
      out.push_back(c);
      in_space = false;
    }
  }
  return out;
}

std::string strip_punctuation(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    // Bytes >= 0x80 belong to UTF-8 sequences and are never ASCII punctuation.
    if (!std::ispunct(static_cast<unsigned char>(c))) out.push_back(c);
  }
  return out;
}

}  // namespace

const char* normalize_step_name(NormalizeStep step) {
  switch (step) {
    case NormalizeStep::kLower:
      return "lower";
    case NormalizeStep::kTrim:
      return "trim";
    case NormalizeStep::kCollapseWhitespace:
      return "collapse_whitespace";
    case NormalizeStep::kStripPunctuation:
      return "strip_punctuation";
  }
  return "";
}

const std::vector<std::string>& normalize_step_names() {
  static const std::vector<std::string> names = {"lower", "trim", "collapse_whitespace",
                                                 "strip_punctuation"};
  return names;
}

bool parse_normalize_step(std::string_view name, NormalizeStep* step) {
  for (const NormalizeStep candidate :
       {NormalizeStep::kLower, NormalizeStep::kTrim, NormalizeStep::kCollapseWhitespace,
        NormalizeStep::kStripPunctuation}) {
    if (name == normalize_step_name(candidate)) {
      *step = candidate;
      return true;
    }
  }
  return false;
}

std::string ascii_lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

std::string normalize_text(std::string_view text, const std::vector<NormalizeStep>& steps) {
  std::string out(text);
  for (const NormalizeStep step : steps) {
    switch (step) {
      case NormalizeStep::kLower:
        out = ascii_lower(out);
        break;
      case NormalizeStep::kTrim:
        out = trim(out);
        break;
      case NormalizeStep::kCollapseWhitespace:
        out = collapse_whitespace(out);
        break;
      case NormalizeStep::kStripPunctuation:
        out = strip_punctuation(out);
        break;
    }
  }
  return out;
}

std::string normalize_signature(const std::vector<NormalizeStep>& steps) {
  if (steps.empty()) return "none";
  std::string out;
  for (const NormalizeStep step : steps) {
    if (!out.empty()) out += ",";
    out += normalize_step_name(step);
  }
  return out;
}

}  // namespace evalkit

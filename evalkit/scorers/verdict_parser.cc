#include "evalkit/base/json_parse.h"
#include "evalkit/scorers/verdict_parser.h"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <vector>

#include <nlohmann/json.hpp>

namespace evalkit {
namespace {

bool is_space(char c) { return std::isspace(static_cast<unsigned char>(c)) != 0; }

std::string_view trim(std::string_view text) {
  while (!text.empty() && is_space(text.front())) text.remove_prefix(1);
  while (!text.empty() && is_space(text.back())) text.remove_suffix(1);
  return text;
}

std::string upper(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

// Markdown emphasis, quotes and brackets that models put around a verdict.
bool is_decoration(char c) {
  return is_space(c) || c == '*' || c == '_' || c == '`' || c == '"' || c == '\'' || c == '(' ||
         c == ')' || c == '[' || c == ']' || c == '.' || c == ':' || c == '#' || c == '-';
}

std::string format_number(double value) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%g", value);
  return buffer;
}

std::string choice_list(const VerdictSpec& spec) {
  std::string out;
  for (const auto& [label, score] : spec.choices) out += (out.empty() ? "" : ", ") + label;
  return out;
}

// The index one past the '}' closing the object opening at text[open], or npos when the
// text ends first (a truncated answer).
size_t object_end(std::string_view text, size_t open) {
  int depth = 0;
  bool in_string = false;
  for (size_t i = open; i < text.size(); ++i) {
    const char c = text[i];
    if (in_string) {
      if (c == '\\') {
        ++i;
      } else if (c == '"') {
        in_string = false;
      }
    } else if (c == '"') {
      in_string = true;
    } else if (c == '{') {
      ++depth;
    } else if (c == '}' && --depth == 0) {
      return i + 1;
    }
  }
  return std::string_view::npos;
}

// JSON objects in the answer, fenced blocks first, then every balanced {...} in order.
std::vector<std::string_view> json_candidates(std::string_view text) {
  std::vector<std::string_view> out;
  for (size_t fence = text.find("```"); fence != std::string_view::npos;) {
    const size_t body = text.find('\n', fence);
    if (body == std::string_view::npos) break;
    const size_t close = text.find("```", body);
    if (close == std::string_view::npos) break;
    out.push_back(trim(text.substr(body + 1, close - body - 1)));
    fence = text.find("```", close + 3);
  }
  for (size_t open = text.find('{'); open != std::string_view::npos;
       open = text.find('{', open + 1)) {
    const size_t end = object_end(text, open);
    if (end != std::string_view::npos) out.push_back(text.substr(open, end - open));
  }
  return out;
}

Verdict failure(std::string error) {
  Verdict verdict;
  verdict.error = std::move(error);
  return verdict;
}

// Maps a number read from the answer onto [0, 1] by the spec's scale, or checks that it
// already is in [0, 1] when the spec has no scale.
Verdict from_number(const VerdictSpec& spec, double value, std::string label) {
  const bool scaled = spec.scale_max > spec.scale_min;
  const double low = scaled ? spec.scale_min : 0.0;
  const double high = scaled ? spec.scale_max : 1.0;
  if (!(value >= low && value <= high)) {
    return failure("score " + label + " is outside " + format_number(low) + ".." +
                   format_number(high));
  }
  Verdict verdict;
  verdict.ok = true;
  verdict.score = scaled ? (value - low) / (high - low) : value;
  verdict.label = std::move(label);
  return verdict;
}

Verdict from_label(const VerdictSpec& spec, std::string_view label) {
  const std::string key = upper(trim(label));
  const auto it = spec.choices.find(key);
  if (it == spec.choices.end()) {
    return failure("'" + std::string(label) + "' is not one of " + choice_list(spec));
  }
  Verdict verdict;
  verdict.ok = true;
  verdict.score = it->second;
  verdict.label = key;
  return verdict;
}

Verdict parse_json_verdict(const VerdictSpec& spec, std::string_view answer) {
  for (std::string_view candidate : json_candidates(answer)) {
    const nlohmann::json value = parse_untrusted_json(candidate);
    if (!value.is_object() || !value.contains(spec.score_field)) continue;
    const nlohmann::json& field = value[spec.score_field];
    Verdict verdict;
    if (field.is_boolean()) {
      verdict.ok = true;
      verdict.score = field.get<bool>() ? 1.0 : 0.0;
      verdict.label = field.get<bool>() ? "true" : "false";
    } else if (field.is_number()) {
      verdict = from_number(spec, field.get<double>(), field.dump());
    } else if (field.is_string() && !spec.choices.empty()) {
      verdict = from_label(spec, field.get<std::string>());
    } else {
      return failure("field '" + spec.score_field + "' holds " + field.dump() + ", not a score");
    }
    if (verdict.ok && !spec.reason_field.empty() && value.contains(spec.reason_field) &&
        value[spec.reason_field].is_string()) {
      verdict.reason = value[spec.reason_field].get<std::string>();
    }
    return verdict;
  }
  return failure("no complete JSON object with a '" + spec.score_field + "' field");
}

// The verdict token at the start of text: decoration skipped, then a run of letters and
// digits (and '.' inside numbers). Sets *rest to what follows it.
std::string_view leading_token(std::string_view text, std::string_view* rest) {
  size_t start = 0;
  while (start < text.size() && is_decoration(text[start])) ++start;
  size_t end = start;
  while (end < text.size() && (std::isalnum(static_cast<unsigned char>(text[end])) ||
                               (text[end] == '.' && end > start && end + 1 < text.size() &&
                                std::isdigit(static_cast<unsigned char>(text[end + 1]))))) {
    ++end;
  }
  *rest = text.substr(end);
  return text.substr(start, end - start);
}

Verdict parse_line_verdict(const VerdictSpec& spec, std::string_view answer) {
  std::string_view line;    // where the verdict token is read from
  std::string_view before;  // the judge's reasoning
  bool alone = true;        // without a marker, the line must hold the verdict and nothing else
  const std::string haystack = upper(answer);
  const size_t marker =
      spec.prefix.empty() ? std::string::npos : haystack.rfind(upper(spec.prefix));
  if (marker != std::string::npos) {
    const size_t after = marker + spec.prefix.size();
    const size_t line_end = answer.find('\n', after);
    line = answer.substr(after, line_end == std::string_view::npos ? line_end : line_end - after);
    const size_t line_start = answer.rfind('\n', marker);
    before = answer.substr(0, line_start == std::string_view::npos ? 0 : line_start);
    alone = false;
  } else {
    const std::string_view trimmed = trim(answer);
    const size_t last_break = trimmed.rfind('\n');
    line = last_break == std::string_view::npos ? trimmed : trimmed.substr(last_break + 1);
    before =
        last_break == std::string_view::npos ? std::string_view() : trimmed.substr(0, last_break);
  }
  std::string_view rest;
  const std::string_view token = leading_token(line, &rest);
  const bool trailing_text =
      std::any_of(rest.begin(), rest.end(), [](char c) { return !is_decoration(c); });
  const std::string expected = spec.format == VerdictSpec::Format::kChoice
                                   ? "one of " + choice_list(spec)
                                   : "a number from " + format_number(spec.scale_min) + " to " +
                                         format_number(spec.scale_max);
  if (token.empty() || (alone && trailing_text)) {
    if (!alone) return failure("what follows '" + spec.prefix + "' is not " + expected);
    return failure((spec.prefix.empty() ? std::string("the last line")
                                        : "no '" + spec.prefix + "' marker and the last line") +
                   " is not " + expected);
  }
  Verdict verdict;
  if (spec.format == VerdictSpec::Format::kChoice) {
    verdict = from_label(spec, token);
  } else {
    const std::string number(token);
    char* end = nullptr;
    const double value = std::strtod(number.c_str(), &end);
    if (end != number.c_str() + number.size()) {
      return failure("'" + number + "' is not " + expected);
    }
    verdict = from_number(spec, value, number);
  }
  if (!verdict.ok) return verdict;
  verdict.reason = std::string(trim(before));
  if (verdict.reason.empty()) {
    while (!rest.empty() && is_decoration(rest.front())) rest.remove_prefix(1);
    verdict.reason = std::string(trim(rest));
  }
  return verdict;
}

}  // namespace

Verdict parse_verdict(const VerdictSpec& spec, std::string_view answer) {
  if (trim(answer).empty()) return failure("the judge's answer is empty");
  switch (spec.format) {
    case VerdictSpec::Format::kJson:
      return parse_json_verdict(spec, answer);
    case VerdictSpec::Format::kChoice:
    case VerdictSpec::Format::kScale:
      return parse_line_verdict(spec, answer);
  }
  return failure("unknown verdict format");
}

}  // namespace evalkit

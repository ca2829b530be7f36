#include "evalkit/text/tokenizer_13a.h"

#include <array>
#include <cstring>

#include "evalkit/text/python_whitespace.h"
#include "evalkit/text/utf8.h"

// The 13a rules are Python re.sub passes with two-character patterns. They run here on
// UTF-8 bytes: every pattern byte is ASCII, so a multi-byte character can neither match nor
// be split, and each pass reproduces re.sub's leftmost, non-overlapping matching.

namespace evalkit {
namespace {

// Rule 1's class [\{-\~\[-\` -\&\(-\+\:-\@\/]: {|}~ [\]^_` space!"#$%& ()*+ :;<=>?@ /
std::array<bool, 256> build_symbol_table() {
  std::array<bool, 256> table{};
  auto mark = [&table](char first, char last) {
    for (int c = first; c <= last; ++c) table[static_cast<unsigned char>(c)] = true;
  };
  mark('{', '~');
  mark('[', '`');
  mark(' ', '&');
  mark('(', '+');
  mark(':', '@');
  mark('/', '/');
  return table;
}

const std::array<bool, 256> kSplitSymbol = build_symbol_table();

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_period_or_comma(char c) { return c == '.' || c == ','; }

// Python str.replace(pattern, replacement): left to right, non-overlapping.
void replace_all(std::string_view text, std::string_view pattern, std::string_view replacement,
                 std::string* out) {
  out->clear();
  std::size_t start = 0;
  while (true) {
    const std::size_t hit = text.find(pattern, start);
    if (hit == std::string_view::npos) break;
    out->append(text.substr(start, hit - start));
    out->append(replacement);
    start = hit + pattern.size();
  }
  out->append(text.substr(start));
}

// Applies a regex ([first])([second]) as re.sub does. The replacement puts one space
// between the captured characters and one after them ("\1 \2 "), or before each of them
// (" \1 \2") when space_first. Writes through a raw pointer: this runs on every segment.
template <typename First, typename Second>
void substitute_pairs(const std::string& text, std::string* out, First first, Second second,
                      bool space_first) {
  const std::size_t n = text.size();
  out->resize(2 * n);  // each 2-byte match grows to 4 bytes
  char* o = out->data();
  const char* s = text.data();
  std::size_t i = 0;
  while (i < n) {
    if (i + 1 < n && first(s[i]) && second(s[i + 1])) {
      if (space_first) {
        o[0] = ' ';
        o[1] = s[i];
        o[2] = ' ';
        o[3] = s[i + 1];
      } else {
        o[0] = s[i];
        o[1] = ' ';
        o[2] = s[i + 1];
        o[3] = ' ';
      }
      o += 4;
      i += 2;
    } else {
      *o++ = s[i++];
    }
  }
  out->resize(static_cast<std::size_t>(o - out->data()));
}

// Python str.split() then " ".join(), on valid UTF-8.
void join_python_words(std::string_view text, std::string* out) {
  out->resize(text.size());
  char* o = out->data();
  const std::size_t n = text.size();
  std::size_t i = 0;
  bool first = true;
  while (i < n) {
    std::size_t ws;
    while (i < n && (ws = python_whitespace_length(text, i)) != 0) i += ws;
    if (i >= n) break;
    if (!first) *o++ = ' ';
    first = false;
    while (i < n && python_whitespace_length(text, i) == 0) *o++ = text[i++];
  }
  out->resize(static_cast<std::size_t>(o - out->data()));
}

}  // namespace

std::string_view unescape_13a(std::string_view line, std::string* storage) {
  // ("\n" -> " " is left to the final split: no later rule treats the two differently.)
  thread_local std::string scratch;
  std::string_view text = line;
  std::string* spare = storage;
  std::string* other = &scratch;
  auto replace_step = [&](std::string_view pattern, std::string_view replacement) {
    if (text.find(pattern) == std::string_view::npos) return;
    replace_all(text, pattern, replacement, spare);
    text = *spare;
    std::swap(spare, other);
  };
  replace_step("<skipped>", "");
  replace_step("-\n", "");
  if (text.find('&') != std::string_view::npos) {
    replace_step("&quot;", "\"");
    replace_step("&amp;", "&");
    replace_step("&lt;", "<");
    replace_step("&gt;", ">");
  }
  if (text.data() == scratch.data()) {  // the result must live in *storage
    storage->assign(text);
    text = *storage;
  }
  return text;
}

void split_13a(std::string_view text, std::string* out) {
  thread_local std::string a, b;
  std::string* spare = &a;
  std::string* other = &b;

  // Rule 1 on " " + line + " ": ASCII symbols get spaces around them.
  std::string* cur = spare;
  std::string* next = other;
  cur->resize(text.size() * 3 + 2);
  char* o = cur->data();
  *o++ = ' ';
  bool has_period_or_comma = false;
  bool has_hyphen = false;
  for (char c : text) {
    if (kSplitSymbol[static_cast<unsigned char>(c)]) {
      o[0] = ' ';
      o[1] = c;
      o[2] = ' ';
      o += 3;
    } else {
      has_period_or_comma |= is_period_or_comma(c);
      has_hyphen |= c == '-';
      *o++ = c;
    }
  }
  *o++ = ' ';
  cur->resize(static_cast<std::size_t>(o - cur->data()));

  auto not_digit = [](char c) { return !is_digit(c); };
  if (has_period_or_comma) {
    // Rule 2: ([^0-9])([\.,]) -> "\1 \2 "
    substitute_pairs(*cur, next, not_digit, is_period_or_comma, false);
    std::swap(cur, next);
    // Rule 3: ([\.,])([^0-9]) -> " \1 \2"
    substitute_pairs(*cur, next, is_period_or_comma, not_digit, true);
    std::swap(cur, next);
  }
  if (has_hyphen) {
    // Rule 4: ([0-9])(-) -> "\1 \2 "
    substitute_pairs(
        *cur, next, is_digit, [](char c) { return c == '-'; }, false);
    std::swap(cur, next);
  }
  join_python_words(*cur, out);
}

void tokenize_13a(std::string_view line, std::string* out) {
  thread_local std::string repaired, unescaped;
  split_13a(unescape_13a(valid_utf8(line, &repaired), &unescaped), out);
}

}  // namespace evalkit

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

// Applies a regex ([first])([second]) -> replacement, as re.sub does, where the replacement
// puts spaces around the two captured characters.
template <typename First, typename Second, typename Emit>
void substitute_pairs(const std::string& text, std::string* out, First first, Second second,
                      Emit emit) {
  out->clear();
  const std::size_t n = text.size();
  std::size_t i = 0;
  while (i < n) {
    if (i + 1 < n && first(text[i]) && second(text[i + 1])) {
      emit(text[i], text[i + 1], out);
      i += 2;
    } else {
      out->push_back(text[i]);
      ++i;
    }
  }
}

}  // namespace

void tokenize_13a(std::string_view line, std::string* out) {
  thread_local std::string repaired, a, b;
  std::string_view text = valid_utf8(line, &repaired);

  // Language-independent part. ("\n" -> " " is left to the final split: no later rule
  // treats the two differently.)
  std::string* spare = &a;
  std::string* other = &b;
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

  // Rule 1 on " " + line + " ": ASCII symbols get spaces around them.
  std::string* cur = spare;
  std::string* next = other;
  cur->clear();
  cur->reserve(text.size() * 2 + 2);
  cur->push_back(' ');
  bool has_period_or_comma = false;
  bool has_hyphen = false;
  for (char c : text) {
    if (kSplitSymbol[static_cast<unsigned char>(c)]) {
      cur->push_back(' ');
      cur->push_back(c);
      cur->push_back(' ');
    } else {
      has_period_or_comma |= is_period_or_comma(c);
      has_hyphen |= c == '-';
      cur->push_back(c);
    }
  }
  cur->push_back(' ');

  if (has_period_or_comma) {
    // Rule 2: ([^0-9])([\.,]) -> "\1 \2 "
    substitute_pairs(
        *cur, next, [](char c) { return !is_digit(c); }, is_period_or_comma,
        [](char x, char y, std::string* o) {
          o->push_back(x);
          o->push_back(' ');
          o->push_back(y);
          o->push_back(' ');
        });
    std::swap(cur, next);
    // Rule 3: ([\.,])([^0-9]) -> " \1 \2"
    substitute_pairs(
        *cur, next, is_period_or_comma, [](char c) { return !is_digit(c); },
        [](char x, char y, std::string* o) {
          o->push_back(' ');
          o->push_back(x);
          o->push_back(' ');
          o->push_back(y);
        });
    std::swap(cur, next);
  }
  if (has_hyphen) {
    // Rule 4: ([0-9])(-) -> "\1 \2 "
    substitute_pairs(
        *cur, next, is_digit, [](char c) { return c == '-'; },
        [](char x, char y, std::string* o) {
          o->push_back(x);
          o->push_back(' ');
          o->push_back(y);
          o->push_back(' ');
        });
    std::swap(cur, next);
  }

  out->clear();
  for_each_python_word(*cur, [out](std::string_view word) {
    if (!out->empty()) out->push_back(' ');
    out->append(word);
  });
}

}  // namespace evalkit

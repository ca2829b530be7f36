// Whitespace exactly as Python's str.split() and str.rstrip() see it: ASCII \t\n\v\f\r and
// space, the separators \x1c-\x1f, U+0085, NBSP, U+1680, U+2000-U+200A, U+2028, U+2029,
// U+202F, U+205F and U+3000 (but not U+200B ZWSP). sacrebleu relies on these semantics.
#pragma once

#include <string_view>
#include <vector>

namespace evalkit {

// True when Python's str.isspace() holds for code point cp.
bool is_python_whitespace(char32_t cp);

// Byte length of the non-ASCII Python whitespace character at text[pos], or 0.
std::size_t python_wide_whitespace_length(std::string_view text, std::size_t pos);

// Byte length of the Python whitespace character starting at text[pos], or 0 if none.
// text must be valid UTF-8.
inline std::size_t python_whitespace_length(std::string_view text, std::size_t pos) {
  const auto b0 = static_cast<unsigned char>(text[pos]);
  if (b0 < 0x80) return ((b0 >= 0x09 && b0 <= 0x0D) || (b0 >= 0x1C && b0 <= 0x20)) ? 1 : 0;
  return python_wide_whitespace_length(text, pos);
}

// text without trailing whitespace, as str.rstrip(). text must be valid UTF-8.
std::string_view python_rstrip(std::string_view text);

// Appends the words of text, as str.split() with no argument, to *words (views into text).
// text must be valid UTF-8.
void python_split(std::string_view text, std::vector<std::string_view>* words);

// Calls on_word(std::string_view) for each word of str.split(); no allocation.
template <typename OnWord>
void for_each_python_word(std::string_view text, OnWord&& on_word) {
  std::size_t i = 0;
  const std::size_t n = text.size();
  while (i < n) {
    std::size_t ws;
    while (i < n && (ws = python_whitespace_length(text, i)) != 0) i += ws;
    if (i >= n) break;
    const std::size_t start = i;
    while (i < n && python_whitespace_length(text, i) == 0) ++i;
    on_word(text.substr(start, i - start));
  }
}

}  // namespace evalkit

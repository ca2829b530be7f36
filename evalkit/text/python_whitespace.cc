#include "evalkit/text/python_whitespace.h"

namespace evalkit {

bool is_python_whitespace(char32_t cp) {
  if (cp < 0x80) return (cp >= 0x09 && cp <= 0x0D) || (cp >= 0x1C && cp <= 0x20);
  switch (cp) {
    case 0x85:
    case 0xA0:
    case 0x1680:
    case 0x2028:
    case 0x2029:
    case 0x202F:
    case 0x205F:
    case 0x3000:
      return true;
    default:
      return cp >= 0x2000 && cp <= 0x200A;
  }
}

std::size_t python_wide_whitespace_length(std::string_view text, std::size_t pos) {
  const auto b0 = static_cast<unsigned char>(text[pos]);
  // Only lead bytes C2, E1, E2 and E3 can start a non-ASCII whitespace character.
  if (b0 != 0xC2 && (b0 < 0xE1 || b0 > 0xE3)) return 0;
  if (pos + 1 >= text.size()) return 0;
  const auto b1 = static_cast<unsigned char>(text[pos + 1]);
  if (b0 == 0xC2) return (b1 == 0x85 || b1 == 0xA0) ? 2 : 0;
  if (pos + 2 >= text.size()) return 0;
  const auto b2 = static_cast<unsigned char>(text[pos + 2]);
  const char32_t cp = ((b0 & 0x0F) << 12) | ((b1 & 0x3F) << 6) | (b2 & 0x3F);
  return is_python_whitespace(cp) ? 3 : 0;
}

std::string_view python_rstrip(std::string_view text) {
  std::size_t end = text.size();
  while (end > 0) {
    const auto last = static_cast<unsigned char>(text[end - 1]);
    if (last < 0x80) {
      if (python_whitespace_length(text, end - 1) == 0) break;
      --end;
      continue;
    }
    // Step back to the lead byte of the last character.
    std::size_t start = end - 1;
    while (start > 0 && (static_cast<unsigned char>(text[start]) & 0xC0) == 0x80) --start;
    if (python_whitespace_length(text, start) != end - start) break;
    end = start;
  }
  return text.substr(0, end);
}

void python_split(std::string_view text, std::vector<std::string_view>* words) {
  for_each_python_word(text, [words](std::string_view word) { words->push_back(word); });
}

}  // namespace evalkit

#include "evalkit/text/excerpt.h"

#include <algorithm>

namespace evalkit {

std::string excerpt(std::string_view text, size_t max_chars) {
  std::string out;
  out.reserve(std::min(text.size(), max_chars * 2));
  size_t chars = 0;
  size_t i = 0;
  while (i < text.size()) {
    if (chars == max_chars) return out + "…";
    const unsigned char lead = static_cast<unsigned char>(text[i]);
    // Copy a whole UTF-8 sequence so a cut never splits a character.
    size_t length = 1;
    if (lead >= 0xF0) {
      length = 4;
    } else if (lead >= 0xE0) {
      length = 3;
    } else if (lead >= 0xC0) {
      length = 2;
    }
    length = std::min(length, text.size() - i);
    if (text[i] == '\n') {
      out += "\\n";
    } else if (text[i] != '\r') {
      out.append(text.substr(i, length));
    }
    i += length;
    ++chars;
  }
  return out;
}

std::string quoted_excerpt(std::string_view text, size_t max_chars) {
  std::string out = "'";
  out += excerpt(text, max_chars);
  out += '\'';
  return out;
}

}  // namespace evalkit

// Numbers as people read them in reasons and notes.
#pragma once

#include <string>

namespace evalkit {

// value with 4 significant digits, trailing zeros dropped ("%.4g": 0.8485, 12, 1.5e-05).
std::string format_number(double value);

// The value of a hexadecimal digit (0-9, a-f, A-F), or -1 for any other character.
inline int hex_digit_value(char32_t c) {
  if (c >= '0' && c <= '9') return int(c - '0');
  if (c >= 'a' && c <= 'f') return int(c - 'a' + 10);
  if (c >= 'A' && c <= 'F') return int(c - 'A' + 10);
  return -1;
}

}  // namespace evalkit

#include "evalkit/text/utf8_decode.h"

#include <string>

namespace evalkit {

char32_t next_code_point(std::string_view text, size_t* pos) {
  const auto* bytes = reinterpret_cast<const unsigned char*>(text.data());
  size_t i = *pos;
  unsigned char lead = bytes[i];
  if (lead < 0x80) {
    *pos = i + 1;
    return lead;
  }
  size_t length;
  char32_t value;
  char32_t minimum;
  if (lead >= 0xC2 && lead <= 0xDF) {
    length = 2;
    value = lead & 0x1F;
    minimum = 0x80;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    length = 3;
    value = lead & 0x0F;
    minimum = 0x800;
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    length = 4;
    value = lead & 0x07;
    minimum = 0x10000;
  } else {
    *pos = i + 1;
    return kUtf8Replacement;
  }
  if (i + length > text.size()) {
    *pos = i + 1;
    return kUtf8Replacement;
  }
  for (size_t k = 1; k < length; ++k) {
    unsigned char continuation = bytes[i + k];
    if ((continuation & 0xC0) != 0x80) {
      *pos = i + 1;
      return kUtf8Replacement;
    }
    value = (value << 6) | (continuation & 0x3F);
  }
  if (value < minimum || value > 0x10FFFF || (value >= 0xD800 && value <= 0xDFFF)) {
    *pos = i + 1;
    return kUtf8Replacement;
  }
  *pos = i + length;
  return value;
}

void decode_utf8(std::string_view text, std::vector<char32_t>* out) {
  out->clear();
  size_t pos = 0;
  while (pos < text.size()) {
    unsigned char byte = static_cast<unsigned char>(text[pos]);
    if (byte < 0x80) {
      out->push_back(byte);
      ++pos;
    } else {
      out->push_back(next_code_point(text, &pos));
    }
  }
}

void encode_utf8(char32_t code_point, std::string* out) {
  if (code_point > 0x10FFFF || (code_point >= 0xD800 && code_point <= 0xDFFF)) {
    code_point = kUtf8Replacement;
  }
  if (code_point < 0x80) {
    out->push_back(static_cast<char>(code_point));
  } else if (code_point < 0x800) {
    out->push_back(static_cast<char>(0xC0 | (code_point >> 6)));
    out->push_back(static_cast<char>(0x80 | (code_point & 0x3F)));
  } else if (code_point < 0x10000) {
    out->push_back(static_cast<char>(0xE0 | (code_point >> 12)));
    out->push_back(static_cast<char>(0x80 | ((code_point >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (code_point & 0x3F)));
  } else {
    out->push_back(static_cast<char>(0xF0 | (code_point >> 18)));
    out->push_back(static_cast<char>(0x80 | ((code_point >> 12) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | ((code_point >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (code_point & 0x3F)));
  }
}

}  // namespace evalkit

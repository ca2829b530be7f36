#include "evalkit/text/utf8.h"

#include <algorithm>

#include <cstdint>

namespace evalkit {
namespace {

bool is_continuation(unsigned char byte) { return (byte & 0xC0) == 0x80; }

// Length of the sequence led by lead (0 when lead can never start one) and the valid range of
// the second byte, which is what rules out overlong forms, surrogates and > U+10FFFF.
struct LeadInfo {
  int length;
  unsigned char second_min;
  unsigned char second_max;
};

LeadInfo lead_info(unsigned char lead) {
  if (lead < 0x80) return {1, 0, 0};
  if (lead < 0xC2) return {0, 0, 0};
  if (lead < 0xE0) return {2, 0x80, 0xBF};
  if (lead == 0xE0) return {3, 0xA0, 0xBF};
  if (lead == 0xED) return {3, 0x80, 0x9F};
  if (lead < 0xF0) return {3, 0x80, 0xBF};
  if (lead == 0xF0) return {4, 0x90, 0xBF};
  if (lead < 0xF4) return {4, 0x80, 0xBF};
  if (lead == 0xF4) return {4, 0x80, 0x8F};
  return {0, 0, 0};
}

// Decodes one character; *valid says whether the bytes were well-formed.
char32_t decode_checked(std::string_view bytes, std::size_t* pos, bool* valid) {
  const auto* data = reinterpret_cast<const unsigned char*>(bytes.data());
  std::size_t i = *pos;
  const unsigned char lead = data[i];
  if (lead < 0x80) {
    *pos = i + 1;
    *valid = true;
    return lead;
  }
  const LeadInfo info = lead_info(lead);
  *valid = false;
  if (info.length == 0) {
    *pos = i + 1;
    return kReplacementCharacter;
  }
  char32_t cp = lead & (0x7F >> info.length);
  std::size_t j = i + 1;
  for (int k = 1; k < info.length; ++k, ++j) {
    if (j >= bytes.size()) {
      *pos = j;
      return kReplacementCharacter;
    }
    const unsigned char byte = data[j];
    const bool ok =
        k == 1 ? (byte >= info.second_min && byte <= info.second_max) : is_continuation(byte);
    if (!ok) {
      *pos = j;  // the maximal valid prefix is replaced; the offending byte starts anew
      return kReplacementCharacter;
    }
    cp = (cp << 6) | (byte & 0x3F);
  }
  *pos = j;
  *valid = true;
  return cp;
}

}  // namespace

char32_t decode_utf8_at(std::string_view bytes, std::size_t* pos) {
  bool valid = true;
  return decode_checked(bytes, pos, &valid);
}

std::size_t first_invalid_utf8(std::string_view bytes) {
  std::size_t i = 0;
  const std::size_t n = bytes.size();
  const auto* data = reinterpret_cast<const unsigned char*>(bytes.data());
  while (i < n) {
    // Skip ASCII eight bytes at a time.
    while (i + 8 <= n) {
      uint64_t chunk;
      __builtin_memcpy(&chunk, data + i, 8);
      if (chunk & 0x8080808080808080ULL) break;
      i += 8;
    }
    if (i >= n) break;
    if (data[i] < 0x80) {
      ++i;
      continue;
    }
    const std::size_t at = i;
    bool valid = true;
    decode_checked(bytes, &i, &valid);
    if (!valid) return at;
  }
  return std::string_view::npos;
}

TextPosition text_position(std::string_view text, std::size_t offset) {
  offset = std::min(offset, text.size());
  const std::string_view before = text.substr(0, offset);
  TextPosition position;
  position.line = 1 + int(std::count(before.begin(), before.end(), '\n'));
  const std::size_t line_start = before.rfind('\n');
  position.column = int(offset - (line_start == std::string_view::npos ? 0 : line_start + 1)) + 1;
  return position;
}

bool is_valid_utf8(std::string_view bytes) { return first_invalid_utf8(bytes) == std::string_view::npos; }

void decode_utf8(std::string_view bytes, std::u32string* out) {
  out->clear();
  std::size_t i = 0;
  while (i < bytes.size()) out->push_back(decode_utf8_at(bytes, &i));
}

char32_t decode_utf8_at_bytewise(std::string_view bytes, std::size_t* pos) {
  const std::size_t start = *pos;
  bool valid = true;
  const char32_t cp = decode_checked(bytes, pos, &valid);
  if (valid) return cp;
  *pos = start + 1;
  return kReplacementCharacter;
}

void decode_utf8_bytewise(std::string_view bytes, std::vector<char32_t>* out) {
  out->clear();
  std::size_t i = 0;
  while (i < bytes.size()) {
    const auto byte = static_cast<unsigned char>(bytes[i]);
    if (byte < 0x80) {
      out->push_back(byte);
      ++i;
    } else {
      out->push_back(decode_utf8_at_bytewise(bytes, &i));
    }
  }
}

void append_utf8(char32_t cp, std::string* out) {
  if (cp < 0x80) {
    out->push_back(static_cast<char>(cp));
    return;
  }
  if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) cp = kReplacementCharacter;
  if (cp < 0x800) {
    out->push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out->push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out->push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

void encode_utf8(std::u32string_view code_points, std::string* out) {
  out->clear();
  for (char32_t cp : code_points) append_utf8(cp, out);
}

std::string_view valid_utf8(std::string_view bytes, std::string* storage) {
  if (is_valid_utf8(bytes)) return bytes;
  storage->clear();
  std::size_t i = 0;
  while (i < bytes.size()) append_utf8(decode_utf8_at(bytes, &i), storage);
  return *storage;
}

}  // namespace evalkit

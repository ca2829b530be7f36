#include "evalkit/report/report_text.h"

#include <cmath>
#include <cstdio>

namespace evalkit {
namespace {

constexpr std::string_view kReplacement = "\xEF\xBF\xBD";  // U+FFFD

// Decodes one code point at text[pos]; returns its length, or 0 when the sequence is
// invalid (bad lead byte, truncated, overlong, surrogate or above U+10FFFF).
size_t decode_utf8(std::string_view text, size_t pos, char32_t* code_point) {
  const auto byte = [&](size_t i) { return static_cast<unsigned char>(text[i]); };
  const unsigned char lead = byte(pos);
  if (lead < 0x80) {
    *code_point = lead;
    return 1;
  }
  size_t length = 0;
  char32_t value = 0;
  char32_t minimum = 0;
  if ((lead & 0xE0) == 0xC0) {
    length = 2, value = lead & 0x1F, minimum = 0x80;
  } else if ((lead & 0xF0) == 0xE0) {
    length = 3, value = lead & 0x0F, minimum = 0x800;
  } else if ((lead & 0xF8) == 0xF0) {
    length = 4, value = lead & 0x07, minimum = 0x10000;
  } else {
    return 0;
  }
  if (pos + length > text.size()) return 0;
  for (size_t i = 1; i < length; ++i) {
    const unsigned char next = byte(pos + i);
    if ((next & 0xC0) != 0x80) return 0;
    value = (value << 6) | (next & 0x3F);
  }
  if (value < minimum || value > 0x10FFFF || (value >= 0xD800 && value <= 0xDFFF)) return 0;
  *code_point = value;
  return length;
}

bool allowed_in_xml(char32_t c) {
  if (c == 0x9 || c == 0xA || c == 0xD) return true;
  if (c < 0x20) return false;
  return c != 0xFFFE && c != 0xFFFF;
}

template <typename Keep>
std::string clean_utf8(std::string_view text, Keep keep) {
  std::string out;
  out.reserve(text.size());
  size_t pos = 0;
  while (pos < text.size()) {
    char32_t code_point = 0;
    const size_t length = decode_utf8(text, pos, &code_point);
    if (length == 0) {
      out += kReplacement;
      ++pos;
      continue;
    }
    if (keep(code_point)) {
      out.append(text.substr(pos, length));
    } else {
      out += kReplacement;
    }
    pos += length;
  }
  return out;
}

}  // namespace

std::string valid_utf8(std::string_view text) {
  return clean_utf8(text, [](char32_t) { return true; });
}

std::string xml_safe_text(std::string_view text) { return clean_utf8(text, allowed_in_xml); }

std::string truncate_utf8(std::string_view text, size_t max_bytes, std::string_view marker) {
  if (text.size() <= max_bytes) return std::string(text);
  size_t keep = marker.size() < max_bytes ? max_bytes - marker.size() : max_bytes;
  // Step back over continuation bytes so the cut never splits a code point.
  while (keep > 0 && (static_cast<unsigned char>(text[keep]) & 0xC0) == 0x80) --keep;
  std::string out(text.substr(0, keep));
  if (marker.size() < max_bytes) out += marker;
  return out;
}

std::string terminal_safe(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  size_t pos = 0;
  while (pos < text.size()) {
    char32_t c = 0;
    const size_t length = decode_utf8(text, pos, &c);
    if (length == 0) {
      out += kReplacement;
      ++pos;
      continue;
    }
    // C0 and C1 controls and DEL start terminal escape sequences (colours, the window title,
    // OSC 52 clipboard writes) or move the cursor over what was printed; bidirectional
    // overrides reorder what a reader sees. All are shown as escapes instead.
    const bool control = c < 0x20 || (c >= 0x7F && c <= 0x9F);
    const bool bidi = (c >= 0x202A && c <= 0x202E) || (c >= 0x2066 && c <= 0x2069);
    if (control || bidi) {
      char escape[16];
      std::snprintf(escape, sizeof escape, c < 0x80 ? "\\x%02X" : "\\u%04X", unsigned(c));
      out += escape;
    } else {
      out.append(text.substr(pos, length));
    }
    pos += length;
  }
  return out;
}

std::string single_line(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  bool pending_space = false;
  for (char c : text) {
    if (c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == '\f' || c == '\v') {
      pending_space = !out.empty();
      continue;
    }
    if (pending_space) out += ' ';
    pending_space = false;
    out += c;
  }
  return out;
}

std::string format_fixed(double value, int decimals) {
  if (std::isnan(value)) return "–";
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%.*f", decimals, value);
  return buffer;
}

std::string format_percent(double fraction) { return format_fixed(100 * fraction, 1) + "%"; }

std::string format_signed(double value, int decimals) {
  std::string out(value > 0 ? "+" : "");
  out += format_fixed(value, decimals);
  return out;
}

std::string format_thousands(double value) {
  const std::string digits = std::to_string(static_cast<long long>(std::llround(std::fabs(value))));
  std::string out(value <= -0.5 ? "-" : "");
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

std::string format_p_value(double p) { return p < 0.0001 ? "<0.0001" : format_fixed(p, 4); }

}  // namespace evalkit

#include "evalkit/report/markdown_text.h"

#include "evalkit/report/report_text.h"

namespace evalkit {
namespace {

// At most max_chars code points of valid UTF-8 text, with "…" when cut.
std::string first_chars(const std::string& text, size_t max_chars) {
  size_t chars = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    if ((static_cast<unsigned char>(text[i]) & 0xC0) == 0x80) continue;
    if (chars == max_chars) return text.substr(0, i) + "…";
    ++chars;
  }
  return text;
}

}  // namespace

std::string md_text(const std::string& raw, size_t max_chars) {
  const std::string text = first_chars(single_line(valid_utf8(raw)), max_chars);
  std::string out;
  out.reserve(text.size() + 8);
  for (char c : text) {
    switch (c) {
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '&':
        out += "&amp;";
        break;
      case '@':
        out += "@\u2060";
        break;  // a word joiner breaks @mentions invisibly
      case '\\':
      case '`':
      case '*':
      case '_':
      case '[':
      case ']':
      case '#':
      case '|':
      case '~':
        out += '\\';
        out += c;
        break;
      default:
        out += c;
    }
  }
  return out.empty() ? "–" : out;
}

}  // namespace evalkit

#include "evalkit/text/unicode_class.h"

#include <locale.h>
#include <wctype.h>

namespace evalkit {
namespace {

// One process-wide locale object; newlocale is not cheap and the _l functions are
// thread-safe with a shared, never-freed locale.
locale_t utf8_locale() {
  static const locale_t locale = newlocale(LC_ALL_MASK, "C.UTF-8", static_cast<locale_t>(0));
  return locale;
}

bool in(char32_t c, char32_t first, char32_t last) { return c >= first && c <= last; }

}  // namespace

char32_t unicode_lower(char32_t code_point) {
  if (code_point < 0x80) {
    return (code_point >= 'A' && code_point <= 'Z') ? code_point + ('a' - 'A') : code_point;
  }
  locale_t locale = utf8_locale();
  if (locale == static_cast<locale_t>(0)) return code_point;
  return static_cast<char32_t>(towlower_l(static_cast<wint_t>(code_point), locale));
}

bool is_unicode_alnum(char32_t code_point) {
  if (code_point < 0x80) {
    return in(code_point, 'a', 'z') || in(code_point, 'A', 'Z') || in(code_point, '0', '9');
  }
  locale_t locale = utf8_locale();
  if (locale == static_cast<locale_t>(0)) return false;
  return iswalnum_l(static_cast<wint_t>(code_point), locale) != 0;
}

bool is_combining_mark(char32_t c) {
  return in(c, 0x0300, 0x036F) || in(c, 0x1AB0, 0x1AFF) || in(c, 0x1DC0, 0x1DFF) ||
         in(c, 0x20D0, 0x20FF) || in(c, 0xFE20, 0xFE2F);
}

bool is_unspaced_script(char32_t c) {
  return in(c, 0x0E00, 0x0EFF) ||  // Thai, Lao
         in(c, 0x1000, 0x109F) ||  // Myanmar
         in(c, 0x1780, 0x17FF) ||  // Khmer
         in(c, 0x2E80, 0x2FDF) ||  // CJK radicals
         in(c, 0x3005, 0x3007) ||  // ideographic iteration mark, closing mark, zero
         in(c, 0x3021, 0x3029) ||  // Hangzhou numerals
         in(c, 0x3040, 0x30FF) ||  // Hiragana, Katakana
         in(c, 0x31F0, 0x31FF) ||  // Katakana extensions
         in(c, 0x3400, 0x4DBF) ||  // CJK extension A
         in(c, 0x4E00, 0x9FFF) ||  // CJK unified ideographs
         in(c, 0xF900, 0xFAFF) ||  // CJK compatibility ideographs
         in(c, 0xFF66, 0xFF9F) ||  // half-width Katakana
         in(c, 0x20000, 0x3FFFF);  // CJK extensions B and later
}

}  // namespace evalkit

#include "evalkit/text/unicode_properties.h"

#include <array>
#include <cstdint>

#include "evalkit/text/unicode_range_lookup.h"

namespace evalkit {
namespace {

using unicode_data::in_ranges;

enum AsciiClass : uint8_t { kPunct = 1, kSymbol = 2, kNumber = 4 };

// ASCII is most of the text scored, so it skips the binary search.
std::array<uint8_t, 128> build_ascii_classes() {
  std::array<uint8_t, 128> classes{};
  for (char32_t cp = 0; cp < 128; ++cp) {
    uint8_t c = 0;
    if (in_ranges(unicode_data::kPunctuation, unicode_data::kPunctuationSize, cp)) c |= kPunct;
    if (in_ranges(unicode_data::kSymbol, unicode_data::kSymbolSize, cp)) c |= kSymbol;
    if (in_ranges(unicode_data::kNumber, unicode_data::kNumberSize, cp)) c |= kNumber;
    classes[cp] = c;
  }
  return classes;
}

const std::array<uint8_t, 128>& ascii_classes() {
  static const std::array<uint8_t, 128> classes = build_ascii_classes();
  return classes;
}

}  // namespace

bool is_unicode_punctuation(char32_t cp) {
  if (cp < 128) return ascii_classes()[cp] & kPunct;
  return in_ranges(unicode_data::kPunctuation, unicode_data::kPunctuationSize, cp);
}

bool is_unicode_symbol(char32_t cp) {
  if (cp < 128) return ascii_classes()[cp] & kSymbol;
  return in_ranges(unicode_data::kSymbol, unicode_data::kSymbolSize, cp);
}

bool is_unicode_number(char32_t cp) {
  if (cp < 128) return ascii_classes()[cp] & kNumber;
  return in_ranges(unicode_data::kNumber, unicode_data::kNumberSize, cp);
}

const char* unicode_version() { return unicode_data::kUnicodeVersion; }

}  // namespace evalkit

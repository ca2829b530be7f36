// Unicode property tables generated from Python's unicodedata (see unicode_tables.py).
// Internal to evalkit/text: use unicode_properties.h and python_lower.h instead.
#pragma once

#include <cstddef>
#include <cstdint>

namespace evalkit::unicode_data {

struct CodePointRange {
  char32_t first;
  char32_t last;  // inclusive
};

// Code points first, first + step, ..., last lowercase to code point + delta.
struct LowercaseRun {
  char32_t first;
  char32_t last;
  int32_t delta;
  uint32_t step;
};

extern const char kUnicodeVersion[];
extern const CodePointRange kPunctuation[];
extern const std::size_t kPunctuationSize;
extern const CodePointRange kSymbol[];
extern const std::size_t kSymbolSize;
extern const CodePointRange kNumber[];
extern const std::size_t kNumberSize;
extern const CodePointRange kCasedNotIgnorable[];
extern const std::size_t kCasedNotIgnorableSize;
extern const CodePointRange kCaseIgnorable[];
extern const std::size_t kCaseIgnorableSize;
extern const LowercaseRun kLowercase[];
extern const std::size_t kLowercaseSize;

}  // namespace evalkit::unicode_data

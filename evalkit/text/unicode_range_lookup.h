// Binary search over the sorted, disjoint code point ranges of unicode_data.cc.
#pragma once

#include <algorithm>
#include <cstddef>

#include "evalkit/text/unicode_data.h"

namespace evalkit::unicode_data {

// True when cp lies in one of ranges[0..size).
inline bool in_ranges(const CodePointRange* ranges, std::size_t size, char32_t cp) {
  const CodePointRange* end = ranges + size;
  const CodePointRange* it = std::upper_bound(
      ranges, end, cp, [](char32_t c, const CodePointRange& r) { return c < r.first; });
  return it != ranges && cp <= (it - 1)->last;
}

}  // namespace evalkit::unicode_data

// Decoding UTF-8 text into Unicode code points, tolerant of bad input: model output is
// untrusted, so invalid bytes become U+FFFD instead of an error.
#pragma once

#include <string_view>
#include <vector>

namespace evalkit {

inline constexpr char32_t kUtf8Replacement = 0xFFFD;

// Decodes the code point starting at text[*pos] and advances *pos past it. A byte that does
// not start a well-formed sequence (stray continuation byte, truncated or overlong sequence,
// surrogate, value above U+10FFFF) yields U+FFFD and advances by one byte. Requires
// *pos < text.size().
char32_t next_code_point(std::string_view text, size_t* pos);

// Replaces *out with the code points of text (see next_code_point for invalid bytes). Reuses
// *out's capacity.
void decode_utf8(std::string_view text, std::vector<char32_t>* out);

// Appends the UTF-8 encoding of code_point (U+FFFD for a surrogate or a value above
// U+10FFFF) to *out.
void encode_utf8(char32_t code_point, std::string* out);

}  // namespace evalkit

// UTF-8 to code points and back. Invalid input never fails (model output is untrusted): it
// becomes U+FFFD, either one per maximal invalid subsequence, as Python's
// decode(errors="replace") does, or one per invalid byte (the *_bytewise functions).
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace evalkit {

inline constexpr char32_t kReplacementCharacter = 0xFFFD;

// True when bytes is well-formed UTF-8 (no surrogates, no overlong forms, <= U+10FFFF).
bool is_valid_utf8(std::string_view bytes);

// The offset of the first byte that starts an ill-formed sequence, or npos when bytes is
// well-formed UTF-8.
std::size_t first_invalid_utf8(std::string_view bytes);

// The 1-based line and column (in bytes) of offset in text, for error messages.
struct TextPosition {
  int line = 1;
  int column = 1;
};
TextPosition text_position(std::string_view text, std::size_t offset);

// Decodes the code point starting at bytes[*pos] and advances *pos past it (past the
// invalid subsequence, yielding U+FFFD, when bytes are not well-formed). *pos < size.
char32_t decode_utf8_at(std::string_view bytes, std::size_t* pos);

// Replaces *out with the code points of bytes.
void decode_utf8(std::string_view bytes, std::u32string* out);

// Like decode_utf8_at, but an invalid subsequence yields U+FFFD for its first byte alone and
// *pos advances by one, so each invalid byte counts as one character. ROUGE tokens and
// Levenshtein distances are defined on these characters.
char32_t decode_utf8_at_bytewise(std::string_view bytes, std::size_t* pos);

// Replaces *out with the code points of bytes, one U+FFFD per invalid byte (see
// decode_utf8_at_bytewise). Reuses *out's capacity.
void decode_utf8_bytewise(std::string_view bytes, std::vector<char32_t>* out);

// Appends the UTF-8 form of code point cp (U+FFFD for a surrogate or a value above
// U+10FFFF).
void append_utf8(char32_t cp, std::string* out);

// Replaces *out with the code points as UTF-8.
void encode_utf8(std::u32string_view code_points, std::string* out);

// Returns bytes itself when it is valid UTF-8; otherwise writes the repaired text (invalid
// subsequences as U+FFFD) to *storage and returns a view of it.
std::string_view valid_utf8(std::string_view bytes, std::string* storage);

}  // namespace evalkit

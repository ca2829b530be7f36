// Unicode character classes and case mapping for tokenizers that must not drop non-ASCII
// text. Backed by glibc's C.UTF-8 locale tables (no extra dependency); if that locale is
// missing, only ASCII is classified and lowercased.
#pragma once

namespace evalkit {

// The simple (one-to-one) lowercase mapping: U+0130 -> 'i', U+212A KELVIN SIGN -> 'k'.
char32_t unicode_lower(char32_t code_point);

// True for letters and digits of any script (what iswalnum says under C.UTF-8).
bool is_unicode_alnum(char32_t code_point);

// True for the combining diacritical mark blocks, which belong to the letter before them.
bool is_combining_mark(char32_t code_point);

// True for characters of scripts written without spaces between words (Han, Hiragana,
// Katakana, Thai, Lao, Khmer, Myanmar): a tokenizer makes each one a token of its own.
bool is_unspaced_script(char32_t code_point);

}  // namespace evalkit

// Unicode general categories used by sacrebleu's intl tokenizer, from tables generated with
// Python's unicodedata (the version is unicode_version()).
#pragma once

namespace evalkit {

// General category P*: punctuation (regex \p{P}).
bool is_unicode_punctuation(char32_t cp);
// General category S*: symbols (regex \p{S}).
bool is_unicode_symbol(char32_t cp);
// General category N*: numbers of every kind (regex \p{N}).
bool is_unicode_number(char32_t cp);

// The Unicode version the tables were generated from, e.g. "14.0.0".
const char* unicode_version();

}  // namespace evalkit

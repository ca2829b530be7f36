// sacrebleu's "intl" tokenizer (mteval-v14 international tokenization).
#pragma once

#include <string>
#include <string_view>

namespace evalkit {

// Writes to *out the intl tokens of line joined by single spaces, as sacrebleu's
// TokenizerV14International: split off Unicode punctuation (P) unless it sits between a
// number (N) before and after, split off every Unicode symbol (S), then str.split().
// Categories come from unicode_properties.h. Invalid UTF-8 is read as U+FFFD.
void tokenize_intl(std::string_view line, std::string* out);

}  // namespace evalkit

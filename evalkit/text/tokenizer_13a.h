// sacrebleu's "13a" tokenizer (mteval-v13a): the default tokenizer of BLEU.
#pragma once

#include <string>
#include <string_view>

namespace evalkit {

// Writes to *out the 13a tokens of line joined by single spaces, exactly as sacrebleu's
// Tokenizer13a: delete "<skipped>" and "-\n", unescape &quot; &amp; &lt; &gt; (in that
// order), split off ASCII symbols, split '.' and ',' unless between two ASCII digits, split
// '-' after a digit, then Python str.split(). (BLEU rstrips the line first; this does not.)
// Invalid UTF-8 is read as U+FFFD.
void tokenize_13a(std::string_view line, std::string* out);

}  // namespace evalkit

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

// The language-independent part alone ("<skipped>", "-\n", the four entities). Returns line
// itself when nothing changes, else a view of *storage. line must be valid UTF-8.
std::string_view unescape_13a(std::string_view line, std::string* storage);

// The regex part alone (rules 1-4, then str.split()), writing tokens joined by single
// spaces. text must be valid UTF-8. Whitespace-separated chunks of text are tokenized
// independently of each other, so a chunk's tokens can be cached.
void split_13a(std::string_view text, std::string* out);

}  // namespace evalkit

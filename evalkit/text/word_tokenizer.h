// The word tokenizers BLEU can use, and sacrebleu's BLEU preprocessing around them.
#pragma once

#include <string>
#include <string_view>

namespace evalkit {

enum class WordTokenizer { k13a, kIntl, kNone };

// Parses "13a", "intl" or "none"; false for anything else.
bool parse_word_tokenizer(std::string_view name, WordTokenizer* out);

// The name used in options and signatures: "13a", "intl", "none".
const char* word_tokenizer_name(WordTokenizer tokenizer);

// sacrebleu's BLEU preprocessing of one segment: str.lower() when lowercase, str.rstrip(),
// then the tokenizer. Writes the tokens joined by single spaces to *out (so splitting *out
// on ' ' gives the tokens BLEU counts). Invalid UTF-8 is read as U+FFFD.
void tokenize_for_bleu(std::string_view text, WordTokenizer tokenizer, bool lowercase,
                       std::string* out);

}  // namespace evalkit

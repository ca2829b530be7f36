// The tokenizers of ROUGE. `default` is rouge-score's own: Python lower(), every run of
// characters other than [a-z0-9] is a separator, so non-ASCII text yields no tokens.
// `unicode` keeps letters and digits of every script (lowercased with Unicode rules), so
// that non-English text does not score 0; each character of scripts written without
// spaces (Han, Kana, Thai, ...) is a token of its own.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace evalkit {

enum class RougeTokenizerKind { kDefault, kUnicode };

// "default" or "unicode"; false for any other name.
bool parse_rouge_tokenizer(std::string_view name, RougeTokenizerKind* out);
const char* rouge_tokenizer_name(RougeTokenizerKind kind);

// Walks the tokens of one text, before stemming, without allocating per token.
class RougeTokenCursor {
 public:
  // text must outlive the cursor. The current token is built in *scratch, which callers
  // reuse across cursors so that no token allocates once it has grown.
  RougeTokenCursor(std::string_view text, RougeTokenizerKind kind, std::string* scratch)
      : text_(text), kind_(kind), scratch_(scratch) {}

  // Moves to the next token and points *token at it; false when there are no more. The
  // view (into the text or *scratch) is valid until the next call.
  bool next(std::string_view* token);

 private:
  bool next_ascii_run(std::string_view* token);
  bool next_default();
  bool next_unicode();

  std::string_view text_;
  size_t pos_ = 0;
  RougeTokenizerKind kind_;
  std::string* scratch_;
};

// Whether rouge-score stems this token: more than 3 characters. Tokens with non-ASCII
// characters (only the unicode tokenizer makes them) are never stemmed: the Porter
// stemmer is for English.
bool rouge_should_stem(std::string_view token);

// Every token of text, Porter-stemmed when stem is true (rouge-score's use_stemmer).
std::vector<std::string> rouge_tokenize(std::string_view text, RougeTokenizerKind kind, bool stem);

}  // namespace evalkit

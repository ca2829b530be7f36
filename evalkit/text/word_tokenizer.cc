#include "evalkit/text/word_tokenizer.h"

#include "evalkit/text/python_lower.h"
#include "evalkit/text/python_whitespace.h"
#include "evalkit/text/tokenizer_13a.h"
#include "evalkit/text/tokenizer_intl.h"
#include "evalkit/text/utf8.h"

namespace evalkit {

bool parse_word_tokenizer(std::string_view name, WordTokenizer* out) {
  if (name == "13a") {
    *out = WordTokenizer::k13a;
  } else if (name == "intl") {
    *out = WordTokenizer::kIntl;
  } else if (name == "none") {
    *out = WordTokenizer::kNone;
  } else {
    return false;
  }
  return true;
}

const char* word_tokenizer_name(WordTokenizer tokenizer) {
  switch (tokenizer) {
    case WordTokenizer::k13a:
      return "13a";
    case WordTokenizer::kIntl:
      return "intl";
    case WordTokenizer::kNone:
      return "none";
  }
  return "13a";
}

void tokenize_for_bleu(std::string_view text, WordTokenizer tokenizer, bool lowercase,
                       std::string* out) {
  thread_local std::string repaired, lowered;
  text = valid_utf8(text, &repaired);
  if (lowercase) {
    python_lower(text, &lowered);
    text = lowered;
  }
  text = python_rstrip(text);
  switch (tokenizer) {
    case WordTokenizer::k13a:
      tokenize_13a(text, out);
      return;
    case WordTokenizer::kIntl:
      tokenize_intl(text, out);
      return;
    case WordTokenizer::kNone:
      out->clear();
      for_each_python_word(text, [out](std::string_view word) {
        if (!out->empty()) out->push_back(' ');
        out->append(word);
      });
      return;
  }
}

}  // namespace evalkit

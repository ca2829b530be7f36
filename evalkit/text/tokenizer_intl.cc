#include "evalkit/text/tokenizer_intl.h"

#include "evalkit/text/python_whitespace.h"
#include "evalkit/text/unicode_properties.h"
#include "evalkit/text/utf8.h"

namespace evalkit {
namespace {

// One re.sub pass of a two-character pattern over code points (leftmost, non-overlapping).
template <typename Match, typename Emit>
void substitute_pairs(const std::u32string& text, std::u32string* out, Match match, Emit emit) {
  out->clear();
  const std::size_t n = text.size();
  std::size_t i = 0;
  while (i < n) {
    if (i + 1 < n && match(text[i], text[i + 1])) {
      emit(text[i], text[i + 1], out);
      i += 2;
    } else {
      out->push_back(text[i]);
      ++i;
    }
  }
}

}  // namespace

void tokenize_intl(std::string_view line, std::string* out) {
  thread_local std::u32string a, b;
  thread_local std::string encoded;
  decode_utf8(line, &a);

  // (\P{N})(\p{P}) -> "\1 \2 "
  substitute_pairs(
      a, &b,
      [](char32_t x, char32_t y) { return !is_unicode_number(x) && is_unicode_punctuation(y); },
      [](char32_t x, char32_t y, std::u32string* o) {
        o->push_back(x);
        o->push_back(' ');
        o->push_back(y);
        o->push_back(' ');
      });
  // (\p{P})(\P{N}) -> " \1 \2"
  substitute_pairs(
      b, &a,
      [](char32_t x, char32_t y) { return is_unicode_punctuation(x) && !is_unicode_number(y); },
      [](char32_t x, char32_t y, std::u32string* o) {
        o->push_back(' ');
        o->push_back(x);
        o->push_back(' ');
        o->push_back(y);
      });
  // (\p{S}) -> " \1 "
  b.clear();
  for (char32_t cp : a) {
    if (is_unicode_symbol(cp)) {
      b.push_back(' ');
      b.push_back(cp);
      b.push_back(' ');
    } else {
      b.push_back(cp);
    }
  }

  encode_utf8(b, &encoded);
  out->clear();
  for_each_python_word(encoded, [out](std::string_view word) {
    if (!out->empty()) out->push_back(' ');
    out->append(word);
  });
}

}  // namespace evalkit

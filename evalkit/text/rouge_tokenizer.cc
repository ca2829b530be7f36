#include "evalkit/text/rouge_tokenizer.h"

#include "evalkit/text/porter_stemmer.h"
#include "evalkit/text/unicode_class.h"
#include "evalkit/text/utf8.h"

namespace evalkit {
namespace {

constexpr char32_t kDottedCapitalI = 0x0130;  // Python lower(): "i" + U+0307
constexpr char32_t kKelvinSign = 0x212A;      // Python lower(): "k"

bool is_ascii_alnum(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

char ascii_lower(unsigned char c) {
  return static_cast<char>((c >= 'A' && c <= 'Z') ? c + ('a' - 'A') : c);
}

}  // namespace

bool parse_rouge_tokenizer(std::string_view name, RougeTokenizerKind* out) {
  if (name == "default") {
    *out = RougeTokenizerKind::kDefault;
  } else if (name == "unicode") {
    *out = RougeTokenizerKind::kUnicode;
  } else {
    return false;
  }
  return true;
}

const char* rouge_tokenizer_name(RougeTokenizerKind kind) {
  return kind == RougeTokenizerKind::kUnicode ? "unicode" : "default";
}

bool RougeTokenCursor::next(std::string_view* token) {
  if (next_ascii_run(token)) return true;
  scratch_->clear();
  bool found = kind_ == RougeTokenizerKind::kDefault ? next_default() : next_unicode();
  *token = *scratch_;
  return found;
}

// The common case: a run of ASCII letters and digits ended by an ASCII separator (or the
// end). It is the token itself, viewed in place when already lowercase. Anything else is
// left to the full tokenizer of the kind, from the start of the run.
bool RougeTokenCursor::next_ascii_run(std::string_view* token) {
  const auto* bytes = reinterpret_cast<const unsigned char*>(text_.data());
  const size_t size = text_.size();
  size_t pos = pos_;
  while (pos < size && bytes[pos] < 0x80 && !is_ascii_alnum(bytes[pos])) ++pos;
  pos_ = pos;
  if (pos == size || bytes[pos] >= 0x80) return false;
  size_t start = pos;
  bool has_upper = false;
  for (; pos < size && is_ascii_alnum(bytes[pos]); ++pos) {
    has_upper |= bytes[pos] <= 'Z' && bytes[pos] >= 'A';
  }
  if (pos < size && bytes[pos] >= 0x80) return false;
  pos_ = pos;
  if (!has_upper) {
    *token = text_.substr(start, pos - start);
    return true;
  }
  scratch_->assign(text_.substr(start, pos - start));
  for (char& c : *scratch_) c = ascii_lower(static_cast<unsigned char>(c));
  *token = *scratch_;
  return true;
}

// Python's lower() turns exactly two non-ASCII characters into ASCII letters (U+0130 and
// U+212A); every other non-ASCII character ends up outside [a-z0-9] and separates tokens.
bool RougeTokenCursor::next_default() {
  std::string& token = *scratch_;
  while (pos_ < text_.size()) {
    auto byte = static_cast<unsigned char>(text_[pos_]);
    if (byte < 0x80) {
      ++pos_;
      if (is_ascii_alnum(byte)) {
        token.push_back(ascii_lower(byte));
      } else if (!token.empty()) {
        return true;
      }
      continue;
    }
    char32_t code_point = decode_utf8_at_bytewise(text_, &pos_);
    if (code_point == kKelvinSign) {
      token.push_back('k');
    } else if (code_point == kDottedCapitalI) {
      token.push_back('i');
      return true;  // the combining dot that follows is a separator
    } else if (!token.empty()) {
      return true;
    }
  }
  return !token.empty();
}

bool RougeTokenCursor::next_unicode() {
  std::string& token = *scratch_;
  while (pos_ < text_.size()) {
    size_t start = pos_;
    auto byte = static_cast<unsigned char>(text_[pos_]);
    if (byte < 0x80) {
      ++pos_;
      if (is_ascii_alnum(byte)) {
        token.push_back(ascii_lower(byte));
      } else if (!token.empty()) {
        return true;
      }
      continue;
    }
    char32_t code_point = decode_utf8_at_bytewise(text_, &pos_);
    if (is_unicode_alnum(code_point)) {
      if (is_unspaced_script(code_point)) {
        if (!token.empty()) {
          pos_ = start;  // this character is the next token
          return true;
        }
        append_utf8(code_point, &token);
        return true;
      }
      append_utf8(unicode_lower(code_point), &token);
    } else if (is_combining_mark(code_point) && !token.empty()) {
      append_utf8(code_point, &token);
    } else if (!token.empty()) {
      return true;
    }
  }
  return !token.empty();
}

bool rouge_should_stem(std::string_view token) {
  if (token.size() <= 3) return false;
  for (char c : token) {
    if (static_cast<unsigned char>(c) >= 0x80) return false;
  }
  return true;
}

std::vector<std::string> rouge_tokenize(std::string_view text, RougeTokenizerKind kind, bool stem) {
  std::vector<std::string> tokens;
  std::string scratch;
  RougeTokenCursor cursor(text, kind, &scratch);
  std::string_view token;
  while (cursor.next(&token)) {
    if (stem && rouge_should_stem(token)) {
      tokens.push_back(porter_stem(token));
    } else {
      tokens.emplace_back(token);
    }
  }
  return tokens;
}

}  // namespace evalkit

#include "evalkit/suite/yaml_block_scanner.h"

#include <cstdint>
#include <cstring>

#include "evalkit/base/byte_words.h"
#include "evalkit/base/number_text.h"

namespace evalkit {
namespace {

// Unwinds the scan: the text holds something left to libyaml, or the receiver stopped.
struct Halt {
  BlockScan why;
};

bool is_alnum(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

// Characters of a key read here: a plain word, no spaces or indicators.
bool is_key_char(char c) { return is_alnum(c) || c == '_' || c == '-' || c == '.' || c == '/'; }

// Characters a plain value may start with and mean nothing else to YAML.
bool starts_plain(char c, char next) {
  if (is_alnum(c)) return true;
  if (c == '-') return is_alnum(next) || next == '.';
  return std::strchr("_./($+=^;~<)", c) != nullptr && c != '\0';
}

class Scanner {
 public:
  Scanner(std::string_view text, const std::function<bool(const yaml_event_t&)>& receive)
      : text_(text), receive_(receive) {}

  BlockScan scan() {
    try {
      if (!plain_text() || holds_refused_value()) return BlockScan::kRefused;
      emit_simple(YAML_STREAM_START_EVENT);
      emit_simple(YAML_DOCUMENT_START_EVENT);
      next_content_line();
      if (column_ < 0) refuse();  // no document
      block_node(column_);
      if (column_ >= 0) refuse();  // something after the root
      emit_simple(YAML_DOCUMENT_END_EVENT);
      emit_simple(YAML_STREAM_END_EVENT);
      return BlockScan::kRead;
    } catch (const Halt& halt) {
      return halt.why;
    }
  }

 private:
  [[noreturn]] static void refuse() { throw Halt{BlockScan::kRefused}; }

  // Printable ASCII and line feeds only, ending with a line feed; eight bytes at a time where
  // they hold neither a line feed nor anything else below a space, nor anything past '~'.
  bool plain_text() const {
    if (text_.empty() || text_.back() != '\n') return false;
    using namespace byte_words;
    const char* data = text_.data();
    const size_t size = text_.size();
    size_t at = 0;
    while (at < size) {
      if (at + 8 <= size) {
        const uint64_t word = load(data + at);
        if ((below(word, 0x20) | del_or_high(word)) == 0) {
          at += 8;
          continue;
        }
      }
      const char c = data[at];
      if ((c < 0x20 && c != '\n') || c > 0x7E) return false;
      ++at;
    }
    return true;
  }

  // Whether a value starts with what the scan refuses when it gets there: a block scalar, an
  // anchor, an alias or a tag ('|', '>', '&', '*', '!' after ": ", "- ", '[', '{', ',' or at
  // a line's start). Looked for first, so that a text to be read by libyaml anyway is not
  // scanned up to such a value far down; a false alarm only leaves the text to libyaml.
  bool holds_refused_value() const {
    const char* data = text_.data();
    for (const char indicator : {'|', '>', '&', '*', '!'}) {
      const void* found = std::memchr(data, indicator, text_.size());
      while (found != nullptr) {
        const size_t at = static_cast<size_t>(static_cast<const char*>(found) - data);
        size_t before = at;
        while (before > 0 && data[before - 1] == ' ') --before;
        if (before == 0) return true;
        const char previous = data[before - 1];
        if (previous == '\n' || previous == '[' || previous == '{' || previous == ',' ||
            ((previous == ':' || previous == '-') && before < at)) {
          return true;
        }
        found = std::memchr(data + at + 1, indicator, text_.size() - at - 1);
      }
    }
    return false;
  }

  char peek(size_t ahead = 0) const {
    return at_ + ahead < text_.size() ? text_[at_ + ahead] : '\0';
  }

  yaml_mark_t mark_at(size_t offset) const {
    yaml_mark_t mark{};
    mark.index = offset;
    mark.line = line_;
    mark.column = offset - line_start_;
    return mark;
  }

  void emit(yaml_event_t* event) {
    if (!receive_(*event)) throw Halt{BlockScan::kStopped};
  }

  void emit_simple(yaml_event_type_t type) {
    yaml_event_t event;
    std::memset(&event, 0, sizeof event);
    event.type = type;
    event.start_mark = event.end_mark = mark_at(at_);
    if (type == YAML_STREAM_START_EVENT) event.data.stream_start.encoding = YAML_UTF8_ENCODING;
    if (type == YAML_DOCUMENT_START_EVENT) event.data.document_start.implicit = 1;
    if (type == YAML_DOCUMENT_END_EVENT) event.data.document_end.implicit = 1;
    emit(&event);
  }

  void emit_start(bool sequence, bool flow, size_t offset) {
    yaml_event_t event;
    std::memset(&event, 0, sizeof event);
    event.start_mark = event.end_mark = mark_at(offset);
    if (sequence) {
      event.type = YAML_SEQUENCE_START_EVENT;
      event.data.sequence_start.implicit = 1;
      event.data.sequence_start.style = flow ? YAML_FLOW_SEQUENCE_STYLE : YAML_BLOCK_SEQUENCE_STYLE;
    } else {
      event.type = YAML_MAPPING_START_EVENT;
      event.data.mapping_start.implicit = 1;
      event.data.mapping_start.style = flow ? YAML_FLOW_MAPPING_STYLE : YAML_BLOCK_MAPPING_STYLE;
    }
    emit(&event);
  }

  void emit_end(bool sequence) {
    emit_simple(sequence ? YAML_SEQUENCE_END_EVENT : YAML_MAPPING_END_EVENT);
  }

  void emit_scalar(size_t start, size_t end, std::string_view value, yaml_scalar_style_t style) {
    yaml_event_t event;
    std::memset(&event, 0, sizeof event);
    event.type = YAML_SCALAR_EVENT;
    event.start_mark = mark_at(start);
    event.end_mark = mark_at(end);
    event.data.scalar.value = reinterpret_cast<yaml_char_t*>(const_cast<char*>(value.data()));
    event.data.scalar.length = value.size();
    event.data.scalar.plain_implicit = style == YAML_PLAIN_SCALAR_STYLE;
    event.data.scalar.quoted_implicit = style != YAML_PLAIN_SCALAR_STYLE;
    event.data.scalar.style = style;
    emit(&event);
  }

  // From the start of a line, past blank lines and lines holding only a comment, to the
  // first character of the next line with content: column_ is its column, or -1 at the end.
  void next_content_line() {
    while (at_ < text_.size()) {
      size_t p = at_;
      while (p < text_.size() && text_[p] == ' ') ++p;
      if (p < text_.size() && text_[p] != '\n' && text_[p] != '#') {
        at_ = p;
        column_ = static_cast<int>(p - line_start_);
        return;
      }
      while (p < text_.size() && text_[p] != '\n') ++p;
      at_ = p + 1;
      ++line_;
      line_start_ = at_;
    }
    column_ = -1;
  }

  // After a value: blanks, perhaps a comment after a blank, the line feed; then on to the
  // next line with content.
  void end_line() {
    while (peek() == ' ') ++at_;
    if (peek() == '#') {
      if (text_[at_ - 1] != ' ') refuse();
      while (peek() != '\n') ++at_;
    }
    if (peek() != '\n') refuse();
    ++at_;
    ++line_;
    line_start_ = at_;
    next_content_line();
  }

  bool at_list_entry() const { return peek() == '-' && (peek(1) == ' ' || peek(1) == '\n'); }

  // A key of a block map here: a plain word, then ':' and a blank or line feed.
  size_t key_length() const {
    size_t length = 0;
    if (!is_alnum(peek()) && peek() != '_') return 0;
    while (is_key_char(peek(length))) ++length;
    if (length > 1000 || peek(length) != ':') return 0;
    const char after = peek(length + 1);
    return after == ' ' || after == '\n' ? length : 0;
  }

  void block_node(int column) {
    if (at_list_entry()) {
      block_list(column);
    } else if (key_length() > 0) {
      block_map(column);
    } else {
      refuse();
    }
  }

  void block_list(int column) {
    emit_start(true, false, at_);
    while (true) {
      ++at_;                        // '-'
      if (peek() != ' ') refuse();  // an item on a line of its own
      while (peek() == ' ') ++at_;
      if (peek() == '\n' || peek() == '#' || at_list_entry()) refuse();
      const int item_column = static_cast<int>(at_ - line_start_);
      if (key_length() > 0) {
        block_map(item_column);
      } else {
        inline_value();
        end_line();
      }
      if (column_ == column && at_list_entry()) continue;
      if (column_ > column) refuse();
      break;
    }
    emit_end(true);
  }

  void block_map(int column) {
    emit_start(false, false, at_);
    while (true) {
      const size_t length = key_length();
      if (length == 0) refuse();
      emit_scalar(at_, at_ + length, text_.substr(at_, length), YAML_PLAIN_SCALAR_STYLE);
      at_ += length + 1;  // the key and ':'
      while (peek() == ' ') ++at_;
      if (peek() == '#') {
        while (peek() != '\n') ++at_;
      }
      if (peek() == '\n') {
        // The value is on the lines below: more indented, or a list at the key's column.
        ++at_;
        ++line_;
        line_start_ = at_;
        next_content_line();
        if (column_ > column) {
          block_node(column_);
        } else if (column_ == column && at_list_entry()) {
          block_list(column);
        } else {
          refuse();  // an empty value
        }
      } else {
        if (at_list_entry()) refuse();
        inline_value();
        end_line();
      }
      if (column_ == column) continue;
      if (column_ > column) refuse();
      break;
    }
    emit_end(false);
  }

  // A quoted value or a flow collection here, read; false for anything else.
  bool quoted_or_flow() {
    switch (peek()) {
      case '"':
        double_quoted();
        return true;
      case '\'':
        single_quoted();
        return true;
      case '[':
        flow_list();
        return true;
      case '{':
        flow_map();
        return true;
      default:
        return false;
    }
  }

  // A value on the rest of the line, in a block.
  void inline_value() {
    if (quoted_or_flow()) return;
    if (!starts_plain(peek(), peek(1))) refuse();
    const size_t start = at_;
    size_t end = at_;
    while (peek() != '\n') {
      const char c = peek();
      if (c == ':' && (peek(1) == ' ' || peek(1) == '\n')) refuse();
      if (c == ' ' && peek(1) == '#') break;
      ++at_;
      if (c != ' ') end = at_;
    }
    emit_scalar(start, end, text_.substr(start, end - start), YAML_PLAIN_SCALAR_STYLE);
  }

  // A plain value inside a flow collection: up to ',', ']' or '}'.
  void flow_plain() {
    if (!starts_plain(peek(), peek(1))) refuse();
    const size_t start = at_;
    size_t end = at_;
    while (peek() != ',' && peek() != ']' && peek() != '}') {
      const char c = peek();
      if (c == '\n' || c == ':' || c == '?' || c == '#' || c == '[' || c == '{') refuse();
      ++at_;
      if (c != ' ') end = at_;
    }
    emit_scalar(start, end, text_.substr(start, end - start), YAML_PLAIN_SCALAR_STYLE);
  }

  void flow_node() {
    if (!quoted_or_flow()) flow_plain();
  }

  void flow_list() {
    emit_start(true, true, at_);
    ++at_;
    while (peek() == ' ') ++at_;
    if (peek() != ']') {
      while (true) {
        flow_node();
        while (peek() == ' ') ++at_;
        if (peek() == ']') break;
        if (peek() != ',') refuse();
        ++at_;
        while (peek() == ' ') ++at_;
        if (peek() == ']') refuse();  // a comma before the end
      }
    }
    ++at_;
    emit_end(true);
  }

  void flow_map() {
    emit_start(false, true, at_);
    ++at_;
    while (peek() == ' ') ++at_;
    if (peek() != '}') {
      while (true) {
        size_t length = 0;
        if (!is_alnum(peek()) && peek() != '_') refuse();
        while (is_key_char(peek(length))) ++length;
        if (length > 1000 || peek(length) != ':' || peek(length + 1) != ' ') refuse();
        emit_scalar(at_, at_ + length, text_.substr(at_, length), YAML_PLAIN_SCALAR_STYLE);
        at_ += length + 1;
        while (peek() == ' ') ++at_;
        if (peek() == ',' || peek() == '}') refuse();  // an empty value
        flow_node();
        while (peek() == ' ') ++at_;
        if (peek() == '}') break;
        if (peek() != ',') refuse();
        ++at_;
        while (peek() == ' ') ++at_;
        if (peek() == '}') refuse();
      }
    }
    ++at_;
    emit_end(false);
  }

  // A double-quoted value on one line, with the escapes that stand for ASCII.
  void double_quoted() {
    const size_t start = at_;
    ++at_;
    buffer_.clear();
    while (true) {
      const char c = peek();
      if (c == '\n' || c == '\0') refuse();
      ++at_;
      if (c == '"') break;
      if (c != '\\') {
        buffer_.push_back(c);
        continue;
      }
      const char escape = peek();
      ++at_;
      switch (escape) {
        case '"':
        case '\\':
        case '/':
          buffer_.push_back(escape);
          break;
        case 'n':
          buffer_.push_back('\n');
          break;
        case 't':
          buffer_.push_back('\t');
          break;
        case 'r':
          buffer_.push_back('\r');
          break;
        case 'u': {
          int code = 0;
          for (int i = 0; i < 4; ++i) {
            const int digit = hex_digit_value(peek());
            if (digit < 0) refuse();
            code = code * 16 + digit;
            ++at_;
          }
          if (code < 0x20 || code > 0x7E) refuse();
          buffer_.push_back(static_cast<char>(code));
          break;
        }
        default:
          refuse();
      }
    }
    emit_scalar(start, at_, buffer_, YAML_DOUBLE_QUOTED_SCALAR_STYLE);
  }

  void single_quoted() {
    const size_t start = at_;
    ++at_;
    buffer_.clear();
    while (true) {
      const char c = peek();
      if (c == '\n' || c == '\0') refuse();
      ++at_;
      if (c == '\'') {
        if (peek() != '\'') break;
        ++at_;
      }
      buffer_.push_back(c);
    }
    emit_scalar(start, at_, buffer_, YAML_SINGLE_QUOTED_SCALAR_STYLE);
  }

  std::string_view text_;
  const std::function<bool(const yaml_event_t&)>& receive_;
  size_t at_ = 0;
  size_t line_ = 0;
  size_t line_start_ = 0;
  int column_ = -1;     // column of the line with content the scan is at; -1 at the end
  std::string buffer_;  // a quoted value, unescaped
};

}  // namespace

BlockScan scan_block_yaml(std::string_view text,
                          const std::function<bool(const yaml_event_t&)>& receive) {
  return Scanner(text, receive).scan();
}

}  // namespace evalkit

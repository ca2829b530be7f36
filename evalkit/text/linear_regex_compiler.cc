// Parsing an ECMAScript pattern and compiling it to the Pike VM program LinearRegex runs.
#include "evalkit/text/linear_regex.h"

#include <algorithm>
#include <memory>

#include "evalkit/base/number_text.h"
#include "evalkit/text/utf8.h"

namespace evalkit {
namespace {

constexpr size_t kMaxProgram = 100000;
constexpr int kMaxNesting = 200;
constexpr int kMaxCount = 1000;  // {n,m} bounds

using Instruction = LinearRegex::Instruction;
using CharClass = LinearRegex::CharClass;
using ClassRange = LinearRegex::ClassRange;

struct Node {
  enum Kind {
    kEmpty,
    kChar,
    kAny,
    kClass,
    kBegin,
    kEnd,
    kWordBoundary,
    kNotWordBoundary,
    kConcat,
    kAlternation,
    kRepeat
  };
  Kind kind = kEmpty;
  char32_t c = 0;
  size_t class_index = 0;
  int min = 0, max = 0;  // kRepeat; max -1 = unbounded
  std::vector<std::unique_ptr<Node>> children;
};

std::u32string decode(std::string_view text) {
  std::u32string out;
  decode_utf8(text, &out);
  return out;
}

void add_ranges(std::vector<ClassRange>* ranges, std::initializer_list<ClassRange> add) {
  ranges->insert(ranges->end(), add.begin(), add.end());
}

// ECMAScript's \s: WhiteSpace and LineTerminator.
void add_space(std::vector<ClassRange>* r) {
  add_ranges(r, {{0x09, 0x0D},
                 {0x20, 0x20},
                 {0xA0, 0xA0},
                 {0x1680, 0x1680},
                 {0x2000, 0x200A},
                 {0x2028, 0x2029},
                 {0x202F, 0x202F},
                 {0x205F, 0x205F},
                 {0x3000, 0x3000},
                 {0xFEFF, 0xFEFF}});
}
void add_digit(std::vector<ClassRange>* r) { add_ranges(r, {{'0', '9'}}); }
void add_word(std::vector<ClassRange>* r) {
  add_ranges(r, {{'0', '9'}, {'A', 'Z'}, {'_', '_'}, {'a', 'z'}});
}

// The complement of sorted, merged ranges over all code points.
std::vector<ClassRange> complement(const std::vector<ClassRange>& ranges) {
  std::vector<ClassRange> out;
  char32_t next = 0;
  for (const auto& r : ranges) {
    if (r.low > next) out.push_back({next, char32_t(r.low - 1)});
    next = r.high + 1;
  }
  if (next <= 0x10FFFF) out.push_back({next, 0x10FFFF});
  return out;
}

void normalize(std::vector<ClassRange>* ranges) {
  std::sort(ranges->begin(), ranges->end(),
            [](const ClassRange& a, const ClassRange& b) { return a.low < b.low; });
  std::vector<ClassRange> merged;
  for (const auto& r : *ranges) {
    if (!merged.empty() && r.low <= merged.back().high + 1) {
      merged.back().high = std::max(merged.back().high, r.high);
    } else {
      merged.push_back(r);
    }
  }
  ranges->swap(merged);
}

}  // namespace

class RegexCompiler {
 public:
  RegexCompiler(std::string_view pattern, LinearRegex* out) : text_(decode(pattern)), out_(out) {}

  bool run(std::string* error) {
    std::unique_ptr<Node> root = parse_alternation(0);
    if (root && at_ < text_.size()) fail("unmatched ')'");
    if (!error_.empty()) {
      *error = error_;
      return false;
    }
    emit(*root);
    if (!error_.empty()) {
      *error = error_;
      return false;
    }
    push({Instruction::kMatch});
    return true;
  }

 private:
  // --- parsing -----------------------------------------------------------------------------
  bool more() const { return at_ < text_.size(); }
  char32_t peek() const { return text_[at_]; }
  void fail(const std::string& message) {
    if (error_.empty()) error_ = message + " at character " + std::to_string(at_ + 1);
  }

  std::unique_ptr<Node> parse_alternation(int depth) {
    if (depth > kMaxNesting) {
      fail("groups nested too deeply");
      return nullptr;
    }
    auto first = parse_sequence(depth);
    if (!more() || peek() != '|') return first;
    auto alt = std::make_unique<Node>();
    alt->kind = Node::kAlternation;
    alt->children.push_back(std::move(first));
    while (error_.empty() && more() && peek() == '|') {
      ++at_;
      alt->children.push_back(parse_sequence(depth));
    }
    return alt;
  }

  std::unique_ptr<Node> parse_sequence(int depth) {
    auto seq = std::make_unique<Node>();
    seq->kind = Node::kConcat;
    while (error_.empty() && more() && peek() != '|' && peek() != ')') {
      auto atom = parse_atom(depth);
      if (!atom) return seq;
      atom = parse_quantifier(std::move(atom));
      seq->children.push_back(std::move(atom));
    }
    return seq;
  }

  // {n}, {n,}, {n,m} at at_; false (at_ unchanged) when the brace is a literal.
  bool parse_braces(int* min, int* max) {
    size_t i = at_ + 1;
    auto number = [&](int* value) {
      const size_t start = i;
      long long v = 0;
      while (i < text_.size() && text_[i] >= '0' && text_[i] <= '9') {
        v = std::min<long long>(v * 10 + (text_[i] - '0'), 1LL << 40);
        ++i;
      }
      *value = int(std::min<long long>(v, 1 << 30));
      return i > start;
    };
    if (!number(min)) return false;
    *max = *min;
    if (i < text_.size() && text_[i] == ',') {
      ++i;
      if (!number(max)) *max = -1;
    }
    if (i >= text_.size() || text_[i] != '}') return false;
    at_ = i + 1;
    return true;
  }

  std::unique_ptr<Node> parse_quantifier(std::unique_ptr<Node> atom) {
    for (;;) {
      if (!more()) return atom;
      int min = 0, max = 0;
      const char32_t c = peek();
      if (c == '*') {
        min = 0, max = -1, ++at_;
      } else if (c == '+') {
        min = 1, max = -1, ++at_;
      } else if (c == '?') {
        min = 0, max = 1, ++at_;
      } else if (c == '{') {
        if (!parse_braces(&min, &max)) return atom;
      } else {
        return atom;
      }
      if (max != -1 && max < min) {
        fail("numbers out of order in {} quantifier");
        return atom;
      }
      if (min > kMaxCount || max > kMaxCount) {
        fail("a {} quantifier above " + std::to_string(kMaxCount));
        return atom;
      }
      if (atom->kind == Node::kBegin || atom->kind == Node::kEnd ||
          atom->kind == Node::kWordBoundary || atom->kind == Node::kNotWordBoundary) {
        fail("nothing to repeat");
        return atom;
      }
      if (more() && peek() == '?') ++at_;  // lazy: the same language
      auto repeat = std::make_unique<Node>();
      repeat->kind = Node::kRepeat;
      repeat->min = min;
      repeat->max = max;
      repeat->children.push_back(std::move(atom));
      atom = std::move(repeat);
      if (more() && (peek() == '*' || peek() == '+' || peek() == '?')) {
        fail("nothing to repeat");
        return atom;
      }
    }
  }

  std::unique_ptr<Node> leaf(Node::Kind kind, char32_t c = 0) {
    auto node = std::make_unique<Node>();
    node->kind = kind;
    node->c = c;
    return node;
  }

  std::unique_ptr<Node> class_leaf(CharClass cls) {
    normalize(&cls.ranges);
    auto node = leaf(Node::kClass);
    node->class_index = out_->classes_.size();
    out_->classes_.push_back(std::move(cls));
    return node;
  }

  std::unique_ptr<Node> parse_atom(int depth) {
    const char32_t c = peek();
    ++at_;
    switch (c) {
      case '^':
        return leaf(Node::kBegin);
      case '$':
        return leaf(Node::kEnd);
      case '.':
        return class_leaf({{{'\n', '\n'}, {'\r', '\r'}, {0x2028, 0x2029}}, true});
      case '*':
      case '+':
      case '?':
        fail("nothing to repeat");
        return nullptr;
      case '[':
        return parse_class();
      case '(': {
        if (more() && peek() == '?') {
          if (at_ + 1 < text_.size() && text_[at_ + 1] == ':') {
            at_ += 2;
          } else if (at_ + 1 < text_.size() && text_[at_ + 1] == '<' && at_ + 2 < text_.size() &&
                     text_[at_ + 2] != '=' && text_[at_ + 2] != '!') {
            at_ += 2;  // a named group: the name is not needed to decide a match
            while (more() && peek() != '>') ++at_;
            if (!more()) {
              fail("unterminated group name");
              return nullptr;
            }
            ++at_;
          } else {
            fail("lookahead and lookbehind are not supported");
            return nullptr;
          }
        }
        auto inner = parse_alternation(depth + 1);
        if (!more() || peek() != ')') {
          fail("missing ')'");
          return nullptr;
        }
        ++at_;
        return inner;
      }
      case ')':
        fail("unmatched ')'");
        return nullptr;
      case '\\':
        return parse_escape(/*in_class=*/false, nullptr);
      default:
        return leaf(Node::kChar, c);
    }
  }

  // Four hex digits at text_[from]; false when there are not four.
  bool read_hex4(size_t from, char32_t* value) const {
    *value = 0;
    for (size_t i = 0; i < 4; ++i) {
      if (from + i >= text_.size() || hex_digit_value(text_[from + i]) < 0) return false;
      *value = *value * 16 + char32_t(hex_digit_value(text_[from + i]));
    }
    return true;
  }

  // After a backslash. In a class, adds to *ranges and returns null; outside, returns a node.
  std::unique_ptr<Node> parse_escape(bool in_class, std::vector<ClassRange>* ranges,
                                     char32_t* single = nullptr) {
    if (!more()) {
      fail("'\\' at the end of the pattern");
      return nullptr;
    }
    const char32_t c = peek();
    ++at_;
    auto literal = [&](char32_t value) -> std::unique_ptr<Node> {
      if (in_class) {
        ranges->push_back({value, value});
        if (single != nullptr) *single = value;
        return nullptr;
      }
      return leaf(Node::kChar, value);
    };
    auto set = [&](void (*add)(std::vector<ClassRange>*), bool negated) -> std::unique_ptr<Node> {
      std::vector<ClassRange> r;
      add(&r);
      normalize(&r);
      if (negated) r = complement(r);
      if (in_class) {
        ranges->insert(ranges->end(), r.begin(), r.end());
        return nullptr;
      }
      return class_leaf({r, false});
    };
    switch (c) {
      case 'd':
        return set(add_digit, false);
      case 'D':
        return set(add_digit, true);
      case 'w':
        return set(add_word, false);
      case 'W':
        return set(add_word, true);
      case 's':
        return set(add_space, false);
      case 'S':
        return set(add_space, true);
      case 'b':
        if (in_class) return literal(0x08);
        return leaf(Node::kWordBoundary);
      case 'B':
        if (in_class) {
          fail("'\\B' inside a class");
          return nullptr;
        }
        return leaf(Node::kNotWordBoundary);
      case 't':
        return literal('\t');
      case 'n':
        return literal('\n');
      case 'r':
        return literal('\r');
      case 'v':
        return literal('\v');
      case 'f':
        return literal('\f');
      case '0':
        if (more() && peek() >= '0' && peek() <= '9') {
          fail("octal escapes are not supported");
          return nullptr;
        }
        return literal(0);
      case 'c':
        if (more() && ((peek() >= 'a' && peek() <= 'z') || (peek() >= 'A' && peek() <= 'Z'))) {
          const char32_t letter = peek();
          ++at_;
          return literal(letter % 32);
        }
        fail("'\\c' needs a letter");
        return nullptr;
      case 'x': {
        if (at_ + 1 < text_.size() && hex_digit_value(text_[at_]) >= 0 &&
            hex_digit_value(text_[at_ + 1]) >= 0) {
          const char32_t value =
              char32_t(hex_digit_value(text_[at_]) * 16 + hex_digit_value(text_[at_ + 1]));
          at_ += 2;
          return literal(value);
        }
        fail("'\\x' needs two hex digits");
        return nullptr;
      }
      case 'u': {
        if (more() && peek() == '{') {
          ++at_;
          char32_t value = 0;
          size_t digits = 0;
          while (more() && hex_digit_value(peek()) >= 0 && digits < 8) {
            value = value * 16 + char32_t(hex_digit_value(peek()));
            ++at_;
            ++digits;
          }
          if (!more() || peek() != '}' || digits == 0 || value > 0x10FFFF) {
            fail("invalid '\\u{...}' escape");
            return nullptr;
          }
          ++at_;
          return literal(value);
        }
        char32_t value = 0;
        if (!read_hex4(at_, &value)) {
          fail("'\\u' needs four hex digits");
          return nullptr;
        }
        at_ += 4;
        // A surrogate pair written as two escapes is one code point.
        char32_t low = 0;
        if (value >= 0xD800 && value <= 0xDBFF && at_ + 1 < text_.size() && text_[at_] == '\\' &&
            text_[at_ + 1] == 'u' && read_hex4(at_ + 2, &low) && low >= 0xDC00 && low <= 0xDFFF) {
          at_ += 6;
          value = 0x10000 + ((value - 0xD800) << 10) + (low - 0xDC00);
        }
        return literal(value);
      }
      case 'p':
      case 'P':
        fail("Unicode property escapes (\\p{...}) are not supported");
        return nullptr;
      case 'k':
        fail("backreferences are not supported");
        return nullptr;
      default:
        if (c >= '1' && c <= '9') {
          fail("backreferences are not supported");
          return nullptr;
        }
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) {
          fail(std::string("unknown escape '\\") + char(c) + "'");
          return nullptr;
        }
        return literal(c);  // an escaped syntax character, or any other non-letter
    }
  }

  std::unique_ptr<Node> parse_class() {
    CharClass cls;
    if (more() && peek() == '^') {
      cls.negated = true;
      ++at_;
    }
    for (;;) {
      if (!more()) {
        fail("missing ']'");
        return nullptr;
      }
      if (peek() == ']') {
        ++at_;
        break;
      }
      char32_t low = 0;
      bool low_single = true;
      if (peek() == '\\') {
        ++at_;
        const size_t before = cls.ranges.size();
        char32_t single = 0xFFFFFFFF;
        parse_escape(true, &cls.ranges, &single);
        if (!error_.empty()) return nullptr;
        if (single == 0xFFFFFFFF || cls.ranges.size() != before + 1) {
          low_single = false;  // a set like \d cannot start a range
        } else {
          low = single;
          cls.ranges.pop_back();
        }
      } else {
        low = peek();
        ++at_;
      }
      if (!low_single) continue;
      if (at_ + 1 < text_.size() && peek() == '-' && text_[at_ + 1] != ']') {
        ++at_;
        char32_t high = 0;
        if (peek() == '\\') {
          ++at_;
          char32_t single = 0xFFFFFFFF;
          std::vector<ClassRange> tmp;
          parse_escape(true, &tmp, &single);
          if (!error_.empty()) return nullptr;
          if (single == 0xFFFFFFFF) {
            fail("a class escape cannot end a range");
            return nullptr;
          }
          high = single;
        } else {
          high = peek();
          ++at_;
        }
        if (high < low) {
          fail("range out of order in character class");
          return nullptr;
        }
        cls.ranges.push_back({low, high});
      } else {
        cls.ranges.push_back({low, low});
      }
    }
    return class_leaf(std::move(cls));
  }

  // --- compiling ---------------------------------------------------------------------------
  size_t push(Instruction instruction) {
    if (out_->program_.size() >= kMaxProgram) {
      if (error_.empty()) {
        error_ = "the pattern is too large once its repetitions are expanded (over " +
                 std::to_string(kMaxProgram) + " steps)";
      }
      return out_->program_.size();
    }
    out_->program_.push_back(instruction);
    return out_->program_.size() - 1;
  }
  uint32_t here() const { return uint32_t(out_->program_.size()); }
  void patch_x(size_t at, uint32_t to) {
    if (at < out_->program_.size()) out_->program_[at].x = to;
  }
  void patch_y(size_t at, uint32_t to) {
    if (at < out_->program_.size()) out_->program_[at].y = to;
  }

  void emit(const Node& node) {
    if (!error_.empty()) return;
    switch (node.kind) {
      case Node::kEmpty:
        return;
      case Node::kChar: {
        Instruction i{Instruction::kChar};
        i.c = node.c;
        push(i);
        return;
      }
      case Node::kAny:
        push({Instruction::kAny});
        return;
      case Node::kClass: {
        Instruction i{Instruction::kClass};
        i.x = uint32_t(node.class_index);
        push(i);
        return;
      }
      case Node::kBegin:
        push({Instruction::kBegin});
        return;
      case Node::kEnd:
        push({Instruction::kEnd});
        return;
      case Node::kWordBoundary:
        push({Instruction::kWordBoundary});
        return;
      case Node::kNotWordBoundary:
        push({Instruction::kNotWordBoundary});
        return;
      case Node::kConcat:
        for (const auto& child : node.children) emit(*child);
        return;
      case Node::kAlternation: {
        std::vector<size_t> jumps;
        for (size_t k = 0; k < node.children.size(); ++k) {
          if (k + 1 < node.children.size()) {
            const size_t split = push({Instruction::kSplit});
            patch_x(split, here());
            emit(*node.children[k]);
            jumps.push_back(push({Instruction::kJump}));
            patch_y(split, here());
          } else {
            emit(*node.children[k]);
          }
        }
        for (size_t j : jumps) patch_x(j, here());
        return;
      }
      case Node::kRepeat: {
        const Node& child = *node.children[0];
        for (int k = 0; k < node.min && error_.empty(); ++k) emit(child);
        if (node.max == -1) {
          const uint32_t loop = here();
          const size_t split = push({Instruction::kSplit});
          patch_x(split, here());
          emit(child);
          Instruction back{Instruction::kJump};
          back.x = loop;
          push(back);
          patch_y(split, here());
          return;
        }
        std::vector<size_t> splits;
        for (int k = node.min; k < node.max && error_.empty(); ++k) {
          const size_t split = push({Instruction::kSplit});
          patch_x(split, here());
          splits.push_back(split);
          emit(child);
        }
        for (size_t s : splits) patch_y(s, here());
        return;
      }
    }
  }

  std::u32string text_;
  size_t at_ = 0;
  LinearRegex* out_;
  std::string error_;
};

bool LinearRegex::compile(std::string_view pattern, LinearRegex* out, std::string* error) {
  *out = LinearRegex();
  RegexCompiler compiler(pattern, out);
  return compiler.run(error);
}

}  // namespace evalkit

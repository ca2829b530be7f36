// Regular expressions in the ECMAScript syntax that JSON Schema's `pattern` uses, matched in
// time linear in the text (a Pike VM over code points, no backtracking): a hostile pattern
// such as ^(a+)+$ cannot stall a run, and no input depth reaches the stack.
//
// Supported: literals, `.`, classes `[a-z]` `[^...]`, `\d \w \s \D \W \S \b \B`, escapes
// (`\t \n \r \v \f \0 \xHH \uHHHH \u{H...} \cX`, and escaped syntax characters), groups
// `(...)` `(?:...)` `(?<name>...)`, alternation, `^ $`, quantifiers `* + ? {n} {n,} {n,m}` and
// their lazy forms. Not supported (a compile error, never a silent mismatch): backreferences,
// lookaround, `\p{...}`.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace evalkit {

class LinearRegex {
 public:
  enum class Result { kNoMatch, kMatch, kTooExpensive };

  // Compiles pattern (UTF-8); false with *error on a syntax error, an unsupported feature or
  // a program larger than the limit (counted repetitions multiply it).
  static bool compile(std::string_view pattern, LinearRegex* out, std::string* error);

  // Whether the pattern matches anywhere in text (UTF-8), as ECMAScript's RegExp.test does.
  // kTooExpensive when the work would exceed max_steps (thread steps over the whole text).
  Result search(std::string_view text, uint64_t max_steps = 200'000'000) const;

  size_t program_size() const { return program_.size(); }

  // Instructions of the compiled program (public so the compiler in the .cc can build them).
  struct ClassRange {
    char32_t low, high;
  };
  struct Instruction {
    enum Op : uint8_t {
      kChar,
      kAny,
      kClass,
      kSplit,
      kJump,
      kBegin,
      kEnd,
      kWordBoundary,
      kNotWordBoundary,
      kMatch
    };
    Op op;
    char32_t c = 0;         // kChar
    uint32_t x = 0, y = 0;  // kSplit: both; kJump: x; kClass: index into classes_
  };
  struct CharClass {
    std::vector<ClassRange> ranges;  // sorted, merged
    bool negated = false;
  };

 private:
  friend class RegexCompiler;
  std::vector<Instruction> program_;
  std::vector<CharClass> classes_;
};

}  // namespace evalkit

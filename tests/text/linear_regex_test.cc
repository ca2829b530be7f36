// The linear-time regex used by JSON Schema `pattern`: ECMAScript syntax, search semantics,
// refusal of what it cannot do, and no blow-up on patterns that stall backtracking engines.
#include "evalkit/text/linear_regex.h"

#include <gtest/gtest.h>

namespace evalkit {
namespace {

bool matches(const std::string& pattern, const std::string& text) {
  LinearRegex regex;
  std::string error;
  EXPECT_TRUE(LinearRegex::compile(pattern, &regex, &error)) << pattern << ": " << error;
  return regex.search(text) == LinearRegex::Result::kMatch;
}

std::string error_of(const std::string& pattern) {
  LinearRegex regex;
  std::string error;
  return LinearRegex::compile(pattern, &regex, &error) ? "" : error;
}

TEST(LinearRegexTest, SearchesAnywhereLikeRegExpTest) {
  EXPECT_TRUE(matches("b", "abc"));
  EXPECT_FALSE(matches("^b", "abc"));
  EXPECT_TRUE(matches("c$", "abc"));
  EXPECT_FALSE(matches("b$", "abc"));
  EXPECT_TRUE(matches("", "anything"));
  EXPECT_TRUE(matches("^$", ""));
}

TEST(LinearRegexTest, ClassesQuantifiersAlternation) {
  EXPECT_TRUE(matches("^[A-Z]{2}\\d{2}-[a-z]+$", "AB12-xyz"));
  EXPECT_FALSE(matches("^[A-Z]{2}\\d{2}-[a-z]+$", "AB1-xyz"));
  EXPECT_TRUE(matches("^(cat|dog)s?$", "dogs"));
  EXPECT_FALSE(matches("^(cat|dog)s?$", "cow"));
  EXPECT_TRUE(matches("^a{2,3}$", "aaa"));
  EXPECT_FALSE(matches("^a{2,3}$", "aaaa"));
  EXPECT_TRUE(matches("^a{2,}$", "aaaaaa"));
  EXPECT_TRUE(matches("^[^0-9]+$", "abc"));
  EXPECT_FALSE(matches("^[^0-9]+$", "a1c"));
  EXPECT_TRUE(matches("^\\w+@\\w+\\.com$", "ada@example.com"));
  EXPECT_TRUE(matches("^(?:ab)+?$", "abab"));
  EXPECT_TRUE(matches("^(?<year>\\d{4})-\\d\\d$", "2024-05"));
  EXPECT_TRUE(matches("a.c", "abc"));
  EXPECT_FALSE(matches("a.c", "a\nc"));
  EXPECT_TRUE(matches("\\bword\\b", "a word here"));
  EXPECT_FALSE(matches("\\bword\\b", "swordfish"));
  EXPECT_TRUE(matches("x{", "x{"));  // a brace that is no quantifier is a literal
  EXPECT_FALSE(matches("[]a]", "]"));  // [] is the empty class, as in JavaScript
  EXPECT_TRUE(matches("^[^]$", "\n"));    // [^] is any character
}

TEST(LinearRegexTest, UnicodeAndEscapes) {
  EXPECT_TRUE(matches("^.$", "é"));  // one code point, two bytes
  EXPECT_TRUE(matches("^\\u00e9$", "é"));
  EXPECT_TRUE(matches("^\\u{1F600}$", "\xF0\x9F\x98\x80"));
  EXPECT_TRUE(matches("^\\ud83d\\ude00$", "\xF0\x9F\x98\x80"));  // a surrogate pair
  EXPECT_TRUE(matches("^[α-ω]+$", "λόγος") == false);            // ό is outside α-ω
  EXPECT_TRUE(matches("^[α-ω]+$", "λογος"));
  EXPECT_TRUE(matches("^\\s$", "\xE3\x80\x80"));  // U+3000 is ECMAScript whitespace
  EXPECT_TRUE(matches("^\\x41\\t$", "A\t"));
  EXPECT_TRUE(matches("^\\.\\*\\?$", ".*?"));
}

TEST(LinearRegexTest, RefusesWhatItCannotDo) {
  EXPECT_NE(error_of("(a)\\1").find("backreferences are not supported"), std::string::npos);
  EXPECT_NE(error_of("a(?=b)").find("lookahead and lookbehind are not supported"),
            std::string::npos);
  EXPECT_NE(error_of("(?<!a)b").find("lookahead and lookbehind are not supported"),
            std::string::npos);
  EXPECT_NE(error_of("\\p{L}").find("Unicode property escapes"), std::string::npos);
  EXPECT_NE(error_of("(ab").find("missing ')'"), std::string::npos);
  EXPECT_NE(error_of("ab)").find("unmatched ')'"), std::string::npos);
  EXPECT_NE(error_of("[ab").find("missing ']'"), std::string::npos);
  EXPECT_NE(error_of("*a").find("nothing to repeat"), std::string::npos);
  EXPECT_NE(error_of("a**").find("nothing to repeat"), std::string::npos);
  EXPECT_NE(error_of("[z-a]").find("out of order"), std::string::npos);
  EXPECT_NE(error_of("a{3,2}").find("out of order"), std::string::npos);
  EXPECT_NE(error_of("\\q").find("unknown escape"), std::string::npos);
  EXPECT_NE(error_of(std::string(300, '(') + std::string(300, ')')).find("nested too deeply"),
            std::string::npos);
  EXPECT_NE(error_of("(a{1000}){1000}").find("too large"), std::string::npos);
}

// The work is linear: at most a few steps per instruction and character, whatever the
// pattern (a backtracking engine takes exponential time on these).
void expect_linear(const std::string& pattern, const std::string& text) {
  LinearRegex regex;
  std::string error;
  ASSERT_TRUE(LinearRegex::compile(pattern, &regex, &error)) << error;
  const uint64_t bound = 2 * uint64_t(regex.program_size()) * (text.size() + 2);
  EXPECT_EQ(regex.search(text, bound), LinearRegex::Result::kNoMatch) << pattern;
}

TEST(LinearRegexTest, NoCatastrophicBacktracking) {
  const std::string text = std::string(100000, 'a') + "!";
  expect_linear("^(a+)+$", text);
  expect_linear("^(a|aa)*$", text);
  expect_linear("(x+x+)+y", std::string(100000, 'x'));
  expect_linear("^(\\w+\\s?)*$", std::string(50000, 'w') + "!");
}

TEST(LinearRegexTest, AStepBudgetBoundsTheWork) {
  LinearRegex regex;
  std::string error;
  ASSERT_TRUE(LinearRegex::compile("(a|b|c|d){200}z", &regex, &error)) << error;
  EXPECT_EQ(regex.search(std::string(5000, 'a'), 1000), LinearRegex::Result::kTooExpensive);
}

}  // namespace
}  // namespace evalkit

// What a tool call's arguments are expected to be, as a suite writes it, and the check of an
// actual call's arguments against it. A value is a literal (compared as JSON; objects key by
// key) or a matcher map whose keys are all matcher names:
//   {equals: X}, {contains: "s"} (a substring, or an item of a list), {icontains: "s"},
//   {starts_with: "s"}, {regex: "..."} (ECMAScript, searched), {one_of: [a, b]},
//   {min: n}, {max: n}, {type: string|number|integer|boolean|array|object|null},
//   {present: true} (any value), {present: false} (the key must be absent),
//   and ignore_case: true beside equals, contains, starts_with, regex or one_of.
// Several keys in one map must all hold: {min: 1, max: 5}. To expect a literal object that
// looks like a matcher, wrap it: {equals: {regex: "x"}}.
#pragma once

#include <memory>
#include <string>

#include <nlohmann/json.hpp>

namespace evalkit {

class ArgumentMatcher {
 public:
  enum class Mode {
    kSubset,  // objects may have keys the expectation does not name (at every depth)
    kExact,   // objects have exactly the keys the expectation names
  };

  // Compiles expected; false with *error naming the place ("arguments.city: invalid regex
  // /(/: ...") on a malformed matcher.
  static bool compile(const nlohmann::json& expected, Mode mode, ArgumentMatcher* out,
                      std::string* error);

  // Whether actual satisfies the expectation; when not, *why names the first difference:
  // "argument 'city' is \"London\", expected \"Paris\"". Thread-safe.
  bool matches(const nlohmann::json& actual, std::string* why) const;

  // The expectation in the short form reasons use: "city=Paris, days: >= 1 and <= 5".
  // For an object expectation, its members without braces.
  std::string describe() const;

  struct Node;

 private:
  std::shared_ptr<const Node> root_;
  Mode mode_ = Mode::kSubset;
};

// A JSON value in the short form of call descriptions: strings bare unless they hold
// separators (then quoted), everything else compact JSON, cut to 40 characters.
std::string short_value(const nlohmann::json& value);

}  // namespace evalkit

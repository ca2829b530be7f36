// tool_call: expected calls by name and arguments (literal, subset or exact, per-argument
// matchers), F1 over the calls, in order or not, and reasons that say what was called.
#include <gtest/gtest.h>

#include "evalkit/scorers/argument_matcher.h"
#include "tests/support/scorer_fixture.h"

namespace evalkit {
namespace {

using nlohmann::json;

ToolCall call(const std::string& name, json arguments = json::object()) {
  ToolCall c;
  c.id = "call_" + name;
  c.name = name;
  c.arguments = std::move(arguments);
  return c;
}

Score score_calls(const Scorer& scorer, std::vector<ToolCall> calls,
                  const std::vector<std::string>& expected = {}, std::string text = "") {
  ModelAnswer answer;
  answer.text = std::move(text);
  answer.tool_calls = std::move(calls);
  answer.finish_reason = answer.tool_calls.empty() ? "stop" : "tool_calls";
  const json vars = json::object();
  ScoreInput input;
  input.output = answer.text;
  input.answer = &answer;
  input.expected = &expected;
  input.vars = &vars;
  return scorer.score(input);
}

TEST(ToolCallScorerTest, ExpectedCallByNameAndArguments) {
  const auto scorer = testing::make_test_scorer(
      "tool_call", {{"calls", {{"name", "get_weather"}, {"arguments", {{"city", "Paris"}}}}}});
  const Score hit = score_calls(*scorer, {call("get_weather", {{"city", "Paris"}, {"unit", "c"}})});
  EXPECT_TRUE(hit.pass) << hit.reason;
  EXPECT_EQ(hit.value, 1.0);
  EXPECT_EQ(hit.reason, "called get_weather(city=Paris, unit=c)");

  const Score other = score_calls(*scorer, {call("get_time")});
  EXPECT_FALSE(other.pass);
  EXPECT_EQ(other.value, 0.0);
  EXPECT_EQ(other.reason, "expected get_weather(city=Paris), got get_time()");

  const Score wrong_city = score_calls(*scorer, {call("get_weather", {{"city", "London"}})});
  EXPECT_FALSE(wrong_city.pass);
  EXPECT_EQ(wrong_city.reason,
            "expected get_weather(city=Paris), got get_weather(city=London): argument 'city' is "
            "London, expected Paris");

  const Score none = score_calls(*scorer, {}, {}, "It is sunny.");
  EXPECT_FALSE(none.pass);
  EXPECT_FALSE(none.error);
  EXPECT_EQ(none.reason,
            "expected get_weather(city=Paris), got no tool call (the answer is text: 'It is "
            "sunny.')");
}

TEST(ToolCallScorerTest, ExactArgumentsRejectExtraKeys) {
  const auto exact = testing::make_test_scorer(
      "tool_call", {{"calls", {{"name", "f"}, {"arguments", {{"a", 1}}}}}, {"arguments", "exact"}});
  EXPECT_TRUE(score_calls(*exact, {call("f", {{"a", 1}})}).pass);
  const Score extra = score_calls(*exact, {call("f", {{"a", 1}, {"b", 2}})});
  EXPECT_FALSE(extra.pass);
  EXPECT_NE(extra.reason.find("argument 'b' is not expected (arguments: exact)"), std::string::npos)
      << extra.reason;
  // Numbers compare as numbers: 1 and 1.0 are the same argument.
  EXPECT_TRUE(score_calls(*exact, {call("f", {{"a", 1.0}})}).pass);
}

TEST(ToolCallScorerTest, PerArgumentMatchers) {
  const auto scorer = testing::make_test_scorer(
      "tool_call", {{"calls",
                     {{"name", "book"},
                      {"arguments",
                       {{"city", {{"regex", "^par"}, {"ignore_case", true}}},
                        {"nights", {{"min", 1}, {"max", 5}, {"type", "integer"}}},
                        {"note", {{"present", false}}},
                        {"tags", {{"contains", "quiet"}}},
                        {"room", {{"one_of", {"single", "double"}}}}}}}}});
  const json good = {
      {"city", "Paris"}, {"nights", 3}, {"tags", {"quiet", "view"}}, {"room", "double"}};
  EXPECT_TRUE(score_calls(*scorer, {call("book", good)}).pass);

  json bad = good;
  bad["nights"] = 9;
  EXPECT_NE(score_calls(*scorer, {call("book", bad)})
                .reason.find("argument 'nights' is 9, expected >= 1 and <= 5 and type integer"),
            std::string::npos);
  bad = good;
  bad["note"] = "x";
  EXPECT_NE(score_calls(*scorer, {call("book", bad)})
                .reason.find("argument 'note' should be absent, is x"),
            std::string::npos);
  bad = good;
  bad["city"] = "Rome";
  EXPECT_FALSE(score_calls(*scorer, {call("book", bad)}).pass);
  bad = good;
  bad["room"] = "suite";
  EXPECT_FALSE(score_calls(*scorer, {call("book", bad)}).pass);
  bad = good;
  bad["tags"] = {"loud"};
  EXPECT_FALSE(score_calls(*scorer, {call("book", bad)}).pass);
  bad = good;
  bad["nights"] = 2.5;
  EXPECT_FALSE(score_calls(*scorer, {call("book", bad)}).pass);
}

TEST(ToolCallScorerTest, F1OverTheCalls) {
  const auto scorer = testing::make_test_scorer("tool_call", {{"calls", {"search", "fetch"}}}, 0.5);
  // Both expected calls and one extra: precision 2/3, recall 1, F1 0.8.
  const Score extra = score_calls(*scorer, {call("search"), call("fetch"), call("delete_all")});
  EXPECT_NEAR(extra.value, 0.8, 1e-12);
  EXPECT_TRUE(extra.pass);
  EXPECT_EQ(extra.reason, "unexpected call delete_all()");
  EXPECT_EQ(extra.details["precision"], 2.0 / 3);
  // One of the two, nothing else: precision 1, recall 1/2, F1 2/3.
  const Score half = score_calls(*scorer, {call("fetch")});
  EXPECT_NEAR(half.value, 2.0 / 3, 1e-12);
  EXPECT_EQ(half.reason, "expected search, got no further call (called fetch())");
  // A call made twice counts once.
  const Score twice = score_calls(*scorer, {call("search"), call("search")});
  EXPECT_NEAR(twice.value, 0.5, 1e-12);

  const auto recall = testing::make_test_scorer(
      "tool_call", {{"calls", {"search", "fetch"}}, {"allow_extra", true}});
  const Score allowed = score_calls(*recall, {call("search"), call("fetch"), call("log")});
  EXPECT_EQ(allowed.value, 1.0);
  EXPECT_TRUE(allowed.pass);
  EXPECT_EQ(allowed.reason, "called search(), fetch() (and 1 other call, allowed)");
}

TEST(ToolCallScorerTest, OrderedCallsCountTheLongestRunInOrder) {
  const auto any = testing::make_test_scorer("tool_call", {{"calls", {"a", "b", "c"}}});
  const auto ordered =
      testing::make_test_scorer("tool_call", {{"calls", {"a", "b", "c"}}, {"ordered", true}});
  const std::vector<ToolCall> swapped = {call("b"), call("a"), call("c")};
  EXPECT_EQ(score_calls(*any, swapped).value, 1.0);
  const Score in_order = score_calls(*ordered, swapped);
  // Two of three in order (a, c or b, c): precision = recall = 2/3.
  EXPECT_NEAR(in_order.value, 2.0 / 3, 1e-12);
  EXPECT_FALSE(in_order.pass);
  EXPECT_EQ(in_order.reason, "expected a, got a() out of order (called b(), a(), c())");
  EXPECT_EQ(score_calls(*ordered, {call("a"), call("b"), call("c")}).value, 1.0);
}

TEST(ToolCallScorerTest, ReferencesAreAlternatives) {
  const auto scorer = testing::make_test_scorer("tool_call");
  // A bare name, a call as JSON, or OpenAI's own form.
  EXPECT_TRUE(score_calls(*scorer, {call("get_time")}, {"get_time"}).pass);
  EXPECT_TRUE(score_calls(*scorer, {call("get_weather", {{"city", "Oslo"}})},
                          {"get_time", R"({"name": "get_weather", "arguments": {"city": "Oslo"}})"})
                  .pass);
  EXPECT_TRUE(
      score_calls(*scorer, {call("f", {{"x", 1}})},
                  {R"({"type": "function", "function": {"name": "f", "arguments": "{\"x\": 1}"}})"})
          .pass);
  const Score closest = score_calls(*scorer, {call("f", {{"x", 2}})},
                                    {"g", R"({"name": "f", "arguments": {"x": 1}})"});
  EXPECT_FALSE(closest.pass);
  EXPECT_EQ(closest.reason.rfind("closest of 2 expected answers: ", 0), 0u) << closest.reason;
  // No calls and no references: the scorer cannot decide.
  const Score nothing = score_calls(*scorer, {call("f")});
  EXPECT_TRUE(nothing.error);
  // An empty list expects no call at all.
  const auto no_call = testing::make_test_scorer("tool_call", {{"calls", json::array()}});
  EXPECT_TRUE(score_calls(*no_call, {}, {}, "Hello").pass);
  const Score unwanted = score_calls(*no_call, {call("f")});
  EXPECT_FALSE(unwanted.pass);
  EXPECT_EQ(unwanted.reason, "expected no tool call, got f()");
}

TEST(ToolCallScorerTest, ArgumentsThatAreNotJson) {
  const auto scorer = testing::make_test_scorer(
      "tool_call", {{"calls", {{"name", "f"}, {"arguments", {{"a", 1}}}}}});
  const Score s = score_calls(*scorer, {call("f", json("{a: 1"))});
  EXPECT_FALSE(s.pass);
  EXPECT_NE(s.reason.find("the arguments are not JSON: '{a: 1'"), std::string::npos) << s.reason;
}

TEST(ToolCallScorerTest, WithoutTheWholeAnswerItIsAnError) {
  const auto scorer = testing::make_test_scorer("tool_call", {{"calls", "f"}});
  const Score s = testing::score_output(*scorer, "f");
  EXPECT_TRUE(s.error);
  EXPECT_FALSE(s.pass);
}

TEST(ToolCallScorerTest, MalformedOptionsAreRefused) {
  EXPECT_NE(testing::scorer_error(
                "tool_call", {{"calls", {{"name", "f"}, {"arguments", {{"a", {{"regex", "("}}}}}}}})
                .find("f arguments.a: invalid regex /(/"),
            std::string::npos);
  EXPECT_NE(testing::scorer_error("tool_call", {{"arguments", "loose"}}).find("'subset'"),
            std::string::npos);
  EXPECT_NE(
      testing::scorer_error("tool_call", {{"calls", {{"nmae", "f"}}}}).find("did you mean 'name'"),
      std::string::npos);
  EXPECT_NE(testing::scorer_error("tool_call", {{"calls", {{"name", "f"}, {"arguments", 3}}}})
                .find("expects a map of argument names"),
            std::string::npos);
  EXPECT_NE(
      testing::scorer_error(
          "tool_call",
          {{"calls", {{"name", "f"}, {"arguments", {{"a", {{"present", false}, {"equals", 1}}}}}}}})
          .find("cannot go with other checks"),
      std::string::npos);
  EXPECT_NE(testing::scorer_error("tool_call", {{"ordred", true}}), "");
}

TEST(ToolCallScorerTest, ManyCallsFromAHostileModelStayCheap) {
  const auto scorer =
      testing::make_test_scorer("tool_call", {{"calls", {"a", "b"}}, {"ordered", true}});
  std::vector<ToolCall> calls(20000, call("z"));
  calls.push_back(call("a"));
  const Score s = score_calls(*scorer, calls);
  EXPECT_FALSE(s.pass);
  EXPECT_NE(s.reason.find("and 19996 more"), std::string::npos) << s.reason.substr(0, 300);
}

TEST(ArgumentMatcherTest, LiteralThatLooksLikeAMatcherIsWrappedInEquals) {
  ArgumentMatcher matcher;
  std::string error;
  ASSERT_TRUE(ArgumentMatcher::compile({{"q", {{"equals", {{"regex", "x"}}}}}},
                                       ArgumentMatcher::Mode::kSubset, &matcher, &error))
      << error;
  std::string why;
  EXPECT_TRUE(matcher.matches({{"q", {{"regex", "x"}}}}, &why));
  EXPECT_FALSE(matcher.matches({{"q", "x"}}, &why));
  EXPECT_EQ(matcher.describe(), "q: equals {\"regex\":\"x\"}");
}

}  // namespace
}  // namespace evalkit

// tool_args_schema: each call's arguments against its tool's parameters (from the request's
// tools, or inline), never a pass for want of a call or a schema.
#include <gtest/gtest.h>

#include "tests/support/scorer_fixture.h"

namespace evalkit {
namespace {

using nlohmann::json;

const json kTools = json::parse(R"([
  {"type": "function", "function": {"name": "get_weather", "parameters": {
    "type": "object", "required": ["city"], "additionalProperties": false,
    "properties": {"city": {"type": "string"}, "unit": {"enum": ["celsius", "fahrenheit"]}}}}},
  {"type": "function", "function": {"name": "get_time"}}
])");

ToolCall call(const std::string& name, json arguments = json::object()) {
  ToolCall c;
  c.name = name;
  c.arguments = std::move(arguments);
  return c;
}

Score score_calls(const Scorer& scorer, std::vector<ToolCall> calls, const json* tools = &kTools,
                  std::string text = "") {
  ModelAnswer answer;
  answer.text = std::move(text);
  answer.tool_calls = std::move(calls);
  const std::vector<std::string> expected;
  const json vars = json::object();
  ScoreInput input;
  input.output = answer.text;
  input.answer = &answer;
  input.expected = &expected;
  input.vars = &vars;
  input.tools = tools;
  return scorer.score(input);
}

TEST(ToolArgsSchemaScorerTest, ArgumentsAgainstTheOfferedToolsParameters) {
  const auto scorer = testing::make_test_scorer("tool_args_schema");
  const Score ok =
      score_calls(*scorer, {call("get_weather", {{"city", "Paris"}, {"unit", "celsius"}})});
  EXPECT_TRUE(ok.pass) << ok.reason;
  EXPECT_EQ(ok.value, 1.0);
  EXPECT_EQ(ok.reason, "the call's arguments match its tool's schema");

  const Score missing = score_calls(*scorer, {call("get_weather", {{"unit", "celsius"}})});
  EXPECT_FALSE(missing.pass);
  EXPECT_EQ(missing.value, 0.0);
  EXPECT_NE(missing.reason.find("get_weather({\"unit\":\"celsius\"}): "), std::string::npos)
      << missing.reason;
  EXPECT_NE(missing.reason.find("city"), std::string::npos) << missing.reason;

  const Score bad_enum =
      score_calls(*scorer, {call("get_weather", {{"city", "Oslo"}, {"unit", "kelvin"}})});
  EXPECT_FALSE(bad_enum.pass);
  EXPECT_NE(bad_enum.reason.find("unit"), std::string::npos) << bad_enum.reason;

  // Half of the calls valid: the value says so, the scorer fails.
  const Score half = score_calls(
      *scorer, {call("get_weather", {{"city", "Oslo"}}), call("get_weather", {{"town", "Oslo"}})});
  EXPECT_EQ(half.value, 0.5);
  EXPECT_FALSE(half.pass);
  EXPECT_EQ(half.details["calls"], 2);
}

TEST(ToolArgsSchemaScorerTest, ToolsWithoutParametersTakeNoArguments) {
  const auto scorer = testing::make_test_scorer("tool_args_schema");
  EXPECT_TRUE(score_calls(*scorer, {call("get_time")}).pass);
  const Score extra = score_calls(*scorer, {call("get_time", {{"zone", "UTC"}})});
  EXPECT_FALSE(extra.pass);
  EXPECT_EQ(extra.reason, "get_time({\"zone\":\"UTC\"}): the tool takes no arguments");
}

TEST(ToolArgsSchemaScorerTest, NothingToCheckIsNotAPass) {
  const auto scorer = testing::make_test_scorer("tool_args_schema");
  const Score none = score_calls(*scorer, {}, &kTools, "Sunny.");
  EXPECT_FALSE(none.pass);
  EXPECT_EQ(none.reason, "no tool call to check (the answer is text: 'Sunny.')");
  const Score unknown = score_calls(*scorer, {call("delete_all")});
  EXPECT_FALSE(unknown.pass);
  EXPECT_EQ(unknown.reason, "delete_all({}): no tool of that name was offered");
  const Score no_tools = score_calls(*scorer, {call("get_weather", {{"city", "Oslo"}})}, nullptr);
  EXPECT_FALSE(no_tools.pass);
  EXPECT_NE(no_tools.reason.find("the request offered no tools"), std::string::npos);

  const auto lenient = testing::make_test_scorer(
      "tool_args_schema", {{"allow_no_calls", true}, {"unknown_tools", "ignore"}});
  EXPECT_TRUE(score_calls(*lenient, {}).pass);
  EXPECT_TRUE(
      score_calls(*lenient, {call("delete_all"), call("get_weather", {{"city", "A"}})}).pass);
  EXPECT_FALSE(score_calls(*lenient, {call("delete_all"), call("get_weather")}).pass);
}

TEST(ToolArgsSchemaScorerTest, InlineSchemasWinOverTheRequestsTools) {
  const auto scorer = testing::make_test_scorer(
      "tool_args_schema",
      {{"schemas",
        {{"get_weather",
          {{"type", "object"},
           {"properties", {{"city", {{"type", "string"}, {"minLength", 3}}}}}}}}}});
  EXPECT_FALSE(score_calls(*scorer, {call("get_weather", {{"city", "NY"}})}).pass);
  EXPECT_TRUE(score_calls(*scorer, {call("get_weather", {{"city", "Oslo"}})}, nullptr).pass);
}

TEST(ToolArgsSchemaScorerTest, ArgumentsThatAreNotJsonFail) {
  const auto scorer = testing::make_test_scorer("tool_args_schema");
  const Score s = score_calls(*scorer, {call("get_weather", json("{city: Paris"))});
  EXPECT_FALSE(s.pass);
  EXPECT_EQ(s.reason, "get_weather: the arguments are not JSON: '{city: Paris'");
}

TEST(ToolArgsSchemaScorerTest, ASchemaEvalkitCannotCheckIsAnErrorNotAVerdict) {
  const auto scorer = testing::make_test_scorer("tool_args_schema");
  const json tools = json::parse(R"([{"type": "function", "function": {"name": "f",
      "parameters": {"type": "object", "unevaluatedProperties": false}}}])");
  const Score s = score_calls(*scorer, {call("f")}, &tools);
  EXPECT_TRUE(s.error);
  EXPECT_FALSE(s.pass);
  EXPECT_NE(s.reason.find("unevaluatedProperties"), std::string::npos) << s.reason;
}

TEST(ToolArgsSchemaScorerTest, MalformedOptionsAreRefused) {
  EXPECT_NE(testing::scorer_error("tool_args_schema", {{"schemas", {{"f", {{"type", "strnig"}}}}}})
                .find("tool 'f'"),
            std::string::npos);
  EXPECT_NE(testing::scorer_error("tool_args_schema", {{"schemas", json::array()}}), "");
  EXPECT_NE(testing::scorer_error("tool_args_schema", {{"unknown_tools", "skip"}}), "");
}

}  // namespace
}  // namespace evalkit

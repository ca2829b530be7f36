// `transform:`: paths into the answer, regex groups and code fences, alone or as steps; the
// errors a suite gets when one is malformed; scorers that score the transformed part.
#include <gtest/gtest.h>

#include "evalkit/base/value_path.h"
#include "evalkit/scorers/answer_transform.h"
#include "evalkit/scorers/registry.h"
#include "tests/support/scorer_fixture.h"

namespace evalkit {
namespace {

using nlohmann::json;

ModelAnswer weather_answer() {
  ModelAnswer answer;
  answer.text = "";
  answer.finish_reason = "tool_calls";
  ToolCall call;
  call.id = "call_1";
  call.name = "get_weather";
  call.arguments = {{"city", "Paris"}, {"days", {1, 2}}};
  answer.tool_calls.push_back(call);
  answer.prompt_tokens = 12;
  answer.completion_tokens = 7;
  answer.latency_s = 0.25;
  return answer;
}

std::string apply(const json& spec, const ModelAnswer* answer, std::string_view text,
                  std::string* failure = nullptr) {
  AnswerTransform transform;
  std::string error;
  EXPECT_TRUE(AnswerTransform::compile(spec, &transform, &error)) << error;
  std::string result, why;
  if (!transform.apply(answer, text, &result, &why)) {
    if (failure != nullptr) *failure = why;
    return "<failed: " + why + ">";
  }
  return result;
}

std::string compile_error(const json& spec) {
  AnswerTransform transform;
  std::string error;
  return AnswerTransform::compile(spec, &transform, &error) ? "" : error;
}

TEST(ValuePathTest, DottedBracketedAndPointerPathsReadTheSameSteps) {
  for (const char* text : {"tool_calls.0.function.name", "tool_calls[0].function.name",
                           "$.tool_calls[0]['function'].name", "/tool_calls/0/function/name"}) {
    ValuePath path;
    std::string error;
    ASSERT_TRUE(ValuePath::parse(text, &path, &error)) << text << ": " << error;
    ASSERT_EQ(path.steps().size(), 4u) << text;
    EXPECT_EQ(path.steps()[0].key, "tool_calls");
    EXPECT_EQ(path.steps()[1].index, 0);
    EXPECT_EQ(path.steps()[3].key, "name");
  }
  ValuePath path;
  std::string error;
  EXPECT_FALSE(ValuePath::parse("a..b", &path, &error));
  EXPECT_EQ(error, "empty step at character 3 of 'a..b'");
  EXPECT_FALSE(ValuePath::parse("a[0", &path, &error));
  EXPECT_EQ(error, "'[' without ']' at character 2 of 'a[0'");
  EXPECT_FALSE(ValuePath::parse("a[x]", &path, &error));
  EXPECT_FALSE(ValuePath::parse("", &path, &error));
  EXPECT_FALSE(ValuePath::parse("a.", &path, &error));
  EXPECT_FALSE(ValuePath::parse("/a/~2", &path, &error));
  // A key with a dot is written in brackets; ~1 is '/' in a pointer.
  ASSERT_TRUE(ValuePath::parse("['a.b'].c", &path, &error)) << error;
  EXPECT_EQ(path.steps()[0].key, "a.b");
  ASSERT_TRUE(ValuePath::parse("/a~1b", &path, &error));
  EXPECT_EQ(path.steps()[0].key, "a/b");
}

TEST(AnswerTransformTest, PathsIntoTheWholeAnswer) {
  const ModelAnswer answer = weather_answer();
  EXPECT_EQ(apply("tool_calls.0.name", &answer, ""), "get_weather");
  EXPECT_EQ(apply("tool_calls.0.function.name", &answer, ""), "get_weather");
  EXPECT_EQ(apply("tool_calls[-1].arguments.city", &answer, ""), "Paris");
  // OpenAI's arguments are a JSON text; a path steps into it all the same.
  EXPECT_EQ(apply("tool_calls.0.function.arguments", &answer, ""),
            R"({"city":"Paris","days":[1,2]})");
  EXPECT_EQ(apply("tool_calls.0.function.arguments.days.1", &answer, ""), "2");
  EXPECT_EQ(apply("tool_calls.0.arguments", &answer, ""), R"({"city":"Paris","days":[1,2]})");
  EXPECT_EQ(apply("finish_reason", &answer, ""), "tool_calls");
  EXPECT_EQ(apply("usage.total_tokens", &answer, ""), "19");
  EXPECT_EQ(apply("latency_s", &answer, ""), "0.25");
}

TEST(AnswerTransformTest, PathsIntoAJsonOutput) {
  const std::string text = R"({"answer": {"city": "Oslo", "score": 0.9}, "items": ["a", "b"]})";
  EXPECT_EQ(apply("output.answer.city", nullptr, text), "Oslo");
  EXPECT_EQ(apply("text.items.1", nullptr, text), "b");
  EXPECT_EQ(apply("output.answer", nullptr, text), R"({"city":"Oslo","score":0.9})");
  EXPECT_EQ(apply("output", nullptr, text), text);
  EXPECT_EQ(apply(json::array({"strip_code_fence", "ok"}), nullptr,
                  "Here:\n```json\n{\"ok\": true}\n```\n"),
            "true");
}

TEST(AnswerTransformTest, FailuresSayWhatWasMissing) {
  const ModelAnswer answer = weather_answer();
  std::string failure;
  apply("tool_calls.1.name", &answer, "", &failure);
  EXPECT_EQ(failure, "path 'tool_calls.1.name': 'tool_calls' has 1 item, there is no item 1");
  apply("tool_calls.0.arguments.town", &answer, "", &failure);
  EXPECT_EQ(failure,
            "path 'tool_calls.0.arguments.town': 'tool_calls.0.arguments.town' is missing");
  ModelAnswer text_only;
  text_only.text = "Sunny";
  apply("tool_calls.0.name", &text_only, text_only.text, &failure);
  EXPECT_EQ(failure, "path 'tool_calls.0.name': the answer has no tool calls");
  apply("output.city", &text_only, text_only.text, &failure);
  EXPECT_EQ(failure, "path 'output.city': 'output' is not JSON: 'Sunny'");
  apply("output.city", &text_only, "```json\n{\"city\": 1}\n```", &failure);
  EXPECT_NE(failure.find("put strip_code_fence before the path"), std::string::npos) << failure;
  apply("time_to_first_token_s", &text_only, "x", &failure);
  EXPECT_EQ(failure, "path 'time_to_first_token_s': the answer has no time_to_first_token_s");
  apply({{"regex", "(\\d+) C"}}, nullptr, "no number", &failure);
  EXPECT_EQ(failure, "regex /(\\d+) C/ does not match 'no number'");
}

TEST(AnswerTransformTest, RegexGroups) {
  EXPECT_EQ(apply({{"regex", "temp: (\\d+)"}}, nullptr, "the temp: 21 C"), "21");
  EXPECT_EQ(apply({{"regex", "temp: (\\d+)"}, {"group", 0}}, nullptr, "the temp: 21 C"),
            "temp: 21");
  EXPECT_EQ(apply({{"regex", "ANSWER: (\\w+)"}, {"ignore_case", true}}, nullptr, "answer: yes"),
            "yes");
  EXPECT_EQ(apply({{"regex", "a(x)?b"}, {"group", 1}}, nullptr, "ab").substr(0, 9), "<failed: ");
}

TEST(AnswerTransformTest, MalformedTransformsAreRefusedWithTheReason) {
  EXPECT_EQ(compile_error("tool_call.0.name"),
            "transform path 'tool_call.0.name' starts with 'tool_call', which is not a field of "
            "the answer (did you mean 'tool_calls'?); a field of a JSON output is "
            "output.tool_call.0.name (the answer has output, tool_calls, finish_reason, usage, "
            "latency_s, ...)");
  EXPECT_EQ(compile_error({{"regex", "("}}).rfind("transform regex /(/ is invalid: ", 0), 0u);
  EXPECT_EQ(compile_error({{"regex", "(a)"}, {"group", 2}}),
            "transform regex /(a)/ has 1 group, so it has no group 2");
  EXPECT_EQ(compile_error({{"regx", "a"}}),
            "unknown transform step 'regx' (did you mean 'regex'?)");
  EXPECT_EQ(compile_error(json::array()), "transform has no step");
  EXPECT_EQ(compile_error(json::array({"output", "a..b"})),
            "step 2: transform path 'a..b': empty step at character 3 of 'a..b'");
  EXPECT_EQ(compile_error(3),
            "a transform step is a path, strip_code_fence, {path: ...}, "
            "{regex: ...} or {strip_code_fence: true}");
  // After the first step a path starts anywhere: it reads the value before it.
  EXPECT_EQ(compile_error(json::array({"output", "city"})), "");
}

TEST(TransformedScorerTest, ScoresThePartTheTransformPicks) {
  ScorerSpec spec;
  spec.type = "exact_match";
  spec.transform = "tool_calls.0.function.name";
  std::unique_ptr<Scorer> scorer;
  ASSERT_TRUE(make_scorer(spec, &scorer).is_ok());
  EXPECT_EQ(scorer->signature(), "exact_match|norm:none|transform:path:tool_calls.0.function.name");
  const ModelAnswer answer = weather_answer();
  const std::vector<std::string> expected = {"get_weather"};
  const json vars = json::object();
  ScoreInput input;
  input.output = answer.text;
  input.answer = &answer;
  input.expected = &expected;
  input.vars = &vars;
  const Score hit = scorer->score(input);
  EXPECT_TRUE(hit.pass) << hit.reason;

  const ModelAnswer text_only;
  input.answer = &text_only;
  const Score miss = scorer->score(input);
  EXPECT_FALSE(miss.pass);
  EXPECT_FALSE(miss.error);  // the answer lacks what was checked: a failure, not an error
  EXPECT_EQ(miss.reason,
            "transform: path 'tool_calls.0.function.name': the answer has no tool calls");

  // Negated, a missing part passes (the first call is not get_weather).
  spec.negate = true;
  ASSERT_TRUE(make_scorer(spec, &scorer).is_ok());
  EXPECT_TRUE(scorer->score(input).pass);
}

TEST(TransformedScorerTest, ABadTransformFailsTheSpecWithItsPlace) {
  ScorerSpec spec;
  spec.type = "contains";
  spec.options = {{"value", "x"}};
  spec.transform = {{"regex", "(("}};
  spec.where = {"suite.yaml", 4, 5};
  spec.transform_where = {"suite.yaml", 6, 18};
  std::unique_ptr<Scorer> scorer;
  const Status s = make_scorer(spec, &scorer);
  ASSERT_FALSE(s.is_ok());
  EXPECT_EQ(s.message().rfind("suite.yaml:6:18: scorer 'contains': transform: transform regex", 0),
            0u)
      << s.message();
}

}  // namespace
}  // namespace evalkit

#include "evalkit/model/model_answer.h"

#include <gtest/gtest.h>

#include "evalkit/model/chat_message.h"
#include "evalkit/model/model_request.h"

namespace evalkit {
namespace {

TEST(ToolCallTest, ReadsOpenAIFormWithArgumentsAsJsonText) {
  const auto value = nlohmann::json::parse(
      R"({"id":"call_1","type":"function","function":{"name":"get_weather","arguments":"{\"city\":\"Paris\"}"}})");
  ToolCall call;
  ASSERT_TRUE(tool_call_from_json(value, &call));
  EXPECT_EQ(call.id, "call_1");
  EXPECT_EQ(call.name, "get_weather");
  EXPECT_EQ(call.arguments, nlohmann::json({{"city", "Paris"}}));
}

TEST(ToolCallTest, KeepsArgumentsThatAreNotJsonAsText) {
  const auto value =
      nlohmann::json::parse(R"({"function":{"name":"f","arguments":"{city: Paris"}})");
  ToolCall call;
  ASSERT_TRUE(tool_call_from_json(value, &call));
  EXPECT_EQ(call.arguments, nlohmann::json("{city: Paris"));
}

TEST(ToolCallTest, ReadsItsOwnFormAndRejectsNamelessCalls) {
  ToolCall call;
  ASSERT_TRUE(tool_call_from_json({{"name", "f"}, {"arguments", {{"a", 1}}}}, &call));
  EXPECT_EQ(call.arguments["a"], 1);
  EXPECT_FALSE(tool_call_from_json({{"arguments", {{"a", 1}}}}, &call));
  EXPECT_FALSE(tool_call_from_json("f", &call));
  // Arguments given as a string in evalkit's own form stay a string: only OpenAI's nested
  // form carries JSON inside a string.
  ASSERT_TRUE(tool_call_from_json({{"name", "f"}, {"arguments", "{\"a\":1}"}}, &call));
  EXPECT_TRUE(call.arguments.is_string());
}

TEST(ModelAnswerTest, RoundTripsEveryFieldThroughJson) {
  ModelAnswer a;
  a.text = "It is sunny.";
  a.finish_reason = "tool_calls";
  a.tool_calls = {{"call_1", "get_weather", {{"city", "Paris"}}}, {"", "noop", {}}};
  a.prompt_tokens = 11;
  a.completion_tokens = 21;
  a.latency_s = 1.5;
  a.streamed = true;
  a.time_to_first_token_s = 0.5;
  derive_stream_timings(&a);
  ASSERT_TRUE(a.time_per_output_token_s.has_value());
  EXPECT_DOUBLE_EQ(*a.time_per_output_token_s, 1.0 / 20);
  EXPECT_DOUBLE_EQ(*a.tokens_per_s, 21 / 1.5);

  ModelAnswer b;
  answer_from_json(nlohmann::json::parse(answer_to_json(a).dump()), &b);
  EXPECT_EQ(b.text, a.text);
  EXPECT_EQ(b.finish_reason, a.finish_reason);
  ASSERT_EQ(b.tool_calls.size(), 2u);
  EXPECT_EQ(b.tool_calls[0].id, "call_1");
  EXPECT_EQ(b.tool_calls[0].arguments["city"], "Paris");
  EXPECT_EQ(b.tool_calls[1].name, "noop");
  EXPECT_EQ(b.prompt_tokens, 11);
  EXPECT_EQ(b.completion_tokens, 21);
  EXPECT_TRUE(b.streamed);
  EXPECT_EQ(b.time_to_first_token_s, a.time_to_first_token_s);
  EXPECT_EQ(b.time_per_output_token_s, a.time_per_output_token_s);
  EXPECT_EQ(b.tokens_per_s, a.tokens_per_s);
}

TEST(ModelAnswerTest, PlainAnswerHasNoOptionalMembers) {
  ModelAnswer a;
  a.text = "Paris";
  const nlohmann::json j = answer_to_json(a);
  EXPECT_FALSE(j.contains("tool_calls"));
  EXPECT_FALSE(j.contains("streamed"));
  EXPECT_FALSE(j.contains("time_to_first_token_s"));
}

TEST(ModelAnswerTest, UnstreamedAnswersGetNoDerivedTimings) {
  ModelAnswer a;
  a.latency_s = 2;
  a.completion_tokens = 10;
  a.time_to_first_token_s = 1;
  derive_stream_timings(&a);
  EXPECT_FALSE(a.tokens_per_s.has_value());
}

TEST(ChatRequestIdentityTest, PlainMessagesKeepTheirEarlierShape) {
  ModelRequest request;
  request.messages = {{"system", "Be brief."}, {"user", "Hi"}};
  EXPECT_EQ(chat_request_identity(request),
            nlohmann::json::parse(R"({"messages":[{"role":"system","content":"Be brief."},
                                                  {"role":"user","content":"Hi"}]})"));
}

TEST(ChatRequestIdentityTest, ToolsAndToolTurnsChangeTheIdentity) {
  ModelRequest plain;
  plain.messages = {{"user", "Weather in Paris?"}};
  ModelRequest with_tools = plain;
  with_tools.tools = nlohmann::json::array({{{"type", "function"}, {"function", {{"name", "w"}}}}});
  EXPECT_NE(chat_request_identity(plain), chat_request_identity(with_tools));

  ModelRequest conversation = plain;
  ChatMessage call{"assistant", ""};
  call.tool_calls = {{"call_1", "w", {{"city", "Paris"}}}};
  ChatMessage result{"tool", "18C"};
  result.tool_call_id = "call_1";
  conversation.messages.push_back(call);
  conversation.messages.push_back(result);
  const nlohmann::json identity = chat_request_identity(conversation);
  EXPECT_EQ(identity["messages"][1]["tool_calls"][0]["name"], "w");
  EXPECT_EQ(identity["messages"][2]["tool_call_id"], "call_1");
}

}  // namespace
}  // namespace evalkit

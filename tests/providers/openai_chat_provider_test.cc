// The OpenAI chat protocol in both directions: tool turns and tools on the way out, tool calls,
// usage and streamed chunks on the way back. Shapes follow OpenAI's API reference.
#include "evalkit/providers/openai_chat_provider.h"

#include <gtest/gtest.h>

namespace evalkit {
namespace {

ModelRequest conversation_with_a_tool_turn() {
  ModelRequest request;
  request.messages.push_back({"system", "Be brief."});
  request.messages.push_back({"user", "Weather in Paris?"});
  ChatMessage assistant{"assistant", ""};
  assistant.tool_calls.push_back({"call_1", "get_weather", {{"city", "Paris"}}});
  request.messages.push_back(assistant);
  ChatMessage tool{"tool", "{\"temp_c\": 21}"};
  tool.tool_call_id = "call_1";
  tool.name = "get_weather";
  request.messages.push_back(tool);
  request.tools = nlohmann::json::parse(
      R"([{"type":"function","function":{"name":"get_weather","parameters":{"type":"object"}}}])");
  request.tool_choice = "auto";
  return request;
}

TEST(OpenAIChatProviderTest, BodyCarriesToolCallsAsJsonTextAndToolTurnsById) {
  const nlohmann::json body =
      openai_chat_body(conversation_with_a_tool_turn(), {{"temperature", 0}}, "gpt-4o", false);
  EXPECT_EQ(body["model"], "gpt-4o");
  EXPECT_EQ(body["temperature"], 0);
  const auto& messages = body["messages"];
  ASSERT_EQ(messages.size(), 4u);
  const auto& assistant = messages[2];
  EXPECT_TRUE(assistant["content"].is_null());
  ASSERT_EQ(assistant["tool_calls"].size(), 1u);
  EXPECT_EQ(assistant["tool_calls"][0]["id"], "call_1");
  EXPECT_EQ(assistant["tool_calls"][0]["type"], "function");
  EXPECT_EQ(assistant["tool_calls"][0]["function"]["name"], "get_weather");
  // OpenAI takes the arguments as a JSON text, not an object.
  ASSERT_TRUE(assistant["tool_calls"][0]["function"]["arguments"].is_string());
  EXPECT_EQ(
      nlohmann::json::parse(assistant["tool_calls"][0]["function"]["arguments"].get<std::string>()),
      nlohmann::json({{"city", "Paris"}}));
  const auto& tool = messages[3];
  EXPECT_EQ(tool,
            nlohmann::json(
                {{"role", "tool"}, {"tool_call_id", "call_1"}, {"content", "{\"temp_c\": 21}"}}));
  EXPECT_EQ(body["tools"][0]["function"]["name"], "get_weather");
  EXPECT_EQ(body["tool_choice"], "auto");
  EXPECT_FALSE(body.contains("stream"));
}

TEST(OpenAIChatProviderTest, ToolChoiceWithoutToolsIsLeftOutAndStreamingAsksForUsage) {
  ModelRequest request;
  request.messages.push_back({"user", "hi"});
  request.tool_choice = "required";
  const nlohmann::json body = openai_chat_body(request, nlohmann::json::object(), "m", true);
  EXPECT_FALSE(body.contains("tools"));
  EXPECT_FALSE(body.contains("tool_choice"));
  EXPECT_EQ(body["stream"], true);
  EXPECT_EQ(body["stream_options"]["include_usage"], true);
  EXPECT_EQ(body["messages"], nlohmann::json::parse(R"([{"role":"user","content":"hi"}])"));
}

// From OpenAI's chat completion object reference: a tool call answer.
constexpr const char* kToolCallCompletion = R"({
  "id": "chatcmpl-abc123", "object": "chat.completion", "created": 1699896916,
  "model": "gpt-4o-mini",
  "choices": [{"index": 0, "message": {"role": "assistant", "content": null,
    "tool_calls": [{"id": "call_abc123", "type": "function",
      "function": {"name": "get_current_weather", "arguments": "{\n\"location\": \"Boston, MA\"\n}"}}]},
    "logprobs": null, "finish_reason": "tool_calls"}],
  "usage": {"prompt_tokens": 82, "completion_tokens": 17, "total_tokens": 99}})";

TEST(OpenAIChatProviderTest, ParsesToolCallsWithTheirArgumentsAsJson) {
  ModelResponse response;
  parse_chat_completion(kToolCallCompletion, &response);
  ASSERT_TRUE(response.ok) << response.error;
  EXPECT_EQ(response.text, "");
  EXPECT_EQ(response.finish_reason, "tool_calls");
  ASSERT_EQ(response.tool_calls.size(), 1u);
  EXPECT_EQ(response.tool_calls[0].id, "call_abc123");
  EXPECT_EQ(response.tool_calls[0].name, "get_current_weather");
  EXPECT_EQ(response.tool_calls[0].arguments, nlohmann::json({{"location", "Boston, MA"}}));
  EXPECT_EQ(response.prompt_tokens, 82);
  EXPECT_EQ(response.completion_tokens, 17);
}

TEST(OpenAIChatProviderTest, ToolCallsOfTheWrongShapeAreMalformed) {
  ModelResponse response;
  parse_chat_completion(R"({"choices":[{"message":{"role":"assistant","tool_calls":{"id":"x"}}}]})",
                        &response);
  EXPECT_FALSE(response.ok);
  EXPECT_EQ(response.error_kind, error_kind::kMalformed);
  response = ModelResponse{};
  parse_chat_completion(
      R"({"choices":[{"message":{"role":"assistant","tool_calls":[{"id":"x","function":{}}]}}]})",
      &response);
  EXPECT_FALSE(response.ok);
}

HttpResponse stream_of(const std::vector<std::string>& events) {
  HttpResponse http;
  http.status = 200;
  http.content_type = "text/event-stream";
  double t = 0.1;
  for (const auto& event : events) {
    http.arrivals.push_back({http.body.size(), t});
    http.body += "data: " + event + "\n\n";
    t += 0.1;
  }
  return http;
}

// Chunks as OpenAI streams them (the chat completion chunk object reference), with usage last.
TEST(OpenAIChatProviderTest, JoinsAStreamedAnswerAndTimesItsFirstToken) {
  const HttpResponse http = stream_of(
      {R"({"id":"c","object":"chat.completion.chunk","choices":[{"index":0,"delta":{"role":"assistant","content":""},"finish_reason":null}]})",
       R"({"id":"c","object":"chat.completion.chunk","choices":[{"index":0,"delta":{"content":"Hello"},"finish_reason":null}]})",
       R"({"id":"c","object":"chat.completion.chunk","choices":[{"index":0,"delta":{"content":" there"},"finish_reason":null}]})",
       R"({"id":"c","object":"chat.completion.chunk","choices":[{"index":0,"delta":{},"finish_reason":"stop"}]})",
       R"({"id":"c","object":"chat.completion.chunk","choices":[],"usage":{"prompt_tokens":9,"completion_tokens":2,"total_tokens":11}})",
       "[DONE]"});
  ModelResponse response;
  parse_chat_completion_stream(http, &response);
  ASSERT_TRUE(response.ok) << response.error;
  EXPECT_EQ(response.text, "Hello there");
  EXPECT_EQ(response.finish_reason, "stop");
  EXPECT_EQ(response.prompt_tokens, 9);
  EXPECT_EQ(response.completion_tokens, 2);
  EXPECT_TRUE(response.streamed);
  // The role-only chunk came at 0.1 s; the first content at 0.2 s.
  ASSERT_TRUE(response.time_to_first_token_s.has_value());
  EXPECT_DOUBLE_EQ(*response.time_to_first_token_s, 0.2);
}

TEST(OpenAIChatProviderTest, AssemblesStreamedToolCallsFromFragments) {
  const HttpResponse http = stream_of(
      {R"({"choices":[{"index":0,"delta":{"role":"assistant","content":null,"tool_calls":[{"index":0,"id":"call_DdmO9","type":"function","function":{"name":"get_weather","arguments":""}}]},"finish_reason":null}]})",
       R"({"choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"{\"loc"}}]},"finish_reason":null}]})",
       R"({"choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"ation\": \"Paris\"}"}}]},"finish_reason":null}]})",
       R"({"choices":[{"index":0,"delta":{"tool_calls":[{"index":1,"id":"call_2","type":"function","function":{"name":"get_time","arguments":"{}"}}]},"finish_reason":null}]})",
       R"({"choices":[{"index":0,"delta":{},"finish_reason":"tool_calls"}]})", "[DONE]"});
  ModelResponse response;
  parse_chat_completion_stream(http, &response);
  ASSERT_TRUE(response.ok) << response.error;
  ASSERT_EQ(response.tool_calls.size(), 2u);
  EXPECT_EQ(response.tool_calls[0].id, "call_DdmO9");
  EXPECT_EQ(response.tool_calls[0].name, "get_weather");
  EXPECT_EQ(response.tool_calls[0].arguments, nlohmann::json({{"location", "Paris"}}));
  EXPECT_EQ(response.tool_calls[1].name, "get_time");
  EXPECT_EQ(response.finish_reason, "tool_calls");
  EXPECT_DOUBLE_EQ(*response.time_to_first_token_s, 0.1);
}

TEST(OpenAIChatProviderTest, ACutStreamOrAnErrorEventFailsTheAnswer) {
  ModelResponse cut;
  parse_chat_completion_stream(
      stream_of({R"({"choices":[{"index":0,"delta":{"content":"Hel"},"finish_reason":null}]})"}),
      &cut);
  EXPECT_FALSE(cut.ok);
  EXPECT_EQ(cut.error_kind, error_kind::kMalformed);
  EXPECT_NE(cut.error.find("ended before"), std::string::npos) << cut.error;

  ModelResponse failed;
  parse_chat_completion_stream(
      stream_of(
          {R"({"choices":[{"index":0,"delta":{"content":"Hel"},"finish_reason":null}]})",
           R"({"error":{"message":"The server had an error while processing your request.","type":"server_error"}})"}),
      &failed);
  EXPECT_FALSE(failed.ok);
  EXPECT_EQ(failed.error_kind, error_kind::kServer);
  EXPECT_NE(failed.error.find("The server had an error"), std::string::npos);

  ModelResponse garbled;
  parse_chat_completion_stream(stream_of({"{not json"}), &garbled);
  EXPECT_FALSE(garbled.ok);
  EXPECT_EQ(garbled.error_kind, error_kind::kMalformed);
}

}  // namespace
}  // namespace evalkit

// The Anthropic Messages protocol: bodies the real API accepts (checked by the fake's own
// validation, which follows the API's rules), and Message objects and event streams in the
// shapes of Anthropic's API reference read back into answers.
#include "evalkit/providers/anthropic_messages_provider.h"

#include <gtest/gtest.h>

#include "tests/support/fake_anthropic_server.h"

namespace evalkit {
namespace {

ModelRequest conversation() {
  ModelRequest request;
  request.messages.push_back({"system", "Be brief."});
  request.messages.push_back({"system", "Use tools."});
  request.messages.push_back({"user", "Weather in Paris and Oslo?"});
  ChatMessage assistant{"assistant", "Checking."};
  assistant.tool_calls.push_back({"toolu_1", "get_weather", {{"city", "Paris"}}});
  assistant.tool_calls.push_back({"toolu_2", "get_weather", {{"city", "Oslo"}}});
  request.messages.push_back(assistant);
  ChatMessage paris{"tool", "21 C"};
  paris.tool_call_id = "toolu_1";
  request.messages.push_back(paris);
  ChatMessage oslo{"tool", "9 C"};
  oslo.tool_call_id = "toolu_2";
  request.messages.push_back(oslo);
  request.messages.push_back({"user", "Which is warmer?"});
  request.tools = nlohmann::json::parse(
      R"([{"type":"function","function":{"name":"get_weather","description":"Weather","parameters":{"type":"object","properties":{"city":{"type":"string"}}}}},
          {"type":"function","function":{"name":"get_time"}}])");
  request.tool_choice = "required";
  return request;
}

TEST(AnthropicMessagesProviderTest, BodyPutsSystemOnTopAndToolResultsInOneUserMessage) {
  const nlohmann::json body = anthropic_messages_body(
      conversation(), {{"temperature", 0}, {"stop", "END"}, {"seed", 7}}, "claude-x", false);
  EXPECT_EQ(body["system"], "Be brief.\n\nUse tools.");
  EXPECT_EQ(body["max_tokens"], kDefaultAnthropicMaxTokens);
  EXPECT_EQ(body["stop_sequences"], nlohmann::json::array({"END"}));
  EXPECT_FALSE(body.contains("seed"));
  EXPECT_FALSE(body.contains("stop"));
  const auto& messages = body["messages"];
  ASSERT_EQ(messages.size(), 3u) << body.dump(2);
  EXPECT_EQ(messages[0],
            nlohmann::json({{"role", "user"}, {"content", "Weather in Paris and Oslo?"}}));
  EXPECT_EQ(messages[1]["role"], "assistant");
  ASSERT_EQ(messages[1]["content"].size(), 3u);
  EXPECT_EQ(messages[1]["content"][1]["type"], "tool_use");
  EXPECT_EQ(messages[1]["content"][1]["input"], nlohmann::json({{"city", "Paris"}}));
  const auto& results = messages[2]["content"];
  ASSERT_EQ(results.size(), 3u);
  EXPECT_EQ(
      results[0],
      nlohmann::json({{"type", "tool_result"}, {"tool_use_id", "toolu_1"}, {"content", "21 C"}}));
  EXPECT_EQ(results[1]["tool_use_id"], "toolu_2");
  EXPECT_EQ(results[2], nlohmann::json({{"type", "text"}, {"text", "Which is warmer?"}}));
  EXPECT_EQ(body["tools"][0]["input_schema"]["properties"]["city"]["type"], "string");
  EXPECT_EQ(body["tools"][1]["input_schema"],
            nlohmann::json({{"type", "object"}, {"properties", nlohmann::json::object()}}));
  EXPECT_EQ(body["tool_choice"], nlohmann::json({{"type", "any"}}));
  // The request the real API would accept, by the fake's checks.
  EXPECT_EQ(testing::anthropic_request_problem(body), "");
}

TEST(AnthropicMessagesProviderTest, TheFakeRefusesWhatTheApiRefuses) {
  nlohmann::json body = anthropic_messages_body(conversation(), {}, "claude-x", false);
  nlohmann::json unknown = body;
  unknown["seed"] = 1;
  EXPECT_EQ(testing::anthropic_request_problem(unknown), "seed: Extra inputs are not permitted");
  nlohmann::json system_role = body;
  system_role["messages"][0]["role"] = "system";
  EXPECT_NE(testing::anthropic_request_problem(system_role).find("top-level `system`"),
            std::string::npos);
  nlohmann::json orphan = body;
  orphan["messages"][2]["content"][0]["tool_use_id"] = "toolu_9";
  EXPECT_NE(testing::anthropic_request_problem(orphan).find("corresponding `tool_use`"),
            std::string::npos);
  nlohmann::json unanswered = body;
  unanswered["messages"][2]["content"].erase(1);
  EXPECT_NE(testing::anthropic_request_problem(unanswered).find("without `tool_result`"),
            std::string::npos);
  nlohmann::json no_max = body;
  no_max.erase("max_tokens");
  EXPECT_EQ(testing::anthropic_request_problem(no_max), "max_tokens: Field required");
}

TEST(AnthropicMessagesProviderTest, ParallelToolCallsOffAndNamedChoicesTranslate) {
  ModelRequest request = conversation();
  request.tool_choice = {{"type", "function"}, {"function", {{"name", "get_time"}}}};
  nlohmann::json body =
      anthropic_messages_body(request, {{"parallel_tool_calls", false}}, "m", true);
  EXPECT_EQ(body["tool_choice"],
            nlohmann::json(
                {{"type", "tool"}, {"name", "get_time"}, {"disable_parallel_tool_use", true}}));
  EXPECT_FALSE(body.contains("parallel_tool_calls"));
  EXPECT_EQ(body["stream"], true);
  request.tools = nullptr;
  body = anthropic_messages_body(request, {}, "m", false);
  EXPECT_FALSE(body.contains("tool_choice"));
}

// A Message as Anthropic's API reference shows it, with a tool_use block and cache usage.
TEST(AnthropicMessagesProviderTest, ParsesAMessageWithToolUse) {
  ModelResponse response;
  parse_anthropic_message(R"({
    "id": "msg_01Aq9w938a90dw8q", "type": "message", "role": "assistant",
    "model": "claude-sonnet-4-5",
    "content": [{"type": "text", "text": "I'll check the weather."},
                {"type": "tool_use", "id": "toolu_01A09q90qw90lq917835lq9", "name": "get_weather",
                 "input": {"location": "San Francisco, CA", "unit": "celsius"}}],
    "stop_reason": "tool_use", "stop_sequence": null,
    "usage": {"input_tokens": 472, "cache_creation_input_tokens": 10, "cache_read_input_tokens": 20,
              "output_tokens": 91}})",
                          &response);
  ASSERT_TRUE(response.ok) << response.error;
  EXPECT_EQ(response.text, "I'll check the weather.");
  EXPECT_EQ(response.finish_reason, "tool_use");
  ASSERT_EQ(response.tool_calls.size(), 1u);
  EXPECT_EQ(response.tool_calls[0].id, "toolu_01A09q90qw90lq917835lq9");
  EXPECT_EQ(response.tool_calls[0].arguments["unit"], "celsius");
  EXPECT_EQ(response.prompt_tokens, 502);
  EXPECT_EQ(response.completion_tokens, 91);
}

HttpResponse event_stream(const std::vector<std::pair<std::string, std::string>>& events) {
  HttpResponse http;
  http.status = 200;
  http.content_type = "text/event-stream; charset=utf-8";
  double t = 0.05;
  for (const auto& [name, data] : events) {
    http.arrivals.push_back({http.body.size(), t});
    http.body += "event: " + name + "\ndata: " + data + "\n\n";
    t += 0.05;
  }
  return http;
}

// The event sequence of Anthropic's streaming documentation: a text block, then a tool_use
// block whose input arrives as partial JSON.
TEST(AnthropicMessagesProviderTest, ParsesTheEventStream) {
  const HttpResponse http = event_stream(
      {{"message_start",
        R"({"type":"message_start","message":{"id":"msg_014p7gG3wDgGV9EUtLvnow3U","type":"message","role":"assistant","model":"claude-sonnet-4-5","stop_sequence":null,"usage":{"input_tokens":472,"output_tokens":2},"content":[],"stop_reason":null}})"},
       {"content_block_start",
        R"({"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}})"},
       {"ping", R"({"type": "ping"})"},
       {"content_block_delta",
        R"({"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Okay"}})"},
       {"content_block_delta",
        R"({"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":", checking."}})"},
       {"content_block_stop", R"({"type":"content_block_stop","index":0})"},
       {"content_block_start",
        R"({"type":"content_block_start","index":1,"content_block":{"type":"tool_use","id":"toolu_01T1x1fJ34qAmk2tNTrN7Up6","name":"get_weather","input":{}}})"},
       {"content_block_delta",
        R"({"type":"content_block_delta","index":1,"delta":{"type":"input_json_delta","partial_json":""}})"},
       {"content_block_delta",
        R"({"type":"content_block_delta","index":1,"delta":{"type":"input_json_delta","partial_json":"{\"location\": \"San Fra"}})"},
       {"content_block_delta",
        R"({"type":"content_block_delta","index":1,"delta":{"type":"input_json_delta","partial_json":"ncisco, CA\"}"}})"},
       {"content_block_stop", R"({"type":"content_block_stop","index":1})"},
       {"message_delta",
        R"({"type":"message_delta","delta":{"stop_reason":"tool_use","stop_sequence":null},"usage":{"output_tokens":89}})"},
       {"message_stop", R"({"type":"message_stop"})"}});
  ModelResponse response;
  parse_anthropic_stream(http, &response);
  ASSERT_TRUE(response.ok) << response.error;
  EXPECT_EQ(response.text, "Okay, checking.");
  EXPECT_EQ(response.finish_reason, "tool_use");
  ASSERT_EQ(response.tool_calls.size(), 1u);
  EXPECT_EQ(response.tool_calls[0].arguments, nlohmann::json({{"location", "San Francisco, CA"}}));
  EXPECT_EQ(response.prompt_tokens, 472);
  EXPECT_EQ(response.completion_tokens, 89);
  EXPECT_TRUE(response.streamed);
  // The fourth event holds the first text.
  EXPECT_DOUBLE_EQ(*response.time_to_first_token_s, 0.2);
}

TEST(AnthropicMessagesProviderTest, AnErrorEventOrAMissingStopFailsTheAnswer) {
  ModelResponse overloaded;
  parse_anthropic_stream(
      event_stream(
          {{"message_start", R"({"type":"message_start","message":{"usage":{"input_tokens":3}}})"},
           {"error",
            R"({"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}})"}}),
      &overloaded);
  EXPECT_FALSE(overloaded.ok);
  EXPECT_EQ(overloaded.error_kind, error_kind::kServer);
  EXPECT_NE(overloaded.error.find("overloaded_error: Overloaded"), std::string::npos);

  ModelResponse cut;
  parse_anthropic_stream(
      event_stream(
          {{"message_start", R"({"type":"message_start","message":{}})"},
           {"content_block_start",
            R"({"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}})"},
           {"content_block_delta",
            R"({"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Hel"}})"}}),
      &cut);
  EXPECT_FALSE(cut.ok);
  EXPECT_EQ(cut.error_kind, error_kind::kMalformed);

  ModelResponse stray;
  parse_anthropic_stream(
      event_stream(
          {{"content_block_delta",
            R"({"type":"content_block_delta","index":3,"delta":{"type":"text_delta","text":"x"}})"},
           {"message_stop", R"({"type":"message_stop"})"}}),
      &stray);
  EXPECT_FALSE(stray.ok);
}

}  // namespace
}  // namespace evalkit

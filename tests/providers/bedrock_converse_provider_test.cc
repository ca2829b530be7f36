// The Bedrock Converse protocol: bodies Bedrock accepts (checked by the fake's validation,
// which follows the API's rules) and answers in the shape of the Converse API reference.
#include "evalkit/providers/bedrock_converse_provider.h"

#include <gtest/gtest.h>

#include "tests/support/fake_bedrock_server.h"

namespace evalkit {
namespace {

ModelRequest conversation() {
  ModelRequest request;
  request.messages.push_back({"system", "Be brief."});
  request.messages.push_back({"user", "Weather?"});
  ChatMessage assistant{"assistant", ""};
  assistant.tool_calls.push_back({"tu_1", "get_weather", {{"city", "Oslo"}}});
  request.messages.push_back(assistant);
  ChatMessage result{"tool", "9 C"};
  result.tool_call_id = "tu_1";
  request.messages.push_back(result);
  request.messages.push_back({"user", "Coat?"});
  request.tools = nlohmann::json::parse(
      R"([{"type":"function","function":{"name":"get_weather","description":"W","parameters":{"type":"object","properties":{"city":{"type":"string"}}}}}])");
  return request;
}

TEST(BedrockConverseProviderTest, BodyIsConverseShaped) {
  ModelRequest request = conversation();
  request.tool_choice = "required";
  const nlohmann::json body = bedrock_converse_body(request, {{"max_tokens", 100},
                                                              {"temperature", 0.2},
                                                              {"top_p", 0.9},
                                                              {"stop", "END"},
                                                              {"top_k", 5},
                                                              {"seed", 1}});
  EXPECT_EQ(body["system"], nlohmann::json::parse(R"([{"text":"Be brief."}])"));
  EXPECT_EQ(body["inferenceConfig"],
            nlohmann::json::parse(
                R"({"maxTokens":100,"temperature":0.2,"topP":0.9,"stopSequences":["END"]})"));
  EXPECT_EQ(body["additionalModelRequestFields"], nlohmann::json::parse(R"({"top_k":5})"));
  const auto& messages = body["messages"];
  ASSERT_EQ(messages.size(), 3u) << body.dump(2);
  EXPECT_EQ(messages[1]["content"][0]["toolUse"]["toolUseId"], "tu_1");
  EXPECT_EQ(messages[1]["content"][0]["toolUse"]["input"]["city"], "Oslo");
  EXPECT_EQ(messages[2]["content"][0]["toolResult"]["content"][0]["text"], "9 C");
  EXPECT_EQ(messages[2]["content"][1]["text"], "Coat?");
  EXPECT_EQ(body["toolConfig"]["tools"][0]["toolSpec"]["inputSchema"]["json"]["type"], "object");
  EXPECT_EQ(body["toolConfig"]["toolChoice"], nlohmann::json::parse(R"({"any":{}})"));
  EXPECT_EQ(testing::converse_request_problem(body), "");
}

TEST(BedrockConverseProviderTest, ToolChoiceNoneKeepsToolsOnlyWhenTheConversationNeedsThem) {
  ModelRequest request = conversation();
  request.tool_choice = "none";
  nlohmann::json body = bedrock_converse_body(request, {});
  ASSERT_TRUE(body.contains("toolConfig"));  // tool blocks require it
  EXPECT_FALSE(body["toolConfig"].contains("toolChoice"));
  EXPECT_EQ(testing::converse_request_problem(body), "");
  ModelRequest plain;
  plain.messages = {{"user", "hi"}};
  plain.tools = request.tools;
  plain.tool_choice = "none";
  body = bedrock_converse_body(plain, {});
  EXPECT_FALSE(body.contains("toolConfig"));
  body.erase("toolConfig");
  nlohmann::json broken = bedrock_converse_body(conversation(), {});
  broken.erase("toolConfig");
  EXPECT_NE(testing::converse_request_problem(broken).find("toolConfig"), std::string::npos);
}

TEST(BedrockConverseProviderTest, ParsesAConverseAnswer) {
  ModelResponse response;
  parse_bedrock_converse(R"({
    "output": {"message": {"role": "assistant", "content": [
      {"text": "Let me check."},
      {"toolUse": {"toolUseId": "tooluse_kZJMlvQmRJ6eAyJE5GIl7Q", "name": "top_song", "input": {"sign": "WZPZ"}}}]}},
    "stopReason": "tool_use",
    "usage": {"inputTokens": 375, "outputTokens": 56, "totalTokens": 431},
    "metrics": {"latencyMs": 1932}})",
                         &response);
  ASSERT_TRUE(response.ok) << response.error;
  EXPECT_EQ(response.text, "Let me check.");
  EXPECT_EQ(response.finish_reason, "tool_use");
  ASSERT_EQ(response.tool_calls.size(), 1u);
  EXPECT_EQ(response.tool_calls[0].id, "tooluse_kZJMlvQmRJ6eAyJE5GIl7Q");
  EXPECT_EQ(response.tool_calls[0].arguments, nlohmann::json({{"sign", "WZPZ"}}));
  EXPECT_EQ(response.prompt_tokens, 375);
  EXPECT_EQ(response.completion_tokens, 56);
  ModelResponse broken;
  parse_bedrock_converse(R"({"output": {}})", &broken);
  EXPECT_EQ(broken.error_kind, error_kind::kMalformed);
}

TEST(BedrockConverseProviderTest, TheModelIdIsEncodedInThePath) {
  EXPECT_EQ(bedrock_converse_path("anthropic.claude-3-5-sonnet-20240620-v1:0"),
            "/model/anthropic.claude-3-5-sonnet-20240620-v1%3A0/converse");
  EXPECT_EQ(bedrock_converse_path("arn:aws:bedrock:us-east-1:123:inference-profile/x"),
            "/model/arn%3Aaws%3Abedrock%3Aus-east-1%3A123%3Ainference-profile%2Fx/converse");
}

}  // namespace
}  // namespace evalkit

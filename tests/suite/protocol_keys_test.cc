// The suite keys of tools, conversations, headers and the protocol providers: what loads, and
// every mistake named at its file:line:column.
#include <gtest/gtest.h>

#include "evalkit/suite/case_cursor.h"
#include "evalkit/suite/suite_loader.h"
#include "tests/support/suite_fixture.h"

namespace evalkit {
namespace {

using testing::SuiteFixture;

const std::string kPrompt = "prompts: [{id: qa, prompt: \"{{q}}\"}]\n";
const std::string kCases = "cases: [{id: one, vars: {q: hi}, expected: hi}]\n";
const std::string kScorers = "scorers: [exact_match]\n";

std::string suite_error(const std::string& text) {
  SuiteFixture fixture("protocol-keys");
  fixture.write("qa.yaml", text);
  return fixture.error("qa.yaml");
}

TEST(ProtocolKeysTest, ToolsChoiceAndConversationsLoad) {
  SuiteFixture fixture("protocol-keys-load");
  fixture.write(
      "data.jsonl",
      R"({"id": "j", "messages": [{"role": "user", "content": "x"}, {"role": "assistant", "tool_calls": [{"id": "c1", "name": "f", "arguments": "{\"a\": 1}"}]}, {"role": "tool", "tool_call_id": "c1", "content": "ok"}]})"
      "\n");
  fixture.write("qa.yaml", R"(providers:
  - id: claude
    type: anthropic-messages
    model: claude-sonnet-4-5
    stream: true
    tools: [{name: f, description: "F", parameters: {type: object}}]
    tool_choice: f
    headers: {anthropic-beta: "tools-2024", X-Key: "${SOME_API_KEY}"}
prompts:
  - id: qa
    messages: [{role: system, content: "Be brief."}]
    tools:
      - {type: function, function: {name: g}}
    tool_choice: required
cases:
  - id: talk
    messages:
      - {role: user, content: "call g"}
      - role: assistant
        content: ""
        tool_calls: [{id: call_1, type: function, function: {name: g, arguments: "{\"x\": 2}"}}]
      - {role: tool, tool_call_id: call_1, name: g, content: {result: 3}}
  - file: data.jsonl
scorers: [{type: contains, value: "3"}]
)");
  Suite suite;
  ASSERT_TRUE(fixture.load("qa.yaml", &suite)) << fixture.error("qa.yaml");
  const ProviderConfig& claude = suite.providers[0];
  EXPECT_TRUE(claude.stream);
  EXPECT_EQ(claude.tools[0]["type"], "function");  // the bare form is wrapped
  EXPECT_EQ(claude.tools[0]["function"]["name"], "f");
  EXPECT_EQ(claude.tool_choice,
            nlohmann::json::parse(R"({"type":"function","function":{"name":"f"}})"));
  EXPECT_EQ(claude.api_key_env, "ANTHROPIC_API_KEY");
  ASSERT_EQ(claude.headers.size(), 2u);
  EXPECT_EQ(claude.headers[1].value_template, "${SOME_API_KEY}");  // read at run time only
  EXPECT_EQ(suite.prompts[0].tool_choice, "required");
  const auto talk = all_cases(suite)[0].messages;
  ASSERT_EQ(talk.size(), 3u);
  EXPECT_EQ(talk[1].tool_calls[0].arguments, nlohmann::json({{"x", 2}}));
  EXPECT_EQ(talk[2].content, "{\"result\":3}");
  EXPECT_EQ(talk[2].tool_call_id, "call_1");
  const auto line = all_cases(suite)[1].messages;
  ASSERT_EQ(line.size(), 3u);
  EXPECT_EQ(line[1].tool_calls[0].arguments, nlohmann::json({{"a", 1}}));
}

TEST(ProtocolKeysTest, EveryProviderTypeLoadsWithItsKeys) {
  SuiteFixture fixture("protocol-keys-types");
  fixture.write("qa.yaml", R"(providers:
  - {id: az, type: azure-openai, deployment: gpt4o-prod, base_url: "https://x.openai.azure.com", api_version: "2024-06-01", query: {tenant: t1}}
  - {id: br, type: bedrock, model: "anthropic.claude-3-5-sonnet-20240620-v1:0", region: eu-west-1}
  - id: app
    type: http
    url: "http://localhost:8080/ask?lang={{lang}}"
    method: post
    headers: {Authorization: "Bearer ${APP_TOKEN}"}
    body: {question: "{{prompt}}", history: "{{messages}}"}
    output: json.data.answer
    usage: {prompt_tokens: /usage/in, completion_tokens: usage.out}
    tool_calls: data.actions
    error: error
    error_status: [404, "500-599"]
)" + kPrompt + kCases + kScorers);
  Suite suite;
  ASSERT_TRUE(fixture.load("qa.yaml", &suite)) << fixture.error("qa.yaml");
  EXPECT_EQ(suite.providers[0].api_key_env, "AZURE_OPENAI_API_KEY");
  EXPECT_EQ(suite.providers[0].deployment, "gpt4o-prod");
  EXPECT_EQ(suite.providers[1].region, "eu-west-1");
  const HttpEndpointConfig& app = suite.providers[2].http;
  EXPECT_EQ(app.method, "POST");
  EXPECT_EQ(app.paths.output, "json.data.answer");
  EXPECT_EQ(app.paths.prompt_tokens, "/usage/in");
  ASSERT_EQ(app.error_statuses.size(), 2u);
  EXPECT_EQ(app.error_statuses[1], (std::pair<int, int>{500, 599}));
  EXPECT_EQ(app.body["history"], "{{messages}}");
}

TEST(ProtocolKeysTest, MistakesAreNamedWhereTheyAre) {
  EXPECT_EQ(
      suite_error("providers: [{id: a, type: anthropic-messages}]\n" + kPrompt + kCases + kScorers),
      "qa.yaml:1:13: provider 'a' (anthropic-messages) needs a 'model'");
  EXPECT_EQ(suite_error("providers: [{id: a, type: http, url: 'http://x'}]\n" + kPrompt + kCases +
                        kScorers),
            "qa.yaml:1:13: http provider 'a' needs 'output': where the answer's text is in the "
            "response (like json.answer.text or /answer/text)");
  EXPECT_EQ(suite_error("providers: [{id: a, type: http, url: 'http://x', output: 'a..b'}]\n" +
                        kPrompt + kCases + kScorers),
            "qa.yaml:1:58: 'output': 'a..b' has an empty step (write a.b.0.c, or a JSON pointer "
            "/a/b/0/c)");
  EXPECT_EQ(suite_error("providers: [{id: a, type: openai-chat, model: m, stream: yes please}]\n" +
                        kPrompt + kCases + kScorers),
            "qa.yaml:1:58: expected true or false for 'stream', got 'yes please'");
  EXPECT_EQ(suite_error("providers: [{id: a, type: openai-chat, model: m, headers: {'X Y': v}}]\n" +
                        kPrompt + kCases + kScorers),
            "qa.yaml:1:60: 'X Y' is not a valid header name");
  EXPECT_EQ(
      suite_error("providers: [{id: a, type: openai-chat, model: m, headers: {X: '${OOPS'}}]\n" +
                  kPrompt + kCases + kScorers),
      "qa.yaml:1:63: headers 'X': '${' without a closing '}' (write '$${' for a literal '${')");
  EXPECT_EQ(suite_error("providers: [{id: a, type: openai-chat, model: m, region: us-east-1}]\n" +
                        kPrompt + kCases + kScorers),
            "qa.yaml:1:50: 'region' does not apply to openai-chat provider 'a'");
  EXPECT_EQ(
      suite_error(
          "providers: [{id: a, type: openai-chat, model: m, tools: [{name: 'bad name'}]}]\n" +
          kPrompt + kCases + kScorers),
      "qa.yaml:1:58: a tool needs a 'name' of 1 to 64 letters, digits, '_' or '-', got 'bad name'");
  EXPECT_EQ(
      suite_error("providers: [{id: a, type: openai-chat, model: m, tools: [{name: f}], "
                  "tool_choice: g}]\n" +
                  kPrompt + kCases + kScorers),
      "qa.yaml:1:83: tool_choice names tool 'g', which is not among the tools (did you mean 'f'?)");
  EXPECT_EQ(
      suite_error(
          "providers: [{id: a, type: http, url: 'http://x', output: o, error_status: [teapot]}]\n" +
          kPrompt + kCases + kScorers),
      "qa.yaml:1:75: 'error_status' takes HTTP statuses (404) and ranges (\"500-599\"), got "
      "\"teapot\"");
}

TEST(ProtocolKeysTest, ConversationMistakesAreNamedWhereTheyAre) {
  const std::string head =
      "providers: [{id: a, type: openai-chat, model: m}]\n" + kPrompt + kScorers;
  EXPECT_EQ(suite_error(head + R"(cases:
  - id: c
    messages:
      - {role: user, content: hi}
      - {role: tool, tool_call_id: call_9, content: "42"}
)"),
            "qa.yaml:8:9: tool turn answers call 'call_9', which no earlier assistant turn made");
  EXPECT_EQ(suite_error(head + R"(cases:
  - id: c
    messages:
      - {role: tool, content: "42"}
)"),
            "qa.yaml:7:9: a tool turn needs 'tool_call_id' (the id of the call it answers)");
  EXPECT_EQ(suite_error(head + R"(cases:
  - id: c
    messages:
      - {role: assistant, tool_calls: [{name: f}]}
)"),
            "qa.yaml:7:39: tool call 'f' needs an 'id' (tool turns answer it by id)");
  EXPECT_EQ(suite_error(head + R"(cases:
  - id: c
    messages:
      - {role: robot, content: x}
)"),
            "qa.yaml:7:16: message role 'robot' is unknown (use system, user, assistant or tool)");
  EXPECT_EQ(suite_error(head + R"(cases:
  - id: c
    messages:
      - {role: user}
)"),
            "qa.yaml:7:9: message has no 'content'");
  SuiteFixture fixture("protocol-keys-jsonl");
  fixture.write(
      "d.jsonl",
      R"({"id": "x", "messages": [{"role": "tool", "tool_call_id": "z", "content": "1"}]})"
      "\n");
  fixture.write("qa.yaml", head + "cases: [{file: d.jsonl}]\n");
  EXPECT_EQ(
      fixture.error("qa.yaml"),
      "d.jsonl:1: message 1: tool turn answers call 'z', which no earlier assistant turn made");
}

}  // namespace
}  // namespace evalkit

// anthropic-messages end to end through the evalkit binary against the fake Messages API: a
// plain answer, a tool call decided by the question, a streamed answer with its timings, a
// conversation with a tool turn, an overloaded endpoint retried, and a refused key recorded.
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "tests/support/fake_anthropic_server.h"
#include "tests/support/process.h"
#include "tests/support/store_query.h"
#include "tests/support/suite_fixture.h"

namespace evalkit::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

constexpr const char* kKey = "sk-ant-test-key-0123456789";

std::string suite(const std::string& provider_extra, const std::string& cases) {
  return std::string(R"(suite: anthropic
providers:
  - id: claude
    type: anthropic-messages
    model: claude-sonnet-4-5
    base_url: ${FAKE_ANTHROPIC_URL}
    max_attempts: 3
    params: {temperature: 0, max_tokens: 200, seed: 1}
    tools:
      - type: function
        function:
          name: get_weather
          parameters: {type: object, properties: {city: {type: string}}, required: [city]}
)") + provider_extra +
         R"(prompts:
  - id: ask
    messages:
      - {role: system, content: "Answer briefly."}
      - {role: user, content: "{{question}}"}
scorers:
  - {type: exact_match}
cases:
)" + cases;
}

class AnthropicRunTest : public ::testing::Test {
 protected:
  ProcessResult run(const FakeAnthropicServer& server, const std::string& text,
                    const std::string& key = kKey) {
    const std::string path = files_.write("suite.yaml", text);
    ProcessOptions options;
    options.env["FAKE_ANTHROPIC_URL"] = server.base_url();
    options.env["ANTHROPIC_API_KEY"] = key;
    options.timeout_s = 60;
    return run_evalkit({"run", path, "--db", db_, "-q"}, options);
  }
  static FakeAnthropicServerOptions keyed() {
    FakeAnthropicServerOptions options;
    options.require_api_key = kKey;
    return options;
  }

  SuiteFixture files_{"anthropic-run"};
  std::string db_ = files_.dir() + "/evalkit.db";
};

TEST_F(AnthropicRunTest, AnswersAndToolCallsComeBackWhole) {
  FakeAnthropicServer server(keyed());
  const ProcessResult r = run(server, suite("", R"(
  - {id: plain, vars: {question: hello}, expected: "echo: hello"}
  - {id: weather, vars: {question: "get_weather city=Lima"}, expected: ""}
)"));
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  const nlohmann::json plain = stored_answer(db_, "plain");
  EXPECT_EQ(plain["text"], "echo: hello");
  EXPECT_EQ(plain["finish_reason"], "end_turn");
  EXPECT_GT(plain["prompt_tokens"].get<int>(), 0);
  const nlohmann::json weather = stored_answer(db_, "weather");
  EXPECT_EQ(weather["finish_reason"], "tool_use");
  ASSERT_EQ(weather["tool_calls"].size(), 1u);
  EXPECT_EQ(weather["tool_calls"][0]["name"], "get_weather");
  EXPECT_EQ(weather["tool_calls"][0]["arguments"], nlohmann::json({{"city", "Lima"}}));
  // What went out: the key and version headers, system on top, no OpenAI-only seed.
  const auto log = server.request_log();
  ASSERT_EQ(log.size(), 2u);
  EXPECT_EQ(log[0].header("x-api-key"), kKey);
  EXPECT_EQ(log[0].header("anthropic-version"), "2023-06-01");
  EXPECT_EQ(log[0].header("Authorization"), "");
  const auto body = nlohmann::json::parse(log[0].body);
  EXPECT_EQ(body["system"], "Answer briefly.");
  EXPECT_EQ(body["max_tokens"], 200);
  EXPECT_FALSE(body.contains("seed"));
  EXPECT_EQ(server.refused(), 0u);
}

TEST_F(AnthropicRunTest, AStreamedAnswerIsJoinedAndTimed) {
  FakeAnthropicServerOptions options = keyed();
  options.stream_interval_ms = 25;
  FakeAnthropicServer server(options);
  const ProcessResult r = run(server, suite("    stream: true\n", R"(
  - {id: words, vars: {question: "a b c d e"}, expected: "echo: a b c d e"}
  - {id: weather, vars: {question: "get_weather city=Rome"}, expected: ""}
)"));
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  const nlohmann::json words = stored_answer(db_, "words");
  EXPECT_EQ(words["streamed"], true);
  EXPECT_EQ(words["completion_tokens"], 6);
  // message_start, content_block_start, ping, then the first word: three intervals.
  EXPECT_GE(words["time_to_first_token_s"].get<double>(), 0.07);
  EXPECT_GE(words["time_per_output_token_s"].get<double>(), 0.02);
  const nlohmann::json weather = stored_answer(db_, "weather");
  ASSERT_EQ(weather["tool_calls"].size(), 1u) << weather.dump();
  EXPECT_EQ(weather["tool_calls"][0]["arguments"], nlohmann::json({{"city", "Rome"}}));
}

TEST_F(AnthropicRunTest, AConversationWithAToolTurnRoundTrips) {
  FakeAnthropicServer server(keyed());
  const ProcessResult r = run(server, suite("", R"(
  - id: follow-up
    vars: {question: "get_weather city=Paris"}
    messages:
      - role: assistant
        tool_calls: [{id: toolu_7, name: get_weather, arguments: {city: Paris}}]
      - {role: tool, tool_call_id: toolu_7, content: "21 C and sunny"}
    expected: "tool said: 21 C and sunny"
)"));
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(stored_answer(db_, "follow-up")["text"], "tool said: 21 C and sunny");
  const auto body = nlohmann::json::parse(server.request_log().front().body);
  ASSERT_EQ(body["messages"].size(), 3u) << body.dump();
  EXPECT_EQ(body["messages"][1]["content"][0]["type"], "tool_use");
  EXPECT_EQ(body["messages"][2]["content"][0]["type"], "tool_result");
  EXPECT_EQ(body["messages"][2]["content"][0]["tool_use_id"], "toolu_7");
}

TEST_F(AnthropicRunTest, AnOverloadedEndpointIsRetried) {
  FakeAnthropicServerOptions options = keyed();
  options.overloaded_first = 2;
  FakeAnthropicServer server(options);
  const ProcessResult r = run(server, suite("", R"(
  - {id: plain, vars: {question: hi}, expected: "echo: hi"}
)"));
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(server.request_log().size(), 3u);
  EXPECT_EQ(sql_count(db_, "SELECT attempts FROM trials"), 3);
}

TEST_F(AnthropicRunTest, ARefusedKeyIsRecordedWithoutTheKey) {
  FakeAnthropicServer server(keyed());
  const std::string wrong = "sk-ant-wrong-key-9876543210";
  const ProcessResult r = run(server, suite("", R"(
  - {id: plain, vars: {question: hi}, expected: "echo: hi"}
)"),
                              wrong);
  EXPECT_EQ(r.exit_code, 4) << r.out << r.err;
  EXPECT_EQ(server.request_log().size(), 1u);  // a 401 is not retried
  EXPECT_EQ(sql_column(db_, "SELECT error_kind FROM trials")[0], "http");
  const std::string error = sql_column(db_, "SELECT error FROM trials")[0];
  EXPECT_THAT(error, HasSubstr("HTTP 401: invalid x-api-key"));
  EXPECT_THAT(error + r.out + r.err, Not(HasSubstr(wrong)));
}

TEST_F(AnthropicRunTest, AnErrorEventMidStreamIsRecorded) {
  FakeAnthropicServerOptions options = keyed();
  options.error_event_midstream = true;
  FakeAnthropicServer server(options);
  const ProcessResult r = run(server, suite("    stream: true\n", R"(
  - {id: plain, vars: {question: "one two"}, expected: "echo: one two"}
)"));
  EXPECT_NE(r.exit_code, 0);
  EXPECT_EQ(sql_column(db_, "SELECT error_kind FROM trials")[0], "server");
  EXPECT_THAT(sql_column(db_, "SELECT error FROM trials")[0], HasSubstr("overloaded_error"));
}

}  // namespace
}  // namespace evalkit::testing

// OpenAI chat end to end through the evalkit binary: tools offered by a prompt, the tool call
// the fake decides from the question stored whole; a streamed answer timed; a conversation
// with an assistant tool call and a tool turn sent back and answered; headers and query
// parameters sent but never stored; failures retried and recorded.
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "tests/support/fake_openai_server.h"
#include "tests/support/process.h"
#include "tests/support/store_query.h"
#include "tests/support/suite_fixture.h"

namespace evalkit::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

constexpr const char* kTools = R"(
    tools:
      - type: function
        function:
          name: get_weather
          description: Current weather for a city
          parameters:
            type: object
            properties: {city: {type: string}, unit: {type: string}}
            required: [city]
)";

std::string suite(const std::string& provider_extra, const std::string& cases) {
  return std::string(R"(suite: openai-tools
providers:
  - id: assistant
    type: openai-chat
    model: fake-chat
    base_url: ${FAKE_BASE_URL}
    max_attempts: 3
)") + provider_extra +
         R"(prompts:
  - id: ask
    messages:
      - {role: system, content: "You may call tools."}
      - {role: user, content: "{{question}}"}
)" + kTools +
         "scorers:\n  - {type: regex, pattern: \".*\"}\ncases:\n" + cases;
}

class OpenAIToolsRunTest : public ::testing::Test {
 protected:
  ProcessResult run(FakeOpenAIServer& server, const std::string& text,
                    std::map<std::string, std::string> env = {}) {
    suite_path_ = files_.write("suite.yaml", text);
    ProcessOptions options;
    options.env = std::move(env);
    options.env["FAKE_BASE_URL"] = server.base_url();
    options.timeout_s = 60;
    return run_evalkit({"run", suite_path_, "--db", db_, "-q"}, options);
  }

  SuiteFixture files_{"openai-tools-run"};
  std::string db_ = files_.dir() + "/evalkit.db";
  std::string suite_path_;
};

TEST_F(OpenAIToolsRunTest, AToolCallDecidedByTheQuestionIsStoredWhole) {
  FakeOpenAIServer server;
  const ProcessResult r = run(server, suite("", R"(
  - id: weather
    vars: {question: "get_weather city=Paris unit=celsius"}
  - id: chat
    vars: {question: "hello"}
    expected: "echo: hello"
)"));
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  const nlohmann::json weather = stored_answer(db_, "weather");
  EXPECT_EQ(weather["finish_reason"], "tool_calls");
  ASSERT_EQ(weather["tool_calls"].size(), 1u) << weather.dump();
  EXPECT_EQ(weather["tool_calls"][0]["name"], "get_weather");
  EXPECT_EQ(weather["tool_calls"][0]["arguments"],
            nlohmann::json({{"city", "Paris"}, {"unit", "celsius"}}));
  const nlohmann::json chat = stored_answer(db_, "chat");
  EXPECT_EQ(chat["text"], "echo: hello");
  EXPECT_FALSE(chat.contains("tool_calls"));
  // The prompt's tools went out in OpenAI's format with every request.
  const auto log = server.request_log();
  ASSERT_EQ(log.size(), 2u);
  for (const auto& request : log) {
    const auto body = nlohmann::json::parse(request.body);
    EXPECT_EQ(body["tools"][0]["function"]["name"], "get_weather");
  }
}

TEST_F(OpenAIToolsRunTest, AStreamedAnswerIsJoinedAndTimed) {
  FakeOpenAIServerOptions options;
  options.stream_interval_ms = 30;
  FakeOpenAIServer server(options);
  const ProcessResult r = run(server, suite("    stream: true\n", R"(
  - id: long
    vars: {question: "one two three four five six"}
    expected: "echo: one two three four five six"
  - id: weather
    vars: {question: "get_weather city=Oslo"}
)"));
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  const nlohmann::json answer = stored_answer(db_, "long");
  EXPECT_EQ(answer["text"], "echo: one two three four five six");
  EXPECT_EQ(answer["streamed"], true);
  EXPECT_EQ(answer["completion_tokens"], 7);  // usage from the stream's last chunk
  // The first word came one interval after the headers; six more followed, 30 ms apart.
  ASSERT_TRUE(answer.contains("time_to_first_token_s")) << answer.dump();
  EXPECT_GE(answer["time_to_first_token_s"].get<double>(), 0.025);
  EXPECT_GE(answer["time_per_output_token_s"].get<double>(), 0.025);
  EXPECT_LT(answer["time_to_first_token_s"].get<double>(), answer["latency_s"].get<double>());
  EXPECT_GT(answer["tokens_per_s"].get<double>(), 0);
  const nlohmann::json weather = stored_answer(db_, "weather");
  ASSERT_EQ(weather["tool_calls"].size(), 1u) << weather.dump();
  EXPECT_EQ(weather["tool_calls"][0]["arguments"], nlohmann::json({{"city", "Oslo"}}));
  const auto body = nlohmann::json::parse(server.request_log().front().body);
  EXPECT_EQ(body["stream"], true);
}

TEST_F(OpenAIToolsRunTest, AConversationWithAToolTurnRoundTrips) {
  FakeOpenAIServer server;
  const ProcessResult r = run(server, suite("", R"(
  - id: follow-up
    vars: {question: "unused", city: Paris}
    messages:
      - {role: user, content: "get_weather city={{city}}"}
      - role: assistant
        tool_calls: [{id: call_7, name: get_weather, arguments: {city: Paris}}]
      - {role: tool, tool_call_id: call_7, name: get_weather, content: {temp_c: 21}}
    expected: 'tool said: {"temp_c":21}'
)"));
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(stored_answer(db_, "follow-up")["text"], "tool said: {\"temp_c\":21}");
  const auto body = nlohmann::json::parse(server.request_log().front().body);
  const auto& messages = body["messages"];
  ASSERT_EQ(messages.size(), 5u) << body.dump();  // system, the prompt's user turn, 3 of the case
  EXPECT_EQ(messages[2]["content"], "get_weather city=Paris");
  EXPECT_EQ(messages[3]["tool_calls"][0]["function"]["arguments"], "{\"city\":\"Paris\"}");
  EXPECT_EQ(messages[4]["role"], "tool");
  EXPECT_EQ(messages[4]["tool_call_id"], "call_7");
}

TEST_F(OpenAIToolsRunTest, HeadersAndQueryAreSentButNeverStored) {
  FakeOpenAIServer server;
  const ProcessResult r =
      run(server,
          suite(R"(    headers: {X-Tenant: "${TENANT_SECRET}", OpenAI-Organization: org-7}
    query: {key: "${TENANT_SECRET}"}
)",
                "  - {id: one, vars: {question: hi}, expected: 'echo: hi'}\n"),
          {{"TENANT_SECRET", "s3cr3t-tenant-value"}});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  const auto log = server.request_log();
  ASSERT_EQ(log.size(), 1u);
  EXPECT_EQ(log[0].header("X-Tenant"), "s3cr3t-tenant-value");
  EXPECT_EQ(log[0].header("OpenAI-Organization"), "org-7");
  const std::string dump = sql_column(db_,
                                      "SELECT COALESCE(group_concat(request_json), '') || "
                                      "COALESCE(group_concat(answer_json), '') FROM trials")[0] +
                           sql_column(db_, "SELECT providers_json FROM runs")[0];
  EXPECT_THAT(dump, Not(HasSubstr("s3cr3t-tenant-value")));
  EXPECT_THAT(r.out + r.err, Not(HasSubstr("s3cr3t-tenant-value")));
}

TEST_F(OpenAIToolsRunTest, AMissingHeaderVariableIsASuiteErrorThatNamesIt) {
  FakeOpenAIServer server;
  const ProcessResult r = run(server, suite("    headers: {X-Tenant: \"${TENANT_UNSET_VAR}\"}\n",
                                            "  - {id: one, vars: {question: hi}}\n"));
  EXPECT_EQ(r.exit_code, 3) << r.out << r.err;
  EXPECT_THAT(r.err, HasSubstr("TENANT_UNSET_VAR"));
  EXPECT_THAT(r.err, HasSubstr("suite.yaml:3:5"));
  EXPECT_EQ(server.request_log().size(), 0u);
}

TEST_F(OpenAIToolsRunTest, ACutStreamIsRetriedThenRecorded) {
  FakeOpenAIServerOptions options;
  options.cut_streams = true;
  FakeOpenAIServer server(options);
  const ProcessResult r = run(server, suite("    stream: true\n", R"(
  - {id: cut, vars: {question: "one two three"}, expected: "echo: one two three"}
)"));
  EXPECT_EQ(r.exit_code, 4) << r.out << r.err;
  // A connection that drops mid-stream is a transport failure: retried, then recorded.
  EXPECT_EQ(server.request_log().size(), 3u);
  EXPECT_EQ(sql_column(db_, "SELECT error_kind FROM trials")[0], "connect");
  EXPECT_THAT(sql_column(db_, "SELECT error FROM trials")[0],
              HasSubstr("the connection closed before the whole answer arrived"));
}

TEST_F(OpenAIToolsRunTest, ServerErrorsAreRetriedThenRecorded) {
  FakeOpenAIServerOptions options;
  options.fail_500 = 1.0;
  FakeOpenAIServer server(options);
  const ProcessResult r = run(server, suite("    stream: true\n", R"(
  - {id: down, vars: {question: "hi"}}
)"));
  EXPECT_EQ(r.exit_code, 4) << r.out << r.err;
  EXPECT_EQ(server.stats().fail_500, 3u);  // max_attempts: 3
  EXPECT_EQ(sql_column(db_, "SELECT error_kind FROM trials")[0], "server");
}

}  // namespace
}  // namespace evalkit::testing

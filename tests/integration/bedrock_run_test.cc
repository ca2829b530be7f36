// bedrock end to end through the evalkit binary against the fake Bedrock runtime, which
// verifies every request's SigV4 signature with the test keys: answers, a tool call decided by
// the question, a conversation with a tool turn, throttling retried, and wrong keys refused
// (recorded without the key).
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "tests/support/fake_bedrock_server.h"
#include "tests/support/process.h"
#include "tests/support/store_query.h"
#include "tests/support/suite_fixture.h"

namespace evalkit::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

std::string suite(const std::string& cases) {
  return R"(suite: bedrock
providers:
  - id: claude
    type: bedrock
    model: "us.anthropic.claude-3-5-haiku-20241022-v1:0"
    base_url: ${FAKE_BEDROCK_URL}
    max_attempts: 3
    params: {max_tokens: 300, temperature: 0, top_k: 20, seed: 3}
    tools:
      - {name: get_weather, parameters: {type: object, properties: {city: {type: string}}}}
prompts:
  - id: ask
    messages:
      - {role: system, content: "Be brief."}
      - {role: user, content: "{{question}}"}
scorers:
  - {type: exact_match}
cases:
)" + cases;
}

class BedrockRunTest : public ::testing::Test {
 protected:
  ProcessResult run(const FakeBedrockServer& server, const std::string& cases,
                    const FakeBedrockServerOptions& keys = {}) {
    const std::string path = files_.write("suite.yaml", suite(cases));
    ProcessOptions options;
    options.env["FAKE_BEDROCK_URL"] = server.base_url();
    options.env["AWS_ACCESS_KEY_ID"] = keys.access_key_id;
    options.env["AWS_SECRET_ACCESS_KEY"] = keys.secret_access_key;
    options.env["AWS_REGION"] = keys.region;
    if (!keys.session_token.empty()) options.env["AWS_SESSION_TOKEN"] = keys.session_token;
    options.unset_env = {"AWS_DEFAULT_REGION", "AWS_PROFILE"};
    if (keys.session_token.empty()) options.unset_env.push_back("AWS_SESSION_TOKEN");
    options.timeout_s = 60;
    return run_evalkit({"run", path, "--db", db_, "-q"}, options);
  }

  SuiteFixture files_{"bedrock-run"};
  std::string db_ = files_.dir() + "/evalkit.db";
};

TEST_F(BedrockRunTest, SignedRequestsGetAnswersAndToolCalls) {
  FakeBedrockServerOptions keys;
  keys.session_token = "FwoGZXIvYXdzEXAMPLETOKEN";
  FakeBedrockServer server(keys);
  const ProcessResult r = run(server, R"(
  - {id: plain, vars: {question: hello}, expected: "echo: hello"}
  - {id: weather, vars: {question: "get_weather city=Quito"}, expected: ""}
)",
                              keys);
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(server.signature_failures(), 0u);
  const nlohmann::json plain = stored_answer(db_, "plain");
  EXPECT_EQ(plain["text"], "echo: hello");
  EXPECT_EQ(plain["finish_reason"], "end_turn");
  const nlohmann::json weather = stored_answer(db_, "weather");
  EXPECT_EQ(weather["finish_reason"], "tool_use");
  ASSERT_EQ(weather["tool_calls"].size(), 1u) << weather.dump();
  EXPECT_EQ(weather["tool_calls"][0]["arguments"], nlohmann::json({{"city", "Quito"}}));
  const auto log = server.request_log();
  ASSERT_EQ(log.size(), 2u);
  // The model id's ':' went out percent-encoded; the body is Converse's.
  EXPECT_EQ(log[0].path, "/model/us.anthropic.claude-3-5-haiku-20241022-v1%3A0/converse");
  EXPECT_EQ(log[0].header("X-Amz-Security-Token"), keys.session_token);
  const auto body = nlohmann::json::parse(log[0].body);
  EXPECT_EQ(body["system"][0]["text"], "Be brief.");
  EXPECT_EQ(body["inferenceConfig"]["maxTokens"], 300);
  EXPECT_EQ(body["additionalModelRequestFields"]["top_k"], 20);
  EXPECT_FALSE(body.contains("seed"));
  EXPECT_EQ(body["toolConfig"]["tools"][0]["toolSpec"]["name"], "get_weather");
  // Priced from the built-in table (Claude 3.5 Haiku on Bedrock).
  EXPECT_GT(
      sql_count(db_, "SELECT CAST(cost_usd * 1e9 AS INTEGER) FROM trials WHERE case_id = 'plain'"),
      0);
}

TEST_F(BedrockRunTest, AConversationWithAToolTurnRoundTrips) {
  FakeBedrockServer server;
  const ProcessResult r = run(server, R"(
  - id: follow-up
    vars: {question: "get_weather city=Quito"}
    messages:
      - role: assistant
        tool_calls: [{id: tooluse_1, name: get_weather, arguments: {city: Quito}}]
      - {role: tool, tool_call_id: tooluse_1, content: "14 C, drizzle"}
    expected: "tool said: 14 C, drizzle"
)");
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  const auto body = nlohmann::json::parse(server.request_log().front().body);
  EXPECT_EQ(body["messages"][2]["content"][0]["toolResult"]["toolUseId"], "tooluse_1");
}

TEST_F(BedrockRunTest, ThrottlingIsRetried) {
  FakeBedrockServerOptions keys;
  keys.throttled_first = 2;
  FakeBedrockServer server(keys);
  const ProcessResult r =
      run(server, "  - {id: plain, vars: {question: hi}, expected: \"echo: hi\"}\n", keys);
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(sql_count(db_, "SELECT attempts FROM trials"), 3);
}

TEST_F(BedrockRunTest, AWrongSecretIsRefusedAndNeverShown) {
  FakeBedrockServer server;
  FakeBedrockServerOptions wrong;
  wrong.secret_access_key = "wrongSecretKeyValue1234567890";
  const ProcessResult r = run(server, "  - {id: plain, vars: {question: hi}, expected: \"echo: hi\"}\n", wrong);
  EXPECT_EQ(r.exit_code, 4) << r.out << r.err;
  EXPECT_EQ(server.signature_failures(), 1u);  // a 403 is not retried
  const std::string error = sql_column(db_, "SELECT error FROM trials")[0];
  EXPECT_THAT(error, HasSubstr("HTTP 403: The request signature we calculated does not match"));
  EXPECT_THAT(error + r.out + r.err, Not(HasSubstr(wrong.secret_access_key)));
}

// The region is part of the default host name (bedrock-runtime.<region>.amazonaws.com): one
// that is not a region name ("evil.example#") could move the signed request and its session
// token to another host, so it stops the run before any request.
TEST_F(BedrockRunTest, ARegionThatIsNotARegionNameStopsTheRun) {
  FakeBedrockServer server;
  FakeBedrockServerOptions keys;
  keys.region = "evil.example#";
  const ProcessResult r =
      run(server, "  - {id: a, vars: {question: hi}, expected: \"echo: hi\"}\n", keys);
  EXPECT_EQ(r.exit_code, 3) << r.out << r.err;
  EXPECT_THAT(r.err, HasSubstr("region 'evil.example#' is not a region name"));
  EXPECT_TRUE(server.request_log().empty());
}

TEST_F(BedrockRunTest, MissingCredentialsStopTheRunBeforeAnyRequest) {
  FakeBedrockServer server;
  const std::string path = files_.write("suite.yaml", suite("  - {id: a, vars: {question: hi}, expected: \"echo: hi\"}\n"));
  ProcessOptions options;
  options.env["FAKE_BEDROCK_URL"] = server.base_url();
  options.env["AWS_REGION"] = "us-east-1";
  options.unset_env = {"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"};
  const ProcessResult r = run_evalkit({"run", path, "--db", db_, "-q"}, options);
  EXPECT_EQ(r.exit_code, 3) << r.out << r.err;
  EXPECT_THAT(r.err, HasSubstr("suite.yaml:3:5: bedrock provider 'claude' needs AWS credentials"));
  EXPECT_TRUE(server.request_log().empty());
}

}  // namespace
}  // namespace evalkit::testing

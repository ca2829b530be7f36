// azure-openai end to end through the evalkit binary against the fake server's Azure
// deployment route: the deployment URL, api-version query and api-key header; a tool call;
// streaming; an Entra ID bearer header replacing the key; and a refused key recorded.
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

constexpr const char* kKey = "azure-key-0123456789abcdef";

std::string suite(const std::string& provider_extra, const std::string& cases) {
  return std::string(R"(suite: azure
providers:
  - id: azure
    type: azure-openai
    base_url: ${FAKE_AZURE_ENDPOINT}
    deployment: gpt-4o-prod
    model: gpt-4o
    max_attempts: 2
    tools: [{name: get_weather, parameters: {type: object, properties: {city: {type: string}}}}]
)") + provider_extra +
         R"(prompts:
  - id: ask
    messages: [{role: user, content: "{{question}}"}]
scorers:
  - {type: exact_match}
cases:
)" + cases;
}

class AzureRunTest : public ::testing::Test {
 protected:
  ProcessResult run(FakeOpenAIServer& server, const std::string& text,
                    const std::string& key = kKey, std::map<std::string, std::string> env = {}) {
    const std::string path = files_.write("suite.yaml", text);
    ProcessOptions options;
    options.env = std::move(env);
    options.env["FAKE_AZURE_ENDPOINT"] = "http://127.0.0.1:" + std::to_string(server.port());
    options.env["AZURE_OPENAI_API_KEY"] = key;
    options.timeout_s = 60;
    return run_evalkit({"run", path, "--db", db_, "-q"}, options);
  }
  static FakeOpenAIServerOptions keyed() {
    FakeOpenAIServerOptions options;
    options.azure_api_key = kKey;
    options.stream_interval_ms = 20;
    return options;
  }
  nlohmann::json answer(const std::string& case_id) { return stored_answer(db_, case_id); }

  SuiteFixture files_{"azure-run"};
  std::string db_ = files_.dir() + "/evalkit.db";
};

TEST_F(AzureRunTest, DeploymentUrlVersionAndKeyGoOutAndToolCallsComeBack) {
  FakeOpenAIServer server(keyed());
  const ProcessResult r = run(server, suite("", R"(
  - {id: plain, vars: {question: hi}, expected: "echo: hi"}
  - {id: weather, vars: {question: "get_weather city=Bern"}, expected: ""}
)"));
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  const auto log = server.request_log();
  ASSERT_EQ(log.size(), 2u);
  EXPECT_EQ(log[0].target,
            "/openai/deployments/gpt-4o-prod/chat/completions?api-version=2024-10-21");
  EXPECT_EQ(log[0].header("api-key"), kKey);
  EXPECT_EQ(log[0].header("Authorization"), "");
  EXPECT_FALSE(nlohmann::json::parse(log[0].body).contains("model"));  // the URL names it
  EXPECT_EQ(answer("weather")["tool_calls"][0]["arguments"], nlohmann::json({{"city", "Bern"}}));
}

TEST_F(AzureRunTest, StreamsAndTimes) {
  FakeOpenAIServer server(keyed());
  const ProcessResult r =
      run(server, suite("    stream: true\n    api_version: \"2025-01-01-preview\"\n", R"(
  - {id: words, vars: {question: "a b c d"}, expected: "echo: a b c d"}
)"));
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_THAT(server.request_log()[0].target, HasSubstr("api-version=2025-01-01-preview"));
  const nlohmann::json words = answer("words");
  EXPECT_EQ(words["streamed"], true);
  EXPECT_GE(words["time_to_first_token_s"].get<double>(), 0.015);
}

TEST_F(AzureRunTest, AnEntraTokenHeaderReplacesTheKey) {
  FakeOpenAIServer server;  // no key required: checks what is sent
  const ProcessResult r = run(server,
                              suite("    headers: {Authorization: \"Bearer ${AZURE_AD_TOKEN}\"}\n",
                                    "  - {id: a, vars: {question: hi}, expected: \"echo: hi\"}\n"),
                              kKey, {{"AZURE_AD_TOKEN", "eyJ0eXAiOiJKV1QiLCJhbGciOi"}});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(server.request_log()[0].header("Authorization"), "Bearer eyJ0eXAiOiJKV1QiLCJhbGciOi");
  EXPECT_EQ(server.request_log()[0].header("api-key"), "");
}

TEST_F(AzureRunTest, ARefusedKeyIsRecordedWithoutIt) {
  FakeOpenAIServer server(keyed());
  const std::string wrong = "azure-wrong-key-0000000000";
  const ProcessResult r = run(server, suite("", "  - {id: a, vars: {question: hi}, expected: \"echo: hi\"}\n"), wrong);
  EXPECT_EQ(r.exit_code, 4) << r.out << r.err;
  EXPECT_EQ(server.request_log().size(), 1u);
  const std::string error = sql_column(db_, "SELECT error FROM trials")[0];
  EXPECT_THAT(error, HasSubstr("HTTP 401: Access denied"));
  EXPECT_THAT(error + r.out + r.err, Not(HasSubstr(wrong)));
}

}  // namespace
}  // namespace evalkit::testing

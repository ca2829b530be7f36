// The generic http provider end to end through the evalkit binary, against a fake application
// endpoint whose answer is nested deep in its reply: body templates with vars and the
// conversation, the answer, usage and tool calls read at their paths, an error field, error
// statuses, retries, GET with the question in the URL, and the token never stored.
#include <fstream>
#include <iterator>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "tests/support/fake_http_app_server.h"
#include "tests/support/process.h"
#include "tests/support/store_query.h"
#include "tests/support/suite_fixture.h"

namespace evalkit::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

std::string suite(const std::string& provider, const std::string& cases) {
  return R"(suite: app
providers:
  - id: app
    type: http
    max_attempts: 3
    headers: {X-App-Token: "${APP_TOKEN}"}
)" + provider +
         R"(prompts:
  - id: ask
    messages:
      - {role: system, content: "You are the help desk."}
      - {role: user, content: "{{question}}"}
scorers:
  - {type: exact_match}
cases:
)" + cases;
}

const char* kChat = R"(    url: ${APP_URL}/api/chat
    body: {query: "{{prompt}}", history: "{{messages}}", session: "{{session}}"}
    output: json.data.answer.text
    usage: {prompt_tokens: meta.usage.in, completion_tokens: /meta/usage/out}
    tool_calls: data.actions
    finish_reason: meta.stop
    error: error
)";

class HttpAppRunTest : public ::testing::Test {
 protected:
  ProcessResult run(const FakeHttpAppServer& server, const std::string& text) {
    const std::string path = files_.write("suite.yaml", text);
    ProcessOptions options;
    options.env["APP_URL"] = server.base_url();
    options.env["APP_TOKEN"] = "app-token-123";
    options.timeout_s = 60;
    return run_evalkit({"run", path, "--db", db_, "-q"}, options);
  }
  std::string error_of(const std::string& case_id) {
    return sql_column(
        db_, "SELECT error_kind || ': ' || error FROM trials WHERE case_id = '" + case_id + "'")[0];
  }

  SuiteFixture files_{"http-app-run"};
  std::string db_ = files_.dir() + "/evalkit.db";
};

TEST_F(HttpAppRunTest, ReadsTheNestedAnswerUsageAndToolCalls) {
  FakeHttpAppServer server;
  const ProcessResult r = run(server, suite(kChat, R"(
  - {id: plain, vars: {question: "hello", session: 42}, expected: "echo: hello [session 42]"}
  - {id: order, vars: {question: "lookup_order id=A17", session: 7}, expected: " [session 7]"}
)"));
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  const nlohmann::json plain = stored_answer(db_, "plain");
  EXPECT_EQ(plain["text"], "echo: hello [session 42]");
  EXPECT_EQ(plain["finish_reason"], "done");
  EXPECT_EQ(plain["prompt_tokens"], 2);
  EXPECT_GT(plain["completion_tokens"].get<int>(), 0);
  const nlohmann::json order = stored_answer(db_, "order");
  EXPECT_EQ(order["finish_reason"], "action");
  ASSERT_EQ(order["tool_calls"].size(), 1u) << order.dump();
  EXPECT_EQ(order["tool_calls"][0]["name"], "lookup_order");
  EXPECT_EQ(order["tool_calls"][0]["arguments"], nlohmann::json({{"id", "A17"}}));
  // The body: a whole placeholder kept its JSON type (the session number, the history array).
  const auto body = nlohmann::json::parse(server.request_log().front().body);
  EXPECT_TRUE(body["session"].is_number());
  ASSERT_TRUE(body["history"].is_array());
  EXPECT_EQ(body["history"][0]["role"], "system");
  // The token was sent and is stored nowhere.
  EXPECT_EQ(server.request_log().front().header("X-App-Token"), "app-token-123");
  EXPECT_EQ(sql_count(db_,
                      "SELECT COUNT(*) FROM trials WHERE request_json LIKE '%app-token-123%' "
                      "OR answer_json LIKE '%app-token-123%'"),
            0);
}

TEST_F(HttpAppRunTest, ErrorsAreRecordedPerTrialAndTheRunGoesOn) {
  FakeHttpAppServer server;
  const ProcessResult r = run(server, suite(kChat, R"(
  - {id: app-error, vars: {question: "APP_ERROR please", session: 1}, expected: "-"}
  - {id: missing, vars: {question: "MISSING doc", session: 1}, expected: "-"}
  - {id: no-var, vars: {question: "hi"}, expected: "-"}
  - {id: fine, vars: {question: "ok", session: 2}, expected: "echo: ok [session 2]"}
)"));
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_EQ(error_of("app-error"), "http: the endpoint reported an error: retriever timed out");
  EXPECT_EQ(error_of("missing"), "http: HTTP 404: no such document");
  EXPECT_THAT(error_of("no-var"), HasSubstr("request: cannot build the request: body:"));
  EXPECT_THAT(error_of("no-var"), HasSubstr("session"));
  EXPECT_EQ(sql_count(db_, "SELECT pass FROM trials WHERE case_id = 'fine'"), 1);
}

TEST_F(HttpAppRunTest, ChosenStatusesAreAnswersAndUnavailableIsRetried) {
  FakeHttpAppServerOptions options;
  options.unavailable_first = 2;
  FakeHttpAppServer server(options);
  const ProcessResult r =
      run(server, suite(std::string(kChat) + "    error_status: [500-599]\n", R"(
  - {id: retried, vars: {question: "hi", session: 3}, expected: "echo: hi [session 3]"}
  - {id: not-found-is-an-answer, vars: {question: "MISSING", session: 3}, expected: "-"}
)"));
  // The two 503s fell on whichever requests came first; each was retried.
  EXPECT_EQ(sql_count(db_, "SELECT SUM(attempts) FROM trials"), 4);
  EXPECT_EQ(sql_count(db_, "SELECT pass FROM trials WHERE case_id = 'retried'"), 1);
  // 404 is not an error status here, so its body is read: it has no answer at the path.
  EXPECT_THAT(error_of("not-found-is-an-answer"),
              HasSubstr("malformed: malformed response: no answer at 'json.data.answer.text'"));
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
}

TEST_F(HttpAppRunTest, GetPutsTheQuestionInTheUrl) {
  FakeHttpAppServer server;
  const ProcessResult r = run(server, suite(R"(    url: "${APP_URL}/api/search?q={{question}}"
    method: GET
    output: /result
)",
                                            R"(
  - {id: search, vars: {question: "a&b = c?"}, expected: "found: a&b = c?"}
)"));
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  const auto log = server.request_log();
  ASSERT_EQ(log.size(), 1u);
  EXPECT_EQ(log[0].method, "GET");
  EXPECT_EQ(log[0].target, "/api/search?q=a%26b%20%3D%20c%3F");
  EXPECT_EQ(log[0].body, "");
}

TEST_F(HttpAppRunTest, AWrongTokenIsNotRetriedAndNotShown) {
  FakeHttpAppServer server;
  // The token comes from a variable whose name does not look secret (APP_HEADER), so only
  // the header being a credential keeps it out of the error.
  std::string text = suite(kChat,
                           "  - {id: a, vars: {question: hi, session: 1}, "
                           "expected: \"echo: hi [session 1]\"}\n");
  const size_t variable = text.find("${APP_TOKEN}");
  ASSERT_NE(variable, std::string::npos);
  text.replace(variable, 12, "${APP_HEADER}");
  const std::string path = files_.write("suite.yaml", text);
  ProcessOptions options;
  options.env["APP_URL"] = server.base_url();
  options.env["APP_HEADER"] = "wrong-token-value";
  const ProcessResult r = run_evalkit({"run", path, "--db", db_, "-q"}, options);
  EXPECT_EQ(r.exit_code, 4) << r.out << r.err;
  EXPECT_EQ(server.request_log().size(), 1u);
  // The endpoint echoed the token; the stored error has it redacted.
  EXPECT_EQ(error_of("a"), "http: HTTP 401: wrong X-App-Token '[redacted]'");
  EXPECT_THAT(r.out + r.err, Not(HasSubstr("wrong-token-value")));
}

TEST_F(HttpAppRunTest, RecordedAnswersReplayOfflineAndTheCacheAnswersRepeats) {
  FakeHttpAppServer server;
  const std::string cases = R"(
  - {id: a, vars: {question: "hello", session: 1}, expected: "echo: hello [session 1]"}
  - {id: b, vars: {question: "lookup_order id=9", session: 2}, expected: " [session 2]"}
)";
  const std::string record = files_.dir() + "/recorded.jsonl";
  const std::string path = files_.write(
      "suite.yaml", suite(std::string(kChat) + "    responses: recorded.jsonl\n", cases));
  ProcessOptions options;
  options.env["APP_URL"] = server.base_url();
  options.env["APP_TOKEN"] = "app-token-123";
  ProcessResult r =
      run_evalkit({"run", path, "--db", db_, "-q", "--record", record, "--cache", "on"}, options);
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  ASSERT_EQ(server.request_log().size(), 2u);
  // The same run again: the cache answers both, nothing is sent.
  r = run_evalkit({"run", path, "--db", db_, "-q", "--cache", "on"}, options);
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(server.request_log().size(), 2u);
  // Offline, from the recorded file, into a fresh database: the same answers, tool call included.
  server.stop();
  const std::string offline_db = files_.dir() + "/offline.db";
  r = run_evalkit({"run", path, "--db", offline_db, "-q", "--replay-strict"}, options);
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(stored_answer(offline_db, "b")["tool_calls"][0]["arguments"],
            nlohmann::json({{"id", 9}}));
  // The token is in no file the runs wrote.
  std::ifstream in(record);
  const std::string recorded((std::istreambuf_iterator<char>(in)),
                             std::istreambuf_iterator<char>());
  EXPECT_THAT(recorded, HasSubstr("lookup_order"));
  EXPECT_THAT(recorded, Not(HasSubstr("app-token-123")));
}

}  // namespace
}  // namespace evalkit::testing

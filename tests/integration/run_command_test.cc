// End-to-end: the evalkit binary against the fake OpenAI-compatible server on 127.0.0.1.
#include <filesystem>
#include <fstream>
#include <regex>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "tests/support/fake_openai_server.h"
#include "tests/support/process.h"
#include "tests/support/store_query.h"
#include "tests/support/test_files.h"

namespace evalkit::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

const char* kCapitalsSuite = R"(suite: capitals
description: capital cities
providers:
  - id: assistant
    type: openai-chat
    model: fake-chat
    base_url: ${FAKE_BASE_URL}
    params: {temperature: 0}
    concurrency: 8
prompts:
  - id: qa
    messages:
      - {role: system, content: "Answer in one word."}
      - {role: user, content: "What is the capital of {{country}}?"}
cases:
  - {id: capital-france, vars: {country: France}, expected: Paris, labels: [smoke]}
  - {id: capital-japan, vars: {country: Japan}, expected: Tokyo}
  - {id: capital-australia, vars: {country: Australia}, expected: Canberra}
scorers:
  - {type: exact_match, normalize: [lower, trim, strip_punctuation]}
)";

FakeOpenAIServerOptions capital_answers() {
  FakeOpenAIServerOptions options;
  options.rules = {{"France", "Paris.", {}, {}, {}},
                   {"Japan", "Tokyo", {}, {}, {}},
                   {"Australia", "Sydney", {}, {}, {}}};
  return options;
}

TEST(RunCommandTest, RunsSuiteScoresStoresAndReports) {
  FakeOpenAIServer server(capital_answers());
  const std::string dir = make_temp_dir("run-basic");
  const std::string suite = write_test_file(dir, "suite.yaml", kCapitalsSuite);
  const std::string db = dir + "/evalkit.db";
  const std::string report = dir + "/out/run.json";
  ProcessOptions env;
  env.env["FAKE_BASE_URL"] = server.base_url();
  const ProcessResult r =
      run_evalkit({"run", suite, "--db", db, "--report-json", report, "-j", "4"}, env);
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;  // one case fails on purpose
  EXPECT_THAT(r.out, HasSubstr("qa/capital-france"));
  EXPECT_TRUE(std::regex_search(r.out, std::regex(R"(qa/capital-australia \.+\*\*\*Failed)")))
      << r.out;
  EXPECT_THAT(r.out, HasSubstr("exact_match: expected 'Canberra', got 'Sydney'"));
  EXPECT_THAT(r.out, HasSubstr("66% tests passed, 1 tests failed out of 3"));
  EXPECT_THAT(r.out, HasSubstr("The following tests FAILED:"));

  const nlohmann::json doc = read_json_file(report);
  EXPECT_EQ(doc["run"]["suite"], "capitals");
  EXPECT_EQ(doc["run"]["status"], "complete");
  EXPECT_EQ(doc["summary"]["trials"], 3);
  EXPECT_EQ(doc["summary"]["passed"], 2);
  EXPECT_EQ(doc["summary"]["failed"], 1);
  ASSERT_EQ(doc["trials"].size(), 3u);
  for (const auto& t : doc["trials"]) {
    EXPECT_EQ(t["scores"].size(), 1u);
    EXPECT_EQ(t["pass"], t["case_id"] != "capital-australia") << t.dump();
    EXPECT_GT(t["prompt_tokens"].get<int>(), 0);
  }
  ASSERT_EQ(doc["scorers"].size(), 1u);
  EXPECT_EQ(doc["scorers"][0]["name"], "exact_match");
  EXPECT_NEAR(doc["scorers"][0]["mean"].get<double>(), 2.0 / 3.0, 1e-12);

  EXPECT_EQ(sql_count(db, "SELECT COUNT(*) FROM runs"), 1);
  EXPECT_EQ(sql_count(db, "SELECT COUNT(*) FROM trials"), 3);
  EXPECT_EQ(sql_count(db, "SELECT COUNT(*) FROM trials WHERE pass=1"), 2);
  EXPECT_EQ(sql_count(db, "SELECT COUNT(*) FROM scores WHERE name='exact_match'"), 3);
  EXPECT_EQ(sql_count(db, "SELECT COUNT(*) FROM trials WHERE output='Sydney'"), 1);
  EXPECT_EQ(sql_count(db, "SELECT COUNT(*) FROM runs WHERE status='complete'"), 1);

  // The request reached the server with the suite's model, params and rendered messages.
  bool saw_france = false;
  for (const auto& request : server.request_log()) {
    const auto body = nlohmann::json::parse(request.body);
    EXPECT_EQ(body["model"], "fake-chat");
    EXPECT_EQ(body["temperature"], 0);
    if (body["messages"][1]["content"] == "What is the capital of France?") saw_france = true;
  }
  EXPECT_TRUE(saw_france);
}

TEST(RunCommandTest, FiltersAndExitCodes) {
  FakeOpenAIServer server(capital_answers());
  const std::string dir = make_temp_dir("run-filters");
  const std::string suite = write_test_file(dir, "suite.yaml", kCapitalsSuite);
  ProcessOptions env;
  env.env["FAKE_BASE_URL"] = server.base_url();
  const std::string db = dir + "/evalkit.db";

  ProcessResult passing = run_evalkit({"run", suite, "--db", db, "-L", "smoke"}, env);
  EXPECT_EQ(passing.exit_code, 0) << passing.out << passing.err;
  EXPECT_THAT(passing.out, HasSubstr("100% tests passed, 0 tests failed out of 1"));

  ProcessResult regex =
      run_evalkit({"run", suite, "--db", db, "-R", "japan|france", "-E", "fr"}, env);
  EXPECT_EQ(regex.exit_code, 0) << regex.out;
  EXPECT_THAT(regex.out, HasSubstr("out of 1"));
  EXPECT_THAT(regex.out, HasSubstr("capital-japan"));

  ProcessResult none = run_evalkit({"run", suite, "--db", db, "-R", "^nothing$"}, env);
  EXPECT_EQ(none.exit_code, 5) << none.out << none.err;

  ProcessResult usage = run_evalkit({"run", suite, "--db", db, "--no-such-flag"}, env);
  EXPECT_EQ(usage.exit_code, 3);

  ProcessResult repeat =
      run_evalkit({"run", suite, "--db", db, "-L", "smoke", "--repeat", "3", "-q"}, env);
  EXPECT_EQ(repeat.exit_code, 0);
  EXPECT_THAT(repeat.out, HasSubstr("out of 3"));
  EXPECT_THAT(repeat.out, Not(HasSubstr("Passed")));  // -q prints failures only
}

TEST(RunCommandTest, InvalidSuiteNamesFileAndLine) {
  const std::string dir = make_temp_dir("run-invalid");
  std::string text = kCapitalsSuite;
  text.replace(text.find("type: exact_match"), 17, "type: exact_mach");
  const std::string suite = write_test_file(dir, "suite.yaml", text);
  ProcessOptions env;
  env.env["FAKE_BASE_URL"] = "http://127.0.0.1:9/v1";
  const ProcessResult r = run_evalkit({"run", suite, "--db", dir + "/evalkit.db"}, env);
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_THAT(r.err, HasSubstr(suite + ":20:"));
  EXPECT_THAT(r.err, HasSubstr("did you mean 'exact_match'"));
  EXPECT_FALSE(std::filesystem::exists(dir + "/evalkit.db"));  // nothing ran
}

TEST(RunCommandTest, UnreachableEndpointIsAnInfrastructureError) {
  const std::string dir = make_temp_dir("run-down");
  std::string text = kCapitalsSuite;
  text.replace(text.find("concurrency: 8"), 14, "concurrency: 8\n    max_attempts: 2");
  const std::string suite = write_test_file(dir, "suite.yaml", text);
  ProcessOptions env;
  // Port 9 (discard) has no listener on these machines: every connect is refused.
  env.env["FAKE_BASE_URL"] = "http://127.0.0.1:9/v1";
  const ProcessResult r = run_evalkit(
      {"run", suite, "--db", dir + "/evalkit.db", "--report-json", dir + "/r.json"}, env);
  EXPECT_EQ(r.exit_code, 4) << r.out << r.err;
  EXPECT_THAT(r.out, HasSubstr("***Error"));
  EXPECT_THAT(r.out, HasSubstr("connect"));
  const nlohmann::json doc = read_json_file(dir + "/r.json");
  EXPECT_EQ(doc["summary"]["errors"], 3);
  EXPECT_EQ(doc["trials"][0]["attempts"], 2);
}

TEST(RunCommandTest, RecordsThenReplaysOffline) {
  const std::string dir = make_temp_dir("run-replay");
  const std::string record = dir + "/responses.jsonl";
  {
    FakeOpenAIServer server(capital_answers());
    const std::string suite = write_test_file(dir, "live.yaml", kCapitalsSuite);
    ProcessOptions env;
    env.env["FAKE_BASE_URL"] = server.base_url();
    const ProcessResult r =
        run_evalkit({"run", suite, "--db", dir + "/a.db", "--record", record}, env);
    EXPECT_EQ(r.exit_code, 1) << r.err;
  }
  // Same suite, no base URL, a responses file: answers come from the recording.
  std::string text = kCapitalsSuite;
  text.replace(text.find("base_url: ${FAKE_BASE_URL}"), 26, "responses: responses.jsonl");
  const std::string suite = write_test_file(dir, "offline.yaml", text);
  ProcessOptions env;
  env.unset_env = {"OPENAI_BASE_URL"};
  const ProcessResult r =
      run_evalkit({"run", suite, "--db", dir + "/b.db", "--report-json", dir + "/b.json"}, env);
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  const nlohmann::json doc = read_json_file(dir + "/b.json");
  EXPECT_EQ(doc["summary"]["passed"], 2);
  for (const auto& t : doc["trials"]) {
    EXPECT_TRUE(t["cached"].get<bool>());
    if (t["case_id"] == "capital-australia") {
      EXPECT_EQ(t["output"], "Sydney");
    }
  }
}

TEST(RunCommandTest, ExecProviderPipesPromptThroughCommand) {
  const std::string dir = make_temp_dir("run-exec");
  const std::string suite = write_test_file(dir, "suite.yaml", R"(suite: shout
providers:
  - {id: upper, type: exec, command: [tr, a-z, A-Z]}
prompts:
  - {id: p, messages: [{role: user, content: "{{word}}"}]}
cases:
  - {id: hello, vars: {word: hello}, expected: HELLO}
  - {id: bye, vars: {word: bye}, expected: BYE}
scorers:
  - {type: exact_match}
)");
  const ProcessResult r = run_evalkit({"run", suite, "--db", dir + "/e.db"});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_THAT(r.out, HasSubstr("100% tests passed, 0 tests failed out of 2"));
}

TEST(RunCommandTest, RetriesServerErrorsAndKeepsGoing) {
  FakeOpenAIServerOptions options = capital_answers();
  options.fail_500 = 0.3;
  options.seed = 7;
  FakeOpenAIServer server(options);
  const std::string dir = make_temp_dir("run-retry");
  std::string cases;
  for (int i = 0; i < 40; ++i) {
    cases += "  - {id: c" + std::to_string(i) + ", vars: {country: France}, expected: Paris}\n";
  }
  std::string text = kCapitalsSuite;
  text =
      text.substr(0, text.find("cases:")) + "cases:\n" + cases + text.substr(text.find("scorers:"));
  // With 30% of answers failing, six attempts lose a case now and then (0.3^6 a case, more
  // when its retries meet a run of failures at the end); ten make that practically never.
  text.replace(text.find("concurrency: 8"), 14, "concurrency: 8\n    max_attempts: 10");
  const std::string suite = write_test_file(dir, "suite.yaml", text);
  ProcessOptions env;
  env.env["FAKE_BASE_URL"] = server.base_url();
  const ProcessResult r = run_evalkit(
      {"run", suite, "--db", dir + "/r.db", "--report-json", dir + "/r.json", "-q"}, env);
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_THAT(r.out, HasSubstr("retries"));
  const nlohmann::json doc = read_json_file(dir + "/r.json");
  EXPECT_EQ(doc["summary"]["passed"], 40);
  int retried = 0;
  for (const auto& t : doc["trials"]) retried += t["attempts"].get<int>() > 1 ? 1 : 0;
  EXPECT_GT(retried, 0);
  EXPECT_GT(server.stats().fail_500, 0u);
}

TEST(RunCommandTest, ApiKeyIsSentButNeverWritten) {
  const std::string key = "sk-evalkit-test-SECRET-4f1c9a";
  FakeOpenAIServerOptions options = capital_answers();
  options.require_api_key = key;
  FakeOpenAIServer server(options);
  const std::string dir = make_temp_dir("run-secret");
  const std::string suite = write_test_file(dir, "suite.yaml", kCapitalsSuite);
  ProcessOptions env;
  env.env["FAKE_BASE_URL"] = server.base_url();
  env.env["OPENAI_API_KEY"] = key;
  const ProcessResult r = run_evalkit({"run", suite, "--db", dir + "/s.db", "--report-json",
                                       dir + "/s.json", "--record", dir + "/rec.jsonl", "-V"},
                                      env);
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_EQ(server.stats().unauthorized, 0u);
  EXPECT_THAT(r.out + r.err, Not(HasSubstr(key)));
  for (const auto& entry : std::filesystem::recursive_directory_iterator(dir)) {
    if (!entry.is_regular_file()) continue;
    std::ifstream in(entry.path(), std::ios::binary);
    const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    EXPECT_EQ(bytes.find(key), std::string::npos) << entry.path();
  }
}

}  // namespace
}  // namespace evalkit::testing

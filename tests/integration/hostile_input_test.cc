// End-to-end: inputs someone else controls: a suite folder's name, a model's output, a
// dataset line, a suite of nested aliases, a base URL. Each must give a clear error or a
// clean result, never a crash, a command run on the side, or a leaked credential.
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "tests/support/echo_suite.h"
#include "tests/support/fake_openai_server.h"
#include "tests/support/process.h"
#include "tests/support/store_query.h"
#include "tests/support/test_files.h"

namespace evalkit::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

const char* kReplaySuite = R"(suite: replayed
providers:
  - {id: assistant, type: replay, model: m, responses: answers.jsonl}
prompts:
  - {id: p, messages: [{role: user, content: "{{q}}"}]}
cases:
  - {id: c1, vars: {q: one}, expected: x}
scorers:
  - {type: exact_match}
)";

TEST(HostileInputTest, SuiteFolderNameNeverReachesAShell) {
  // git_commit used to be read with popen("git -C '<folder>' rev-parse HEAD").
  const std::string dir = make_temp_dir("hostile-folder");
  const std::string folder = dir + "/evals'$(touch pwned)'";
  std::filesystem::create_directories(folder);
  const std::string suite = write_test_file(folder, "suite.yaml", kReplaySuite);
  write_test_file(folder, "answers.jsonl", "");
  ProcessOptions options;
  options.working_dir = dir;
  const ProcessResult r =
      run_evalkit({"run", suite, "--db", dir + "/s.db", "--replay-strict", "-q"}, options);
  EXPECT_EQ(r.exit_code, 4) << r.out << r.err;  // the one call was a replay miss, stored
  EXPECT_FALSE(std::filesystem::exists(dir + "/pwned"));
  EXPECT_FALSE(std::filesystem::exists(folder + "/pwned"));
  // The build tree lies in a git checkout, so the run still knows its commit.
  const auto commits = sql_column(dir + "/s.db", "SELECT git_commit FROM runs");
  ASSERT_EQ(commits.size(), 1u);
  EXPECT_EQ(commits[0].size(), 40u);
}

TEST(HostileInputTest, ControlCharactersNeverReachTheTerminal) {
  FakeOpenAIServerOptions options;
  // OSC 52 (set the clipboard), a window title, a CSI cursor move and a forged result line.
  options.rules = {
      {"question",
       "\x1b]52;c;ZXZpbA==\x07\x1b]0;owned\x07\r\x1b[2K 1/1 Test #1: ok   Passed\xc2\x9b",
       {},
       {},
       {}}};
  FakeOpenAIServer server(options);
  const std::string dir = make_temp_dir("hostile-console");
  const std::string suite = write_test_file(
      dir, "suite.yaml",
      echo_suite("term", 1, "", "  - {id: \"evil\\e[31m\\u009b\", vars: {n: 7}, expected: x}\n"));
  ProcessOptions env;
  env.env["FAKE_BASE_URL"] = server.base_url();
  const ProcessResult r = run_evalkit({"run", suite, "--db", dir + "/s.db", "-V"}, env);
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  for (const char c : {'\x1b', '\x07', '\r'}) {
    EXPECT_EQ(r.out.find(c), std::string::npos) << "raw control " << int(c) << " in:\n" << r.out;
  }
  EXPECT_EQ(r.out.find("\xc2\x9b"), std::string::npos);
  EXPECT_THAT(r.out, HasSubstr("\\x1B]52;c;ZXZpbA==\\x07"));
  EXPECT_THAT(r.out, HasSubstr("evil\\x1B[31m\\u009B"));
  const ProcessResult listed = run_evalkit({"list", suite});
  EXPECT_EQ(listed.out.find('\x1b'), std::string::npos);
}

TEST(HostileInputTest, DeeplyNestedJsonIsMalformedNotACrash) {
  const std::string deep = std::string(100000, '[') + std::string(100000, ']');
  FakeOpenAIServerOptions options;
  // As a whole answer body, and as a tool call's arguments inside a good body.
  options.rules = {{"question 0", "", 200, deep, {}}, {"question 5", deep, {}, {}, {}}};
  FakeOpenAIServer server(options);
  const std::string dir = make_temp_dir("hostile-deep");
  write_test_file(dir, "deep.jsonl", "{\"id\": \"d1\", \"vars\": {\"n\": " + deep + "}}\n");
  std::string suite = write_test_file(
      dir, "suite.yaml",
      echo_suite("deep", 2, "", "  - {id: j, vars: {n: 5}, expected: x, scorers: [{type: is_json}]}\n"));
  ProcessOptions env;
  env.env["FAKE_BASE_URL"] = server.base_url();
  ProcessResult r = run_evalkit(
      {"run", suite, "--db", dir + "/s.db", "--report-json", dir + "/r.json", "-q"}, env);
  ASSERT_EQ(r.signal, 0) << "killed by signal " << r.signal;
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  const nlohmann::json doc = read_json_file(dir + "/r.json");
  ASSERT_EQ(doc["trials"].size(), 3u);
  for (const auto& trial : doc["trials"]) {
    if (trial["case_id"] == "q0") {
      EXPECT_EQ(trial["error_kind"], "malformed");
    }
    if (trial["case_id"] == "j") {
      EXPECT_EQ(trial["output"].get<std::string>().size(), 200000u);
      EXPECT_THAT(trial.dump(), HasSubstr("JSON nested deeper than"));
    }
  }

  // A dataset line nested 100,000 deep is a suite error at its line, not a crash.
  suite = write_test_file(dir, "suite2.yaml", echo_suite("deep2", 0, "", "  - file: deep.jsonl\n"));
  r = run_evalkit({"validate", suite}, env);
  ASSERT_EQ(r.signal, 0);
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_THAT(r.err, HasSubstr("deep.jsonl:1:"));
  EXPECT_THAT(r.err, HasSubstr("nested deeper than 512 levels"));

  // A report document handed to `baseline import` / `merge`.
  write_test_file(dir, "deep-report.json", "{\"run\": " + deep + "}");
  r = run_evalkit({"baseline", "import", dir + "/deep-report.json", "x", "--db", dir + "/s.db"});
  ASSERT_EQ(r.signal, 0);
  EXPECT_NE(r.exit_code, 0);
  r = run_evalkit({"merge", dir + "/deep-report.json", "--db", dir + "/m.db"});
  ASSERT_EQ(r.signal, 0);
  EXPECT_NE(r.exit_code, 0);
}

TEST(HostileInputTest, BillionLaughsSuiteIsRefusedQuickly) {
  // 9 levels of 10 aliases in a case's vars: 10^9 strings once expanded, from 700 bytes.
  std::string vars = "{l0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]";
  for (int level = 1; level <= 9; ++level) {
    const std::string prev = "*a" + std::to_string(level - 1);
    vars += ", l" + std::to_string(level) + ": &a" + std::to_string(level) + " [";
    for (int i = 0; i < 10; ++i) vars += (i ? ", " : "") + prev;
    vars += "]";
  }
  const std::string yaml =
      "suite: lol\n"
      "providers: [{id: p, type: replay, model: m, responses: r.jsonl}]\n"
      "prompts: [{id: q, messages: [{role: user, content: hi}]}]\n"
      "scorers: [{type: exact_match}]\n"
      "cases:\n  - {id: c, expected: x, vars: " +
      vars + "}}\n";
  const std::string dir = make_temp_dir("hostile-lol");
  const std::string suite = write_test_file(dir, "suite.yaml", yaml);
  ProcessOptions options;
  options.timeout_s = 60;
  const ProcessResult r = run_evalkit({"validate", suite}, options);
  ASSERT_EQ(r.signal, 0) << "killed by signal " << r.signal;
  EXPECT_EQ(r.exit_code, 3) << r.err;
  EXPECT_THAT(r.err, HasSubstr("suite.yaml:6:"));
  EXPECT_THAT(r.err, HasSubstr("aliases expand to more than"));
}

TEST(HostileInputTest, BaseUrlMustBeHttpAndCredentialsInItAreNeverStored) {
  const std::string dir = make_temp_dir("hostile-url");
  const std::string suite = write_test_file(dir, "suite.yaml", echo_suite("url", 1));
  ProcessOptions env;
  env.env["FAKE_BASE_URL"] = "file:///etc/passwd#";
  ProcessResult r = run_evalkit({"run", suite, "--db", dir + "/s.db"}, env);
  EXPECT_EQ(r.exit_code, 3) << r.out << r.err;
  EXPECT_THAT(r.err, HasSubstr("must start with http:// or https://"));

  // OPENAI_BASE_URL is not checked by the suite loader.
  std::string text = echo_suite("url", 1);
  const std::string line = "    base_url: ${FAKE_BASE_URL}\n";
  text.erase(text.find(line), line.size());
  const std::string env_suite = write_test_file(dir, "env.yaml", text);
  env.env["OPENAI_BASE_URL"] = "gopher://127.0.0.1:25/";
  r = run_evalkit({"run", env_suite, "--db", dir + "/s.db"}, env);
  EXPECT_EQ(r.exit_code, 3) << r.out << r.err;
  EXPECT_THAT(r.err, HasSubstr("must start with http:// or https://"));

  FakeOpenAIServer server;
  const std::string password = "hunter2-very-secret";
  const std::string token = "qtok-0123456789abcdef";
  env.env["FAKE_BASE_URL"] = "http://alice:" + password +
                             "@127.0.0.1:" + std::to_string(server.port()) + "/v1?api-key=" + token;
  r = run_evalkit({"run", suite, "--db", dir + "/c.db", "--report-json", dir + "/c.json", "-V"},
                  env);
  // The query string spoils the endpoint's path, so the fake answers 404 to every call.
  EXPECT_EQ(r.exit_code, 4) << r.out << r.err;
  EXPECT_THAT(r.out, HasSubstr("HTTP 404"));
  const ProcessResult report = run_evalkit(
      {"report", "last", "--db", dir + "/c.db", "--md", dir + "/c.md", "--html", dir + "/c.html"});
  EXPECT_EQ(report.exit_code, 0) << report.err;
  for (const std::string file : {"/c.json", "/c.db", "/c.md", "/c.html"}) {
    std::ifstream in(dir + file, std::ios::binary);
    const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    EXPECT_EQ(bytes.find(password), std::string::npos) << file;
    EXPECT_EQ(bytes.find(token), std::string::npos) << file;
  }
  EXPECT_EQ((r.out + r.err).find(password), std::string::npos);
  EXPECT_EQ((r.out + r.err).find(token), std::string::npos);
  const nlohmann::json doc = read_json_file(dir + "/c.json");
  EXPECT_EQ(doc["run"]["providers"][0]["base_url"],
            "http://127.0.0.1:" + std::to_string(server.port()) + "/v1?api-key=[redacted]");
}

}  // namespace
}  // namespace evalkit::testing

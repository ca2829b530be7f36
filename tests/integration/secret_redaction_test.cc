// End-to-end: an endpoint (and a command) that echo the API key, in errors and in answers,
// with every report, the response cache and a replay recording on. No file the run writes,
// and nothing it prints, may hold any piece of the key long enough to be recognised.
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "tests/support/fake_openai_server.h"
#include "tests/support/process.h"
#include "tests/support/secret_samples.h"
#include "tests/support/test_files.h"

namespace evalkit::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

const std::string kToken = "tok-9f8e7d6c5b4a39281706";  // an environment secret, by its name

std::string read_bytes(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

const char* kSuite = R"(suite: echoes
providers:
  - id: assistant
    type: openai-chat
    model: fake-chat
    base_url: ${FAKE_BASE_URL}
    max_attempts: 1
  - id: tool
    type: exec
    command: [sh, -c, 'cat >/dev/null; echo "token is $MY_SERVICE_TOKEN"']
prompts:
  - id: p
    messages:
      - {role: user, content: "{{q}}"}
cases:
  - {id: error-echo, vars: {q: ERR401}, expected: x}
  - {id: answer-echo, vars: {q: ECHOHDR}, expected: x}
  - {id: malformed-echo, vars: {q: BADJSON}, expected: x}
  - {id: long-error, vars: {q: LONG500}, expected: x}
  - {id: plain, vars: {q: hello}, expected: "echo: hello"}
scorers:
  - {type: exact_match}
)";

TEST(SecretRedactionTest, KeyEchoedByEndpointNeverReachesAnyFileOrOutput) {
  const std::string key = sample_project_key(2024);
  FakeOpenAIServerOptions options;
  const std::string filler(30000, 'z');
  options.rules = {
      {"ERR401",
       "Incorrect API key provided: " + key +
           ". You can find your API key at "
           "https://platform.openai.com/account/api-keys.",
       401,
       {},
       {}},
      {"ECHOHDR", "Request headers: Authorization: Bearer " + key, {}, {}, {}},
      {"BADJSON", "", 200, "<html>upstream error for key=" + key + "</html>", {}},
      {"LONG500", filler + " key " + key + " " + filler, 500, {}, {}},
  };
  FakeOpenAIServer server(options);
  const std::string dir = make_temp_dir("secret-echo");
  const std::string suite = write_test_file(dir, "suite.yaml", kSuite);
  ProcessOptions env;
  env.env["FAKE_BASE_URL"] = server.base_url();
  env.env["OPENAI_API_KEY"] = key + "\n";  // as `KEY=$(cat file)` in a CI script might leave it
  env.env["MY_SERVICE_TOKEN"] = kToken;
  const std::vector<std::string> args = {"run",
                                         suite,
                                         "--db",
                                         dir + "/s.db",
                                         "--report-json",
                                         dir + "/r.json",
                                         "--report-html",
                                         dir + "/r.html",
                                         "--junit",
                                         dir + "/r.xml",
                                         "--report-md",
                                         dir + "/r.md",
                                         "--cache",
                                         "on",
                                         "--record",
                                         dir + "/rec.jsonl",
                                         "-V",
                                         "--output-on-failure"};
  const ProcessResult first = run_evalkit(args, env);
  ASSERT_EQ(first.exit_code, 1) << first.out << first.err;
  const ProcessResult second = run_evalkit(args, env);  // answers from the cache this time
  ASSERT_EQ(second.exit_code, 1) << second.out << second.err;
  const ProcessResult report =
      run_evalkit({"report", "last", "--db", dir + "/s.db", "--html", dir + "/again.html"}, env);
  ASSERT_EQ(report.exit_code, 0) << report.err;

  // The echoes did happen and were redacted (so the check below is not vacuous).
  const nlohmann::json doc = read_json_file(dir + "/r.json");
  std::map<std::string, nlohmann::json> trials;
  for (const auto& t : doc["trials"]) {
    trials[t["case_id"].get<std::string>() + "/" + t["provider_id"].get<std::string>()] = t;
  }
  ASSERT_EQ(trials.size(), 10u) << doc.dump(1);
  EXPECT_EQ(trials["answer-echo/assistant"]["output"],
            "Request headers: Authorization: Bearer [redacted]");
  EXPECT_THAT(trials["error-echo/assistant"]["error"].get<std::string>(),
              HasSubstr("Incorrect API key provided: [redacted]."));
  EXPECT_THAT(trials["malformed-echo/assistant"]["error"].get<std::string>(),
              HasSubstr("key=[redacted]"));
  EXPECT_EQ(trials["plain/tool"]["output"], "token is [redacted]");
  // A 60 KB server message is cut after redaction.
  const std::string long_error = trials["long-error/assistant"]["error"].get<std::string>();
  EXPECT_LT(long_error.size(), 2100u);
  EXPECT_THAT(first.err, HasSubstr("OPENAI_API_KEY has surrounding whitespace; it was trimmed"));

  for (const ProcessResult* r : {&first, &second, &report}) {
    EXPECT_EQ(leaked_piece(r->out + r->err, key), "") << r->out << r->err;
    EXPECT_EQ(leaked_piece(r->out + r->err, kToken), "");
  }
  int files = 0;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(dir)) {
    if (!entry.is_regular_file()) continue;
    ++files;
    const std::string bytes = read_bytes(entry.path());
    EXPECT_EQ(leaked_piece(bytes, key), "") << entry.path();
    EXPECT_EQ(leaked_piece(bytes, kToken), "") << entry.path();
  }
  EXPECT_GE(files, 7);  // suite, db, reports, recording, the second HTML
  // The key was sent all the same.
  bool sent = false;
  for (const auto& request : server.request_log()) {
    sent = sent || request.header("Authorization") == "Bearer " + key;
  }
  EXPECT_TRUE(sent);
}

TEST(SecretRedactionTest, KeyWithAControlCharacterInsideIsRefused) {
  FakeOpenAIServer server;
  const std::string dir = make_temp_dir("secret-control");
  const std::string suite = write_test_file(dir, "suite.yaml", kSuite);
  ProcessOptions env;
  env.env["FAKE_BASE_URL"] = server.base_url();
  env.env["OPENAI_API_KEY"] = "sk-abcdefgh\r\nX-Injected: yes";
  const ProcessResult r = run_evalkit({"run", suite, "--db", dir + "/s.db"}, env);
  EXPECT_EQ(r.exit_code, 3) << r.out << r.err;
  EXPECT_THAT(r.err, HasSubstr("OPENAI_API_KEY holds a control character"));
  EXPECT_THAT(r.err, Not(HasSubstr("sk-abcdefgh")));
  EXPECT_EQ(server.stats().total_requests(), 0u);
}

}  // namespace
}  // namespace evalkit::testing

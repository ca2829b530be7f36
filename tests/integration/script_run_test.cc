// End-to-end through the evalkit binary: the team's own code as system under test and as
// checks (Python and Node examples, promptfoo-style files through the shims), failures that
// stay one trial's error, load errors that name the missing piece, and no worker left behind.
#include <signal.h>

#include <fstream>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "tests/support/process.h"
#include "tests/support/test_files.h"

namespace evalkit::testing {
namespace {

using ::testing::HasSubstr;

// A process that exists and is not a zombie waiting to be reaped.
bool alive(int pid) {
  if (kill(pid, 0) != 0) return false;
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("State:", 0) == 0) return line.find('Z') == std::string::npos;
  }
  return false;
}

const nlohmann::json* trial_of(const nlohmann::json& doc, const std::string& case_id) {
  for (const auto& t : doc["trials"]) {
    if (t["case_id"] == case_id) return &t;
  }
  return nullptr;
}

const nlohmann::json* score_of(const nlohmann::json& trial, const std::string& name) {
  for (const auto& s : trial["scores"]) {
    if (s["name"] == name) return &s;
  }
  return nullptr;
}

TEST(ScriptRunTest, TheExampleSuiteRunsItsPythonAppAndItsPythonAndNodeChecks) {
  const std::string dir = make_temp_dir("script-example");
  const std::string report = dir + "/run.json";
  const ProcessResult r = run_evalkit({"run", source_path("examples/scripts/suite.yaml"), "--db",
                                       dir + "/evalkit.db", "--report-json", report});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  const nlohmann::json doc = read_json_file(report);
  EXPECT_EQ(doc["summary"]["passed"], 4) << doc["summary"].dump();
  const nlohmann::json* france = trial_of(doc, "france");
  ASSERT_NE(france, nullptr);
  EXPECT_EQ((*france)["output"], "The capital of France is Paris.");
  EXPECT_EQ((*france)["prompt_tokens"], 6);
  const nlohmann::json* words = score_of(*france, "word_limit");
  ASSERT_NE(words, nullptr);
  EXPECT_EQ((*words)["reason"], "names the expected city; 6 words (limit 8)");
  EXPECT_EQ((*words)["details"]["words"], 6);
  ASSERT_NE(score_of(*france, "not_contains"), nullptr);
  const nlohmann::json* weather = trial_of(doc, "kenya-weather");
  ASSERT_NE(weather, nullptr);
  const nlohmann::json* tools = score_of(*weather, "tools");
  ASSERT_NE(tools, nullptr);
  EXPECT_EQ((*tools)["reason"], "get_weather(city=\"Nairobi\")");
  EXPECT_TRUE((*tools)["pass"].get<bool>());
}

TEST(ScriptRunTest, PromptfooStyleProvidersAndAssertionsRunThroughTheShims) {
  const std::string dir = make_temp_dir("script-promptfoo");
  const std::string report = dir + "/run.json";
  const ProcessResult r = run_evalkit({"run", source_path("examples/scripts/promptfoo/suite.yaml"),
                                       "--db", dir + "/evalkit.db", "--report-json", report});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  const nlohmann::json doc = read_json_file(report);
  EXPECT_EQ(doc["summary"]["trials"], 4);
  EXPECT_EQ(doc["summary"]["passed"], 4) << r.out;
  for (const auto& t : doc["trials"]) {
    EXPECT_THAT(t["output"].get<std::string>(), HasSubstr("Capital: "));
    EXPECT_EQ(t["scores"].size(), 7u) << t.dump();
    EXPECT_GT(t["prompt_tokens"].get<int>(), 0);
  }
}

TEST(ScriptRunTest, ACrashingCheckIsOneTrialsErrorAndTheRunGoesOn) {
  const std::string dir = make_temp_dir("script-crash");
  write_test_file(dir, "app.py",
                  "import json, sys\n"
                  "for line in sys.stdin:\n"
                  "    r = json.loads(line)\n"
                  "    print(json.dumps({'output': r['vars']['x']}), flush=True)\n");
  write_test_file(dir, "check.py",
                  "import json, os, sys\n"
                  "open('pids', 'a').write('%d\\n' % os.getpid())\n"
                  "for line in sys.stdin:\n"
                  "    t = json.loads(line)\n"
                  "    if t['output'] == 'boom':\n"
                  "        sys.exit('the check fell over on purpose')\n"
                  "    print(json.dumps({'pass': t['output'] == 'ok'}), flush=True)\n");
  const std::string suite = write_test_file(dir, "suite.yaml", R"(suite: crash
providers: [{id: app, type: script, command: [python3, app.py]}]
prompt: "{{x}}"
cases:
  - {id: a, vars: {x: ok}}
  - {id: b, vars: {x: boom}}
  - {id: c, vars: {x: ok}}
  - {id: d, vars: {x: nope}}
scorers: [{type: script, command: [python3, check.py], workers: 1}]
)");
  const std::string report = dir + "/run.json";
  const ProcessResult r =
      run_evalkit({"run", suite, "--db", dir + "/evalkit.db", "--report-json", report, "-j", "1"});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  const nlohmann::json doc = read_json_file(report);
  EXPECT_EQ(doc["summary"]["trials"], 4);
  EXPECT_EQ(doc["summary"]["passed"], 2);
  const nlohmann::json* b = trial_of(doc, "b");
  ASSERT_NE(b, nullptr);
  EXPECT_EQ((*b)["error_kind"], "scorer");
  EXPECT_THAT((*b)["error"].get<std::string>(), HasSubstr("the check fell over on purpose"));
  EXPECT_EQ((*trial_of(doc, "d"))["error_kind"], "");
  // Every process the run started is gone once evalkit has exited.
  std::ifstream pids(dir + "/pids");
  int pid = 0, count = 0;
  while (pids >> pid) {
    ++count;
    EXPECT_FALSE(alive(pid)) << "worker " << pid << " outlived the run";
  }
  // The first worker, and the one that replaced it when the crash was not the last trial.
  EXPECT_GE(count, 1);
  EXPECT_LE(count, 2);
}

TEST(ScriptRunTest, MissingInterpretersAndFilesFailTheLoadWithTheirPlace) {
  const std::string dir = make_temp_dir("script-load-errors");
  const std::string suite = write_test_file(dir, "suite.yaml", R"(suite: missing
providers: [{id: app, type: script, command: [python3, app.py]}]
prompt: "{{x}}"
cases: [{id: a, vars: {x: ok}}]
scorers:
  - {type: script, javascript: "output.length > 0", interpreter: no-such-node-binary}
)");
  write_test_file(dir, "app.py", "");
  const ProcessResult r = run_evalkit({"validate", suite});
  EXPECT_EQ(r.exit_code, 3) << r.out << r.err;
  EXPECT_THAT(r.err, HasSubstr("suite.yaml:6:5: scorer 'script': 'no-such-node-binary' is not "
                               "installed (needed for javascript:)"));
  const std::string provider = write_test_file(dir, "provider.yaml", R"(suite: missing
providers: [{id: app, type: script, python: "file://nowhere.py"}]
prompt: "{{x}}"
cases: [{id: a, vars: {x: ok}}]
scorers: [{type: contains, value: ok}]
)");
  const ProcessResult p = run_evalkit({"validate", provider});
  EXPECT_EQ(p.exit_code, 3) << p.out << p.err;
  EXPECT_THAT(p.err, HasSubstr("provider.yaml:2:13: script provider 'app': python file "
                               "'nowhere.py' does not exist"));
}

}  // namespace
}  // namespace evalkit::testing

// The gate's rules through the evalkit binary, against a healthy and a degraded fake endpoint:
// informational scorers stay out of the Holm family, intervals carry the family's level,
// floors hold on every run, threshold rules and the smallest detectable drop for small suites,
// 0/1 scorers compared as binary, and each (prompt, provider) cell gated on its own.
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "tests/support/fake_openai_server.h"
#include "tests/support/gate_suite.h"
#include "tests/support/process.h"
#include "tests/support/test_files.h"

namespace evalkit::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

std::string test_dir() {
  return make_temp_dir(std::string("gate-rules-") +
                       ::testing::UnitTest::GetInstance()->current_test_info()->name());
}

// Runs the suite into db (expecting exit code `expected`) and saves that run as baseline main.
void run_and_save_baseline(const std::string& dir, const GateSuite& suite, const std::string& db,
                           int expected) {
  const ProcessResult r = run_evalkit({"run", write_gate_suite(dir, suite), "--db", db, "-q"});
  ASSERT_EQ(r.exit_code, expected) << r.out << r.err;
  const ProcessResult saved = run_evalkit({"baseline", "save", "main", "--db", db});
  ASSERT_EQ(saved.exit_code, 0) << saved.err;
}

const nlohmann::json& metric_in(const nlohmann::json& metrics, const std::string& name) {
  for (const auto& metric : metrics) {
    if (metric["metric"] == name) return metric;
  }
  ADD_FAILURE() << "no metric " << name;
  static const nlohmann::json none;
  return none;
}

TEST(GateRulesCommandTest, AnInformationalScorerDoesNotDiluteTheGate) {
  // 50 cases, 94% -> 80%: 7 pass -> fail, none back; McNemar p = 0.0156.
  const std::string dir = test_dir(), db = dir + "/e.db";
  write_gate_cases(dir + "/cases.jsonl", 50, "q");
  FakeOpenAIServer healthy(gate_model({0, 1, 2})), worse(gate_model(range(0, 10)));
  GateSuite suite;
  suite.scorers =
      "  - {type: exact_match}\n"
      "  - {type: regex, pattern: '.*', name: answered, weight: 0}\n"
      "  - {type: regex, pattern: '^[A-Z]', name: capitalised, weight: 0}\n"
      "  - {type: regex, pattern: '\\w', name: has_word, weight: 0}\n";
  suite.gate = "  pass_rate: {max_drop: 0}\n";
  suite.base_url = healthy.base_url();
  run_and_save_baseline(dir, suite, db, 1);
  suite.base_url = worse.base_url();
  const ProcessResult r = run_evalkit({"run", write_gate_suite(dir, suite), "--db", db, "-q",
                                       "--baseline", "main", "--report-json", dir + "/r.json"});
  EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
  EXPECT_THAT(r.out, HasSubstr("Gate: REGRESSED"));
  const nlohmann::json comparison = read_json_file(dir + "/r.json")["comparison"];
  EXPECT_EQ(comparison["family_size"], 1);
  const nlohmann::json& pass_rate = metric_in(comparison["metrics"], "pass_rate");
  EXPECT_NEAR(pass_rate["p_value"].get<double>(), 0.015625, 1e-12);
  EXPECT_EQ(pass_rate["p_adjusted"], pass_rate["p_value"]);
  EXPECT_EQ(pass_rate["verdict"], "regressed");
  const nlohmann::json& answered = metric_in(comparison["metrics"], "answered");
  EXPECT_EQ(answered["gated"], false);
  EXPECT_TRUE(answered["p_adjusted"].is_null());
}

TEST(GateRulesCommandTest, AWeightZeroScorerNeverFailsACase) {
  // `pass: all` counts the scorers that count: a failing informational scorer (weight 0) is
  // shown but does not fail the 47 cases the model gets right.
  const std::string dir = test_dir(), db = dir + "/e.db";
  write_gate_cases(dir + "/cases.jsonl", 50, "q");
  FakeOpenAIServer healthy(gate_model({0, 1, 2}));
  GateSuite suite;
  suite.scorers =
      "  - {type: exact_match}\n"
      "  - {type: regex, pattern: '^Z', name: starts_with_z, weight: 0}\n";
  suite.base_url = healthy.base_url();
  const ProcessResult r = run_evalkit(
      {"run", write_gate_suite(dir, suite), "--db", db, "-q", "--report-json", dir + "/r.json"});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_THAT(r.out, HasSubstr("94% tests passed, 3 tests failed out of 50"));
  const nlohmann::json doc = read_json_file(dir + "/r.json");
  EXPECT_EQ(doc["summary"]["passed"], 47);
  EXPECT_EQ(doc["trials"][10]["scores"][1]["pass"], false);  // still scored and shown
}

TEST(GateRulesCommandTest, IntervalsAreAtTheFamilysLevelAndSaySo) {
  const std::string dir = test_dir(), db = dir + "/e.db";
  write_gate_cases(dir + "/cases.jsonl", 50, "q");
  FakeOpenAIServer healthy(gate_model({0, 1, 2})), worse(gate_model(range(0, 8)));
  GateSuite suite;  // no gate: pass_rate and exact_match are gated, a family of two
  suite.base_url = healthy.base_url();
  run_and_save_baseline(dir, suite, db, 1);
  suite.base_url = worse.base_url();
  const ProcessResult r = run_evalkit({"run", write_gate_suite(dir, suite), "--db", db, "-q",
                                       "--baseline", "main", "--report-json", dir + "/r.json"});
  EXPECT_THAT(r.out, HasSubstr("p is Holm-adjusted over the 2 gated tests; their intervals are "
                               "at 97.5% (1 - alpha/2), others' at 95%"));
  const nlohmann::json comparison = read_json_file(dir + "/r.json")["comparison"];
  for (const char* name : {"pass_rate", "exact_match"}) {
    const nlohmann::json& metric = metric_in(comparison["metrics"], name);
    EXPECT_DOUBLE_EQ(metric["ci_level"].get<double>(), 0.975) << name;
    // 5 lost: the interval and the verdict agree (no interval below 0 next to "no change").
    if (metric["ci_high"].get<double>() < 0) {
      EXPECT_EQ(metric["verdict"], "regressed") << name;
    }
  }
}

TEST(GateRulesCommandTest, AFloorFailsTheRunWithOrWithoutABaseline) {
  const std::string dir = test_dir(), db = dir + "/e.db";
  write_gate_cases(dir + "/cases.jsonl", 50, "q");
  FakeOpenAIServer at_84(gate_model(range(0, 8))), at_94(gate_model({0, 1, 2}));
  GateSuite suite;
  suite.gate = "  pass_rate: {min: 0.9}\n";
  suite.base_url = at_84.base_url();
  const std::string path = write_gate_suite(dir, suite);
  for (const char* fail_on : {"both", "regressions"}) {
    const ProcessResult r = run_evalkit(
        {"run", path, "--db", db, "-q", "--fail-on", fail_on, "--report-json", dir + "/r.json"});
    EXPECT_EQ(r.exit_code, 2) << fail_on << r.out << r.err;
    EXPECT_THAT(r.out, HasSubstr("pass_rate           0.8400  min 0.9      BELOW"));
    EXPECT_THAT(r.out, HasSubstr("Gate: BELOW FLOOR"));
    EXPECT_THAT(r.out, HasSubstr("pass_rate 0.84 is below its floor 0.9"));
  }
  const nlohmann::json gate = read_json_file(dir + "/r.json")["gate"];
  EXPECT_EQ(gate["verdict"], "fail");
  EXPECT_EQ(gate["compared"], false);
  ASSERT_TRUE(gate.contains("floors") && gate["floors"].size() == 1) << gate.dump();
  EXPECT_EQ(gate["floors"][0]["value"], 0.84);
  // --fail-on failures ignores the gate, as documented.
  EXPECT_EQ(run_evalkit({"run", path, "--db", db, "-q", "--fail-on", "failures"}).exit_code, 1);
  // At 94% the floor holds; with a baseline too.
  suite.base_url = at_94.base_url();
  const std::string healthy = write_gate_suite(dir, suite);
  const ProcessResult held =
      run_evalkit({"run", healthy, "--db", db, "-q", "--fail-on", "regressions"});
  EXPECT_EQ(held.exit_code, 0) << held.out;
  EXPECT_THAT(held.out, HasSubstr("Gate: passed (floors held; no baseline)"));
  ASSERT_EQ(run_evalkit({"baseline", "save", "main", "--db", db}).exit_code, 0);
  suite.base_url = at_84.base_url();
  const ProcessResult below = run_evalkit({"run", write_gate_suite(dir, suite), "--db", db, "-q",
                                           "--fail-on", "regressions", "--baseline", "main"});
  EXPECT_EQ(below.exit_code, 2) << below.out;
  EXPECT_THAT(below.out, HasSubstr("pass_rate 0.84 is below its floor 0.9"));
}

TEST(GateRulesCommandTest, SmallSuitesGetAThresholdRuleAndSeeWhatTheyCanDetect) {
  // 50 cases, 94% -> 84%: 5 lost, p = 0.0625: the test cannot call it.
  const std::string dir = test_dir(), db = dir + "/e.db";
  write_gate_cases(dir + "/cases.jsonl", 50, "q");
  FakeOpenAIServer healthy(gate_model({0, 1, 2})), worse(gate_model(range(0, 8)));
  GateSuite suite;
  suite.gate = "  pass_rate: {max_drop: 0.05}\n";
  suite.base_url = healthy.base_url();
  run_and_save_baseline(dir, suite, db, 1);
  suite.base_url = worse.base_url();
  const ProcessResult tested = run_evalkit({"run", write_gate_suite(dir, suite), "--db", db, "-q",
                                            "--fail-on", "regressions", "--baseline", "main"});
  EXPECT_EQ(tested.exit_code, 0) << tested.out;
  EXPECT_THAT(tested.out, HasSubstr("Smallest drop detectable at 80% power with these cases: "
                                    "pass_rate 0.1"));
  EXPECT_THAT(tested.out, HasSubstr("is not significant"));

  suite.gate = "  pass_rate: {max_drop: 0.05, test: none}\n";
  const ProcessResult threshold =
      run_evalkit({"run", write_gate_suite(dir, suite), "--db", db, "-q", "--fail-on",
                   "regressions", "--baseline", "main"});
  EXPECT_EQ(threshold.exit_code, 2) << threshold.out;
  EXPECT_THAT(threshold.out, HasSubstr("gate/threshold"));
  EXPECT_THAT(threshold.out,
              HasSubstr("drop of 0.1 is larger than max_drop 0.05 (threshold rule, no test)"));
  EXPECT_THAT(threshold.out, HasSubstr("Gate: REGRESSED"));
}

TEST(GateRulesCommandTest, AZeroOneScorerIsComparedAsBinary) {
  const std::string dir = test_dir(), db = dir + "/e.db";
  write_gate_cases(dir + "/cases.jsonl", 50, "q");
  // Three answers are "Lyon" (contains: 0, levenshtein: 0) and two "Parix" (contains: 0,
  // levenshtein similarity 0.8): contains stays 0/1, levenshtein does not.
  FakeOpenAIServerOptions answers = gate_model({0, 1, 2});
  answers.rules.insert(answers.rules.begin(), {"Q[3]", "Parix", {}, {}, {}});
  answers.rules.insert(answers.rules.begin(), {"Q[4]", "Parix", {}, {}, {}});
  FakeOpenAIServer healthy(answers);
  GateSuite suite;
  suite.scorers = "  - {type: contains}\n  - {type: levenshtein}\n";
  suite.base_url = healthy.base_url();
  const std::string path = write_gate_suite(dir, suite);
  ASSERT_EQ(run_evalkit({"run", path, "--db", db, "-q"}).exit_code, 1);
  ASSERT_EQ(run_evalkit({"baseline", "save", "main", "--db", db}).exit_code, 0);
  run_evalkit(
      {"run", path, "--db", db, "-q", "--baseline", "main", "--report-json", dir + "/r.json"});
  const nlohmann::json metrics = read_json_file(dir + "/r.json")["comparison"]["metrics"];
  EXPECT_EQ(metric_in(metrics, "contains")["kind"], "binary");
  EXPECT_EQ(metric_in(metrics, "contains")["test"], "mcnemar-exact");
  EXPECT_EQ(metric_in(metrics, "levenshtein")["kind"], "continuous");
  EXPECT_EQ(metric_in(metrics, "levenshtein")["test"], "paired-bootstrap");
}

TEST(GateRulesCommandTest, EachCellIsGatedAndARegressionNamesItsCell) {
  // Two providers under test; the baseline has both healthy; now provider "other" degrades.
  const std::string dir = test_dir(), db = dir + "/e.db";
  write_gate_cases(dir + "/cases.jsonl", 60, "q");
  FakeOpenAIServer healthy(gate_model({})), worse(gate_model(range(0, 20)));
  GateSuite suite;
  suite.base_url = healthy.base_url();
  auto other = [&](const std::string& url) {
    return "  - id: other\n    type: openai-chat\n    model: fake-chat\n    base_url: " + url +
           "\n";
  };
  suite.more_providers = other(healthy.base_url());
  run_and_save_baseline(dir, suite, db, 0);
  suite.more_providers = other(worse.base_url());
  const ProcessResult r =
      run_evalkit({"run", write_gate_suite(dir, suite), "--db", db, "-q", "--fail-on",
                   "regressions", "--baseline", "main", "--report-json", dir + "/r.json",
                   "--report-md", dir + "/r.md", "--junit", dir + "/r.xml"});
  EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
  EXPECT_THAT(r.out, HasSubstr("Per cell (prompt x provider):"));
  EXPECT_THAT(r.out, HasSubstr("qa x other: 60 paired — REGRESSED"));
  EXPECT_THAT(r.out, HasSubstr("qa x model: 60 paired\n"));
  EXPECT_THAT(r.out, HasSubstr("pass_rate regressed in cell qa x other (1 -> 0.6667)"));
  const nlohmann::json comparison = read_json_file(dir + "/r.json")["comparison"];
  ASSERT_EQ(comparison["cells"].size(), 2u);
  EXPECT_EQ(comparison["cells"][1]["provider_id"], "other");
  EXPECT_EQ(comparison["cells"][1]["verdict"], "regressed");
  EXPECT_EQ(comparison["cells"][0]["verdict"], "pass");
  const std::string markdown = read_text_file(dir + "/r.md");
  EXPECT_THAT(markdown, HasSubstr("qa × other"));
  EXPECT_THAT(markdown, HasSubstr("❌ regressed"));
  const std::string junit = read_text_file(dir + "/r.xml");
  EXPECT_THAT(junit, HasSubstr("name=\"gate: pass_rate [qa x other]\""));
  EXPECT_THAT(junit, HasSubstr("name=\"gate: pass_rate [qa x model]\""));
}

}  // namespace
}  // namespace evalkit::testing

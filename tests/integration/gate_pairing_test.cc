// Nothing to compare is not a pass: the evalkit binary against a healthy and a degraded fake
// endpoint, gating against baselines that cannot stand for the run (a renamed prompt, another
// suite, an empty or one-case baseline, a run that covers part of the baseline).
#include <fstream>
#include <set>
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

class GatePairingTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = make_temp_dir(std::string("gate-pairing-") +
                         ::testing::UnitTest::GetInstance()->current_test_info()->name());
    db_ = dir_ + "/evalkit.db";
    write_gate_cases(dir_ + "/cases.jsonl", 50, "q");
    // The baseline: 47 of 50 right (94%).
    ProcessResult r = run_evalkit({"run", suite({}), "--db", db_, "-q"});
    ASSERT_EQ(r.exit_code, 1) << r.out << r.err;
    ProcessResult saved = run_evalkit({"baseline", "save", "main", "--db", db_});
    ASSERT_EQ(saved.exit_code, 0) << saved.err;
  }

  std::string suite(GateSuite options) {
    if (options.base_url.empty()) options.base_url = healthy_.base_url();
    return write_gate_suite(dir_, options);
  }

  ProcessResult gate(const std::string& suite_path, std::vector<std::string> extra = {}) {
    std::vector<std::string> args = {"run",       suite_path,    "--db",       db_,   "-q",
                                     "--fail-on", "regressions", "--baseline", "main"};
    args.insert(args.end(), extra.begin(), extra.end());
    return run_evalkit(args);
  }

  FakeOpenAIServer healthy_{gate_model({0, 1, 2})};      // 94%
  FakeOpenAIServer degraded_{gate_model(range(4, 50))};  // 8%
  std::string dir_, db_;
};

TEST_F(GatePairingTest, ARenamedPromptIsNotComparableUntilPairedOnPurpose) {
  const std::string renamed =
      suite({.file = "qa2.yaml", .prompt_id = "qa2", .base_url = degraded_.base_url()});
  const ProcessResult r = gate(renamed, {"--report-json", dir_ + "/r.json"});
  EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
  EXPECT_THAT(r.out, HasSubstr("Paired 0 of the baseline's 50 cases (this run has 50)"));
  EXPECT_THAT(r.out, HasSubstr("only in baseline: q0 (prompt qa, provider model)"));
  EXPECT_THAT(r.out, HasSubstr("only in this run: q0 (prompt qa2, provider model)"));
  EXPECT_THAT(r.out, HasSubstr("Gate: NOT COMPARABLE"));
  EXPECT_THAT(r.out, HasSubstr("prompt ids differ: baseline 'qa', this run 'qa2'"));
  EXPECT_THAT(r.out, HasSubstr("--pair-prompts qa=qa2"));
  EXPECT_THAT(r.out, Not(HasSubstr("Gate: passed")));
  const nlohmann::json doc = read_json_file(dir_ + "/r.json");
  EXPECT_EQ(doc["comparison"]["verdict"], "not comparable");
  EXPECT_EQ(doc["comparison"]["pairing"]["paired"], 0);
  EXPECT_EQ(doc["gate"]["verdict"], "fail");

  // Paired on purpose, the new prompt's drop is a regression.
  const ProcessResult paired = gate(renamed, {"--pair-prompts", "qa=qa2"});
  EXPECT_EQ(paired.exit_code, 2) << paired.out << paired.err;
  EXPECT_THAT(paired.out, HasSubstr("Paired 50 of the baseline's 50 cases (this run has 50); "
                                    "prompt qa paired with qa2"));
  EXPECT_THAT(paired.out, HasSubstr("Gate: REGRESSED"));

  // The suite can name the predecessor itself; a healthy new version passes the A/B.
  const std::string versioned = suite(
      {.file = "qa2-replaces.yaml", .prompt_id = "qa2", .prompt_extra = "    replaces: qa\n"});
  const ProcessResult same = gate(versioned);
  EXPECT_EQ(same.exit_code, 0) << same.out << same.err;
  EXPECT_THAT(same.out, HasSubstr("prompt qa paired with qa2"));
  EXPECT_THAT(same.out, HasSubstr("Gate: passed"));
}

TEST_F(GatePairingTest, ABaselineOfAnotherSuiteIsRefusedBeforeAnyModelCall) {
  write_gate_cases(dir_ + "/items.jsonl", 50, "item-");
  const std::string other = suite({.file = "other.yaml",
                                   .name = "other-suite",
                                   .cases_file = "items.jsonl",
                                   .base_url = degraded_.base_url()});
  const ProcessResult r = gate(other);
  EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
  EXPECT_THAT(r.err, HasSubstr("the gate cannot pass: baseline 'main' is a run of suite "
                               "'capitals'"));
  EXPECT_THAT(r.err, HasSubstr("this is suite 'other-suite'"));
  EXPECT_THAT(r.err, HasSubstr("--allow-other-suite"));
  EXPECT_EQ(degraded_.stats().total_requests(), 0u);

  // Asked for explicitly, it is compared, and what differs is said.
  const std::string same_ids = suite({.file = "other-same-ids.yaml", .name = "other-suite"});
  const ProcessResult allowed = gate(same_ids, {"--allow-other-suite"});
  EXPECT_EQ(allowed.exit_code, 0) << allowed.out << allowed.err;
  EXPECT_THAT(allowed.out,
              HasSubstr("Changed: suite: baseline 'capitals', this run 'other-suite'"));
  EXPECT_THAT(allowed.out, HasSubstr("Gate: passed"));
}

TEST_F(GatePairingTest, EmptyAndOneCaseBaselinesAreRefusedAndNeverPass) {
  // -R nomatch selects nothing (exit 5) but stores an empty run.
  EXPECT_EQ(run_evalkit({"run", suite({}), "--db", db_, "-q", "-R", "nomatch"}).exit_code, 5);
  const ProcessResult refused = run_evalkit({"baseline", "save", "empty", "--db", db_});
  EXPECT_EQ(refused.exit_code, 3);
  EXPECT_THAT(refused.err, HasSubstr("it has no trials"));
  ASSERT_EQ(run_evalkit({"baseline", "save", "empty", "--force", "--db", db_}).exit_code, 0);
  const std::string bad = suite({.file = "bad.yaml", .base_url = degraded_.base_url()});
  const ProcessResult empty = run_evalkit(
      {"run", bad, "--db", db_, "-q", "--fail-on", "regressions", "--baseline", "empty"});
  EXPECT_EQ(empty.exit_code, 2) << empty.out;
  EXPECT_THAT(empty.out, HasSubstr("Gate: NOT COMPARABLE"));
  EXPECT_THAT(empty.out, HasSubstr("the baseline has no cases"));

  ASSERT_EQ(run_evalkit({"run", suite({}), "--db", db_, "-q", "-R", "^q7$"}).exit_code, 0);
  const ProcessResult partial = run_evalkit({"baseline", "save", "one", "--db", db_});
  EXPECT_EQ(partial.exit_code, 3);
  EXPECT_THAT(partial.err, HasSubstr("it ran only part of the suite (-R ^q7$)"));
  ASSERT_EQ(run_evalkit({"baseline", "save", "one", "--force", "--db", db_}).exit_code, 0);
  const ProcessResult one =
      run_evalkit({"run", bad, "--db", db_, "-q", "--fail-on", "regressions", "--baseline", "one"});
  EXPECT_EQ(one.exit_code, 2) << one.out;
  EXPECT_THAT(one.out, HasSubstr("Paired 1 of the baseline's 1 cases (this run has 50)"));
  EXPECT_THAT(one.out, HasSubstr("with 1 paired cases no test at level"));
}

TEST_F(GatePairingTest, ARunCoveringPartOfTheBaselineNeedsMinPaired) {
  const std::string same = suite({});
  const ProcessResult part = gate(same, {"-R", "^q[0-3]?[0-9]$"});  // q0..q39
  EXPECT_EQ(part.exit_code, 2) << part.out;
  EXPECT_THAT(part.out, HasSubstr("only 40 of the baseline's 50 cases paired; at least 50 must"));
  EXPECT_THAT(part.out, HasSubstr("10 case ids only in the baseline: 'q40', 'q41'"));
  const ProcessResult lenient = gate(same, {"-R", "^q[0-3]?[0-9]$", "--min-paired", "0.8"});
  EXPECT_EQ(lenient.exit_code, 0) << lenient.out;
  EXPECT_THAT(lenient.out, HasSubstr("Paired 40 of the baseline's 50 cases"));
  EXPECT_EQ(gate(same, {"--min-paired", "1.5"}).exit_code, 3);
}

TEST_F(GatePairingTest, AChangedModelIsStated) {
  const ProcessResult r = gate(
      suite({.file = "new-model.yaml", .model = "fake-chat-2", .params = "{temperature: 0.7}"}));
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_THAT(r.out, HasSubstr("Changed: provider 'model': model fake-chat -> fake-chat-2"));
  EXPECT_THAT(r.out, HasSubstr("Changed: provider 'model': temperature 0 -> 0.7"));
  // The suite file is not the baseline's either, and its hash says so.
  EXPECT_THAT(r.out, HasSubstr("Changed: the suite file changed since the baseline (suite hash "));
  // The same suite file again states no change at all.
  const ProcessResult same = gate(suite({}));
  EXPECT_EQ(same.exit_code, 0) << same.out << same.err;
  EXPECT_THAT(same.out, Not(HasSubstr("Changed:")));
}

}  // namespace
}  // namespace evalkit::testing

// evalkit run --rerun-failed, --stop-on-failure and --repeat until-fail/until-pass, with an
// `exec` provider (a shell command) so nothing touches the network.
#include <regex>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/support/process.h"
#include "tests/support/test_files.h"

namespace evalkit::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

int count_matches(const std::string& text, const std::string& pattern) {
  const std::regex re(pattern);
  return int(
      std::distance(std::sregex_iterator(text.begin(), text.end(), re), std::sregex_iterator()));
}

// The provider echoes its input; the case ids say which ones fail.
const char* kEchoSuite = R"(suite: echo
providers:
  - {id: echo, type: exec, command: cat, concurrency: 1}
prompts:
  - {id: echo, prompt: "{{text}}"}
cases:
  - {id: right-1, vars: {text: "yes"}, expected: "yes"}
  - {id: wrong-1, vars: {text: "yes"}, expected: "no"}
  - {id: right-2, vars: {text: "yes"}, expected: "yes"}
  - {id: wrong-2, vars: {text: "yes"}, expected: "no"}
scorers: [exact_match]
)";

TEST(RerunFailed, RunsOnlyTheCasesThatFailedLastTime) {
  const std::string dir = make_temp_dir("rerun_failed");
  const std::string suite = write_test_file(dir, "suite.yaml", kEchoSuite);
  const std::string db = dir + "/evalkit.db";
  ASSERT_EQ(run_evalkit({"run", suite, "--db", db}).exit_code, 1);

  const ProcessResult rerun = run_evalkit({"run", suite, "--db", db, "--rerun-failed"});
  EXPECT_EQ(rerun.exit_code, 1) << rerun.out << rerun.err;
  EXPECT_THAT(rerun.out, HasSubstr("Rerunning 2 failed cases"));
  EXPECT_THAT(rerun.out, HasSubstr("echo/wrong-1"));
  EXPECT_THAT(rerun.out, HasSubstr("echo/wrong-2"));
  EXPECT_THAT(rerun.out, Not(HasSubstr("echo/right-1")));

  // -R still applies: only the failed cases it matches.
  const ProcessResult narrowed =
      run_evalkit({"run", suite, "--db", db, "--rerun-failed", "-R", "-2$"});
  EXPECT_THAT(narrowed.out, HasSubstr("Rerunning 1 failed case of"));
  EXPECT_THAT(narrowed.out, HasSubstr("echo/wrong-2"));
  EXPECT_THAT(narrowed.out, Not(HasSubstr("echo/wrong-1")));
}

TEST(RerunFailed, NothingFailedSelectsNothing) {
  const std::string dir = make_temp_dir("rerun_failed_none");
  const std::string suite = write_test_file(dir, "suite.yaml", kEchoSuite);
  const std::string db = dir + "/evalkit.db";
  ASSERT_EQ(run_evalkit({"run", suite, "--db", db, "-R", "right"}).exit_code, 0);
  const ProcessResult rerun = run_evalkit({"run", suite, "--db", db, "--rerun-failed"});
  EXPECT_EQ(rerun.exit_code, 5) << rerun.out << rerun.err;
  EXPECT_THAT(rerun.out, HasSubstr("nothing to rerun"));
}

TEST(RerunFailed, WithoutAStoredRunIsAUsageError) {
  const std::string dir = make_temp_dir("rerun_failed_empty");
  const std::string suite = write_test_file(dir, "suite.yaml", kEchoSuite);
  const ProcessResult rerun =
      run_evalkit({"run", suite, "--db", dir + "/evalkit.db", "--rerun-failed"});
  EXPECT_EQ(rerun.exit_code, 3);
  EXPECT_THAT(rerun.err, HasSubstr("has no stored run"));
}

TEST(StopOnFailure, SchedulesNothingAfterTheFirstFailure) {
  const std::string dir = make_temp_dir("stop_on_failure");
  std::string suite = R"(suite: many
providers:
  - {id: echo, type: exec, command: cat, concurrency: 1}
prompts:
  - {id: echo, prompt: "{{text}}"}
cases:
  - {id: case-00, vars: {text: "yes"}, expected: "no"}
)";
  for (int i = 1; i < 40; ++i) {
    suite += "  - {id: case-" + std::to_string(i) + ", vars: {text: \"yes\"}, expected: \"yes\"}\n";
  }
  suite += "scorers: [exact_match]\n";
  const std::string path = write_test_file(dir, "suite.yaml", suite);
  const ProcessResult full = run_evalkit({"run", path, "--db", dir + "/full.db", "-j", "1"});
  EXPECT_EQ(count_matches(full.out, "Test +#"), 40);

  const ProcessResult stopped =
      run_evalkit({"run", path, "--db", dir + "/stop.db", "-j", "1", "--stop-on-failure"});
  EXPECT_EQ(stopped.exit_code, 1) << stopped.out << stopped.err;
  EXPECT_THAT(stopped.out, HasSubstr("Stopped after the first failure"));
  EXPECT_LT(count_matches(stopped.out, "Test +#"), 40);
}

TEST(RepeatUntil, UntilPassRerunsTheFailingCasesUntilTheyPass) {
  const std::string dir = make_temp_dir("repeat_until_pass");
  // Answers "no" the first time and "yes" afterwards: a flaky system under test.
  const std::string counter = dir + "/calls";
  const std::string suite = write_test_file(dir, "suite.yaml",
                                            R"(suite: flaky
providers:
  - id: flaky
    type: exec
    command: [sh, -c, "cat >/dev/null; if [ -e ')" +
                                                counter + R"(' ]; then echo yes; else touch ')" +
                                                counter + R"('; echo no; fi"]
    concurrency: 1
prompts:
  - {id: ask, prompt: "{{text}}"}
cases:
  - {id: flaky, vars: {text: "q"}, expected: "yes"}
scorers: [exact_match]
)");
  const ProcessResult result =
      run_evalkit({"run", suite, "--db", dir + "/evalkit.db", "--repeat", "until-pass:3"});
  EXPECT_EQ(result.exit_code, 0) << result.out << result.err;
  EXPECT_THAT(result.out, HasSubstr("Repeat 2 of 3"));
  EXPECT_THAT(result.out, Not(HasSubstr("Repeat 3 of 3")));
  EXPECT_EQ(count_matches(result.out, "Results: run"), 2);
}

TEST(RepeatUntil, UntilFailRepeatsPassingRunsAndStopsAtAFailure) {
  const std::string dir = make_temp_dir("repeat_until_fail");
  const std::string suite = write_test_file(dir, "suite.yaml", kEchoSuite);
  const ProcessResult passing =
      run_evalkit({"run", suite, "--db", dir + "/a.db", "-R", "right", "--repeat", "until-fail:3"});
  EXPECT_EQ(passing.exit_code, 0) << passing.out << passing.err;
  EXPECT_EQ(count_matches(passing.out, "Results: run"), 3);

  const ProcessResult failing =
      run_evalkit({"run", suite, "--db", dir + "/b.db", "--repeat", "until-fail:3"});
  EXPECT_EQ(failing.exit_code, 1);
  EXPECT_EQ(count_matches(failing.out, "Results: run"), 1);
}

TEST(RepeatUntil, RejectsMalformedModes) {
  const std::string dir = make_temp_dir("repeat_malformed");
  const std::string suite = write_test_file(dir, "suite.yaml", kEchoSuite);
  for (const char* bad : {"until-fail:0", "until-pass:", "sometimes:3", "3x"}) {
    const ProcessResult r = run_evalkit({"run", suite, "--db", dir + "/x.db", "--repeat", bad});
    EXPECT_EQ(r.exit_code, 3) << bad;
    EXPECT_THAT(r.err, HasSubstr("--repeat wants")) << bad;
  }
}

}  // namespace
}  // namespace evalkit::testing

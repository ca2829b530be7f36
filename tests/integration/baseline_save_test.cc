// Baselines worth trusting: `baseline save` refuses runs that cannot stand for the suite
// (unless --force), and `baseline list` / `runs` show what each run covered.
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/support/echo_suite.h"
#include "tests/support/fake_openai_server.h"
#include "tests/support/process.h"
#include "tests/support/test_files.h"

namespace evalkit::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

class BaselineSaveTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = make_temp_dir(std::string("baseline-save-") +
                         ::testing::UnitTest::GetInstance()->current_test_info()->name());
    db_ = dir_ + "/e.db";
    env_.env["FAKE_BASE_URL"] = server_.base_url();
    suite_ = write_test_file(dir_, "suite.yaml", echo_suite("saves", 6));
  }

  ProcessResult evalkit(std::vector<std::string> args) {
    args.push_back("--db");
    args.push_back(db_);
    return run_evalkit(args, env_);
  }

  FakeOpenAIServer server_;
  ProcessOptions env_;
  std::string dir_, db_, suite_;
};

TEST_F(BaselineSaveTest, FilteredRunsAreRefusedUnlessForced) {
  const std::vector<std::vector<std::string>> filters = {
      {"-R", "q1"}, {"-E", "q1"}, {"--shard", "1/2"}};
  for (const auto& filter : filters) {
    std::vector<std::string> args = {"run", suite_, "-q"};
    args.insert(args.end(), filter.begin(), filter.end());
    evalkit(args);
    const ProcessResult r = evalkit({"baseline", "save", "main"});
    EXPECT_EQ(r.exit_code, 3) << filter[0];
    EXPECT_THAT(r.err, HasSubstr("it ran only part of the suite (" + filter[0])) << filter[0];
  }
  const ProcessResult forced = evalkit({"baseline", "save", "main", "--force"});
  EXPECT_EQ(forced.exit_code, 0) << forced.err;
  EXPECT_THAT(forced.err, HasSubstr("saving anyway (--force)"));
  const ProcessResult list = evalkit({"baseline", "list"});
  EXPECT_THAT(list.out, HasSubstr("TRIALS"));
  EXPECT_THAT(list.out, HasSubstr("--shard 1/2"));
  // The whole suite is a fair baseline.
  ASSERT_EQ(evalkit({"run", suite_, "-q"}).exit_code, 0);
  const ProcessResult saved = evalkit({"baseline", "save", "main"});
  EXPECT_EQ(saved.exit_code, 0) << saved.err;
  EXPECT_THAT(saved.out, HasSubstr("(suite saves, 6 trials, 100% passed)"));
  const ProcessResult listed = evalkit({"baseline", "list"});
  EXPECT_THAT(listed.out, HasSubstr("main"));
  EXPECT_THAT(listed.out, HasSubstr("100%"));
  EXPECT_THAT(listed.out, Not(HasSubstr("--shard")));
}

TEST_F(BaselineSaveTest, RerunFailedAndUntilPassRunsAreRefused) {
  ASSERT_EQ(evalkit({"run", suite_, "-q"}).exit_code, 0);
  evalkit({"run", suite_, "-q", "--repeat", "until-fail:2"});
  const ProcessResult r = evalkit({"baseline", "save", "main"});
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_THAT(r.err, HasSubstr("--repeat until-fail:2"));
}

TEST_F(BaselineSaveTest, IncompleteAndAllErroredRunsAreRefused) {
  // A budget of one token stops the run after the first trials: incomplete.
  evalkit({"run", suite_, "-q", "-j", "1", "--max-tokens", "1"});
  const ProcessResult budget = evalkit({"baseline", "save", "main"});
  EXPECT_EQ(budget.exit_code, 3);
  EXPECT_THAT(budget.err, HasSubstr("it is incomplete (budget)"));

  // An endpoint that refuses every request: every trial errored.
  FakeOpenAIServerOptions locked;
  locked.require_api_key = "sk-right";
  FakeOpenAIServer server(locked);
  ProcessOptions env = env_;
  env.env["FAKE_BASE_URL"] = server.base_url();
  env.env["OPENAI_API_KEY"] = "sk-wrong";
  EXPECT_EQ(run_evalkit({"run", suite_, "-q", "--db", db_}, env).exit_code, 4);
  const ProcessResult errored = evalkit({"baseline", "save", "main"});
  EXPECT_EQ(errored.exit_code, 3);
  EXPECT_THAT(errored.err, HasSubstr("every one of its 6 trials errored"));
}

TEST_F(BaselineSaveTest, RunsShowPassRateAndTheSuitePath) {
  ASSERT_EQ(evalkit({"run", suite_, "-q"}).exit_code, 0);
  evalkit({"run", suite_, "-q", "-R", "q[12]"});
  const ProcessResult runs = evalkit({"runs"});
  EXPECT_EQ(runs.exit_code, 0);
  EXPECT_THAT(runs.out, HasSubstr("PASS"));
  EXPECT_THAT(runs.out, HasSubstr("100%"));
  EXPECT_THAT(runs.out, HasSubstr(suite_ + " (-R q[12])"));

  // A run with one wrong answer of six shows its own rate, not the last run's or 100%.
  FakeOpenAIServerOptions one_wrong;
  one_wrong.rules = {{.match = "question 3", .reply = "a wrong answer"}};
  FakeOpenAIServer server(one_wrong);
  ProcessOptions env = env_;
  env.env["FAKE_BASE_URL"] = server.base_url();
  EXPECT_EQ(run_evalkit({"run", suite_, "-q", "--db", db_}, env).exit_code, 1);
  const ProcessResult after = evalkit({"runs"});
  EXPECT_THAT(after.out, HasSubstr("      6    83%"));
  EXPECT_THAT(after.out, HasSubstr("      6   100%"));
}

}  // namespace
}  // namespace evalkit::testing

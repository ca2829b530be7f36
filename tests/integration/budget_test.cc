// Budgets end to end: once live model calls have cost --max-cost dollars (or used --max-tokens
// tokens), no new trial starts, trials in flight finish, and the run ends incomplete with
// reason "budget" and exit code 1.
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/support/echo_suite.h"
#include "tests/support/fake_openai_server.h"
#include "tests/support/process.h"
#include "tests/support/store_query.h"
#include "tests/support/suite_fixture.h"

namespace evalkit::testing {
namespace {

using ::testing::HasSubstr;

constexpr int kCases = 200;
constexpr int kJobs = 2;

// Each trial sends "question N" (2 words) and gets "echo: question N" (3 words) back; the fake
// counts words as tokens, so at the price below a trial costs (2 * 1000 + 3 * 2000) / 1e6 USD.
constexpr double kTrialCost = 0.008;
constexpr int kTrialTokens = 5;

const char* kPrice = "    price: {input: 1000, output: 2000}\n";

std::string suite_text(const std::string& price) { return echo_suite("budgeted", kCases, price); }

class BudgetTest : public ::testing::Test {
 protected:
  BudgetTest() : server_(options()), files_("budget"), db_(files_.dir() + "/evalkit.db") {
    env_.env["FAKE_BASE_URL"] = server_.base_url();
  }
  static FakeOpenAIServerOptions options() {
    FakeOpenAIServerOptions o;
    o.latency_ms = 5;
    return o;
  }
  ProcessResult run(const std::string& suite, const std::vector<std::string>& flags) {
    std::vector<std::string> args = {"run", suite, "--db", db_, "-q", "-j", std::to_string(kJobs)};
    args.insert(args.end(), flags.begin(), flags.end());
    return run_evalkit(args, env_);
  }

  FakeOpenAIServer server_;
  SuiteFixture files_;
  std::string db_;
  ProcessOptions env_;
};

TEST_F(BudgetTest, CostBudgetStopsNewTrialsAndMarksTheRun) {
  const std::string suite = files_.write("suite.yaml", suite_text(kPrice));
  const ProcessResult r = run(suite, {"--max-cost", "0.1"});  // twelve and a half trials
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_THAT(r.err, HasSubstr("budget reached"));
  EXPECT_THAT(r.err, HasSubstr("--max-cost $0.1000"));
  EXPECT_THAT(r.err, HasSubstr("trials not run"));

  EXPECT_EQ(sql_count(db_,
                      "SELECT COUNT(*) FROM runs WHERE status = 'incomplete' AND "
                      "status_reason = 'budget'"),
            1);
  const int64_t stored = sql_count(db_, "SELECT COUNT(*) FROM trials");
  // The budget is reached after 13 trials; at most kJobs more were in flight then.
  EXPECT_GE(stored, 13);
  EXPECT_LE(stored, 13 + kJobs);
  EXPECT_EQ(sql_count(db_, "SELECT COUNT(*) FROM trials WHERE pass = 1"), stored);
  // Every request the server saw belongs to a stored trial: nothing was sent after the stop.
  EXPECT_EQ(int64_t(server_.stats().total_requests()), stored);
  // Each trial carries its cost from the suite's price.
  EXPECT_EQ(sql_count(db_, "SELECT COUNT(*) FROM trials WHERE abs(cost_usd - " +
                               std::to_string(kTrialCost) + ") < 1e-12"),
            stored);
  EXPECT_THAT(r.err, HasSubstr(std::to_string(kCases - stored) + " trials not run"));

  // Resuming with a larger budget finishes the run.
  const ProcessResult resumed = run(suite, {"--resume", "last", "--max-cost", "10"});
  EXPECT_EQ(resumed.exit_code, 0) << resumed.out << resumed.err;
  EXPECT_EQ(sql_count(db_, "SELECT COUNT(DISTINCT trial_index) FROM trials"), kCases);
  EXPECT_EQ(sql_count(db_, "SELECT COUNT(*) FROM runs WHERE status = 'complete'"), 1);
}

TEST_F(BudgetTest, TokenBudgetStopsNewTrials) {
  const std::string suite = files_.write("suite.yaml", suite_text(""));
  const ProcessResult r = run(suite, {"--max-tokens", "50"});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_THAT(r.err, HasSubstr("--max-tokens 50"));
  const int64_t stored = sql_count(db_, "SELECT COUNT(*) FROM trials");
  EXPECT_GE(stored, 50 / kTrialTokens);
  EXPECT_LE(stored, 50 / kTrialTokens + kJobs);
  EXPECT_EQ(sql_count(db_, "SELECT SUM(prompt_tokens + completion_tokens) FROM trials"),
            stored * kTrialTokens);
  EXPECT_EQ(sql_count(db_, "SELECT COUNT(*) FROM runs WHERE status_reason = 'budget'"), 1);
}

TEST_F(BudgetTest, CostBudgetNeedsAPriceForEveryModel) {
  // fake-chat is in no price table, and the suite gives none.
  const std::string suite = files_.write("suite.yaml", suite_text(""));
  const ProcessResult r = run(suite, {"--max-cost", "1"});
  EXPECT_EQ(r.exit_code, 3) << r.out << r.err;
  EXPECT_THAT(r.err, HasSubstr("--max-cost needs the price"));
  EXPECT_THAT(r.err, HasSubstr("'fake-chat'"));
  EXPECT_EQ(server_.stats().total_requests(), 0u);
}

TEST_F(BudgetTest, PriceKeyIsValidated) {
  const std::string suite =
      files_.write("suite.yaml", suite_text("    price: {input: 1, outptu: 2}\n"));
  const ProcessResult r = run_evalkit({"validate", suite}, env_);
  EXPECT_EQ(r.exit_code, 3) << r.out << r.err;
  EXPECT_THAT(r.err, HasSubstr("'price' takes 'input' and 'output', not 'outptu'"));
}

}  // namespace
}  // namespace evalkit::testing

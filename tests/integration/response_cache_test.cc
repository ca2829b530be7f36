// The response cache end to end: a second run of the same suite answers from the database
// without a single HTTP request, errors are never cached, refresh goes back to the endpoint,
// and under --replay-strict a cache miss fails the trial instead of reaching the network.
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

constexpr int kCases = 6;

// Echo cases after one the endpoint always fails (503, one attempt).
std::string suite_text(int cases) {
  return echo_suite("cached", cases, "    params: {temperature: 0}\n    max_attempts: 1\n",
                    "  - {id: broken, vars: {n: boom}, expected: never}\n");
}

FakeOpenAIServerOptions server_options() {
  FakeOpenAIServerOptions options;
  options.latency_ms = 5;
  options.rules = {{"boom", "the model is down", 503, {}, {}}};
  return options;
}

class ResponseCacheTest : public ::testing::Test {
 protected:
  ResponseCacheTest()
      : server_(server_options()), files_("response-cache"), db_(files_.dir() + "/evalkit.db") {
    suite_ = files_.write("suite.yaml", suite_text(kCases));
    env_.env["FAKE_BASE_URL"] = server_.base_url();
  }

  // Runs the suite with extra flags; returns the requests the server received meanwhile.
  uint64_t run(const std::vector<std::string>& flags, ProcessResult* result = nullptr) {
    const uint64_t before = server_.stats().total_requests();
    std::vector<std::string> args = {"run", suite_, "--db", db_, "-q"};
    args.insert(args.end(), flags.begin(), flags.end());
    const ProcessResult r = run_evalkit(args, env_);
    EXPECT_EQ(r.exit_code, 1) << r.out << r.err;  // the broken case always fails
    if (result) *result = r;
    return server_.stats().total_requests() - before;
  }

  std::string last_run_id() {
    const auto ids =
        sql_column(db_, "SELECT id FROM runs ORDER BY started_at DESC, rowid DESC LIMIT 1");
    return ids.empty() ? "" : ids[0];
  }

  int64_t count(const std::string& run_id, const std::string& where) {
    return sql_count(db_,
                     "SELECT COUNT(*) FROM trials WHERE run_id = '" + run_id + "' AND " + where);
  }

  FakeOpenAIServer server_;
  SuiteFixture files_;
  std::string db_;
  std::string suite_;
  ProcessOptions env_;
};

TEST_F(ResponseCacheTest, SecondRunAnswersFromTheCacheWithoutRequests) {
  EXPECT_EQ(run({"--cache", "on"}), uint64_t(kCases + 1));
  const std::string first = last_run_id();
  EXPECT_EQ(count(first, "cached = 1"), 0);

  // Only the failed call goes out again: errors are never cached.
  EXPECT_EQ(run({"--cache", "on"}), 1u);
  const std::string second = last_run_id();
  ASSERT_NE(first, second);
  EXPECT_EQ(count(second, "cached = 1 AND pass = 1"), kCases);
  EXPECT_EQ(count(second, "case_id = 'broken' AND cached = 0 AND error_kind = 'server'"), 1);
  EXPECT_EQ(count(second, "cached = 1 AND attempts = 0"), kCases);
  // Cached trials keep the figures of the call that produced them.
  EXPECT_EQ(sql_count(db_,
                      "SELECT COUNT(*) FROM trials a JOIN trials b ON a.case_id = b.case_id "
                      "WHERE a.run_id = '" +
                          first + "' AND b.run_id = '" + second +
                          "' AND b.cached = 1 AND a.latency_s = b.latency_s AND "
                          "a.prompt_tokens = b.prompt_tokens AND "
                          "a.completion_tokens = b.completion_tokens AND a.output = b.output"),
            kCases);

  // With no flag the cache is off: everything goes to the endpoint.
  EXPECT_EQ(run({}), uint64_t(kCases + 1));
  EXPECT_EQ(count(last_run_id(), "cached = 1"), 0);
}

TEST_F(ResponseCacheTest, RefreshAsksAgainAndReplacesTheAnswers) {
  EXPECT_EQ(run({"--cache", "on"}), uint64_t(kCases + 1));
  EXPECT_EQ(run({"--cache", "refresh"}), uint64_t(kCases + 1));
  EXPECT_EQ(count(last_run_id(), "cached = 1"), 0);
  EXPECT_EQ(sql_count(db_, "SELECT COUNT(*) FROM response_cache"), kCases);
  EXPECT_EQ(run({"--cache", "on"}), 1u);
}

TEST_F(ResponseCacheTest, ReplayStrictMissFailsTheTrialWithoutANetworkCall) {
  EXPECT_EQ(run({"--cache", "on"}), uint64_t(kCases + 1));
  // Two new cases the cache has never seen.
  files_.write("suite.yaml", suite_text(kCases + 2));
  EXPECT_EQ(run({"--replay-strict"}), 0u);
  const std::string strict = last_run_id();
  EXPECT_EQ(count(strict, "cached = 1 AND pass = 1"), kCases);
  EXPECT_EQ(count(strict, "error_kind = 'replay_miss'"), 3);  // two new cases and the broken one
  EXPECT_EQ(count(strict, "error LIKE '%--replay-strict forbids network calls%'"), 3);

  const ProcessResult usage =
      run_evalkit({"run", suite_, "--db", db_, "--replay-strict", "--cache", "refresh"}, env_);
  EXPECT_EQ(usage.exit_code, 3);
  EXPECT_THAT(usage.err, HasSubstr("--cache refresh needs the network"));
  const ProcessResult bad = run_evalkit({"run", suite_, "--db", db_, "--cache", "sometimes"}, env_);
  EXPECT_EQ(bad.exit_code, 3);
}

TEST_F(ResponseCacheTest, KeyDependsOnParams) {
  EXPECT_EQ(run({"--cache", "on"}), uint64_t(kCases + 1));
  std::string text = suite_text(kCases);
  text.replace(text.find("temperature: 0"), 14, "temperature: 0.5");
  files_.write("suite.yaml", text);
  EXPECT_EQ(run({"--cache", "on"}), uint64_t(kCases + 1));
}

}  // namespace
}  // namespace evalkit::testing

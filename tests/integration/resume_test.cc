// Crash safety end to end: a run killed at a random moment loses nothing that finished, and
// `run --resume last` completes it with every trial stored exactly once. Ctrl-C stops a run
// cleanly: in-flight trials finish, reports are written, the run is marked interrupted.
#include <signal.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <random>
#include <string>
#include <thread>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "tests/support/child_process.h"
#include "tests/support/echo_suite.h"
#include "tests/support/fake_openai_server.h"
#include "tests/support/process.h"
#include "tests/support/store_query.h"
#include "tests/support/suite_fixture.h"

namespace evalkit::testing {
namespace {

using ::testing::HasSubstr;

constexpr int kCases = 400;

FakeOpenAIServerOptions slow_server() {
  FakeOpenAIServerOptions options;
  options.latency_ms = 25;  // 400 cases at -j 8: about 1.3 s of requests
  return options;
}

// Waits (up to 5 s) until the run's database holds a table named `table` with a row, so a
// signal lands after the run has started.
void wait_for_row(const std::string& db, const std::string& table, ChildProcess& child) {
  for (int i = 0; i < 500 && !child.exited(); ++i) {
    if (table_has_rows(db, table)) return;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
}

void wait_for_first_trial(const std::string& db, ChildProcess& child) {
  wait_for_row(db, "trials", child);
}

TEST(ResumeTest, KilledRunsResumeToExactlyOneTrialPerIndex) {
  FakeOpenAIServer server(slow_server());
  std::mt19937_64 rng(424242);
  std::uniform_int_distribution<int> kill_after_ms(200, 1000);
  for (int round = 0; round < 3; ++round) {
    const int delay_ms = kill_after_ms(rng);
    SCOPED_TRACE("killed after " + std::to_string(delay_ms) + " ms");
    const SuiteFixture files("resume-kill-" + std::to_string(round));
    const std::string suite =
        files.write("suite.yaml", echo_suite("resumable", kCases, "    concurrency: 8\n"));
    const std::string db = files.dir() + "/evalkit.db";
    const std::map<std::string, std::string> env = {{"FAKE_BASE_URL", server.base_url()}};
    {
      ChildProcess child({evalkit_binary(), "run", suite, "--db", db, "-j", "8", "-q"}, env,
                         files.dir() + "/first");
      std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms));
      wait_for_row(db, "runs", child);  // on a loaded machine the run may start late
      ASSERT_TRUE(child.signal(SIGKILL)) << "the run ended before the kill: " << child.out();
      EXPECT_EQ(child.wait(10).signal, SIGKILL);
    }
    const int64_t before = sql_count(db, "SELECT COUNT(*) FROM trials");
    EXPECT_LT(before, kCases);
    EXPECT_EQ(sql_count(db, "SELECT COUNT(*) FROM runs WHERE status = 'running'"), 1);

    ProcessOptions options;
    options.env = env;
    const ProcessResult resumed =
        run_evalkit({"run", suite, "--db", db, "-j", "8", "-q", "--resume", "last"}, options);
    EXPECT_EQ(resumed.exit_code, 0) << resumed.out << resumed.err;
    EXPECT_EQ(sql_count(db, "SELECT COUNT(*) FROM runs"), 1);
    EXPECT_EQ(sql_count(db, "SELECT COUNT(*) FROM runs WHERE status = 'complete'"), 1);
    EXPECT_EQ(sql_count(db, "SELECT COUNT(*) FROM trials"), kCases);
    EXPECT_EQ(sql_count(db, "SELECT COUNT(DISTINCT trial_index) FROM trials"), kCases);
    EXPECT_EQ(sql_count(db, "SELECT MAX(trial_index) FROM trials"), kCases - 1);
    EXPECT_EQ(sql_count(db, "SELECT COUNT(*) FROM trials WHERE pass = 1"), kCases);
    // The resumed invocation ran only what the killed one had not stored.
    EXPECT_THAT(resumed.out, HasSubstr("out of " + std::to_string(kCases - before)));
  }
}

// The promise behind "a killed run loses nothing that finished": the trial writer commits
// a batch at most 0.2 s after its first trial, so every answer the server had sent a while
// before a SIGKILL is on disk. Counts requests the server answered, waits well past the
// writer's delay, kills, and checks the stored trials cover them all.
TEST(ResumeTest, KilledRunKeepsEveryTrialAnsweredWellBeforeTheKill) {
  FakeOpenAIServerOptions options;
  options.latency_ms = 50;  // 1,000 cases at 4 in flight: about 12 s, far longer than the test
  FakeOpenAIServer server(options);
  constexpr int kSlowCases = 1000;
  const SuiteFixture files("resume-kill-bound");
  const std::string suite =
      files.write("suite.yaml", echo_suite("killed", kSlowCases, "    concurrency: 4\n"));
  const std::string db = files.dir() + "/evalkit.db";
  ChildProcess child({evalkit_binary(), "run", suite, "--db", db, "-j", "4", "-q"},
                     {{"FAKE_BASE_URL", server.base_url()}}, files.dir() + "/killed");
  for (int i = 0; i < 3000 && server.stats().ok < 20 && !child.exited(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  ASSERT_GE(server.stats().ok, 20u) << "the run did not get going: " << child.err();
  std::this_thread::sleep_for(std::chrono::seconds(1));
  const uint64_t answered = server.stats().ok;
  // Ten times the writer's batching delay: room for a slow, loaded machine.
  std::this_thread::sleep_for(std::chrono::seconds(2));
  ASSERT_TRUE(child.signal(SIGKILL)) << "the run ended before the kill: " << child.out();
  EXPECT_EQ(child.wait(10).signal, SIGKILL);
  const int64_t stored = sql_count(db, "SELECT COUNT(*) FROM trials");
  std::printf("answered %llu requests 2 s before the kill; %lld trials stored\n",
              static_cast<unsigned long long>(answered), static_cast<long long>(stored));
  EXPECT_GE(stored, static_cast<int64_t>(answered));
  EXPECT_LT(stored, kSlowCases);
  EXPECT_EQ(sql_count(db, "SELECT COUNT(*) FROM trials WHERE pass = 1"), stored);
}

TEST(ResumeTest, ResumeRefusesAChangedSuite) {
  FakeOpenAIServer server(slow_server());
  const SuiteFixture files("resume-changed");
  const std::string suite =
      files.write("suite.yaml", echo_suite("resumable", kCases, "    concurrency: 8\n"));
  const std::string db = files.dir() + "/evalkit.db";
  const std::map<std::string, std::string> env = {{"FAKE_BASE_URL", server.base_url()}};
  {
    ChildProcess child({evalkit_binary(), "run", suite, "--db", db, "-j", "8", "-q"}, env,
                       files.dir() + "/first");
    wait_for_first_trial(db, child);
    ASSERT_TRUE(child.signal(SIGKILL));
    child.wait(10);
  }
  files.write("suite.yaml", echo_suite("resumable", kCases, "    concurrency: 8\n") +
                                "  - {id: extra, vars: {n: x}, expected: \"echo: question x\"}\n");
  ProcessOptions options;
  options.env = env;
  const ProcessResult r = run_evalkit({"run", suite, "--db", db, "--resume", "last"}, options);
  EXPECT_EQ(r.exit_code, 3) << r.out << r.err;
  EXPECT_THAT(r.err, HasSubstr("suite hash differs"));
  EXPECT_EQ(sql_count(db, "SELECT COUNT(*) FROM runs WHERE status = 'running'"), 1);
}

TEST(ResumeTest, FirstInterruptFinishesInFlightWritesReportsAndMarksTheRun) {
  FakeOpenAIServer server(slow_server());
  const SuiteFixture files("resume-sigint");
  const std::string suite =
      files.write("suite.yaml", echo_suite("resumable", kCases, "    concurrency: 8\n"));
  const std::string db = files.dir() + "/evalkit.db";
  const std::string report = files.dir() + "/report.json";
  const std::map<std::string, std::string> env = {{"FAKE_BASE_URL", server.base_url()}};
  ChildProcess child(
      {evalkit_binary(), "run", suite, "--db", db, "-j", "8", "-q", "--report-json", report}, env,
      files.dir() + "/interrupted");
  wait_for_first_trial(db, child);
  ASSERT_TRUE(child.signal(SIGINT)) << "the run ended before the interrupt";
  const ChildExit exit = child.wait(30);
  EXPECT_EQ(exit.signal, 0);
  EXPECT_EQ(exit.exit_code, 1) << child.out() << child.err();
  EXPECT_THAT(child.err(), HasSubstr("Interrupted: finishing in-flight trials"));

  const int64_t stored = sql_count(db, "SELECT COUNT(*) FROM trials");
  EXPECT_GT(stored, 0);
  EXPECT_LT(stored, kCases);
  // Trials in flight at the interrupt finished and were scored, not dropped or cut short.
  EXPECT_EQ(sql_count(db, "SELECT COUNT(*) FROM trials WHERE pass = 1"), stored);
  EXPECT_EQ(sql_count(db, "SELECT COUNT(*) FROM runs WHERE status = 'interrupted'"), 1);
  std::ifstream in(report);
  ASSERT_TRUE(in.good()) << "no report written";
  const nlohmann::json doc = nlohmann::json::parse(in);
  EXPECT_EQ(doc["run"]["status"], "interrupted");
  EXPECT_EQ(doc["trials"].size(), size_t(stored));

  // An interrupted run resumes like a killed one.
  ProcessOptions options;
  options.env = env;
  const ProcessResult resumed =
      run_evalkit({"run", suite, "--db", db, "-j", "8", "-q", "--resume", "last"}, options);
  EXPECT_EQ(resumed.exit_code, 0) << resumed.out << resumed.err;
  EXPECT_EQ(sql_count(db, "SELECT COUNT(DISTINCT trial_index) FROM trials"), kCases);
  EXPECT_EQ(sql_count(db, "SELECT COUNT(*) FROM runs WHERE status = 'complete'"), 1);
}

}  // namespace
}  // namespace evalkit::testing

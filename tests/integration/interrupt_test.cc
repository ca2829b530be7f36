// Stopping a run from outside, through the binary: SIGTERM (what CI runners and `timeout`
// send) stops it like a first Ctrl-C, and a second Ctrl-C quits at once without waiting for
// the trials in flight (docs/reliability.md).
#include <signal.h>

#include <chrono>
#include <filesystem>
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
#include "tests/support/test_files.h"

namespace evalkit::testing {
namespace {

using ::testing::HasSubstr;
using Clock = std::chrono::steady_clock;

constexpr int kCases = 200;

// Waits (up to 30 s) until the server has received `requests` model requests: the run is
// under way and its signal handlers are installed.
bool wait_for_requests(const FakeOpenAIServer& server, uint64_t requests, ChildProcess& child) {
  for (int i = 0; i < 3000 && !child.exited(); ++i) {
    const auto stats = server.stats();
    auto it = stats.requests_by_path.find("/v1/chat/completions");
    if (it != stats.requests_by_path.end() && it->second >= requests) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return false;
}

TEST(InterruptTest, SigtermStopsLikeTheFirstCtrlC) {
  FakeOpenAIServerOptions options;
  options.latency_ms = 300;
  FakeOpenAIServer server(options);
  const SuiteFixture files("interrupt-sigterm");
  const std::string suite =
      files.write("suite.yaml", echo_suite("terminated", kCases, "    concurrency: 4\n"));
  const std::string db = files.dir() + "/evalkit.db";
  const std::string report = files.dir() + "/report.json";
  ChildProcess child(
      {evalkit_binary(), "run", suite, "--db", db, "-j", "4", "-q", "--report-json", report},
      {{"FAKE_BASE_URL", server.base_url()}}, files.dir() + "/terminated");
  ASSERT_TRUE(wait_for_requests(server, 4, child)) << child.err();
  ASSERT_TRUE(child.signal(SIGTERM)) << "the run ended before SIGTERM";
  const ChildExit exit = child.wait(60);
  EXPECT_EQ(exit.signal, 0);
  EXPECT_EQ(exit.exit_code, 1) << child.out() << child.err();
  EXPECT_THAT(child.err(), HasSubstr("Interrupted: finishing in-flight trials"));

  // The four trials in flight at the signal finished and were stored; nothing new started.
  const int64_t stored = sql_count(db, "SELECT COUNT(*) FROM trials");
  EXPECT_GE(stored, 4);
  EXPECT_LT(stored, kCases);
  EXPECT_EQ(sql_count(db, "SELECT COUNT(*) FROM trials WHERE pass = 1"), stored);
  EXPECT_EQ(sql_count(db, "SELECT COUNT(*) FROM runs WHERE status = 'interrupted'"), 1);
  const nlohmann::json document = read_json_file(report);
  EXPECT_EQ(document["run"]["status"], "interrupted");
  EXPECT_EQ(document["trials"].size(), size_t(stored));

  // An interrupted run is no baseline: every trial it stored passed, so only its status can
  // tell the gate that most of the suite never ran.
  const ProcessResult refused = run_evalkit({"baseline", "save", "main", "--db", db});
  EXPECT_EQ(refused.exit_code, 3) << refused.out << refused.err;
  EXPECT_THAT(refused.err, HasSubstr("it is interrupted"));
  EXPECT_THAT(refused.err, HasSubstr(" of " + std::to_string(kCases) + " trials finished"));
  const ProcessResult forced = run_evalkit({"baseline", "save", "main", "--force", "--db", db});
  EXPECT_EQ(forced.exit_code, 0) << forced.err;
}

TEST(InterruptTest, SecondCtrlCQuitsAtOnceWithoutWaitingForTrialsInFlight) {
  // Every answer takes 20 s, so after the first Ctrl-C the run would wait that long for its
  // trials in flight; the second must not.
  FakeOpenAIServerOptions options;
  options.latency_ms = 20000;
  FakeOpenAIServer server(options);
  const SuiteFixture files("interrupt-twice");
  const std::string suite =
      files.write("suite.yaml", echo_suite("impatient", kCases, "    concurrency: 4\n"));
  const std::string db = files.dir() + "/evalkit.db";
  const std::string report = files.dir() + "/report.json";
  ChildProcess child(
      {evalkit_binary(), "run", suite, "--db", db, "-j", "4", "-q", "--report-json", report},
      {{"FAKE_BASE_URL", server.base_url()}}, files.dir() + "/twice");
  ASSERT_TRUE(wait_for_requests(server, 4, child)) << child.err();
  ASSERT_TRUE(child.signal(SIGINT));
  // The first Ctrl-C is acknowledged before the second is sent.
  for (int i = 0; i < 1000 && child.err().find("Interrupted") == std::string::npos; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  ASSERT_THAT(child.err(), HasSubstr("Ctrl-C again to quit now"));
  const auto second = Clock::now();
  ASSERT_TRUE(child.signal(SIGINT)) << "the run ended after one Ctrl-C";
  const ChildExit exit = child.wait(15);  // SIGKILLed (signal 9) if it waited for the answers
  const double seconds = std::chrono::duration<double>(Clock::now() - second).count();
  EXPECT_EQ(exit.signal, 0) << "still running " << seconds << " s after the second Ctrl-C";
  EXPECT_EQ(exit.exit_code, 130);
  EXPECT_LT(seconds, 15);
  // No answer ever came, so nothing was stored and no report was written; the run stays
  // resumable.
  EXPECT_EQ(sql_count(db, "SELECT COUNT(*) FROM trials"), 0);
  EXPECT_EQ(sql_count(db, "SELECT COUNT(*) FROM runs WHERE status = 'running'"), 1);
  EXPECT_FALSE(std::filesystem::exists(report));
}

}  // namespace
}  // namespace evalkit::testing

// Fault injection end to end: the evalkit binary against a fake endpoint that fails, throttles,
// stalls and garbles a seeded share of its answers. Every trial must come out either answered
// correctly or with a recorded error after its retries; none may be lost or written twice.
#include <map>
#include <regex>
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

constexpr int kCases = 2000;
constexpr const char* kProviderSettings = R"(    concurrency: 128
    timeout: 1
    max_attempts: 5
    deadline: 20
)";

TEST(FaultInjectionTest, EveryTrialIsAnsweredOrCarriesItsErrorExactlyOnce) {
  FakeOpenAIServerOptions options;
  options.fail_500 = 0.10;
  options.fail_429 = 0.10;
  options.retry_after_s = 1;
  options.stall = 0.05;
  options.stall_ms = 3000;
  options.malformed = 0.02;
  // Oversized bodies are valid JSON under the client's size limit, so they are not a fault
  // the client can see; every other kind must be caught.
  options.malformed_kinds = {MalformedKind::kTruncatedJson, MalformedKind::kInvalidJson,
                             MalformedKind::kWrongTypes,    MalformedKind::kMissingChoices,
                             MalformedKind::kInvalidUtf8,   MalformedKind::kHtmlErrorPage};
  options.seed = 20240611;
  FakeOpenAIServer server(options);

  const SuiteFixture files("fault-injection");
  const std::string suite =
      files.write("suite.yaml", echo_suite("faults", kCases, kProviderSettings));
  const std::string db = files.dir() + "/evalkit.db";
  ProcessOptions env;
  env.env["FAKE_BASE_URL"] = server.base_url();
  env.timeout_s = 240;
  const ProcessResult r = run_evalkit({"run", suite, "--db", db, "-j", "128", "-q"}, env);
  ASSERT_EQ(r.signal, 0) << r.err;
  EXPECT_EQ(r.exit_code, 1) << r.err;  // the trials whose retries ran out are errors

  // Exactly one row per case, and every row either right or an error.
  EXPECT_EQ(sql_count(db, "SELECT COUNT(*) FROM trials"), kCases);
  EXPECT_EQ(sql_count(db, "SELECT COUNT(DISTINCT trial_index) FROM trials"), kCases);
  EXPECT_EQ(sql_count(db, "SELECT COUNT(DISTINCT case_id) FROM trials"), kCases);
  EXPECT_EQ(sql_count(db, "SELECT MIN(trial_index) FROM trials"), 0);
  EXPECT_EQ(sql_count(db, "SELECT MAX(trial_index) FROM trials"), kCases - 1);
  EXPECT_EQ(sql_count(db,
                      "SELECT COUNT(*) FROM trials WHERE error = '' AND "
                      "(pass = 0 OR output != 'echo: question ' || substr(case_id, 2))"),
            0);
  EXPECT_EQ(sql_count(db,
                      "SELECT COUNT(*) FROM trials WHERE error != '' AND "
                      "error_kind NOT IN ('server', 'timeout', 'malformed')"),
            0);
  const int64_t passed = sql_count(db, "SELECT COUNT(*) FROM trials WHERE pass = 1");
  const int64_t errors = sql_count(db, "SELECT COUNT(*) FROM trials WHERE error != ''");
  EXPECT_EQ(passed + errors, kCases);
  // Most trials get through: with five attempts a call fails only when every attempt draws a
  // fault (about 0.25^5) or its one answer is garbled (2%, never retried).
  EXPECT_GT(passed, kCases * 9 / 10);
  EXPECT_EQ(sql_count(db, "SELECT COUNT(*) FROM runs WHERE status = 'complete'"), 1);

  // A garbled 200 is an answer, so it is never retried: each garbled body the server sent
  // ends exactly one trial.
  const int64_t malformed =
      sql_count(db, "SELECT COUNT(*) FROM trials WHERE error_kind = 'malformed'");
  EXPECT_EQ(uint64_t(malformed), server.stats().malformed);
  // Server errors and timeouts are recorded only once the attempts ran out.
  EXPECT_EQ(sql_count(db,
                      "SELECT COUNT(*) FROM trials WHERE error_kind IN ('server', 'timeout') "
                      "AND attempts < 5"),
            0);

  // The console's count of attempts matches what the server saw.
  std::smatch m;
  const std::regex calls(R"(Model calls: (\d+) attempts, (\d+) retries((?:, \d+ \w+)*))");
  ASSERT_TRUE(std::regex_search(r.out, m, calls)) << r.out;
  const long long attempts = std::stoll(m[1]);
  const long long retries = std::stoll(m[2]);
  const FakeOpenAIServerStats stats = server.stats();
  EXPECT_EQ(uint64_t(attempts), stats.total_requests());
  EXPECT_EQ(attempts - retries, kCases);
  EXPECT_EQ(sql_count(db, "SELECT SUM(attempts) FROM trials"), attempts);
  EXPECT_GT(stats.fail_500, 0u);
  EXPECT_GT(stats.fail_429, 0u);
  EXPECT_GT(stats.stalled, 0u);
  EXPECT_GT(stats.malformed, 0u);
  std::map<std::string, long long> errors_by_kind;
  const std::string tail = m[3];
  const std::regex kind(R"(, (\d+) (\w+))");
  for (auto it = std::sregex_iterator(tail.begin(), tail.end(), kind); it != std::sregex_iterator();
       ++it) {
    errors_by_kind[(*it)[2]] = std::stoll((*it)[1]);
  }
  long long counted_errors = 0;
  for (const auto& [name, count] : errors_by_kind) counted_errors += count;
  EXPECT_EQ(counted_errors, errors);
  std::printf("fault injection: %lld attempts, %lld retries, %lld passed, %lld errors (%s)\n",
              attempts, retries, static_cast<long long>(passed), static_cast<long long>(errors),
              tail.empty() ? "none" : tail.substr(2).c_str());
  std::printf("server: %s\n", stats.to_json().dump().c_str());
}

}  // namespace
}  // namespace evalkit::testing

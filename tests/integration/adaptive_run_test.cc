// adaptive_concurrency end to end: the evalkit binary against an endpoint with 4 slots while
// the provider allows 32 requests in flight. Refused calls are retried, the pool backs off to
// what the endpoint takes, every trial passes, and the summary counts the cuts.
#include <cstdio>

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

TEST(AdaptiveRunTest, APoolBacksOffToTheEndpointsCapacityAndEveryTrialPasses) {
  FakeOpenAIServerOptions options;
  options.capacity = 4;
  options.latency_ms = 10;
  options.retry_after_s = 0;  // retry a refusal at once: only the pool's limit slows it down
  FakeOpenAIServer server(options);

  const SuiteFixture files("adaptive-run");
  const std::string suite =
      files.write("suite.yaml", echo_suite("adaptive", kCases,
                                           "    concurrency: 32\n    adaptive_concurrency: true\n"
                                           "    max_attempts: 20\n"));
  const std::string db = files.dir() + "/evalkit.db";
  ProcessOptions env;
  env.env["FAKE_BASE_URL"] = server.base_url();
  const ProcessResult r = run_evalkit({"run", suite, "--db", db, "-q"}, env);
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(sql_count(db, "SELECT COUNT(*) FROM trials WHERE pass = 1"), kCases);
  const uint64_t refused = server.stats().overloaded;
  std::printf("%d trials, 4 slots, concurrency 32 adaptive: %llu refused calls\n", kCases,
              static_cast<unsigned long long>(refused));
  EXPECT_GT(refused, 0u) << "32 at once against 4 slots must be refused at first";
  EXPECT_EQ(server.stats().ok, uint64_t(kCases));
  EXPECT_THAT(r.out, HasSubstr("retries"));
  EXPECT_THAT(r.out, HasSubstr("concurrency halved"));
  // Without backing off, the same run draws thousands of refusals and some trials run out of
  // attempts; with it, refusals stay a small share of the calls.
  EXPECT_LT(refused, uint64_t(kCases)) << r.out;
}

}  // namespace
}  // namespace evalkit::testing

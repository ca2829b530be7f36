// End-to-end: what a run says when its endpoint is down or refuses the key, and that a dead
// endpoint stops the run early instead of being retried for every case.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "evalkit/run/runner.h"
#include "tests/support/echo_suite.h"
#include "tests/support/fake_openai_server.h"
#include "tests/support/process.h"
#include "tests/support/store_query.h"
#include "tests/support/test_files.h"

namespace evalkit::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

// A port on 127.0.0.1 that nothing listens on: bound, then closed.
int closed_port() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address);
  socklen_t length = sizeof address;
  getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
  close(fd);
  return ntohs(address.sin_port);
}

TEST(EndpointFailureTest, ClosedPortStopsTheRunEarlyAndSaysWhatToCheck) {
  const std::string dir = make_temp_dir("endpoint-closed");
  const std::string suite =
      write_test_file(dir, "suite.yaml", echo_suite("down", 40, "    max_attempts: 2\n"));
  const std::string url = "http://127.0.0.1:" + std::to_string(closed_port()) + "/v1";
  ProcessOptions env;
  env.env["FAKE_BASE_URL"] = url;
  const ProcessResult r = run_evalkit({"run", suite, "--db", dir + "/s.db", "-j", "2", "-q"}, env);
  EXPECT_EQ(r.exit_code, 4) << r.out << r.err;
  EXPECT_THAT(r.err, HasSubstr("stopped: the first " + std::to_string(kUnreachableAfterFailures) +
                               " calls to a provider all failed to connect"));
  EXPECT_THAT(r.err, HasSubstr("provider 'assistant' at " + url +
                               "/chat/completions could not be reached"));
  EXPECT_THAT(r.err, HasSubstr("Likely fix: check the provider's base_url in the suite"));
  EXPECT_THAT(r.err, HasSubstr("--resume"));
  EXPECT_THAT(r.err, HasSubstr("could reach its endpoint"));
  // The failures that decided it, plus the trials already started (-j 2 and the runner's
  // window of 8 more), ran; the other 25 of the 40 did not.
  const int64_t stored = sql_count(dir + "/s.db", "SELECT COUNT(*) FROM trials");
  EXPECT_GE(stored, kUnreachableAfterFailures);
  EXPECT_LE(stored, kUnreachableAfterFailures + 2 + 8);
  EXPECT_EQ(sql_count(dir + "/s.db", "SELECT COUNT(*) FROM runs WHERE status = 'incomplete'"), 1);
}

TEST(EndpointFailureTest, UnreachableBaseUrlFromTheEnvironmentPointsThere) {
  const std::string dir = make_temp_dir("endpoint-env");
  std::string text = echo_suite("down", 3, "    max_attempts: 2\n");
  const std::string line = "    base_url: ${FAKE_BASE_URL}\n";
  text.erase(text.find(line), line.size());
  const std::string suite = write_test_file(dir, "suite.yaml", text);
  ProcessOptions env;
  env.env["OPENAI_BASE_URL"] = "http://127.0.0.1:" + std::to_string(closed_port()) + "/v1";
  const ProcessResult r = run_evalkit({"run", suite, "--db", dir + "/s.db", "-q"}, env);
  EXPECT_EQ(r.exit_code, 4) << r.out << r.err;
  EXPECT_THAT(r.out + r.err, HasSubstr("Likely fix: check OPENAI_BASE_URL"));
}

TEST(EndpointFailureTest, RejectedKeyNamesTheVariableAndIsNotCalledUnreachable) {
  FakeOpenAIServerOptions options;
  options.require_api_key = "sk-the-right-key-0123456789";
  FakeOpenAIServer server(options);
  const std::string dir = make_temp_dir("endpoint-401");
  const std::string suite = write_test_file(dir, "suite.yaml", echo_suite("keyed", 8));
  ProcessOptions env;
  env.env["FAKE_BASE_URL"] = server.base_url();
  env.env["OPENAI_API_KEY"] = "sk-a-wrong-key-9876543210";
  ProcessResult r = run_evalkit(
      {"run", suite, "--db", dir + "/s.db", "--report-json", dir + "/r.json", "-q"}, env);
  EXPECT_EQ(r.exit_code, 4) << r.out << r.err;
  EXPECT_THAT(r.err, Not(HasSubstr("could reach its endpoint")));
  EXPECT_THAT(r.err, HasSubstr("every model call of suite 'keyed' failed (8 http)"));
  const nlohmann::json doc = read_json_file(dir + "/r.json");
  ASSERT_EQ(doc["trials"].size(), 8u);  // a 401 is an answer: no early stop
  EXPECT_THAT(doc["trials"][0]["error"].get<std::string>(),
              HasSubstr("provider 'assistant' at " + server.base_url() +
                        "/chat/completions: HTTP 401: Incorrect API key provided."));
  EXPECT_THAT(doc["trials"][0]["error"].get<std::string>(),
              HasSubstr("Likely fix: check the key in OPENAI_API_KEY (it is set;"));

  env.unset_env = {"OPENAI_API_KEY"};
  env.env.erase("OPENAI_API_KEY");
  r = run_evalkit({"run", suite, "--db", dir + "/s.db", "--report-json", dir + "/r2.json", "-q"},
                  env);
  EXPECT_EQ(r.exit_code, 4) << r.out << r.err;
  EXPECT_THAT(read_json_file(dir + "/r2.json")["trials"][0]["error"].get<std::string>(),
              HasSubstr("check the key in OPENAI_API_KEY (it is not set)"));
}

}  // namespace
}  // namespace evalkit::testing

// evalkit --version names its libraries; evalkit completion bash prints a loadable script.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/support/process.h"

namespace evalkit::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

TEST(VersionCommand, ListsDependencyVersions) {
  const ProcessResult r = run_evalkit({"--version"});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_THAT(r.out, StartsWith(std::string("evalkit ") + EVALKIT_VERSION));
  for (const char* name :
       {"libcurl", "SQLite", "oneTBB", "yaml-cpp", "Eigen", "Boost", "nlohmann-json", "simdjson",
        "OpenSSL"}) {
    EXPECT_THAT(r.out, HasSubstr(name));
  }
  EXPECT_THAT(r.out, Not(HasSubstr("yaml-cpp       unknown")));
  EXPECT_EQ(run_evalkit({"--version", "--short"}).out,
            std::string("evalkit ") + EVALKIT_VERSION + "\n");
}

TEST(CompletionCommand, PrintsABashScriptThatDefinesTheCompletion) {
  const ProcessResult r = run_evalkit({"completion", "bash"});
  ASSERT_EQ(r.exit_code, 0);
  EXPECT_THAT(r.out, HasSubstr("complete -o filenames -F _evalkit evalkit"));
  // bash parses it and registers the function.
  ProcessOptions options;
  options.stdin_data = r.out + "\ncomplete -p evalkit\n";
  const ProcessResult bash = run_process({"/bin/bash", "--norc", "-s"}, options);
  EXPECT_EQ(bash.exit_code, 0) << bash.err;
  EXPECT_THAT(bash.out, HasSubstr("_evalkit"));
  EXPECT_EQ(run_evalkit({"completion", "zsh"}).exit_code, 3);
}

}  // namespace
}  // namespace evalkit::testing

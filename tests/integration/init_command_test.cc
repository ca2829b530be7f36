// evalkit init: the scaffold validates and runs offline, and CI files are written beside it.
#include <filesystem>
#include <fstream>
#include <sstream>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/support/process.h"

namespace evalkit::testing {
namespace {

using ::testing::AnyOf;
using ::testing::HasSubstr;

std::string slurp(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

TEST(InitCommand, ScaffoldValidatesAndRunsOffline) {
  const std::string dir = make_temp_dir("init_scaffold");
  const ProcessResult init = run_evalkit({"init", dir});
  ASSERT_EQ(init.exit_code, 0) << init.out << init.err;
  EXPECT_THAT(init.out, HasSubstr("created"));

  const std::string suite = dir + "/evals/suite.yaml";
  const ProcessResult validate = run_evalkit({"validate", suite});
  EXPECT_EQ(validate.exit_code, 0) << validate.out << validate.err;
  EXPECT_THAT(validate.out, HasSubstr("3 cases"));

  // No base URL and no key in the environment: the scaffold needs neither.
  ProcessOptions offline;
  offline.unset_env = {"OPENAI_API_KEY", "OPENAI_BASE_URL"};
  const std::string out = dir + "/out";
  const ProcessResult run = run_evalkit({"run", suite, "--db", dir + "/evalkit.db", "--junit",
                                         out + "/evals.xml", "--report-md", out + "/evals.md"},
                                        offline);
  EXPECT_THAT(run.exit_code, AnyOf(0, 1)) << run.out << run.err;
  EXPECT_THAT(run.out, HasSubstr("qa/capital-france"));
  EXPECT_TRUE(std::filesystem::exists(out + "/evals.xml"));
}

TEST(InitCommand, WritesCiWorkflowsThatUseTheBaselineCommands) {
  const std::string dir = make_temp_dir("init_ci");
  ASSERT_EQ(run_evalkit({"init", dir}).exit_code, 0);
  const std::string github = slurp(dir + "/.github/workflows/evals.yml");
  EXPECT_THAT(github, HasSubstr("pull_request"));
  EXPECT_THAT(github, HasSubstr("evalkit baseline save main"));
  EXPECT_THAT(github, HasSubstr("evalkit baseline export main evals/baseline.json"));
  EXPECT_THAT(github, HasSubstr("evalkit baseline import evals/baseline.json main"));
  EXPECT_THAT(github, HasSubstr("$GITHUB_STEP_SUMMARY"));
  EXPECT_THAT(github, HasSubstr("upload-artifact"));
  EXPECT_THAT(github, HasSubstr("--junit out/evals.xml"));
  const std::string gitlab = slurp(dir + "/.gitlab-ci.yml");
  EXPECT_THAT(gitlab, HasSubstr("junit: out/evals.xml"));
  EXPECT_THAT(gitlab, HasSubstr("evalkit baseline export main evals/baseline.json"));
}

TEST(InitCommand, KeepsExistingFilesUnlessForced) {
  const std::string dir = make_temp_dir("init_existing");
  std::filesystem::create_directories(dir + "/evals");
  std::ofstream(dir + "/evals/suite.yaml") << "suite: mine\n";
  const ProcessResult init = run_evalkit({"init", dir});
  ASSERT_EQ(init.exit_code, 0) << init.err;
  EXPECT_THAT(init.out, HasSubstr("kept"));
  EXPECT_EQ(slurp(dir + "/evals/suite.yaml"), "suite: mine\n");
  EXPECT_TRUE(std::filesystem::exists(dir + "/evals/data/cases.jsonl"));

  ASSERT_EQ(run_evalkit({"init", dir, "--force"}).exit_code, 0);
  EXPECT_THAT(slurp(dir + "/evals/suite.yaml"), HasSubstr("suite: capitals"));
}

TEST(InitCommand, RejectsUnknownOptions) {
  const ProcessResult init = run_evalkit({"init", "--frobnicate"});
  EXPECT_EQ(init.exit_code, 3);
  EXPECT_THAT(init.err, HasSubstr("unknown option"));
}

}  // namespace
}  // namespace evalkit::testing

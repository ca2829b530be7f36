// `evalkit import promptfoo` through the binary: a promptfoo config becomes a suite that
// validates and runs against an endpoint, and what cannot be converted is said, not dropped.
#include <filesystem>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "evalkit/base/files.h"
#include "tests/support/fake_openai_server.h"
#include "tests/support/process.h"
#include "tests/support/test_files.h"

namespace evalkit::testing {
namespace {

using ::testing::HasSubstr;

// A promptfoo config in the shape of promptfoo's own getting-started example: one prompt,
// an OpenAI-compatible provider with its base URL, tests with vars and assertions, and a
// webhook assertion that has no evalkit equivalent.
std::string promptfoo_config(const std::string& base_url) {
  return R"(description: Capitals through the importer
prompts:
  - "What is the capital of {{country}}? Answer in one word."
providers:
  - id: openai:chat:fake-chat
    config:
      apiBaseUrl: )" +
         base_url + R"(
      temperature: 0
tests:
  - description: France
    vars: {country: France}
    assert:
      - {type: equals, value: Paris}
  - description: Japan
    vars: {country: Japan}
    assert:
      - {type: icontains, value: tokyo}
  - description: Peru
    vars: {country: Peru}
    assert:
      - {type: equals, value: Lima}
      - {type: webhook, value: "http://127.0.0.1:9/check"}
)";
}

FakeOpenAIServerOptions capital_answers() {
  FakeOpenAIServerOptions options;
  options.rules = {{"France", "Paris", {}, {}, {}},
                   {"Japan", "TOKYO", {}, {}, {}},
                   {"Peru", "Cusco", {}, {}, {}}};
  return options;
}

TEST(ImportCommandTest, ImportedSuiteValidatesAndRunsAgainstTheEndpoint) {
  FakeOpenAIServer server(capital_answers());
  const std::string dir = make_temp_dir("import-command");
  const std::string config =
      write_test_file(dir, "promptfooconfig.yaml", promptfoo_config(server.base_url()));
  const std::string suite = dir + "/suite.yaml";

  const ProcessResult imported = run_evalkit({"import", "promptfoo", config, "-o", suite});
  ASSERT_EQ(imported.exit_code, 0) << imported.out << imported.err;
  EXPECT_THAT(imported.err, HasSubstr("webhook"));  // listed as not converted
  EXPECT_THAT(imported.err, HasSubstr("evalkit validate " + suite));
  ASSERT_TRUE(std::filesystem::exists(suite));

  // Without -o the same suite goes to stdout.
  const ProcessResult to_stdout = run_evalkit({"import", "promptfoo", config});
  EXPECT_EQ(to_stdout.exit_code, 0) << to_stdout.err;
  std::string written;
  ASSERT_TRUE(read_file(suite, &written).is_ok());
  EXPECT_EQ(to_stdout.out, written);
  EXPECT_THAT(written, HasSubstr("webhook"));  // and in the suite's comments

  const ProcessResult valid = run_evalkit({"validate", suite});
  EXPECT_EQ(valid.exit_code, 0) << valid.out << valid.err;

  const std::string report = dir + "/report.json";
  ProcessOptions env;
  env.env["OPENAI_API_KEY"] = "sk-test-import";
  const ProcessResult run =
      run_evalkit({"run", suite, "--db", dir + "/evalkit.db", "--report-json", report}, env);
  EXPECT_EQ(run.exit_code, 1) << run.out << run.err;  // Peru answers Cusco
  const nlohmann::json document = read_json_file(report);
  EXPECT_EQ(document["summary"]["trials"], 3);
  EXPECT_EQ(document["summary"]["passed"], 2);
  EXPECT_EQ(document["summary"]["failed"], 1);
  EXPECT_EQ(server.stats().fail_500 + server.stats().bad_request, 0u);
  EXPECT_GE(server.stats().ok, 3u);
}

// `-o` may name a folder that does not exist yet: it is made, and the suite's code checks are
// found from it; when nothing is written, no folder is left behind.
TEST(ImportCommandTest, AnOutputFolderThatDoesNotExistYetIsMade) {
  const std::string dir = make_temp_dir("import-new-folder");
  write_test_file(dir, "check.js", "module.exports = (output) => output.length > 0;\n");
  const std::string config = write_test_file(dir, "promptfooconfig.yaml", R"(prompts: ["{{q}}"]
providers: [openai:gpt-4o-mini]
tests:
  - vars: {q: hi}
    assert:
      - {type: javascript, value: "file://check.js"}
)");
  const ProcessResult r =
      run_evalkit({"import", "promptfoo", config, "-o", dir + "/evals/imported/suite.yaml"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(std::filesystem::exists(dir + "/evals/imported/suite.yaml"));
  const ProcessResult validated = run_evalkit({"validate", dir + "/evals/imported/suite.yaml"});
  EXPECT_EQ(validated.exit_code, 0) << validated.err;

  const ProcessResult failed =
      run_evalkit({"import", "promptfoo", dir + "/absent.yaml", "-o", dir + "/other/suite.yaml"});
  EXPECT_NE(failed.exit_code, 0);
  EXPECT_FALSE(std::filesystem::exists(dir + "/other"));
}

TEST(ImportCommandTest, BadInvocationsAreUsageErrors) {
  const std::string dir = make_temp_dir("import-command-bad");
  const ProcessResult missing =
      run_evalkit({"import", "promptfoo", dir + "/no-such-config.yaml", "-o", dir + "/s.yaml"});
  EXPECT_EQ(missing.exit_code, 3) << missing.out << missing.err;
  EXPECT_THAT(missing.err, HasSubstr("no-such-config.yaml"));
  EXPECT_FALSE(std::filesystem::exists(dir + "/s.yaml"));

  const ProcessResult other_tool = run_evalkit({"import", "deepeval", dir + "/x.yaml"});
  EXPECT_EQ(other_tool.exit_code, 3);
  EXPECT_THAT(other_tool.err, HasSubstr("Usage: evalkit import promptfoo"));

  const std::string broken = write_test_file(dir, "broken.yaml", "prompts: [\n  - 'unclosed\n");
  const ProcessResult unreadable = run_evalkit({"import", "promptfoo", broken});
  EXPECT_EQ(unreadable.exit_code, 3) << unreadable.out;
  EXPECT_THAT(unreadable.err, HasSubstr("broken.yaml"));
  EXPECT_TRUE(unreadable.out.empty()) << unreadable.out;
}

}  // namespace
}  // namespace evalkit::testing

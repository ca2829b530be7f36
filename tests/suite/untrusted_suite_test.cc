// Suites from someone else: aliases that expand without end, and files outside the suite's
// folder under --confine-paths.
#include <filesystem>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "evalkit/suite/suite_paths.h"
#include "evalkit/suite/yaml_expansion.h"
#include "tests/support/suite_fixture.h"

namespace evalkit {
namespace {

using ::testing::HasSubstr;
using testing::SuiteFixture;

const char* kSuite = R"(suite: s
providers: [{id: p, type: replay, model: m, responses: answers.jsonl}]
prompts: [{id: q, messages: [{role: user, content: "{{x}}"}]}]
scorers: [{type: exact_match}]
cases:
  - {id: c, vars: {x: a}, expected: a}
)";

TEST(UntrustedSuiteTest, AliasExpansionIsCountedNotPerformed) {
  // Each level holds ten aliases of the one before: level n expands to 10^n strings.
  std::string yaml = "a: &l0 [x, x, x, x, x, x, x, x, x, x]\n";
  for (int level = 1; level <= 12; ++level) {
    const std::string name = std::to_string(level), previous = std::to_string(level - 1);
    yaml += 'b';
    yaml += name + ": &l" + name + " [";
    for (int i = 0; i < 10; ++i) yaml += (i ? ", *l" : "*l") + previous;
    yaml += "]\n";
  }
  const Status status = check_yaml_expansion("bomb.yaml", yaml);
  ASSERT_FALSE(status.is_ok());
  EXPECT_THAT(status.message(), HasSubstr("bomb.yaml:"));
  EXPECT_THAT(status.message(), HasSubstr("aliases expand to more than 2000000 values"));
  // Ordinary aliases (shared defaults) pass.
  EXPECT_TRUE(check_yaml_expansion("ok.yaml", "d: &d {t: 0}\na: *d\nb: *d\n").is_ok());
  // The byte limit holds for few but long strings.
  YamlExpansionLimits small;
  small.max_scalar_bytes = 1000;
  const std::string long_alias = "a: &s " + std::string(600, 'x') + "\nb: *s\n";
  EXPECT_FALSE(check_yaml_expansion("long.yaml", long_alias, small).is_ok());
}

TEST(UntrustedSuiteTest, ConfinedPathsStayInTheSuiteFolder) {
  SuiteFixture fixture("confine");
  fixture.write("evals/answers.jsonl", "");
  fixture.write("shared/data.jsonl",
                "{\"id\": \"d\", \"vars\": {\"x\": \"a\"}, \"expected\": \"a\"}\n");
  const std::string dir = fixture.dir() + "/evals";
  EXPECT_TRUE(confine_path(dir, dir + "/answers.jsonl").is_ok());
  EXPECT_TRUE(confine_path(dir, dir + "/sub/../answers.jsonl").is_ok());
  EXPECT_THAT(confine_path(dir, dir + "/../shared/data.jsonl").message(),
              HasSubstr("outside the suite's folder"));
  EXPECT_FALSE(confine_path(dir, "/etc/passwd").is_ok());
  std::filesystem::create_symlink(fixture.dir() + "/shared/data.jsonl", dir + "/link.jsonl");
  EXPECT_THAT(confine_path(dir, dir + "/link.jsonl").message(),
              HasSubstr("leads through a symbolic link to"));
}

TEST(UntrustedSuiteTest, ConfinePathsRefusesDatasetsResponsesAndTemplatesOutside) {
  SuiteFixture fixture("confine-load");
  fixture.write("evals/answers.jsonl", "");
  fixture.write("shared/data.jsonl",
                "{\"id\": \"d\", \"vars\": {\"x\": \"a\"}, \"expected\": \"a\"}\n");
  fixture.write("evals/suite.yaml", std::string(kSuite) + "  - file: ../shared/data.jsonl\n");
  SuiteLoadOptions options;
  Suite suite;
  // The default lets a suite share datasets with its neighbours.
  EXPECT_TRUE(load_suite(fixture.dir() + "/evals/suite.yaml", &suite, options).is_ok());
  options.confine_paths = true;
  Status status = load_suite(fixture.dir() + "/evals/suite.yaml", &suite, options);
  ASSERT_FALSE(status.is_ok());
  EXPECT_THAT(status.message(), HasSubstr("suite.yaml:7:"));
  EXPECT_THAT(status.message(), HasSubstr("'../shared/data.jsonl' resolves to"));

  std::string responses(kSuite);
  responses.replace(responses.find("responses: answers.jsonl"), 24, "responses: /etc/passwd");
  fixture.write("evals/abs.yaml", responses);
  status = load_suite(fixture.dir() + "/evals/abs.yaml", &suite, options);
  EXPECT_THAT(status.message(), HasSubstr("'/etc/passwd' resolves to /etc/passwd, outside"));

  fixture.write("shared/rubric.yaml", "x");
  fixture.write("evals/judge.yaml",
                std::string(kSuite) +
                    "  - {id: j, vars: {x: a}, scorers: [{type: judge, provider: p, template: "
                    "../shared/rubric.yaml}]}\n");
  status = load_suite(fixture.dir() + "/evals/judge.yaml", &suite, options);
  EXPECT_THAT(status.message(), HasSubstr("judge template"));
  EXPECT_THAT(status.message(), HasSubstr("outside the suite's folder"));
}

}  // namespace
}  // namespace evalkit

// Baselines and the regression gate through the CLI: save, run --baseline, compare, exit 2.
#include <fstream>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "tests/support/fake_openai_server.h"
#include "tests/support/process.h"

namespace evalkit::testing {
namespace {

using ::testing::HasSubstr;

std::string write_suite(const std::string& dir, const std::string& base_url,
                        const std::string& normalize) {
  std::ofstream data(dir + "/cases.jsonl");
  for (int i = 0; i < 40; ++i) {
    data << "{\"id\": \"q" << i << "\", \"vars\": {\"n\": " << i << "}, \"expected\": \"Paris\"}\n";
  }
  const std::string path = dir + "/suite.yaml";
  std::ofstream(path) << "suite: gate\nproviders:\n  - id: a\n    type: openai-chat\n"
                      << "    model: fake-chat\n    base_url: " << base_url << "\n"
                      << "prompts:\n  - id: p\n    messages: [{role: user, content: \"Question {{n}}\"}]\n"
                      << "cases:\n  - file: cases.jsonl\n"
                      << "scorers:\n  - {type: exact_match, normalize: [" << normalize << "]}\n"
                      << "gate:\n  pass_rate: {max_drop: 0.05}\n";
  return path;
}

FakeOpenAIServerOptions answers(bool degraded) {
  FakeOpenAIServerOptions options;
  if (degraded) {
    // 22 of the 40 questions ("Question 1", "Question 1x", "Question 2", "Question 2x") go wrong.
    options.rules = {{"Question 1", "Lyon", {}, {}, {}}, {"Question 2", "Lyon", {}, {}, {}}};
  }
  options.rules.push_back({"", "Paris", {}, {}, {}});
  return options;
}

TEST(GateCommandTest, RegressionAgainstASavedBaselineExitsWithTwo) {
  const std::string dir = make_temp_dir("gate");
  const std::string db = dir + "/evalkit.db";
  {
    FakeOpenAIServer good(answers(false));
    const std::string suite = write_suite(dir, good.base_url(), "lower");
    ASSERT_EQ(run_evalkit({"run", suite, "--db", db, "-q"}).exit_code, 0);
    const ProcessResult saved = run_evalkit({"baseline", "save", "main", "--db", db});
    ASSERT_EQ(saved.exit_code, 0) << saved.err;
    // The same system again: no regression.
    const ProcessResult same = run_evalkit({"run", suite, "--db", db, "-q", "--baseline", "main"});
    EXPECT_EQ(same.exit_code, 0) << same.out << same.err;
    EXPECT_THAT(same.out, HasSubstr("no significant change"));
    EXPECT_THAT(same.out, HasSubstr("Gate: passed"));
  }
  FakeOpenAIServer bad(answers(true));
  const std::string suite = write_suite(dir, bad.base_url(), "lower");
  const ProcessResult r = run_evalkit(
      {"run", suite, "--db", db, "-q", "--baseline", "main", "--report-json", dir + "/r.json"});
  EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
  EXPECT_THAT(r.out, HasSubstr("Gate: REGRESSED"));
  EXPECT_THAT(r.out, HasSubstr("Cases that went from pass to fail:"));
  EXPECT_THAT(r.out, HasSubstr("baseline: 'Paris'"));
  EXPECT_THAT(r.out, HasSubstr("current:  'Lyon'"));

  std::ifstream in(dir + "/r.json");
  const auto doc = nlohmann::json::parse(in);
  EXPECT_EQ(doc["comparison"]["verdict"], "regressed");
  EXPECT_EQ(doc["comparison"]["baseline"]["name"], "main");
  EXPECT_EQ(doc["comparison"]["metrics"][0]["metric"], "pass_rate");
  EXPECT_EQ(doc["comparison"]["metrics"][0]["verdict"], "regressed");
  EXPECT_EQ(doc["comparison"]["flipped"].size(), 22u);
  EXPECT_EQ(doc["trials"][1]["baseline"]["output"], "Paris");

  // Only plain failures count with --fail-on failures; only the gate with regressions.
  EXPECT_EQ(run_evalkit({"run", suite, "--db", db, "-q", "--baseline", "main", "--fail-on", "failures"})
                .exit_code, 1);
  EXPECT_EQ(run_evalkit({"compare", "main", "last", "--db", db}).exit_code, 2);
  EXPECT_EQ(run_evalkit({"compare", "last", "last", "--db", db}).exit_code, 0);

  // A baseline travels as a file to a fresh database and gates there the same way.
  ASSERT_EQ(run_evalkit({"baseline", "export", "main", dir + "/main.json", "--db", db}).exit_code, 0);
  const std::string fresh = dir + "/fresh.db";
  const ProcessResult imported = run_evalkit({"baseline", "import", dir + "/main.json", "main", "--db", fresh});
  ASSERT_EQ(imported.exit_code, 0) << imported.err;
  EXPECT_EQ(run_evalkit({"run", suite, "--db", fresh, "-q", "--baseline", "main"}).exit_code, 2);

  const ProcessResult list = run_evalkit({"baseline", "list", "--db", db});
  EXPECT_THAT(list.out, HasSubstr("main"));
  EXPECT_EQ(run_evalkit({"baseline", "rm", "main", "--db", db}).exit_code, 0);
  EXPECT_EQ(run_evalkit({"run", suite, "--db", db, "--baseline", "main"}).exit_code, 3);
}

TEST(GateCommandTest, RefusesToCompareAMetricWhoseSettingsChanged) {
  const std::string dir = make_temp_dir("gate-signature");
  const std::string db = dir + "/evalkit.db";
  FakeOpenAIServer server(answers(false));
  ASSERT_EQ(run_evalkit({"run", write_suite(dir, server.base_url(), "lower"), "--db", db, "-q"})
                .exit_code, 0);
  ASSERT_EQ(run_evalkit({"baseline", "save", "main", "--db", db}).exit_code, 0);
  const std::string changed = write_suite(dir, server.base_url(), "lower, trim");
  const ProcessResult r = run_evalkit({"run", changed, "--db", db, "-q", "--baseline", "main"});
  EXPECT_EQ(r.exit_code, 0) << r.out;
  EXPECT_THAT(r.out, HasSubstr("not compared"));
  EXPECT_THAT(r.out, HasSubstr("--allow-signature-mismatch"));
  const ProcessResult allowed = run_evalkit(
      {"run", changed, "--db", db, "-q", "--baseline", "main", "--allow-signature-mismatch"});
  EXPECT_THAT(allowed.out, ::testing::Not(HasSubstr("not compared")));
}

}  // namespace
}  // namespace evalkit::testing

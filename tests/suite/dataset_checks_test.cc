// Datasets that carry their checks: JSONL `scorers`, CSV `__expected` cells in promptfoo's
// syntax, `__threshold`, {{var}} in scorer options, cases without scorers, scalar options.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "evalkit/scorers/registry.h"
#include "evalkit/suite/case_cursor.h"
#include "evalkit/suite/scorer_template.h"
#include "tests/support/suite_fixture.h"

namespace evalkit {
namespace {

using ::testing::HasSubstr;
using testing::SuiteFixture;

const std::string kHead = R"(providers: [{id: a, type: exec, command: "cat"}]
prompts: ["Capital of {{country}}?"]
)";

// The scorer type and options of spec as one JSON object, for compact comparisons.
nlohmann::json spec_json(const ScorerSpec& spec) {
  nlohmann::json out = spec.options;
  out["type"] = spec.type;
  if (spec.threshold) out["threshold"] = *spec.threshold;
  if (!spec.name.empty()) out["name"] = spec.name;
  return out;
}

TEST(DatasetChecksTest, JsonlLinesCarryScorersPassAndDescription) {
  SuiteFixture fixture("checks-jsonl");
  fixture.write("s.yaml", kHead + "cases: [{file: d.jsonl}]\n");
  fixture.write("d.jsonl",
                R"({"id": "fr", "vars": {"country": "France"}, "description": "the easy one", )"
                R"("scorers": [{"type": "icontains", "value": "paris"}, "is_json"], )"
                R"("pass": {"weighted_score": 0.5}})"
                "\n"
                R"({"vars": {"country": "Peru"}})"
                "\n");
  Suite suite;
  const Status status = fixture.load("s.yaml", &suite);
  ASSERT_TRUE(status.is_ok()) << status.message();
  ASSERT_EQ(all_cases(suite).size(), 2u);
  const CaseConfig fr = all_cases(suite)[0];
  EXPECT_EQ(fr.description, "the easy one");
  ASSERT_EQ(fr.scorers.size(), 2u);
  EXPECT_EQ(spec_json(fr.scorers[0]), nlohmann::json({{"type", "icontains"}, {"value", "paris"}}));
  EXPECT_EQ(fr.scorers[1].type, "is_json");
  EXPECT_EQ(fr.scorers[0].where.str(), fixture.dir() + "/d.jsonl:1");
  ASSERT_TRUE(fr.pass.has_value());
  EXPECT_EQ(fr.pass->kind, PassRule::Kind::kWeightedScore);
  EXPECT_EQ(fr.pass->min_weighted_score, 0.5);
  // A case with no scorer at all loads: its output is recorded and it passes unless it errs.
  EXPECT_TRUE(all_cases(suite)[1].scorers.empty());
  EXPECT_FALSE(all_cases(suite)[1].pass.has_value());
}

TEST(DatasetChecksTest, JsonlScorerErrorsNameTheLine) {
  SuiteFixture fixture("checks-jsonl-errors");
  fixture.write("s.yaml", kHead + "cases: [{file: d.jsonl}]\n");
  fixture.write("d.jsonl",
                "{\"vars\": {\"country\": \"France\"}}\n"
                "{\"vars\": {\"country\": \"Peru\"}, \"scorers\": [{\"type\": \"rogue\"}]}\n");
  EXPECT_EQ(fixture.error("s.yaml"),
            "d.jsonl:2: scorer 'rogue' is unknown (did you mean 'rouge'?)");
  fixture.write("d.jsonl", "{\"vars\": {\"country\": \"Peru\"}, \"scorers\": {\"type\": \"x\"}}\n");
  EXPECT_EQ(fixture.error("s.yaml"), "d.jsonl:1: expected a list of scorers for 'scorers'");
  fixture.write("d.jsonl",
                "{\"vars\": {\"country\": \"Peru\"}, \"pass\": {\"weighted_score\": 2}}\n");
  EXPECT_EQ(fixture.error("s.yaml"),
            "d.jsonl:1: 'weighted_score' must be a number between 0 and 1");
  fixture.write("d.jsonl",
                "{\"vars\": {\"country\": \"Peru\"}, \"scorers\": [{\"type\": \"regex\", "
                "\"pattern\": \"(\"}]}\n");
  EXPECT_THAT(fixture.error("s.yaml"), HasSubstr("d.jsonl:1: scorer 'regex': invalid pattern"));
}

TEST(DatasetChecksTest, CsvExpectedCellsUsePromptfooSyntax) {
  SuiteFixture fixture("checks-csv");
  fixture.write("s.yaml", R"(providers:
  - {id: a, type: exec, command: "cat"}
  - {id: e, type: openai-embeddings, model: m, base_url: "http://127.0.0.1:9"}
  - {id: j, type: openai-chat, model: m, base_url: "http://127.0.0.1:9"}
defaults: {provider: a, embedder: e, judge: j}
prompts: ["Capital of {{country}}?"]
cases: [{file: d.csv}]
)");
  fixture.write("d.csv",
                "country,__expected,__expected2,__expected3,__threshold,__metric,__description\n"
                "France,contains:Paris,\"icontains-any:paris, lutetia\",regex:^[A-Z],0.5,capital,"
                "first\n"
                "Peru,Lima,similar(0.85):Lima is the capital,not-contains:Cusco,,,\n"
                "Chile,llm-rubric:Names the capital of {{country}},starts-with:Sant,is-json,,,\n"
                "Japan,,,,,,\n");
  Suite suite;
  const Status status = fixture.load("s.yaml", &suite);
  ASSERT_TRUE(status.is_ok()) << status.message();
  ASSERT_EQ(all_cases(suite).size(), 4u);

  const CaseConfig france = all_cases(suite)[0];
  EXPECT_EQ(france.description, "first");
  EXPECT_TRUE(france.expected.empty());
  ASSERT_EQ(france.scorers.size(), 3u);
  EXPECT_EQ(spec_json(france.scorers[0]),
            nlohmann::json({{"type", "contains"}, {"value", "Paris"}, {"name", "capital"}}));
  EXPECT_EQ(spec_json(france.scorers[1]), nlohmann::json({{"type", "icontains"},
                                                          {"value", {"paris", "lutetia"}},
                                                          {"mode", "any"},
                                                          {"name", "capital"}}));
  EXPECT_EQ(spec_json(france.scorers[2]),
            nlohmann::json({{"type", "regex"}, {"pattern", "^[A-Z]"}, {"name", "capital"}}));
  ASSERT_TRUE(france.pass.has_value());
  EXPECT_EQ(france.pass->min_weighted_score, 0.5);
  EXPECT_EQ(france.scorers[0].where.str(), fixture.dir() + "/d.csv:2");

  // A plain cell is promptfoo's equals: a reference, and an exact check of it.
  const CaseConfig peru = all_cases(suite)[1];
  EXPECT_EQ(peru.expected, std::vector<std::string>{"Lima"});
  ASSERT_EQ(peru.scorers.size(), 3u);
  EXPECT_EQ(spec_json(peru.scorers[0]),
            nlohmann::json({{"type", "exact_match"}, {"expected", "Lima"}}));
  EXPECT_EQ(spec_json(peru.scorers[1]), nlohmann::json({{"type", "similarity"},
                                                        {"expected", "Lima is the capital"},
                                                        {"threshold", 0.85},
                                                        {"provider", "e"}}));
  EXPECT_EQ(spec_json(peru.scorers[2]),
            nlohmann::json({{"type", "not_contains"}, {"value", "Cusco"}}));
  EXPECT_FALSE(peru.pass.has_value());

  const CaseConfig chile = all_cases(suite)[2];
  ASSERT_EQ(chile.scorers.size(), 3u);
  EXPECT_EQ(spec_json(chile.scorers[0]),
            nlohmann::json({{"type", "judge"},
                            {"template", "rubric"},
                            {"rubric", "Names the capital of {{country}}"},
                            {"provider", "j"}}));
  EXPECT_EQ(spec_json(chile.scorers[1]),
            nlohmann::json({{"type", "starts_with"}, {"value", "Sant"}}));
  EXPECT_EQ(chile.scorers[2].type, "is_json");
  EXPECT_TRUE(all_cases(suite)[3].scorers.empty());
}

TEST(DatasetChecksTest, CsvMetadataColumnsBecomeLabels) {
  SuiteFixture fixture("checks-csv-metadata");
  fixture.write("s.yaml", kHead + "cases: [{file: d.csv, labels: [csv], vars: {extra: 1}}]\n");
  fixture.write("d.csv",
                "country,__metadata:category,__metadata:tags[],labels\n"
                "France,europe,\"big, old\\,proud,\",smoke\n"
                "Peru,,,\n");
  Suite suite;
  const Status status = fixture.load("s.yaml", &suite);
  ASSERT_TRUE(status.is_ok()) << status.message();
  EXPECT_EQ(all_cases(suite)[0].labels, (std::vector<std::string>{"category=europe", "tags=big",
                                                             "tags=old,proud", "smoke", "csv"}));
  EXPECT_EQ(all_cases(suite)[1].labels, std::vector<std::string>{"csv"});
  // A dataset entry's vars fill what its cases lack.
  EXPECT_EQ(all_cases(suite)[0].vars, nlohmann::json({{"country", "France"}, {"extra", 1}}));
}

TEST(DatasetChecksTest, CsvCellErrorsNameLineAndColumn) {
  SuiteFixture fixture("checks-csv-errors");
  fixture.write("s.yaml", kHead + "cases: [{file: d.csv}]\n");
  fixture.write("d.csv", "country,__expected\nFrance,Paris\nPeru,webhook:http://127.0.0.1/x\n");
  EXPECT_EQ(fixture.error("s.yaml"),
            "d.csv:3: column '__expected': promptfoo check 'webhook' is not supported: evalkit "
            "has no equivalent check");
  fixture.write("d.csv", "country,__expected\nPeru,contains-any:\n");
  EXPECT_EQ(fixture.error("s.yaml"),
            "d.csv:2: column '__expected': promptfoo check 'contains-any' needs a list of values");
  fixture.write("d.csv", "country,__threshold\nPeru,high\n");
  EXPECT_EQ(fixture.error("s.yaml"),
            "d.csv:2: column '__threshold': expected a number from 0 to 1, got 'high'");
  fixture.write("d.csv", "country,__prefix\nPeru,x\n");
  EXPECT_EQ(fixture.error("s.yaml"),
            "d.csv:1: promptfoo column '__prefix' is not supported (use __expected, "
            "__threshold, __metric, __description or __metadata:KEY)");
  fixture.write("d.csv", "country,__treshold\nPeru,x\n");
  EXPECT_EQ(fixture.error("s.yaml"),
            "d.csv:1: unknown special column '__treshold' (did you mean '__threshold'?)");
  // A cell whose prefix is not a check is text: promptfoo's equals.
  fixture.write("d.csv", "country,__expected\nPeru,Note: Lima\n");
  Suite suite;
  ASSERT_TRUE(fixture.load("s.yaml", &suite).is_ok());
  EXPECT_EQ(all_cases(suite)[0].expected, std::vector<std::string>{"Note: Lima"});
}

TEST(DatasetChecksTest, ScorerOptionsTakeCaseVariables) {
  SuiteFixture fixture("checks-vars");
  fixture.write("s.yaml", kHead + R"(cases:
  - {id: fr, vars: {country: France, city: Paris, words: [Paris, Lutetia]}}
  - {id: pe, vars: {country: Peru, city: Lima, words: [Lima]},
     scorers: [{type: regex, pattern: "^{{city}}$"}]}
scorers:
  - {type: contains, value: "{{city}}"}
  - {type: icontains, value: "{{words}}", mode: all}
)");
  Suite suite;
  const Status status = fixture.load("s.yaml", &suite);
  ASSERT_TRUE(status.is_ok()) << status.message();
  ScorerSpec rendered;
  ASSERT_TRUE(render_scorer_spec(suite.scorers[0], all_cases(suite)[0].vars, &rendered).is_ok());
  EXPECT_EQ(rendered.options["value"], "Paris");
  ASSERT_TRUE(render_scorer_spec(suite.scorers[1], all_cases(suite)[0].vars, &rendered).is_ok());
  EXPECT_EQ(rendered.options["value"], nlohmann::json({"Paris", "Lutetia"}));  // a list stays one
  ASSERT_TRUE(
      render_scorer_spec(all_cases(suite)[1].scorers[0], all_cases(suite)[1].vars, &rendered).is_ok());
  EXPECT_EQ(rendered.options["pattern"], "^Lima$");
  // The spec as written keeps its placeholders.
  EXPECT_EQ(suite.scorers[0].options["value"], "{{city}}");
}

TEST(DatasetChecksTest, MissingScorerVariableFailsTheLoad) {
  SuiteFixture fixture("checks-vars-missing");
  fixture.write("s.yaml", kHead + R"(cases:
  - {id: fr, vars: {country: France, city: Paris}}
  - {id: pe, vars: {country: Peru}}
scorers:
  - {type: contains, value: "{{city}}"}
)");
  EXPECT_EQ(fixture.error("s.yaml"),
            "s.yaml:5:5: case 'pe' has no variable 'city' used by scorer 'contains' (s.yaml:7:5)");
  // In a dataset line's own scorers too, naming the line.
  fixture.write("s.yaml", kHead + "cases: [{file: d.jsonl}]\n");
  fixture.write("d.jsonl",
                "{\"vars\": {\"country\": \"Peru\"}, \"scorers\": [{\"type\": \"judge\", "
                "\"template\": \"rubric\", \"rubric\": \"about {{topic}}\"}]}\n");
  EXPECT_EQ(fixture.error("s.yaml"),
            "d.jsonl:1: case 'd-1' has no variable 'topic' used by scorer 'judge' (d.jsonl:1)");
  fixture.write("s.yaml", kHead + "cases: [{vars: {country: X}}]\n" +
                              "scorers: [{type: contains, value: \"{{city\"}]\n");
  EXPECT_THAT(fixture.error("s.yaml"),
              HasSubstr("s.yaml:4:11: scorer 'contains': template has '{{' without a closing"));
  // A value that renders into a bad option is still caught while loading.
  fixture.write("s.yaml", kHead + "cases: [{vars: {country: X, p: \"(\"}}]\n" +
                              "scorers: [{type: regex, pattern: \"{{p}}\"}]\n");
  EXPECT_THAT(fixture.error("s.yaml"), HasSubstr("scorer 'regex': invalid pattern"));
}

TEST(DatasetChecksTest, CaseWithoutScorersLoads) {
  SuiteFixture fixture("checks-none");
  fixture.write("s.yaml", kHead + "cases: [{id: fr, vars: {country: France}}]\n");
  Suite suite;
  const Status status = fixture.load("s.yaml", &suite);
  ASSERT_TRUE(status.is_ok()) << status.message();
  EXPECT_TRUE(suite.scorers.empty());
  EXPECT_TRUE(all_cases(suite)[0].scorers.empty());
}

TEST(DatasetChecksTest, CasePassRuleAndDescription) {
  SuiteFixture fixture("checks-case-pass");
  fixture.write("s.yaml", kHead + R"(cases:
  - {id: fr, description: "capital of France", vars: {country: France}, pass: {weighted_score: 0.25}}
scorers: [is_json]
)");
  Suite suite;
  const Status status = fixture.load("s.yaml", &suite);
  ASSERT_TRUE(status.is_ok()) << status.message();
  EXPECT_EQ(all_cases(suite)[0].description, "capital of France");
  ASSERT_TRUE(all_cases(suite)[0].pass.has_value());
  EXPECT_EQ(all_cases(suite)[0].pass->min_weighted_score, 0.25);
  fixture.write("s.yaml", kHead + "cases: [{vars: {country: X}, pass: {k_of_n: 2}}]\n");
  EXPECT_EQ(fixture.error("s.yaml"),
            "s.yaml:3:36: 'k_of_n' belongs to the suite's 'pass', not a case's");
}

TEST(DatasetChecksTest, ScalarsWhereTextIsExpectedKeepTheirText) {
  SuiteFixture fixture("checks-scalars");
  fixture.write("s.yaml", R"(providers:
  - {id: a, type: exec, command: "cat"}
  - {id: j, type: openai-chat, model: m, base_url: "http://127.0.0.1:9"}
prompts: ["Capital of {{country}}?"]
cases: [{vars: {country: X}}]
scorers:
  - {type: contains, value: 3.10}
  - {type: contains, value: [1788, true, 0x1F]}
  - {type: judge, template: rubric, rubric: 42, provider: j}
)");
  Suite suite;
  const Status status = fixture.load("s.yaml", &suite);
  ASSERT_TRUE(status.is_ok()) << status.message();
  std::unique_ptr<Scorer> scorer;
  ASSERT_TRUE(make_scorer(suite.scorers[0], &scorer).is_ok());
  const std::vector<std::string> none;
  const nlohmann::json vars = nlohmann::json::object();
  ScoreInput input;
  input.expected = &none;
  input.vars = &vars;
  input.output = "python 3.10";
  EXPECT_TRUE(scorer->score(input).pass);
  input.output = "python 3.1";  // 3.10 read as a number would have been 3.1
  EXPECT_FALSE(scorer->score(input).pass);
  ASSERT_TRUE(make_scorer(suite.scorers[1], &scorer).is_ok());
  input.output = "in 0x1F";
  EXPECT_TRUE(scorer->score(input).pass);
  // A real type error still fails.
  fixture.write("s.yaml", kHead + "cases: [{vars: {country: X}}]\n" +
                              "scorers: [{type: contains, value: {a: 1}}]\n");
  EXPECT_EQ(fixture.error("s.yaml"),
            "s.yaml:4:11: scorer 'contains': option 'value' expects a string or a list of strings");
}

TEST(DatasetChecksTest, OwnReferencesReplaceTheCaseExpected) {
  SuiteFixture fixture("checks-own-references");
  fixture.write("s.yaml", kHead + R"(cases: [{vars: {country: X}, expected: Lima}]
scorers:
  - {type: exact_match, expected: Paris}
  - {type: exact_match, expected: []}
)");
  EXPECT_EQ(fixture.error("s.yaml"),
            "s.yaml:6:5: scorer 'exact_match': option 'expected' is an empty list");
  fixture.write("s.yaml", kHead + "cases: [{vars: {country: X}, expected: Lima}]\n" +
                              "scorers: [{type: exact_match, expected: [Paris, 75001]}]\n");
  Suite suite;
  ASSERT_TRUE(fixture.load("s.yaml", &suite).is_ok());
  std::unique_ptr<Scorer> scorer;
  ASSERT_TRUE(make_scorer(suite.scorers[0], &scorer).is_ok());
  const std::vector<std::string> case_expected = {"Lima"};
  const nlohmann::json vars = nlohmann::json::object();
  ScoreInput input;
  input.expected = &case_expected;
  input.vars = &vars;
  input.output = "Lima";
  EXPECT_FALSE(scorer->score(input).pass);
  input.output = "75001";
  EXPECT_TRUE(scorer->score(input).pass);
  EXPECT_EQ(scorer->name(), "exact_match");
}

}  // namespace
}  // namespace evalkit

// Every class of suite error, with the file:line:column it names.
#include <gtest/gtest.h>

#include "tests/support/suite_fixture.h"

namespace evalkit {
namespace {

using testing::SuiteFixture;

// A suite that loads; tests append or swap one part to break it.
const std::string kProviders = "providers: [{id: assistant, type: openai-chat, model: m}]\n";
const std::string kPrompt = "prompts: [{id: qa, prompt: \"Capital of {{country}}?\"}]\n";
const std::string kCases = "cases: [{id: fr, vars: {country: France}, expected: Paris}]\n";
const std::string kScorers = "scorers: [exact_match]\n";

std::string suite_error(const std::string& text) {
  SuiteFixture fixture("errors");
  fixture.write("qa.yaml", text);
  return fixture.error("qa.yaml");
}

TEST(SuiteErrorsTest, TheBaseSuiteLoads) {
  EXPECT_EQ(suite_error(kProviders + kPrompt + kCases + kScorers), "");
}

TEST(SuiteErrorsTest, YamlSyntax) {
  EXPECT_EQ(suite_error(kProviders + "prompts: [{id: qa\n"),
            "qa.yaml:3:1: end of map flow not found");
  EXPECT_EQ(suite_error(""), "qa.yaml: suite file is empty");
  SuiteFixture fixture("missing");
  EXPECT_EQ(fixture.error("nope.yaml"), "nope.yaml: suite file not found");
}

TEST(SuiteErrorsTest, UnknownKeysSuggestTheClosest) {
  EXPECT_EQ(suite_error(kProviders + kPrompt +
                        "cases:\n"
                        "  - id: fr\n"
                        "    vars: {country: France}\n"
                        "    scorer: [exact_match]\n" +
                        kScorers),
            "qa.yaml:6:5: unknown key 'scorer' in case (did you mean 'scorers'?)");
  EXPECT_EQ(suite_error("sutie: x\n" + kProviders + kPrompt + kCases + kScorers),
            "qa.yaml:1:1: unknown key 'sutie' in suite (did you mean 'suite'?)");
  EXPECT_EQ(suite_error("providers: [{id: a, type: openai-chat, modle: m}]\n" + kPrompt + kCases +
                        kScorers),
            "qa.yaml:1:40: unknown key 'modle' in provider (did you mean 'model'?)");
  EXPECT_EQ(suite_error(kProviders + kPrompt + kCases + kScorers +
                        "gate: {exact_match: {max_dorp: 1}}\n"),
            "qa.yaml:5:22: unknown key 'max_dorp' in gate rule for 'exact_match' (did you mean "
            "'max_drop'?)");
  EXPECT_EQ(suite_error(kProviders + kPrompt + kCases + kScorers + "whatever: 1\n"),
            "qa.yaml:5:1: unknown key 'whatever' in suite");
}

TEST(SuiteErrorsTest, DuplicateAndEmptyKeys) {
  EXPECT_EQ(suite_error(kProviders + kPrompt + kCases + kScorers + "repeat: 2\nrepeat: 3\n"),
            "qa.yaml:6:1: key 'repeat' appears twice in suite (first at qa.yaml:5:1)");
  EXPECT_EQ(suite_error(kProviders + kPrompt + kCases + kScorers + "description:\n"),
            "qa.yaml:5:1: 'description' in suite has no value");
}

TEST(SuiteErrorsTest, WrongTypesSayWhatWasExpected) {
  EXPECT_EQ(suite_error(kProviders + kPrompt + kCases + kScorers + "repeat: many\n"),
            "qa.yaml:5:9: expected a whole number for 'repeat', got 'many'");
  EXPECT_EQ(suite_error(kProviders + kPrompt +
                        "cases: [{id: fr, vars: {country: France}, labels: [[a]]}]\n" + kScorers),
            "qa.yaml:3:52: expected a list of strings for 'labels', got a list in it");
  EXPECT_EQ(suite_error(kProviders + kPrompt + "cases: [{id: fr, vars: [France]}]\n" + kScorers),
            "qa.yaml:3:24: expected a map for 'vars', got a list");
  EXPECT_EQ(suite_error(kProviders + kPrompt + "cases: {fr: 1}\n" + kScorers),
            "qa.yaml:3:8: expected a list of cases for 'cases', got a map");
  EXPECT_EQ(suite_error("providers: [{id: a, type: openai-chat, model: m, concurrency: 0}]\n" +
                        kPrompt + kCases + kScorers),
            "qa.yaml:1:63: 'concurrency' must be at least 1");
  EXPECT_EQ(suite_error(kProviders + kPrompt + kCases + kScorers + "alpha: 1.5\n"),
            "qa.yaml:5:8: 'alpha' must be between 0 and 1 (exclusive)");
  EXPECT_EQ(suite_error(kProviders + kPrompt + kCases + kScorers + "pass: most\n"),
            "qa.yaml:5:7: expected 'all' or a map like {weighted_score: 0.7} for 'pass', got "
            "'most'");
  EXPECT_EQ(suite_error(kProviders + kPrompt + kCases + kScorers + "pass: {k_of_n: 2}\n"),
            "qa.yaml:5:7: 'k_of_n' is 2 but each case runs only 1 time(s)");
}

TEST(SuiteErrorsTest, EnvironmentVariables) {
  EXPECT_EQ(suite_error("providers: [{id: a, type: openai-chat, model: \"${MODEL}\"}]\n" + kPrompt +
                        kCases + kScorers),
            "qa.yaml:1:47: environment variable 'MODEL' is not set (write ${MODEL:-default} to "
            "give a default)");
  EXPECT_EQ(suite_error("providers: [{id: a, type: openai-chat, model: \"${OPENAI_API_KEY}\"}]\n" +
                        kPrompt + kCases + kScorers),
            "qa.yaml:1:47: ${OPENAI_API_KEY} would copy a secret into the suite; name it with "
            "api_key_env instead");
  EXPECT_EQ(suite_error("providers: [{id: a, type: openai-chat, model: m, api_key_env: MINE}]\n" +
                        kPrompt + "cases: [{vars: {country: \"${MINE:-x}\"}}]\n" + kScorers),
            "qa.yaml:3:26: ${MINE} would copy a secret into the suite; name it with api_key_env "
            "instead");
  EXPECT_EQ(suite_error("providers: [{id: a, type: openai-chat, model: m, api_key: sk-123}]\n" +
                        kPrompt + kCases + kScorers),
            "qa.yaml:1:59: a suite never holds an API key: name the environment variable that "
            "holds it with 'api_key_env'");
  EXPECT_EQ(suite_error("providers: [{id: a, type: openai-chat, model: m, params: {api_key: "
                        "sk-123}}]\n" +
                        kPrompt + kCases + kScorers),
            "qa.yaml:1:59: 'params.api_key' would write a secret into the suite, the store and "
            "every report; name the environment variable that holds the key with 'api_key_env'");
  EXPECT_EQ(suite_error("providers: [{id: a, type: openai-chat, model: m, params: {max_tokens: "
                        "\"${MAX_TOKENS:-9}\"}}]\n" +
                        kPrompt + kCases + kScorers),
            "");
  EXPECT_EQ(suite_error("providers: [{id: a, type: openai-chat, model: \"${MODEL\"}]\n" + kPrompt +
                        kCases + kScorers),
            "qa.yaml:1:47: '${' without a closing '}' (write '$${' for a literal '${')");
}

TEST(SuiteErrorsTest, Providers) {
  EXPECT_EQ(suite_error("providers: [{id: a, type: openai-chta, model: m}]\n" + kPrompt + kCases +
                        kScorers),
            "qa.yaml:1:27: provider type 'openai-chta' is unknown (did you mean 'openai-chat'?)");
  EXPECT_EQ(suite_error("providers: [{id: a, type: exec}]\n" + kPrompt + kCases + kScorers),
            "qa.yaml:1:13: exec provider 'a' needs a 'command'");
  EXPECT_EQ(suite_error("providers: [{id: a, type: replay}]\n" + kPrompt + kCases + kScorers),
            "qa.yaml:1:13: replay provider 'a' needs 'responses' (a recorded responses file)");
  EXPECT_EQ(suite_error("providers: [{id: a, type: openai-chat}]\n" + kPrompt + kCases + kScorers),
            "qa.yaml:1:13: provider 'a' (openai-chat) needs a 'model'");
  EXPECT_EQ(suite_error("providers: [{id: a, type: openai-chat, model: m, command: x}]\n" +
                        kPrompt + kCases + kScorers),
            "qa.yaml:1:50: 'command' does not apply to openai-chat provider 'a'");
  EXPECT_EQ(suite_error("providers: [{id: a, type: openai-chat, model: m, adaptive_concurrency: "
                        "3}]\n" +
                        kPrompt + kCases + kScorers),
            "qa.yaml:1:72: expected true or false for 'adaptive_concurrency', got '3'");
  EXPECT_EQ(
      suite_error("providers: [{id: a, type: exec, command: x, adaptive_concurrency: true}]\n" +
                  kPrompt + kCases + kScorers),
      "qa.yaml:1:45: 'adaptive_concurrency' does not apply to exec provider 'a'");
  EXPECT_EQ(suite_error("providers: [{id: a, type: openai-chat, model: m, base_url: localhost}]\n" +
                        kPrompt + kCases + kScorers),
            "qa.yaml:1:60: 'base_url' must start with http:// or https://, got 'localhost'");
  EXPECT_EQ(suite_error("providers:\n  - {id: a, type: exec, command: x}\n  - {id: a, type: exec, "
                        "command: y}\n" +
                        kPrompt + kCases + kScorers),
            "qa.yaml:3:5: duplicate provider id 'a' (first defined at qa.yaml:2:5)");
  EXPECT_EQ(suite_error(kPrompt + kCases + kScorers),
            "qa.yaml: suite has no providers (add "
            "'providers:')");
}

TEST(SuiteErrorsTest, ProviderReferencesSuggestIds) {
  const std::string two =
      "providers: [{id: assistant, type: openai-chat, model: m}, "
      "{id: embedder, type: openai-embeddings, model: e}]\n";
  EXPECT_EQ(suite_error(two + "defaults: {provider: asistant}\n" + kPrompt + kCases + kScorers),
            "qa.yaml:2:22: default provider 'asistant' is not defined (did you mean "
            "'assistant'?)");
  EXPECT_EQ(suite_error(two + "defaults: {judge: embedder}\n" + kPrompt + kCases + kScorers),
            "qa.yaml:2:19: judge provider 'embedder' is an embeddings provider; a judge needs a "
            "chat model");
  EXPECT_EQ(suite_error(two + "defaults: {embedder: assistant}\n" + kPrompt + kCases + kScorers),
            "qa.yaml:2:22: embedder provider 'assistant' is a openai-chat provider; an embedder "
            "needs openai-embeddings or replay");
  EXPECT_EQ(
      suite_error(two + kPrompt + kCases + "scorers: [{type: contains, provider: embeder}]\n"),
      "qa.yaml:4:11: scorer 'contains': provider 'embeder' is not defined (did you mean "
      "'embedder'?)");
}

TEST(SuiteErrorsTest, Prompts) {
  EXPECT_EQ(suite_error(kProviders + kCases + kScorers),
            "qa.yaml: suite has no prompts (add 'prompts:' or 'prompt:')");
  EXPECT_EQ(
      suite_error(kProviders + "prompts: [{id: qa, messages: [{role: users, content: hi}]}]\n" +
                  kCases + kScorers),
      "qa.yaml:2:38: message role 'users' is unknown (use system, user, assistant or tool) "
      "(did you mean 'user'?)");
  EXPECT_EQ(
      suite_error(kProviders + "prompts: [{id: qa, prompt: \"{{country\"}]\n" + kCases + kScorers),
      "qa.yaml:2:28: template has '{{' without a closing '}}' at offset 0");
  EXPECT_EQ(suite_error(kProviders + kPrompt + "prompt: hi\n" + kCases + kScorers),
            "qa.yaml:3:1: give 'prompts' or 'prompt', not both (see qa.yaml:2:1)");
  EXPECT_EQ(suite_error(kProviders + "prompts: [{id: qa, prompt: a}, {id: qa, prompt: b}]\n" +
                        kCases + kScorers),
            "qa.yaml:2:32: duplicate prompt id 'qa' (first defined at qa.yaml:2:11)");
}

TEST(SuiteErrorsTest, TemplateVariablesMustExistInEveryCase) {
  EXPECT_EQ(suite_error(kProviders + kPrompt +
                        "cases:\n"
                        "  - {id: fr, vars: {country: France}}\n"
                        "  - {id: de, vars: {land: Germany}}\n" +
                        kScorers),
            "qa.yaml:5:5: case 'de' has no variable 'country' used by prompt 'qa' (qa.yaml:2:11)");
  EXPECT_EQ(suite_error(kProviders + kPrompt + "cases: [{id: x, vars: {country: y}, prompt: q}]\n" +
                        kScorers),
            "qa.yaml:3:9: case 'x' names prompt 'q', which is not defined (did you mean 'qa'?)");
}

TEST(SuiteErrorsTest, Scorers) {
  EXPECT_EQ(suite_error(kProviders + kPrompt + kCases + "scorers:\n  - {type: exact_mach}\n"),
            "qa.yaml:5:5: scorer 'exact_mach' is unknown (did you mean 'exact_match'?)");
  EXPECT_EQ(suite_error(kProviders + kPrompt + kCases +
                        "scorers:\n  - {type: exact_match, normalise: [lower]}\n"),
            "qa.yaml:5:5: scorer 'exact_match': unknown option 'normalise' (did you mean "
            "'normalize'?)");
  EXPECT_EQ(
      suite_error(kProviders + kPrompt + kCases + "scorers: [{type: regex, pattern: \"(\"}]\n")
          .rfind("qa.yaml:4:11: scorer 'regex': invalid pattern /(/", 0),
      0u);
  EXPECT_EQ(suite_error(kProviders + kPrompt + kCases + "scorers: [{weight: 2}]\n"),
            "qa.yaml:4:11: scorer has no 'type' (e.g. {type: exact_match})");
  EXPECT_EQ(suite_error(kProviders + kPrompt + kCases), "");  // a case without scorers loads
  EXPECT_EQ(suite_error(kProviders + kPrompt +
                        "cases: [{id: fr, vars: {country: France}, scorers: [{type: regx}]}]\n" +
                        kScorers),
            "qa.yaml:3:53: scorer 'regx' is unknown (did you mean 'regex'?)");
  EXPECT_EQ(
      suite_error(kProviders + kPrompt + kCases + kScorers + "gate: {exact_mach: {min: 1}}\n"),
      "qa.yaml:5:8: gate metric 'exact_mach' is not produced by any scorer (did you mean "
      "'exact_match'?)");
}

TEST(SuiteErrorsTest, DuplicateCaseIdsNameBothPlaces) {
  SuiteFixture fixture("duplicates");
  fixture.write("qa.yaml",
                kProviders + kPrompt +
                    "cases:\n  - {id: fr, vars: {country: France}}\n  - file: data/more.jsonl\n" +
                    kScorers);
  fixture.write("data/more.jsonl",
                "{\"id\": \"de\", \"vars\": {\"country\": \"Germany\"}}\n"
                "{\"id\": \"fr\", \"vars\": {\"country\": \"France\"}}\n");
  EXPECT_EQ(fixture.error("qa.yaml"),
            "data/more.jsonl:2: duplicate case id 'fr' (first defined at qa.yaml:4:5)");
}

TEST(SuiteErrorsTest, DatasetErrorsNameTheDatasetLine) {
  SuiteFixture fixture("dataset-errors");
  const std::string suite = kProviders + kPrompt + "cases: [{file: d.jsonl}]\n" + kScorers;
  fixture.write("qa.yaml", suite);
  fixture.write("d.jsonl", "{\"vars\": {\"country\": \"a\"}}\n{\"vars\": {\"country\": }\n");
  EXPECT_EQ(fixture.error("qa.yaml"),
            "d.jsonl:2:22: invalid JSON: syntax error while parsing value - unexpected '}'; "
            "expected '[', '{', or a literal");
  fixture.write("d.jsonl", "{\"vars\": {\"country\": \"a\"}, \"expect\": \"b\"}\n");
  EXPECT_EQ(fixture.error("qa.yaml"),
            "d.jsonl:1: unknown key 'expect' in case (did you mean 'expected'?)");
  fixture.write("d.jsonl", "[1, 2]\n");
  EXPECT_EQ(fixture.error("qa.yaml"), "d.jsonl:1: expected a JSON object for a case");
  fixture.write("d.jsonl", "{\"vars\": {\"land\": \"a\"}}\n");
  EXPECT_EQ(fixture.error("qa.yaml"),
            "d.jsonl:1: case 'd-1' has no variable 'country' used by prompt 'qa' (qa.yaml:2:11)");
  fixture.write("d.jsonl", "{\"vars\": {\"country\": \"a\"}, \"expected\": {\"x\": 1}}\n");
  EXPECT_EQ(fixture.error("qa.yaml"),
            "d.jsonl:1: expected a string or a list of strings for 'expected'");

  fixture.write("qa.yaml", kProviders + kPrompt + "cases: [{file: d.csv}]\n" + kScorers);
  fixture.write("d.csv", "country,expected\nFrance,Paris\nSpain\n");
  EXPECT_EQ(fixture.error("qa.yaml"), "d.csv:3: row has 1 fields, header has 2");
  fixture.write("d.csv", "country,expected\n\"France,Paris\n");
  EXPECT_EQ(fixture.error("qa.yaml"), "d.csv:2: quoted field opened on line 2 is never closed");
  fixture.write("d.csv", "country,__expceted\nFrance,Paris\n");
  EXPECT_EQ(fixture.error("qa.yaml"),
            "d.csv:1: unknown special column '__expceted' (did you mean '__expected'?)");
  // Cells become JSON, SQLite and report text: bytes that are not UTF-8 are refused where
  // they are, in a cell or in the header.
  fixture.write("d.csv", "country,expected\nFrance,Paris\n\"Sp\xC3\x28in\",Madrid\n");
  EXPECT_EQ(fixture.error("qa.yaml"),
            "d.csv:3:4: invalid UTF-8 (CSV datasets must be UTF-8 text)");
  fixture.write("d.csv", "\x9F" "country,expected\nFrance,Paris\n");
  EXPECT_EQ(fixture.error("qa.yaml"), "d.csv:1:1: invalid UTF-8 (CSV datasets must be UTF-8 text)");
  fixture.write("d.jsonl", "{\"vars\": {\"country\": \"Sp\xC3\x28in\"}}\n");
  fixture.write("qa.yaml", kProviders + kPrompt + "cases: [{file: d.jsonl}]\n" + kScorers);
  EXPECT_NE(fixture.error("qa.yaml").find("d.jsonl:1"), std::string::npos) << fixture.error("qa.yaml");
  fixture.write("qa.yaml", kProviders + kPrompt + "cases: [{file: d.csv}]\n" + kScorers);

  fixture.write("qa.yaml", kProviders + kPrompt + "cases: [{file: gone.jsonl}]\n" + kScorers);
  EXPECT_EQ(fixture.error("qa.yaml"),
            "qa.yaml:3:16: dataset file 'gone.jsonl' not found (looked for gone.jsonl)");
  fixture.write("qa.yaml", kProviders + kPrompt + "cases: [{file: d.txt}]\n" + kScorers);
  fixture.write("d.txt", "x");
  EXPECT_EQ(fixture.error("qa.yaml"),
            "d.txt: unsupported dataset format '.txt' (use .jsonl, .ndjson or .csv)");
}

// Case scorers that differ only in free text (a `contains` value, a judge's rubric) build one
// scorer between them when the suite is checked; any other difference, a free-text option
// that is not a string included, is still built and its error found.
TEST(SuiteErrorsTest, CaseScorersSharingAllButTheirTextAreStillEachChecked) {
  const std::string head =
      "providers: [{id: assistant, type: openai-chat, model: m}, "
      "{id: grader, type: openai-chat, model: g}]\n"
      "defaults: {provider: assistant, judge: grader}\n" +
      kPrompt +
      "cases:\n"
      "  - {id: a, vars: {country: France}, expected: Paris, scorers: [{type: contains, value: "
      "a}, {type: judge, template: rubric, rubric: r1}]}\n"
      "  - {id: b, vars: {country: Spain}, expected: Madrid, scorers: [";
  const auto error = [&](const std::string& scorer) {
    return suite_error(head + scorer + "]}\n" + kScorers);
  };
  EXPECT_EQ(error("{type: contains, value: b}, {type: judge, template: rubric, rubric: r2}"), "");
  EXPECT_EQ(error("{type: contains, value: []}"),
            "qa.yaml:6:65: scorer 'contains': option 'value' is an empty list");
  EXPECT_EQ(error("{type: contains, value: b, mode: some}"),
            "qa.yaml:6:65: scorer 'contains': option 'mode' must be 'any' or 'all', not 'some'");
  EXPECT_EQ(error("{type: judge, template: rubric, rubric: [r2]}"),
            "qa.yaml:6:65: scorer 'judge': option 'rubric' expects a string");
  EXPECT_EQ(error("{type: judge, template: rubric, rubric: {text: r2}}"),
            "qa.yaml:6:65: scorer 'judge': option 'rubric' expects a string");
  EXPECT_EQ(error("{type: judge, template: rubric, rubric: r2, samples: 0}"),
            "qa.yaml:6:65: scorer 'judge': option 'samples' must be a whole number from 1 to 100");
  EXPECT_EQ(error("{type: judge, template: rubric, rubric: r2, rubrik: r3}"),
            "qa.yaml:6:65: scorer 'judge': unknown option 'rubrik' (did you mean 'rubric'?)");
  EXPECT_EQ(error("{type: judge, template: no_such_template, rubric: r2}"),
            "qa.yaml:6:65: scorer 'judge': judge template 'no_such_template' is not built in (a "
            "file must end in .yaml)");
}

}  // namespace
}  // namespace evalkit

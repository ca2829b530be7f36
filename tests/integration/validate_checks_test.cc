// `evalkit validate` catches before any paid call what would otherwise fail on every trial:
// reference scorers on cases without references, a scorer's provider of the wrong kind,
// out-of-range thresholds and params; and warns about probable mistakes.
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/support/process.h"
#include "tests/support/test_files.h"

namespace evalkit::testing {
namespace {

using ::testing::HasSubstr;

const char* kProviders = R"(providers:
  - id: model
    type: openai-chat
    model: gpt-4o-mini
    base_url: http://127.0.0.1:9/v1
  - id: grader
    type: openai-chat
    model: gpt-4o
    base_url: http://127.0.0.1:9/v1
defaults: {provider: model}
)";

ProcessResult validate(const std::string& name, const std::string& body,
                       const std::string& csv = "") {
  const std::string dir = make_temp_dir("validate-" + name);
  if (!csv.empty()) write_test_file(dir, "cases.csv", csv);
  return run_evalkit({"validate", write_test_file(dir, "suite.yaml",
                                                  "suite: " + name + "\n" + kProviders + body)});
}

TEST(ValidateChecksTest, AReferenceScorerOnCasesWithoutReferencesIsRefused) {
  const ProcessResult r = validate("noref",
                                   "prompts: [{id: qa, prompt: 'Capital of {{country}}?'}]\n"
                                   "cases:\n  - file: cases.csv\n"
                                   "scorers:\n  - {type: rouge, variant: rougeL}\n",
                                   "id,country,answer\nfr,France,Paris\n");
  EXPECT_EQ(r.exit_code, 3) << r.out;
  EXPECT_THAT(r.err, HasSubstr("cases.csv:2"));
  EXPECT_THAT(r.err, HasSubstr("case 'fr' has no expected answer, but scorer 'rouge'"));
  EXPECT_THAT(r.err, HasSubstr("its variable 'answer' looks like the answers: name that column "
                               "'expected'"));
  // A scorer that brings its own value needs no references.
  const ProcessResult fine = validate("ownvalue",
                                      "prompts: [{id: qa, prompt: 'Capital of {{country}}?'}]\n"
                                      "cases:\n  - {id: fr, vars: {country: France}}\n"
                                      "scorers:\n  - {type: contains, value: Paris}\n");
  EXPECT_EQ(fine.exit_code, 0) << fine.err;
}

// similarity is never called by validate (it is a model-assisted scorer): it needs the case's
// references unless it carries its own `expected`, as promptfoo's `similar` checks import.
TEST(ValidateChecksTest, SimilarityNeedsReferencesUnlessItBringsItsOwn) {
  const std::string dir = make_temp_dir("validate-similarity");
  const auto suite_with = [&](const std::string& file, const std::string& scorer) {
    return write_test_file(dir, file,
                           "suite: similarity\n"
                           "providers:\n"
                           "  - {id: model, type: openai-chat, model: m, base_url: "
                           "http://127.0.0.1:9/v1}\n"
                           "  - {id: embedder, type: openai-embeddings, model: e, base_url: "
                           "http://127.0.0.1:9/v1}\n"
                           "defaults: {provider: model, embedder: embedder}\n"
                           "prompts: [{id: qa, prompt: 'Greet in {{language}}'}]\n"
                           "cases:\n  - {id: greeting, vars: {language: French}}\n"
                           "scorers:\n  - " +
                               scorer + "\n");
  };
  const ProcessResult refused =
      run_evalkit({"validate", suite_with("case-refs.yaml", "{type: similarity}")});
  EXPECT_EQ(refused.exit_code, 3) << refused.out;
  EXPECT_THAT(refused.err,
              HasSubstr("case 'greeting' has no expected answer, but scorer 'similarity'"));
  const ProcessResult own = run_evalkit(
      {"validate", suite_with("own-refs.yaml", "{type: similarity, expected: Bonjour}")});
  EXPECT_EQ(own.exit_code, 0) << own.err;
}

TEST(ValidateChecksTest, AScorersProviderMustBeOfTheRightKind) {
  const ProcessResult r =
      validate("wrongkind",
               "prompts: [{id: qa, prompt: 'Capital of {{country}}?'}]\n"
               "cases:\n  - {id: fr, vars: {country: France}, expected: Paris}\n"
               "scorers:\n  - {type: similarity, provider: grader}\n");
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_THAT(r.err, HasSubstr("scorer 'similarity': provider 'grader' is a openai-chat "
                               "provider; similarity needs openai-embeddings"));
}

TEST(ValidateChecksTest, OutOfRangeValuesAreRefusedWhereTheyAreWritten) {
  const std::string body =
      "prompts: [{id: qa, prompt: 'Capital of {{country}}?'}]\n"
      "cases:\n  - {id: fr, vars: {country: France}, expected: Paris}\n";
  const ProcessResult threshold =
      validate("threshold", body + "scorers:\n  - {type: bleu, threshold: 30}\n");
  EXPECT_EQ(threshold.exit_code, 3);
  EXPECT_THAT(threshold.err, HasSubstr("'threshold' must be between 0 and 1"));
  EXPECT_THAT(threshold.err, HasSubstr("got 30"));
  const std::string dir = make_temp_dir("validate-params");
  const std::string suite = write_test_file(
      dir, "suite.yaml",
      "suite: params\nproviders:\n  - id: model\n    type: openai-chat\n    model: m\n"
      "    base_url: http://127.0.0.1:9/v1\n    params: {max_tokens: lots}\n" +
          body + "scorers: [exact_match]\n");
  const ProcessResult params = run_evalkit({"validate", suite});
  EXPECT_EQ(params.exit_code, 3);
  EXPECT_THAT(params.err, HasSubstr("suite.yaml:7:"));
  EXPECT_THAT(params.err, HasSubstr("'max_tokens' in params must be an integer from 1"));
  const std::string hot =
      write_test_file(dir, "hot.yaml",
                      "suite: hot\nproviders:\n  - id: model\n    type: openai-chat\n    model: m\n"
                      "    base_url: http://127.0.0.1:9/v1\n    params: {temperature: 7}\n" +
                          body + "scorers: [exact_match]\n");
  EXPECT_THAT(run_evalkit({"validate", hot}).err,
              HasSubstr("'temperature' in params must be a number from 0 to 2"));
  // -j 0 is refused by run before anything starts.
  const ProcessResult jobs = run_evalkit({"run", hot, "-j", "0"});
  EXPECT_EQ(jobs.exit_code, 3);
  EXPECT_THAT(jobs.err, HasSubstr("-j wants at least 1"));
}

TEST(ValidateChecksTest, SingleBracesAndUnusedColumnsAreWarnings) {
  const ProcessResult r = validate("warnings",
                                   "prompts: [{id: qa, prompt: 'Capital of {country}?'}]\n"
                                   "cases:\n  - file: cases.csv\n"
                                   "scorers:\n  - {type: contains, value: Paris}\n",
                                   "id,country,answer\nfr,France,Paris\n");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.err, HasSubstr("warning: "));
  EXPECT_THAT(r.err, HasSubstr("prompt 'qa' has '{country}', which is sent as written; a "
                               "placeholder is '{{country}}'"));
  EXPECT_THAT(r.err, HasSubstr("variable 'answer' of 1 case is used by no prompt (if it holds "
                               "the answers, name it 'expected')"));
  EXPECT_THAT(r.err, HasSubstr("variable 'country' of 1 case is used by no prompt"));
}

}  // namespace
}  // namespace evalkit::testing

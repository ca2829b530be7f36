#include "evalkit/scorers/judge_template.h"

#include <fstream>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "evalkit/scorers/registry.h"
#include "tests/support/process.h"
#include "tests/support/scorer_fixture.h"

namespace evalkit {
namespace {

using ::testing::HasSubstr;

TEST(JudgeTemplateTest, EveryBuiltInTemplateLoads) {
  const auto names = builtin_judge_templates();
  EXPECT_EQ(names,
            (std::vector<std::string>{"answer_relevance", "closed_qa", "context_faithfulness",
                                      "context_relevance", "factuality", "geval", "pairwise",
                                      "refusal", "rubric"}));
  for (const auto& name : names) {
    JudgeTemplate loaded;
    const Status status = load_judge_template(name, &loaded);
    ASSERT_TRUE(status) << status.message();
    EXPECT_EQ(loaded.name, name);
    EXPECT_EQ(loaded.content_hash.size(), 64u);
    EXPECT_FALSE(loaded.user.empty());
  }
  JudgeTemplate factuality;
  ASSERT_TRUE(load_judge_template("factuality", &factuality));
  EXPECT_EQ(factuality.verdict.format, VerdictSpec::Format::kChoice);
  EXPECT_DOUBLE_EQ(factuality.verdict.choices.at("D"), 0.0);
  JudgeTemplate pairwise;
  ASSERT_TRUE(load_judge_template("pairwise", &pairwise));
  EXPECT_TRUE(pairwise.pairwise);
}

TEST(JudgeTemplateTest, UnknownNameSuggestsABuiltIn) {
  JudgeTemplate loaded;
  const Status status = load_judge_template("factualty", &loaded);
  EXPECT_FALSE(status);
  EXPECT_THAT(status.message(), HasSubstr("did you mean 'factuality'"));
}

TEST(JudgeTemplateTest, RejectsUnknownPlaceholdersAndBadVerdicts) {
  JudgeTemplate loaded;
  Status s =
      parse_judge_template("user: 'Grade {{ouput}}'\nverdict: {format: json}\n", "t.yaml", &loaded);
  EXPECT_THAT(s.message(), HasSubstr("unknown placeholder '{{ouput}}'"));
  s = parse_judge_template("user: x\nverdict: {format: choice}\n", "t.yaml", &loaded);
  EXPECT_THAT(s.message(), HasSubstr("needs 'choices'"));
  s = parse_judge_template("user: x\nverdict: {format: scale, scale: [5, 1]}\n", "t.yaml", &loaded);
  EXPECT_THAT(s.message(), HasSubstr("min < max"));
  s = parse_judge_template("user: x\nverdit: {format: json}\n", "t.yaml", &loaded);
  EXPECT_THAT(s.message(), HasSubstr("unknown key 'verdit'"));
}

TEST(JudgeTemplateTest, LoadsAUserFile) {
  const std::string path = testing::make_temp_dir("judge-template") + "/tone.yaml";
  std::ofstream(path) << "user: 'Is {{output}} polite? {{criteria}}'\n"
                         "verdict: {format: choice, prefix: 'GRADE:', choices: {y: 1, n: 0}}\n"
                         "defaults: {criteria: be kind}\n";
  JudgeTemplate loaded;
  ASSERT_TRUE(load_judge_template(path, &loaded));
  EXPECT_EQ(loaded.variables, (std::vector<std::string>{"output", "criteria"}));
  EXPECT_DOUBLE_EQ(loaded.verdict.choices.at("Y"), 1.0);
  EXPECT_EQ(loaded.defaults.at("criteria"), "be kind");
}

// A template is parsed once and shared by every scorer that uses it; a file whose text
// changes is parsed again, and a scorer's own choice_scores never reach the shared one.
TEST(JudgeTemplateTest, TemplatesAreSharedUntilTheirTextChanges) {
  std::shared_ptr<const JudgeTemplate> first, second;
  ASSERT_TRUE(load_shared_judge_template("rubric", &first));
  ASSERT_TRUE(load_shared_judge_template("rubric", &second));
  EXPECT_EQ(first.get(), second.get());

  const std::string path = testing::make_temp_dir("judge-template-shared") + "/tone.yaml";
  std::ofstream(path) << "user: 'Is {{output}} polite?'\n"
                         "verdict: {format: choice, prefix: 'GRADE:', choices: {y: 1, n: 0}}\n";
  std::shared_ptr<const JudgeTemplate> before, again, after;
  ASSERT_TRUE(load_shared_judge_template(path, &before));
  ASSERT_TRUE(load_shared_judge_template(path, &again));
  EXPECT_EQ(before.get(), again.get());
  std::ofstream(path) << "user: 'Is {{output}} kind?'\n"
                         "verdict: {format: choice, prefix: 'GRADE:', choices: {y: 1, n: 0}}\n";
  ASSERT_TRUE(load_shared_judge_template(path, &after));
  EXPECT_NE(after.get(), before.get());
  EXPECT_EQ(after->user, "Is {{output}} kind?");
  EXPECT_EQ(before->user, "Is {{output}} polite?");

  ScorerSpec spec;
  spec.type = "judge";
  spec.options = {{"template", "factuality"}, {"provider", "grader"},
                  {"choice_scores", {{"D", 0.5}}}};
  std::unique_ptr<Scorer> scorer;
  ASSERT_TRUE(make_scorer(spec, &scorer));
  std::shared_ptr<const JudgeTemplate> factuality;
  ASSERT_TRUE(load_shared_judge_template("factuality", &factuality));
  EXPECT_DOUBLE_EQ(factuality->verdict.choices.at("D"), 0.0);
}

TEST(JudgeScorerTest, OptionsAreChecked) {
  EXPECT_THAT(testing::scorer_error("judge", {{"provider", "g"}}),
              HasSubstr("needs option 'template'"));
  EXPECT_THAT(testing::scorer_error("judge", {{"template", "rubric"}}),
              HasSubstr("defaults.judge"));
  EXPECT_THAT(testing::scorer_error("judge", {{"template", "rubric"}, {"provider", "g"}}),
              HasSubstr("needs option 'rubric'"));
  EXPECT_THAT(
      testing::scorer_error(
          "judge", {{"template", "factuality"}, {"provider", "g"}, {"choice_scores", {{"Z", 1}}}}),
      HasSubstr("no choice 'Z'"));
  EXPECT_THAT(testing::scorer_error(
                  "judge", {{"template", "factuality"}, {"provider", "g"}, {"samples", 0}}),
              HasSubstr("'samples'"));
  EXPECT_EQ(testing::scorer_error("judge", {{"template", "closed_qa"}, {"provider", "g"}}), "");
}

TEST(JudgeScorerTest, SamplesUseSuccessiveSeedsAndMajorityDecides) {
  auto scorer = testing::make_test_scorer("judge", {{"template", "closed_qa"},
                                                    {"provider", "grader"},
                                                    {"samples", 3},
                                                    {"aggregate", "majority"},
                                                    {"seed", 7}});
  const std::vector<std::string> expected;
  const nlohmann::json vars = nlohmann::json::object();
  ScoreInput input;
  input.output = "Paris";
  input.input = "What is the capital of France?";
  input.expected = &expected;
  input.vars = &vars;
  const auto requests = scorer->requests(input);
  ASSERT_EQ(requests.size(), 3u);
  for (size_t i = 0; i < requests.size(); ++i) {
    EXPECT_EQ(requests[i].provider_id, "grader");
    EXPECT_EQ(requests[i].params["seed"], 7 + static_cast<int>(i));
    EXPECT_EQ(requests[i].params["temperature"], 0);
    EXPECT_THAT(requests[i].messages.back().content, HasSubstr("[Submission]: Paris"));
  }
  std::vector<ModelResponse> answers(3);
  const char* texts[] = {"Right.\nGRADE: Y", "Wrong.\nGRADE: N", "Correct city.\nGRADE: y"};
  for (size_t i = 0; i < 3; ++i) {
    answers[i].ok = true;
    answers[i].text = texts[i];
  }
  input.model_responses = &answers;
  const Score score = scorer->score(input);
  ASSERT_FALSE(score.error) << score.reason;
  EXPECT_DOUBLE_EQ(score.value, 1.0);
  EXPECT_TRUE(score.pass);
  EXPECT_EQ(score.reason, "Right.");
  EXPECT_EQ(score.details["verdicts"].size(), 3u);
}

TEST(JudgeScorerTest, RagTemplatesReadTheContextFromTheCaseOrTheOption) {
  auto scorer = testing::make_test_scorer(
      "judge", {{"template", "context_faithfulness"}, {"provider", "grader"}});
  const std::vector<std::string> expected;
  nlohmann::json vars = {{"context", {"The bridge opened in 1932.", "It is 1,149 m long."}}};
  ScoreInput input;
  input.output = "It opened in 1932 and is red.";
  input.input = "When did the bridge open?";
  input.expected = &expected;
  input.vars = &vars;
  const auto requests = scorer->requests(input);
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_THAT(requests[0].messages.back().content,
              HasSubstr("[Retrieved context]\nThe bridge opened in 1932.\n\nIt is 1,149 m long."));
  std::vector<ModelResponse> answers(1);
  answers[0].ok = true;
  answers[0].text =
      R"({"reason": "'is red' is not in the context", "supported": 1, "claims": 2, "score": 0.5})";
  input.model_responses = &answers;
  const Score score = scorer->score(input);
  ASSERT_FALSE(score.error) << score.reason;
  EXPECT_DOUBLE_EQ(score.value, 0.5);
  EXPECT_FALSE(score.pass);  // the template's threshold is 0.8
  EXPECT_EQ(score.reason, "'is red' is not in the context");

  // The option wins over the case; without either the score is an error that says so.
  auto with_option = testing::make_test_scorer(
      "judge", {{"template", "context_relevance"}, {"provider", "grader"}, {"context", "Only this."}});
  EXPECT_THAT(with_option->requests(input)[0].messages.back().content, HasSubstr("Only this."));
  const nlohmann::json no_vars = nlohmann::json::object();
  input.vars = &no_vars;
  EXPECT_TRUE(scorer->requests(input).empty());
  const Score missing = scorer->score(input);
  EXPECT_TRUE(missing.error);
  EXPECT_THAT(missing.reason, HasSubstr("needs {{context}}: give the case a 'context' variable"));
  EXPECT_THAT(testing::scorer_error("judge", {{"template", "context_relevance"},
                                              {"provider", "grader"},
                                              {"context", 3}}),
              HasSubstr("option 'context' must be a string or a list of strings"));
}

}  // namespace
}  // namespace evalkit

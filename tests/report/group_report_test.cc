// The run document's groups and their console and Markdown views.
#include <cstdio>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "evalkit/report/group_console.h"
#include "evalkit/report/group_fields.h"
#include "evalkit/report/group_summary.h"
#include "evalkit/report/markdown_report.h"
#include "evalkit/report/run_document.h"
#include "evalkit/scorers/registry.h"

namespace evalkit {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

TrialResult make_trial(const std::string& case_id, const std::string& prompt,
                       const std::string& provider, bool pass, double latency_s = 0.1) {
  TrialResult trial;
  trial.key = {case_id, prompt, provider, 0};
  trial.pass = pass;
  trial.answer.text = pass ? "Paris" : "Lyon";
  trial.answer.latency_s = latency_s;
  trial.prompt_tokens = 10;
  trial.completion_tokens = 2;
  trial.cost_usd = 0.001;
  Score score;
  score.name = "levenshtein";
  score.type = "levenshtein";
  score.value = pass ? 1.0 : 0.2;
  score.pass = pass;
  score.details = {{"similarity", score.value}, {"distance", pass ? 0.0 : 4.0}};
  trial.scores.push_back(score);
  return trial;
}

// Adds the real BLEU scorer's score of the trial's output against one reference.
void add_bleu(TrialResult* trial) {
  static const std::unique_ptr<Scorer> bleu = [] {
    ScorerSpec spec;
    spec.type = "bleu";
    std::unique_ptr<Scorer> scorer;
    EXPECT_TRUE(make_scorer(spec, &scorer).is_ok());
    return scorer;
  }();
  const std::vector<std::string> expected = {"Paris is the capital of France"};
  const nlohmann::json vars = nlohmann::json::object();
  ScoreInput input;
  input.output = trial->answer.text;
  input.expected = &expected;
  input.vars = &vars;
  trial->scores.push_back(bleu->score(input));
}

RunRecord make_run() {
  RunRecord run;
  run.id = "run-1";
  run.suite = "matrix";
  run.scorers = nlohmann::json::parse(R"([{"type": "levenshtein"}, {"type": "bleu"}])");
  run.config = {{"alpha", 0.05}};
  return run;
}

std::string case_name(int i) {
  std::string name = "c";
  name += std::to_string(i);
  return name;
}

// 2 prompts x 2 providers x 10 cases; provider "b" fails the first `b_failures` cases.
std::vector<TrialResult> matrix_trials(int b_failures, const std::string& b = "b") {
  std::vector<TrialResult> trials;
  for (const std::string prompt : {"p1", "p2"}) {
    for (int i = 0; i < 10; ++i) {
      trials.push_back(make_trial(case_name(i), prompt, "a", true, 0.1 * (i + 1)));
      trials.push_back(make_trial(case_name(i), prompt, b, i >= b_failures));
    }
  }
  return trials;
}

std::string printed(const nlohmann::json& fields) {
  char* buffer = nullptr;
  size_t size = 0;
  std::FILE* out = open_memstream(&buffer, &size);
  print_group_fields(out, fields);
  std::fclose(out);
  std::string text(buffer, size);
  std::free(buffer);
  return text;
}

TEST(GroupSummaryTest, SummarisesEachCellPromptAndProvider) {
  std::vector<TrialResult> trials = matrix_trials(4);
  TrialResult errored = make_trial("c10", "p1", "b", false, 0);
  errored.error = "timeout after 60 s";
  errored.error_kind = "timeout";
  errored.scores.clear();
  trials.push_back(errored);
  const GroupSummaries groups = summarize_groups(trials, corpus_scorers(make_run().scorers));
  ASSERT_EQ(groups.by_cell.size(), 4u);
  ASSERT_EQ(groups.by_provider.size(), 2u);
  ASSERT_EQ(groups.by_prompt.size(), 2u);
  const GroupSummary& p1_b = groups.by_cell[1];
  EXPECT_EQ(*p1_b.prompt_id, "p1");
  EXPECT_EQ(*p1_b.provider_id, "b");
  EXPECT_EQ(p1_b.trials, 11);
  EXPECT_EQ(p1_b.passed, 6);
  EXPECT_EQ(p1_b.failed, 4);
  EXPECT_EQ(p1_b.errors, 1);
  EXPECT_DOUBLE_EQ(p1_b.pass_rate, 6.0 / 11.0);
  const GroupMetric& metric = p1_b.metrics.at("levenshtein");
  EXPECT_EQ(metric.n, 10);  // the errored trial has no score
  EXPECT_DOUBLE_EQ(metric.mean, (6 * 1.0 + 4 * 0.2) / 10);
  ASSERT_TRUE(metric.corpus.has_value());
  EXPECT_DOUBLE_EQ(*metric.corpus, (6 * 1.0 + 4 * 0.2) / 10);
  EXPECT_EQ(p1_b.prompt_tokens, 110);
  EXPECT_NEAR(p1_b.cost_usd, 0.011, 1e-12);

  const GroupSummary& p1_a = groups.by_cell[0];
  EXPECT_NEAR(p1_a.latency_p50_s, 0.55, 1e-12);  // latencies 0.1 .. 1.0
  EXPECT_NEAR(p1_a.latency_p95_s, 0.955, 1e-12);

  const GroupSummary& a = groups.by_provider[0];
  EXPECT_FALSE(a.prompt_id.has_value());
  EXPECT_EQ(*a.provider_id, "a");
  EXPECT_EQ(a.trials, 20);
  const GroupSummary& p2 = groups.by_prompt[1];
  EXPECT_EQ(*p2.prompt_id, "p2");
  EXPECT_FALSE(p2.provider_id.has_value());
  EXPECT_EQ(p2.trials, 20);
  EXPECT_EQ(p2.passed, 16);

  const nlohmann::json json = to_json(groups);
  EXPECT_EQ(json["by_cell"][1]["metrics"]["levenshtein"]["n"], 10);
  EXPECT_FALSE(json["by_provider"][0].contains("prompt_id"));
}

TEST(GroupSummaryTest, ASingleCellRunHasNoGroupFields) {
  std::vector<TrialResult> trials;
  for (int i = 0; i < 5; ++i) trials.push_back(make_trial(case_name(i), "p1", "a", true));
  EXPECT_FALSE(has_several_groups(trials));
  const nlohmann::json doc = build_run_document(make_run(), trials);
  EXPECT_FALSE(doc.contains("groups"));
  EXPECT_FALSE(doc.contains("group_comparisons"));
  EXPECT_FALSE(doc.contains("rankings"));
  EXPECT_EQ(printed(doc), "");

  const nlohmann::json matrix = build_run_document(make_run(), matrix_trials(8));
  EXPECT_TRUE(matrix.contains("groups"));
  EXPECT_EQ(matrix["group_comparisons"].size(), 4u);  // a-b on 2 prompts, p1-p2 on 2 providers
  EXPECT_TRUE(matrix["rankings"].empty());
}

TEST(GroupConsoleTest, PrintsTheCellTableComparisonsAndTotals) {
  const nlohmann::json fields = build_group_fields(make_run(), matrix_trials(8), {});
  const std::string text = printed(fields);
  EXPECT_THAT(text, HasSubstr("Results by prompt and provider:"));
  EXPECT_THAT(text, HasSubstr("pass rate"));
  EXPECT_THAT(text, HasSubstr("20.0%"));  // p1 x b
  EXPECT_THAT(text, HasSubstr("(all)"));  // totals per prompt and per provider
  EXPECT_THAT(text, HasSubstr("Paired comparisons of providers within each prompt"));
  EXPECT_THAT(text, HasSubstr("Paired comparisons of prompts within each provider"));
  EXPECT_THAT(text, HasSubstr("no significant difference"));
}

TEST(GroupConsoleTest, HostileIdsCannotReachTheTerminal) {
  const nlohmann::json fields =
      build_group_fields(make_run(), matrix_trials(8, "b\x1b]0;pwned\x07\x1b[2J"), {});
  const std::string text = printed(fields);
  EXPECT_THAT(text, Not(HasSubstr("\x1b")));
  EXPECT_THAT(text, Not(HasSubstr("\x07")));
  EXPECT_THAT(text, HasSubstr("b?]0;pwned??[2J"));
}

TEST(GroupMarkdownTest, ShowsGroupsComparisonsAndEscapesIds) {
  std::vector<TrialResult> trials = matrix_trials(10, "<img src=x onerror=alert(1)>|b");
  for (TrialResult& trial : trials) {
    trial.answer.text = trial.pass ? "Paris is the capital of France" : "Lyon is a city";
    add_bleu(&trial);
  }
  nlohmann::json doc = build_run_document(make_run(), trials);
  const std::string md = render_markdown_report(doc);
  EXPECT_THAT(md, HasSubstr("### Results by prompt and provider"));
  EXPECT_THAT(md, HasSubstr("### Paired comparisons of providers within each prompt"));
  EXPECT_THAT(md, HasSubstr("❌ worse"));
  EXPECT_THAT(md, HasSubstr("| bleu | levenshtein |"));
  // BLEU's corpus score (0-100) is shown beside its mean; Levenshtein's would repeat it.
  EXPECT_THAT(md, HasSubstr("| 1.000 (corpus 100.00) |"));
  EXPECT_THAT(md, Not(HasSubstr("| 1.000 (corpus 1.00) |")));
  EXPECT_THAT(md, Not(HasSubstr("<img")));
  EXPECT_THAT(md, HasSubstr("&lt;img src=x onerror=alert(1)&gt;\\|b"));

  // A size-bounded summary stops between rows and says so.
  MarkdownReportOptions small;
  small.max_bytes = 1500;
  const std::string cut = render_markdown_report(doc, small);
  EXPECT_LE(cut.size(), 1500u);
  EXPECT_THAT(cut, HasSubstr("Summary cut to fit"));
}

}  // namespace
}  // namespace evalkit

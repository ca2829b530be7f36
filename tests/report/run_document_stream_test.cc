// The run document read from the store as it is written: the same bytes as the document built
// in memory, the trials read in batches, and the bounded document of a large run.
#include "evalkit/report/run_document_stream.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "evalkit/base/files.h"
#include "evalkit/model/error_kind.h"
#include "evalkit/report/junit_report.h"
#include "evalkit/report/markdown_report.h"
#include "evalkit/report/run_document.h"
#include "evalkit/scorers/registry.h"
#include "evalkit/store/annotation_store.h"
#include "tests/support/process.h"

namespace evalkit {
namespace {

RunRecord make_run(const std::string& id) {
  RunRecord run;
  run.id = id;
  run.suite = "capitals";
  run.started_at = "2026-11-30T10:00:00Z";
  run.finished_at = "2026-11-30T10:01:00Z";
  run.status = "complete";
  run.planned_trials = 0;
  run.scorers = nlohmann::json::parse(
      R"([{"type": "levenshtein"}, {"type": "bleu"}, {"type": "exact_match"}])");
  run.config = {{"alpha", 0.05}, {"pass", {{"kind", "all"}, {"k_of_n", 2}}}};
  run.providers = nlohmann::json::array(
      {{{"id", "a"}, {"type", "openai"}, {"base_url", "http://user:pw@127.0.0.1:1/v1"}}});
  return run;
}

Score bleu_score(const std::string& output) {
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
  input.output = output;
  input.expected = &expected;
  input.vars = &vars;
  return bleu->score(input);
}

// Trial i of a run: case i / (providers * repeats), every kind of outcome along the way.
TrialResult make_trial(int64_t index, const std::string& case_id, const std::string& provider,
                       int repeat) {
  TrialResult t;
  t.index = index;
  t.key = {case_id, "qa", provider, repeat};
  t.labels = {"smoke"};
  t.vars = {{"country", "France"}, {"n", index}};
  t.expected = {"Paris"};
  t.request = {{"messages", {{{"role", "user"}, {"content", "Capital of France?"}}}}};
  const bool pass = index % 3 != 1;
  t.answer.text = pass ? "Paris is the capital of France" : "Lyon is a city in France";
  t.answer.latency_s = 0.05 * double(index % 7 + 1);
  t.answer.finish_reason = "stop";
  t.duration_s = t.answer.latency_s + 0.001;
  t.prompt_tokens = 12 + index;
  t.completion_tokens = 3;
  t.answer.prompt_tokens = t.prompt_tokens;
  t.answer.completion_tokens = t.completion_tokens;
  t.cost_usd = 0.0001 * double(index);
  t.attempts = 1;
  t.pass = pass;
  t.weighted_score = pass ? 1.0 : 1.0 / 3.0;
  if (index % 11 == 5) {
    t.error = "connection refused";
    t.error_kind = error_kind::kConnect;
    t.pass = false;
    t.answer.text.clear();
  } else if (index % 13 == 12) {
    t.error = "budget reached";
    t.error_kind = error_kind::kBudget;
    t.pass = false;
    t.answer.text.clear();
  }
  if (index % 5 == 2) {
    t.answer.streamed = true;
    t.answer.time_to_first_token_s = 0.01;
  }
  if (!t.error.empty()) return t;
  Score lev;
  lev.name = lev.type = lev.signature = "levenshtein";
  lev.value = pass ? 1.0 : 0.25;
  lev.pass = pass;
  lev.details = {{"similarity", lev.value}, {"distance", pass ? 0 : 9}};
  t.scores.push_back(lev);
  t.scores.push_back(bleu_score(t.answer.text));
  Score exact;
  exact.name = exact.type = exact.signature = "exact_match";
  exact.value = pass ? 1 : 0;
  exact.pass = pass;
  exact.error = index % 17 == 9;
  exact.reason = pass ? "matched" : "expected 'Paris'";
  t.scores.push_back(exact);
  return t;
}

// A stored run of `cases` cases x the providers x 2 repeats, in plan order.
std::vector<TrialResult> plan_trials(int cases, const std::vector<std::string>& providers) {
  std::vector<TrialResult> trials;
  for (int c = 0; c < cases; ++c) {
    for (const std::string& provider : providers) {
      for (int repeat = 0; repeat < 2; ++repeat) {
        trials.push_back(
            make_trial(int64_t(trials.size()), "case-" + std::to_string(c), provider, repeat));
      }
    }
  }
  return trials;
}

std::string read_text(const std::string& path) {
  std::string text;
  EXPECT_TRUE(read_file(path, &text).is_ok()) << path;
  return text;
}

class RunDocumentStreamTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = testing::make_temp_dir("run_document_stream");
    ASSERT_TRUE(store_.open(dir_ + "/evalkit.db").is_ok());
  }

  RunRecord store_run(const std::string& id, const std::vector<TrialResult>& trials) {
    RunRecord run = make_run(id);
    run.planned_trials = int64_t(trials.size());
    EXPECT_TRUE(store_.create_run(run).is_ok());
    EXPECT_TRUE(store_.write_trials(id, trials).is_ok());
    RunRecord loaded;
    EXPECT_TRUE(store_.load_run(id, &loaded).is_ok());
    return loaded;
  }

  // The document as build_run_document makes it from every trial loaded.
  nlohmann::json built_document(const RunRecord& run, const std::vector<Annotation>& notes = {}) {
    std::vector<TrialResult> trials;
    EXPECT_TRUE(store_.load_trials(run.id, &trials).is_ok());
    nlohmann::json document = build_run_document(run, trials);
    attach_annotations(notes, &document);
    return document;
  }

  std::string dir_;
  Store store_;
};

TEST_F(RunDocumentStreamTest, StreamedJsonAndJunitAreTheBytesOfTheBuiltDocument) {
  const RunRecord run = store_run("r1", plan_trials(12, {"a", "b"}));
  std::vector<Annotation> notes = {{3, "fail", "wrong city", "ana", "2026-11-30T10:05:00Z"},
                                   {40, "", "check", "bo", "2026-11-30T10:06:00Z"}};
  const nlohmann::json built = built_document(run, notes);
  ASSERT_EQ(built["trials"].size(), 48u);
  ASSERT_TRUE(built.contains("groups"));  // two providers: the group fields are there too
  ASSERT_FALSE(built["scorers"][1]["corpus"].is_null());  // BLEU's corpus score, folded

  StoredDocumentOptions options;
  options.annotations = notes;
  options.batch_size = 5;  // several batches, the last one short
  StreamedDocument streamed;
  ASSERT_TRUE(stored_run_document(store_, run, options, &streamed).is_ok());
  EXPECT_EQ(streamed.counts.trials, 48);

  ASSERT_TRUE(write_json_report(built, dir_ + "/built.json").is_ok());
  ASSERT_TRUE(write_json_report(streamed, dir_ + "/streamed.json").is_ok());
  const std::string expected = read_text(dir_ + "/built.json");
  EXPECT_EQ(read_text(dir_ + "/streamed.json"), expected);
  EXPECT_EQ(nlohmann::json::parse(expected), built);

  ASSERT_TRUE(write_junit_report(built, dir_ + "/built.xml").is_ok());
  ASSERT_TRUE(write_junit_report(streamed, dir_ + "/streamed.xml").is_ok());
  EXPECT_EQ(read_text(dir_ + "/streamed.xml"), read_text(dir_ + "/built.xml"));

  // Within the bound, the bounded document is the whole document.
  nlohmann::json bounded;
  ASSERT_TRUE(bounded_document(streamed, 48, &bounded).is_ok());
  EXPECT_EQ(bounded, built);
}

TEST_F(RunDocumentStreamTest, EachTrialsBaselineIsReadFromTheStoreByKey) {
  // The baseline: the current run's keys but one case missing, one key stored twice (the
  // later trial is the one paired, as BaselineIndex keeps it), and different outputs.
  std::vector<TrialResult> baseline_trials = plan_trials(6, {"a", "b"});
  baseline_trials.erase(baseline_trials.begin() + 4, baseline_trials.begin() + 8);  // case-1
  for (TrialResult& t : baseline_trials) t.answer.text = "baseline " + std::to_string(t.index);
  TrialResult twice = baseline_trials[0];
  twice.index = 1000;
  twice.answer.text = "the later of two";
  twice.pass = !twice.pass;
  baseline_trials.push_back(twice);
  const RunRecord baseline = store_run("base", baseline_trials);
  const RunRecord run = store_run("r1", plan_trials(6, {"a", "b"}));

  std::vector<TrialResult> trials, stored_baseline;
  ASSERT_TRUE(store_.load_trials(run.id, &trials).is_ok());
  ASSERT_TRUE(store_.load_trials(baseline.id, &stored_baseline).is_ok());
  const nlohmann::json comparison = {{"note", "given"}};
  const nlohmann::json built = build_run_document(run, trials, comparison, &stored_baseline);
  ASSERT_EQ(built["trials"][0]["baseline"]["output"], "the later of two");
  ASSERT_TRUE(built["trials"][4]["baseline"].is_null());  // case-1 is not in the baseline
  ASSERT_EQ(built["trials"][9]["baseline"]["output"], "baseline 9");

  for (size_t batch : {size_t(1), size_t(5), size_t(1024)}) {
    StoredDocumentOptions options;
    options.comparison = comparison;
    options.baseline_run_id = baseline.id;
    options.batch_size = batch;
    StreamedDocument streamed;
    ASSERT_TRUE(stored_run_document(store_, run, options, &streamed).is_ok());
    ASSERT_TRUE(write_json_report(built, dir_ + "/built.json").is_ok());
    ASSERT_TRUE(write_json_report(streamed, dir_ + "/streamed.json").is_ok());
    EXPECT_EQ(read_text(dir_ + "/streamed.json"), read_text(dir_ + "/built.json"))
        << "batch " << batch;
  }
}

TEST_F(RunDocumentStreamTest, OneBatchPerTrialAndAnEmptyRunStillMatch) {
  const RunRecord run = store_run("r1", plan_trials(3, {"a"}));
  StoredDocumentOptions options;
  options.batch_size = 1;
  StreamedDocument streamed;
  ASSERT_TRUE(stored_run_document(store_, run, options, &streamed).is_ok());
  ASSERT_TRUE(write_json_report(built_document(run), dir_ + "/built.json").is_ok());
  ASSERT_TRUE(write_json_report(streamed, dir_ + "/streamed.json").is_ok());
  EXPECT_EQ(read_text(dir_ + "/streamed.json"), read_text(dir_ + "/built.json"));

  const RunRecord empty = store_run("r2", {});
  ASSERT_TRUE(stored_run_document(store_, empty, {}, &streamed).is_ok());
  ASSERT_TRUE(write_json_report(built_document(empty), dir_ + "/built-empty.json").is_ok());
  ASSERT_TRUE(write_json_report(streamed, dir_ + "/streamed-empty.json").is_ok());
  const std::string text = read_text(dir_ + "/streamed-empty.json");
  EXPECT_EQ(text, read_text(dir_ + "/built-empty.json"));
  EXPECT_NE(text.find("\"trials\": []"), std::string::npos);
}

TEST_F(RunDocumentStreamTest, CasesWhoseTrialsAreApartAreStillAggregatedWhole) {
  // Case c0's two repeats are apart (index 0 and 2): the cases cannot stream one at a time.
  std::vector<TrialResult> trials = {make_trial(0, "c0", "a", 0), make_trial(1, "c1", "a", 0),
                                     make_trial(2, "c0", "a", 1), make_trial(3, "c1", "a", 1)};
  const RunRecord run = store_run("r1", trials);
  StreamedDocument streamed;
  ASSERT_TRUE(stored_run_document(store_, run, {}, &streamed).is_ok());
  ASSERT_TRUE(write_json_report(built_document(run), dir_ + "/built.json").is_ok());
  ASSERT_TRUE(write_json_report(streamed, dir_ + "/streamed.json").is_ok());
  const std::string text = read_text(dir_ + "/streamed.json");
  EXPECT_EQ(text, read_text(dir_ + "/built.json"));
  EXPECT_EQ(nlohmann::json::parse(text)["cases"].size(), 2u);
}

TEST_F(RunDocumentStreamTest, BoundedDocumentKeepsWhatDidNotPassFirstAndSaysHowMany) {
  const RunRecord run = store_run("r1", plan_trials(30, {"a"}));  // 60 trials
  const nlohmann::json built = built_document(run);
  int64_t not_passed = 0, failing = 0;
  for (const auto& t : built["trials"]) {
    const bool skipped = t["error_kind"] == error_kind::kBudget;
    const bool passed = t["pass"].get<bool>() && t["error"] == "";
    not_passed += passed ? 0 : 1;
    failing += !skipped && !t["pass"].get<bool>() ? 1 : 0;
  }
  ASSERT_GT(not_passed, 10);
  StreamedDocument streamed;
  ASSERT_TRUE(stored_run_document(store_, run, {}, &streamed).is_ok());
  EXPECT_EQ(streamed.counts.not_passed(), not_passed);

  nlohmann::json bounded;
  ASSERT_TRUE(bounded_document(streamed, 10, &bounded).is_ok());
  ASSERT_EQ(bounded["trials"].size(), 10u);
  EXPECT_EQ(bounded["trial_sample"]["trials"], 60);
  EXPECT_EQ(bounded["trial_sample"]["shown"], 10);
  EXPECT_EQ(bounded["trial_sample"]["not_passed"], not_passed);
  EXPECT_EQ(bounded["trial_sample"]["failing"], failing);
  EXPECT_TRUE(bounded["trial_sample"]["has_repeats"].get<bool>());
  EXPECT_FALSE(bounded.contains("cases"));
  EXPECT_EQ(bounded["summary"], built["summary"]);  // the whole run's totals
  int64_t last = -1;
  for (const auto& t : bounded["trials"]) {
    EXPECT_FALSE(t["pass"].get<bool>() && t["error"] == "") << t["index"];
    EXPECT_GT(t["index"].get<int64_t>(), last);
    last = t["index"].get<int64_t>();
  }

  // Room for more than the failures: every failure, then the first passing trials.
  ASSERT_TRUE(bounded_document(streamed, size_t(not_passed) + 3, &bounded).is_ok());
  int passing = 0;
  for (const auto& t : bounded["trials"]) passing += t["pass"].get<bool>() ? 1 : 0;
  EXPECT_EQ(passing, 3);

  // The Markdown summary of the sample counts the run's failures, not the sample's.
  ASSERT_TRUE(bounded_document(streamed, 10, &bounded).is_ok());
  const std::string markdown = render_markdown_report(bounded);
  EXPECT_NE(markdown.find("of " + std::to_string(failing) + ")"), std::string::npos) << markdown;
}

TEST_F(RunDocumentStreamTest, AFailedReadLeavesTheOldReportInPlace) {
  const std::string path = dir_ + "/report.json";
  ASSERT_TRUE(write_file_atomic(path, "old\n").is_ok());
  const Status s = write_file_streamed(path, [](const FileSink& sink) -> Status {
    if (Status written = sink(std::string(3 << 20, 'x')); !written) return written;
    return Status::error("database: disk I/O error");
  });
  EXPECT_FALSE(s.is_ok());
  EXPECT_EQ(s.message(), "database: disk I/O error");
  EXPECT_EQ(read_text(path), "old\n");
  for (const auto& entry : std::filesystem::directory_iterator(dir_)) {
    EXPECT_EQ(entry.path().filename().string().rfind(".report.json", 0), std::string::npos)
        << "temporary file left: " << entry.path();
  }
}

}  // namespace
}  // namespace evalkit

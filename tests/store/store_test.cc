#include "evalkit/store/store.h"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <thread>
#include <vector>

#include "evalkit/report/run_document.h"
#include "evalkit/store/trial_writer.h"
#include "tests/support/process.h"

namespace evalkit {
namespace {

RunRecord make_run(const std::string& id, const std::string& suite) {
  RunRecord run;
  run.id = id;
  run.suite = suite;
  run.started_at = utc_now_iso8601();
  run.status = "running";
  run.planned_trials = 2;
  run.scorers = nlohmann::json::array({{{"type", "exact_match"}}});
  return run;
}

TrialResult make_trial(int64_t index, const std::string& case_id, bool pass) {
  TrialResult t;
  t.index = index;
  t.key = {case_id, "qa", "assistant", 0};
  t.labels = {"smoke"};
  t.expected = {"Paris"};
  t.vars = {{"country", "France"}};
  t.answer.text = pass ? "Paris" : "Lyon";
  t.pass = pass;
  t.prompt_tokens = 12;
  t.answer.prompt_tokens = 12;  // a plain answer: its tokens are the trial's
  Score s;
  s.name = "exact_match";
  s.type = "exact_match";
  s.value = pass ? 1 : 0;
  s.pass = pass;
  s.reason = pass ? "matched" : "expected 'Paris', got 'Lyon'";
  s.details = {{"k", 1}};
  t.scores.push_back(s);
  return t;
}

TEST(StoreTest, RoundTripsRunsTrialsAndScores) {
  const std::string dir = testing::make_temp_dir("store");
  Store store;
  ASSERT_TRUE(store.open(dir + "/nested/evalkit.db").is_ok());
  ASSERT_TRUE(store.create_run(make_run("r1", "capitals")).is_ok());
  ASSERT_TRUE(
      store.write_trials("r1", {make_trial(0, "a", true), make_trial(1, "b", false)}).is_ok());
  ASSERT_TRUE(store.finish_run("r1", "complete", "", utc_now_iso8601(), 1.5).is_ok());

  RunRecord run;
  ASSERT_TRUE(store.load_run("r1", &run).is_ok());
  EXPECT_EQ(run.suite, "capitals");
  EXPECT_EQ(run.status, "complete");
  EXPECT_EQ(run.finished_trials, 2);
  EXPECT_EQ(run.scorers[0]["type"], "exact_match");

  std::vector<TrialResult> trials;
  ASSERT_TRUE(store.load_trials("r1", &trials).is_ok());
  ASSERT_EQ(trials.size(), 2u);
  EXPECT_EQ(trials[1].key.case_id, "b");
  EXPECT_EQ(trials[1].answer.text, "Lyon");
  EXPECT_FALSE(trials[1].pass);
  EXPECT_EQ(trials[0].vars["country"], "France");
  ASSERT_EQ(trials[1].scores.size(), 1u);
  EXPECT_EQ(trials[1].scores[0].reason, "expected 'Paris', got 'Lyon'");
  EXPECT_EQ(trials[1].scores[0].details["k"], 1);
}

TEST(StoreTest, KeepsTheWholeAnswer) {
  const std::string dir = testing::make_temp_dir("store-answer");
  Store store;
  ASSERT_TRUE(store.open(dir + "/evalkit.db").is_ok());
  ASSERT_TRUE(store.create_run(make_run("r1", "tools")).is_ok());
  TrialResult t = make_trial(0, "a", true);
  t.answer.finish_reason = "tool_calls";
  t.answer.tool_calls = {{"call_1", "get_weather", {{"city", "Paris"}}}};
  t.answer.latency_s = 0.8;
  t.answer.streamed = true;
  t.answer.time_to_first_token_s = 0.2;
  t.answer.prompt_tokens = 12;
  t.answer.completion_tokens = 7;
  t.prompt_tokens = 40;  // the trial's own total also counts a judge's call
  t.completion_tokens = 9;
  ASSERT_TRUE(store.write_trials("r1", {t, make_trial(1, "b", true)}).is_ok());

  std::vector<TrialResult> trials;
  ASSERT_TRUE(store.load_trials("r1", &trials).is_ok());
  ASSERT_EQ(trials.size(), 2u);
  const ModelAnswer& a = trials[0].answer;
  EXPECT_EQ(a.text, "Paris");
  EXPECT_EQ(a.finish_reason, "tool_calls");
  ASSERT_EQ(a.tool_calls.size(), 1u);
  EXPECT_EQ(a.tool_calls[0].arguments["city"], "Paris");
  EXPECT_DOUBLE_EQ(a.latency_s, 0.8);
  EXPECT_TRUE(a.streamed);
  EXPECT_EQ(a.time_to_first_token_s, 0.2);
  EXPECT_EQ(a.prompt_tokens, 12);
  EXPECT_EQ(a.completion_tokens, 7);
  EXPECT_EQ(trials[0].prompt_tokens, 40);
  // A plain answer stores no extras; its tokens are the trial's.
  EXPECT_TRUE(trials[1].answer.tool_calls.empty());
  EXPECT_EQ(trials[1].answer.prompt_tokens, trials[1].prompt_tokens);
}

TEST(StoreTest, OpensAStoreOfTheFirstSchema) {
  const std::string dir = testing::make_temp_dir("store-v1");
  const std::string path = dir + "/evalkit.db";
  {
    Store store;
    ASSERT_TRUE(store.open(path).is_ok());
    ASSERT_TRUE(store.create_run(make_run("r1", "old")).is_ok());
    ASSERT_TRUE(store.write_trials("r1", {make_trial(0, "a", true)}).is_ok());
    // What a version 1 store looked like: no answer_json column.
    ASSERT_EQ(sqlite3_exec(store.handle(), "ALTER TABLE trials DROP COLUMN answer_json", nullptr,
                           nullptr, nullptr),
              SQLITE_OK);
  }
  Store store;
  ASSERT_TRUE(store.open(path).is_ok());
  std::vector<TrialResult> trials;
  ASSERT_TRUE(store.load_trials("r1", &trials).is_ok());
  ASSERT_EQ(trials.size(), 1u);
  EXPECT_EQ(trials[0].answer.text, "Paris");
  TrialResult t = make_trial(1, "b", true);
  t.answer.tool_calls = {{"", "f", {}}};
  ASSERT_TRUE(store.write_trials("r1", {t}).is_ok());
}

TEST(StoreTest, RefusesToWriteATrialTwice) {
  const std::string dir = testing::make_temp_dir("store-dup");
  Store store;
  ASSERT_TRUE(store.open(dir + "/evalkit.db").is_ok());
  ASSERT_TRUE(store.create_run(make_run("r1", "s")).is_ok());
  ASSERT_TRUE(store.write_trials("r1", {make_trial(0, "a", true)}).is_ok());
  const Status again =
      store.write_trials("r1", {make_trial(1, "b", true), make_trial(0, "a", true)});
  EXPECT_FALSE(again.is_ok());
  std::set<int64_t> done;
  ASSERT_TRUE(store.finished_trial_indices("r1", &done).is_ok());
  EXPECT_EQ(done, (std::set<int64_t>{0}));  // the failed batch was rolled back whole
}

TEST(StoreTest, ResolvesRunReferencesAndBaselines) {
  const std::string dir = testing::make_temp_dir("store-refs");
  Store store;
  ASSERT_TRUE(store.open(dir + "/evalkit.db").is_ok());
  ASSERT_TRUE(store.create_run(make_run("20260101-alpha", "s1")).is_ok());
  ASSERT_TRUE(store.create_run(make_run("20260102-beta", "s2")).is_ok());
  std::string id;
  ASSERT_TRUE(store.resolve_run_id("last", "s1", &id).is_ok());
  EXPECT_EQ(id, "20260101-alpha");
  ASSERT_TRUE(store.resolve_run_id("20260102", "", &id).is_ok());
  EXPECT_EQ(id, "20260102-beta");
  EXPECT_FALSE(store.resolve_run_id("2026", "", &id).is_ok());  // ambiguous prefix
  EXPECT_FALSE(store.resolve_run_id("nope", "", &id).is_ok());

  ASSERT_TRUE(store.save_baseline("main", "20260101-alpha").is_ok());
  ASSERT_TRUE(store.save_baseline("main", "20260102-beta").is_ok());  // moves the pointer
  BaselineRecord b;
  ASSERT_TRUE(store.find_baseline("main", &b).is_ok());
  EXPECT_EQ(b.run_id, "20260102-beta");
  EXPECT_EQ(b.suite, "s2");
  std::vector<BaselineRecord> all;
  store.list_baselines(&all);
  EXPECT_EQ(all.size(), 1u);
  EXPECT_TRUE(store.remove_baseline("main").is_ok());
  EXPECT_FALSE(store.remove_baseline("main").is_ok());
  EXPECT_FALSE(store.save_baseline("x", "missing-run").is_ok());
}

TEST(TrialWriterTest, CommitsEverythingPushed) {
  const std::string dir = testing::make_temp_dir("writer");
  Store store;
  ASSERT_TRUE(store.open(dir + "/evalkit.db").is_ok());
  ASSERT_TRUE(store.create_run(make_run("r", "s")).is_ok());
  {
    TrialWriter writer(&store, "r", 0.01);
    for (int i = 0; i < 1000; ++i) {
      std::string case_id = "c";
      case_id += std::to_string(i);  // not "c" + ...: GCC 12 warns falsely (-Wrestrict)
      writer.push(make_trial(i, case_id, i % 2 == 0));
    }
    EXPECT_TRUE(writer.flush().is_ok());
  }
  std::set<int64_t> done;
  store.finished_trial_indices("r", &done);
  EXPECT_EQ(done.size(), 1000u);
}

// A run whose trials finish faster than the disk takes them holds a bounded queue: pushes from
// several threads wait for room, and every trial is still stored.
TEST(TrialWriterTest, PushWaitsForRoomBeyondItsBound) {
  const std::string dir = testing::make_temp_dir("writer_bound");
  Store store;
  ASSERT_TRUE(store.open(dir + "/evalkit.db").is_ok());
  ASSERT_TRUE(store.create_run(make_run("r", "s")).is_ok());
  size_t peak = 0;
  {
    TrialWriter writer(&store, "r", 0.05, /*max_queued=*/8);
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t) {
      threads.emplace_back([&writer, t] {
        for (int i = t * 500; i < (t + 1) * 500; ++i) {
          std::string case_id = "c";
          case_id += std::to_string(i);
          writer.push(make_trial(i, case_id, true));
        }
      });
    }
    for (auto& thread : threads) thread.join();
    EXPECT_TRUE(writer.flush().is_ok());
    peak = writer.peak_queued();
  }
  EXPECT_GE(peak, 1u);
  EXPECT_LE(peak, 8u);
  std::set<int64_t> done;
  store.finished_trial_indices("r", &done);
  EXPECT_EQ(done.size(), 2000u);
}

TEST(StoreTest, TellsWhetherARunSpansSeveralGroups) {
  const std::string dir = testing::make_temp_dir("store_groups");
  Store store;
  ASSERT_TRUE(store.open(dir + "/evalkit.db").is_ok());
  ASSERT_TRUE(store.create_run(make_run("one", "s")).is_ok());
  ASSERT_TRUE(store.write_trials("one", {make_trial(0, "a", true), make_trial(1, "b", true)}).is_ok());
  bool several = true;
  ASSERT_TRUE(store.has_several_groups("one", &several).is_ok());
  EXPECT_FALSE(several);

  ASSERT_TRUE(store.create_run(make_run("two", "s")).is_ok());
  TrialResult other = make_trial(1, "a", true);
  other.key.provider_id = "challenger";
  ASSERT_TRUE(store.write_trials("two", {make_trial(0, "a", true), other}).is_ok());
  ASSERT_TRUE(store.has_several_groups("two", &several).is_ok());
  EXPECT_TRUE(several);
}

// What a merge does in the store: trials under provisional indices, a duplicate key found,
// trials and their scores renumbered by key, the record rewritten, or the run removed.
TEST(StoreTest, FindsDuplicatesRenumbersByKeyAndRemovesRuns) {
  const std::string dir = testing::make_temp_dir("store_merge");
  Store store;
  ASSERT_TRUE(store.open(dir + "/evalkit.db").is_ok());
  ASSERT_TRUE(store.create_run(make_run("m", "s")).is_ok());
  ASSERT_TRUE(store
                  .write_trials("m", {make_trial(0, "c", true), make_trial(1, "a", false),
                                      make_trial(2, "b", true)})
                  .is_ok());
  bool twice = true;
  TrialKey key;
  int64_t first = -1, second = -1;
  ASSERT_TRUE(store.find_duplicate_trial("m", &twice, &key, &first, &second).is_ok());
  EXPECT_FALSE(twice);

  ASSERT_TRUE(store.renumber_trials_by_key("m").is_ok());
  std::vector<TrialResult> trials;
  ASSERT_TRUE(store.load_trials("m", &trials).is_ok());
  ASSERT_EQ(trials.size(), 3u);
  for (size_t i = 0; i < trials.size(); ++i) {
    EXPECT_EQ(trials[i].index, int64_t(i));
    ASSERT_EQ(trials[i].scores.size(), 1u);  // each score followed its trial
    EXPECT_EQ(trials[i].scores[0].pass, trials[i].pass);
  }
  EXPECT_EQ(trials[0].key.case_id, "a");
  EXPECT_FALSE(trials[0].pass);
  EXPECT_EQ(trials[1].key.case_id, "b");
  EXPECT_EQ(trials[2].key.case_id, "c");

  ASSERT_TRUE(store.write_trials("m", {make_trial(7, "b", true)}).is_ok());
  ASSERT_TRUE(store.find_duplicate_trial("m", &twice, &key, &first, &second).is_ok());
  EXPECT_TRUE(twice);
  EXPECT_EQ(key.case_id, "b");
  EXPECT_EQ(first, 1);
  EXPECT_EQ(second, 7);

  RunRecord run = make_run("m", "renamed");
  run.status = "complete";
  run.planned_trials = 4;
  ASSERT_TRUE(store.update_run(run).is_ok());
  RunRecord loaded;
  ASSERT_TRUE(store.load_run("m", &loaded).is_ok());
  EXPECT_EQ(loaded.suite, "renamed");
  EXPECT_EQ(loaded.planned_trials, 4);
  EXPECT_EQ(loaded.finished_trials, 4);

  ASSERT_TRUE(store.delete_run("m").is_ok());
  EXPECT_FALSE(store.load_run("m", &loaded).is_ok());
  std::set<int64_t> left;
  store.finished_trial_indices("m", &left);
  EXPECT_TRUE(left.empty());
  sqlite3_stmt* scores = nullptr;
  ASSERT_EQ(sqlite3_prepare_v2(store.handle(), "SELECT COUNT(*) FROM scores WHERE run_id='m'", -1,
                               &scores, nullptr),
            SQLITE_OK);
  ASSERT_EQ(sqlite3_step(scores), SQLITE_ROW);
  EXPECT_EQ(sqlite3_column_int(scores, 0), 0);
  sqlite3_finalize(scores);
}

// Latency percentiles read from the store are what percentile() gives over the same values:
// overall over answered trials (no error, or a latency), per provider over every trial.
TEST(StoreTest, LatencyQuantilesAreThoseOfTheStoredValues) {
  const std::string dir = testing::make_temp_dir("store-quantiles");
  Store store;
  ASSERT_TRUE(store.open(dir + "/evalkit.db").is_ok());
  ASSERT_TRUE(store.create_run(make_run("r1", "latency")).is_ok());
  std::vector<TrialResult> trials;
  std::vector<double> answered, of_a;
  const std::vector<double> latencies = {0.31, 0.02, 1.7, 0.0, 0.45, 0.45, 2.9, 0.0, 0.12, 0.8, 0.05};
  for (size_t i = 0; i < latencies.size(); ++i) {
    std::string case_id = "c";
    case_id += std::to_string(i);
    TrialResult t = make_trial(int64_t(i), case_id, i % 2 == 0);
    t.key.provider_id = std::string(i % 3 == 0 ? "a" : "b");
    t.answer.latency_s = latencies[i];
    if (latencies[i] == 0.0) {  // never sent: an error without a latency
      t.error = "connection refused";
      t.error_kind = "connect";
    }
    if (t.error.empty() || t.answer.latency_s > 0) answered.push_back(latencies[i]);
    if (t.key.provider_id == "a") of_a.push_back(latencies[i]);
    trials.push_back(t);
  }
  ASSERT_TRUE(store.write_trials("r1", trials).is_ok());
  for (const double q : {0.0, 0.5, 0.95, 1.0}) {
    double value = -1;
    ASSERT_TRUE(store.latency_quantile("r1", "", /*answered_only=*/true, q, &value).is_ok());
    EXPECT_DOUBLE_EQ(value, percentile(answered, q)) << q;
    ASSERT_TRUE(store.latency_quantile("r1", "a", /*answered_only=*/false, q, &value).is_ok());
    EXPECT_DOUBLE_EQ(value, percentile(of_a, q)) << q;
  }
  double none = -1;
  ASSERT_TRUE(store.latency_quantile("r1", "nobody", false, 0.5, &none).is_ok());
  EXPECT_EQ(none, 0.0);
}

}  // namespace
}  // namespace evalkit

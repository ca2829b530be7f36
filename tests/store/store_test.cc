#include "evalkit/store/store.h"

#include <gtest/gtest.h>

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
  t.output = pass ? "Paris" : "Lyon";
  t.pass = pass;
  t.prompt_tokens = 12;
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
  EXPECT_EQ(trials[1].output, "Lyon");
  EXPECT_FALSE(trials[1].pass);
  EXPECT_EQ(trials[0].vars["country"], "France");
  ASSERT_EQ(trials[1].scores.size(), 1u);
  EXPECT_EQ(trials[1].scores[0].reason, "expected 'Paris', got 'Lyon'");
  EXPECT_EQ(trials[1].scores[0].details["k"], 1);
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

}  // namespace
}  // namespace evalkit

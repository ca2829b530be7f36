// The gate as the CLI runs it reads both runs from the store as case aggregates, one trial at a
// time: its aggregates, comparison, floors and verdict are those of the trials held in memory.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <utility>
#include <string>
#include <vector>

#include "evalkit/cli/gate_step.h"
#include "evalkit/gate/case_aggregate.h"
#include "evalkit/gate/comparison.h"
#include "evalkit/gate/floors.h"
#include "evalkit/gate/gate_verdict.h"
#include "evalkit/gate/resource_metrics.h"
#include "evalkit/store/store.h"
#include "tests/support/gate_trials.h"
#include "tests/support/process.h"

namespace evalkit {
namespace {

using testing::make_trial;
using testing::numbered;

// `cases` cases x 3 repeats with a continuous and a binary score, latencies and costs, errored
// repeats and scores, a case whose repeats disagree on a signature, and cases only this run
// has (by prefix). shift lowers the scores of every third case.
std::vector<TrialResult> varied_run(int cases, double shift, const std::string& only_here) {
  std::vector<TrialResult> trials;
  for (int c = 0; c < cases; ++c) {
    for (int repeat = 2; repeat >= 0; --repeat) {  // repeats out of order: the lowest is first
      const double rouge = (c % 3 == 0 ? 0.9 - shift : 0.8) - 0.05 * repeat;
      const bool exact = (c + repeat) % 4 != 0 && !(shift > 0 && c % 5 == 0);
      const std::string signature = c == 7 && repeat == 1 ? "rouge|other" : "rouge|L";
      TrialResult t = make_trial(numbered(c % 9 == 4 ? only_here : "c", c), repeat, exact,
                                 {{"rouge", rouge, signature, c % 6 == 1 && repeat == 0},
                                  {"exact", exact ? 1.0 : 0.0, "exact", false, 0.0}});
      t.index = int64_t(trials.size());
      t.answer.latency_s = 0.1 + 0.01 * ((c * 7 + repeat) % 13) + shift;
      t.cost_usd = 0.001 * (c % 4 + 1);
      if (c % 11 == 3 && repeat == 2) {
        t.error = "connection refused";
        t.error_kind = "connect";
        t.pass = false;
      }
      trials.push_back(t);
    }
  }
  return trials;
}

class StoredGateTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = testing::make_temp_dir("stored_gate");
    ASSERT_TRUE(store_.open(dir_ + "/evalkit.db").is_ok());
  }

  RunRecord store_run(const std::string& id, const std::vector<TrialResult>& trials) {
    RunRecord run;
    run.id = id;
    run.suite = "capitals";
    run.suite_hash = "abc";
    run.started_at = "2026-11-30T10:00:00Z";
    run.status = "complete";
    run.planned_trials = int64_t(trials.size());
    EXPECT_TRUE(store_.create_run(run).is_ok());
    EXPECT_TRUE(store_.write_trials(id, trials).is_ok());
    RunRecord loaded;
    EXPECT_TRUE(store_.load_run(id, &loaded).is_ok());
    return loaded;
  }

  // The gate as the CLI runs it on a stored run, its console thrown away.
  cli::GateStep gate_step(const RunRecord& run, const CompareOptions& options,
                          const cli::GateSettings& settings) {
    cli::GateStep step;
    std::FILE* console = std::fopen("/dev/null", "w");
    if (console == nullptr) {
      ADD_FAILURE() << "cannot open /dev/null";
      return step;
    }
    EXPECT_TRUE(cli::run_gate_step(store_, run, options, settings, console, &step).is_ok());
    std::fclose(console);
    return step;
  }

  std::string dir_;
  Store store_;
};

TEST_F(StoredGateTest, AggregatesReadFromTheStoreAreThoseOfTheTrials) {
  const std::vector<TrialResult> trials = varied_run(40, 0, "x");
  store_run("r1", trials);
  PassRule two_of_three;
  two_of_three.k_of_n = 2;
  // Read a case at a time in key order, each with its order in the run.
  std::vector<std::pair<int64_t, CaseAggregate>> read;
  ASSERT_TRUE(cli::for_each_stored_case(store_, "r1", two_of_three,
                                        [&](const CaseAggregate& c, int64_t order) {
                                          read.emplace_back(order, c);
                                          return Status::ok();
                                        })
                  .is_ok());
  for (size_t i = 1; i < read.size(); ++i) EXPECT_LT(read[i - 1].second.key, read[i].second.key);
  std::sort(read.begin(), read.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });
  std::vector<CaseAggregate> stored;
  for (auto& [order, c] : read) stored.push_back(std::move(c));
  const std::vector<CaseAggregate> held = aggregate_cases(trials, two_of_three);
  ASSERT_EQ(stored.size(), held.size());
  const auto resources = case_resources(trials);
  int mixed = 0, errored = 0;
  for (size_t i = 0; i < held.size(); ++i) {
    const CaseAggregate& s = stored[i];
    const CaseAggregate& h = held[i];
    EXPECT_EQ(s.key, h.key);
    EXPECT_EQ(s.repeats, h.repeats);
    EXPECT_EQ(s.passes, h.passes);
    EXPECT_EQ(s.pass, h.pass);
    EXPECT_EQ(s.flaky, h.flaky);
    EXPECT_EQ(s.mean_weighted_score, h.mean_weighted_score);
    EXPECT_EQ(s.first_trial_index, h.first_trial->index);
    EXPECT_EQ(s.first_repeat, 0);
    EXPECT_EQ(s.first_trial, nullptr);
    ASSERT_EQ(s.metrics.size(), h.metrics.size());
    for (const auto& [name, mean] : h.metrics) {
      const MetricMean& m = s.metrics.at(name);
      EXPECT_EQ(m.mean, mean.mean) << name;
      EXPECT_EQ(m.count, mean.count);
      EXPECT_EQ(m.errors, mean.errors);
      EXPECT_EQ(m.signature.str(), mean.signature.str());
      EXPECT_EQ(m.mixed_signatures, mean.mixed_signatures);
      EXPECT_EQ(m.weighted, mean.weighted);
      mixed += m.mixed_signatures ? 1 : 0;
      errored += m.errors;
    }
    // Latency and cost over the repeats without an error, as case_resources has them.
    const auto r = resources.find(h.key);
    ASSERT_NE(r, resources.end());
    EXPECT_EQ(s.resources.answered, r->second.answered);
    EXPECT_DOUBLE_EQ(s.resources.latency_s, r->second.latency_s);
    EXPECT_DOUBLE_EQ(s.resources.cost_usd, r->second.cost_usd);
  }
  EXPECT_EQ(mixed, 1);  // the fixture has what it claims
  EXPECT_GT(errored, 0);
}

TEST_F(StoredGateTest, TheGateFromTheStoreIsTheComparisonOfTheTrials) {
  const std::vector<TrialResult> baseline = varied_run(60, 0, "b");
  const std::vector<TrialResult> current = varied_run(60, 0.2, "n");
  store_run("base", baseline);
  const RunRecord run = store_run("cur", current);

  CompareOptions options;
  options.pass.k_of_n = 2;
  options.gate["pass_rate"] = GateRule{.max_drop = 0.0, .min = 0.5};
  options.gate["rouge"] = GateRule{.max_drop = 0.01};
  options.gate["latency_p95"] = GateRule{.max_increase = 0.1, .max = 0.2};
  cli::GateSettings settings;
  settings.baseline_label = "main";
  settings.baseline_run_id = "base";
  settings.min_paired = 0.5;
  settings.allow_signature_mismatch = true;
  const cli::GateStep step = gate_step(run, options, settings);

  CompareOptions held_options = options;
  held_options.min_paired = 0.5;
  held_options.allow_signature_mismatch = true;
  Comparison held = compare_runs(baseline, current, held_options);
  held.baseline_name = "main";
  held.baseline_run_id = "base";
  ASSERT_FALSE(held.flipped.empty());  // outputs to read back from the store
  ASSERT_FALSE(held.largest_drops.empty());
  ASSERT_FALSE(held.only_in_baseline.empty());
  EXPECT_EQ(step.comparison, to_json(held));
  EXPECT_NE(step.comparison.dump().find(held.flipped.front().current_output),
            std::string::npos);

  const std::vector<FloorCheck> floors = check_floors(current, options.gate, options.pass);
  ASSERT_EQ(floors.size(), 2u);  // the pass-rate floor and the latency ceiling
  EXPECT_EQ(step.gate, gate_to_json(decide_gate(&held, floors), floors));
  EXPECT_TRUE(step.has_baseline);
  EXPECT_EQ(step.baseline_run_id, "base");
}

// Cases over two prompts and two providers, in an order that is not the keys' order (case ids
// run down from z), with one prompt under another name in the baseline, a case only each run
// has, and signatures that differ on two cases of the current run.
std::vector<TrialResult> cell_run(bool current) {
  std::vector<TrialResult> trials;
  const std::string renamed = current ? "v2" : "v1";
  for (int c = 25; c >= 0; --c) {
    const std::string id(1, char('a' + c));
    for (const std::string& prompt : {renamed, std::string("shared")}) {
      for (const std::string provider : {"m1", "m2"}) {
        if (c == 3 && prompt == "shared" && provider == (current ? "m1" : "m2")) continue;
        for (int repeat = 0; repeat < 2; ++repeat) {
          std::string signature = "rouge|L";
          if (current && c == 24 && prompt == "shared") signature = "rouge|Z";
          if (current && c == 1 && prompt == "shared") signature = "rouge|A";
          const double drop = current && c % 3 == 0 ? 0.3 : 0.0;
          const double rouge = 0.5 + 0.01 * c + 0.02 * repeat - drop + (provider == "m2" ? 0.1 : 0);
          TrialResult t = make_trial(id, repeat, rouge >= 0.5, {{"rouge", rouge, signature}});
          t.key.prompt_id = prompt;
          t.key.provider_id = provider;
          t.index = int64_t(trials.size());
          t.answer.latency_s = 0.2 + 0.01 * c + (current ? 0.05 : 0);
          trials.push_back(t);
        }
      }
    }
  }
  return trials;
}

TEST_F(StoredGateTest, CellsRenamesAndSignaturesFromTheStoreAreThoseOfTheTrials) {
  const std::vector<TrialResult> baseline = cell_run(false);
  const std::vector<TrialResult> current = cell_run(true);
  store_run("base", baseline);
  const RunRecord run = store_run("cur", current);
  for (const bool allow : {false, true}) {
    CompareOptions options;
    options.gate["pass_rate"] = GateRule{.max_drop = 0.0};
    options.gate["rouge"] = GateRule{.max_drop = 0.0, .min = 0.4};
    options.gate["latency_mean"] = GateRule{.max_increase = 0.1};
    cli::GateSettings settings;
    settings.baseline_label = "base";
    settings.baseline_run_id = "base";
    settings.min_paired = 0.5;
    settings.allow_signature_mismatch = allow;
    settings.prompt_pairs["v1"] = "v2";
    const cli::GateStep step = gate_step(run, options, settings);

    CompareOptions held_options = options;
    held_options.min_paired = 0.5;
    held_options.allow_signature_mismatch = allow;
    held_options.prompt_pairs["v1"] = "v2";
    Comparison held = compare_runs(baseline, current, held_options);
    held.baseline_run_id = "base";
    ASSERT_EQ(held.cells.size(), 4u);  // the fixture has what it claims
    EXPECT_EQ(held.pairing.prompt_pairs.at("v1"), "v2");
    ASSERT_EQ(held.only_in_baseline.size(), 1u);
    ASSERT_EQ(held.only_in_current.size(), 1u);
    const nlohmann::json stored = step.comparison;
    EXPECT_EQ(stored, to_json(held));
    if (!allow) {
      // The first case in the current run's order whose signature differs is z's, though a's
      // comes first by key.
      EXPECT_NE(stored.dump().find("vs current rouge|Z"), std::string::npos);
    }
    const std::vector<FloorCheck> floors = check_floors(current, options.gate, options.pass);
    ASSERT_EQ(floors.size(), 1u);
    EXPECT_EQ(step.gate, gate_to_json(decide_gate(&held, floors), floors));
  }
}

TEST_F(StoredGateTest, CaseIdsOfAnyBytesPairAsInMemory) {
  // SQLite orders the keys by their bytes, as the rows are searched: upper before lower case,
  // bytes past ASCII (UTF-8 or not) last, an embedded NUL before any other byte, a prefix
  // before its extensions, and an empty id first.
  const std::vector<std::string> ids = {"b",      "B",          "a",  std::string("a\0b", 3),
                                        "a b",    "ab",         "",   "\xc3\xa4",
                                        "\xff",  "\xff\xfe", "10", "9"};
  auto run = [&](double shift) {
    std::vector<TrialResult> trials;
    for (size_t i = 0; i < ids.size(); ++i) {
      for (int repeat = 0; repeat < 2; ++repeat) {
        const double rouge = 0.4 + 0.04 * double(i) - (i % 2 == 0 ? shift : 0);
        TrialResult t = make_trial(ids[i], repeat, rouge >= 0.5, {{"rouge", rouge, "rouge|L"}});
        t.index = int64_t(trials.size());
        trials.push_back(t);
      }
    }
    return trials;
  };
  const std::vector<TrialResult> baseline = run(0);
  const std::vector<TrialResult> current = run(0.3);
  store_run("base", baseline);
  const RunRecord stored_run = store_run("cur", current);
  CompareOptions options;
  options.gate["rouge"] = GateRule{.max_drop = 0.0, .test = GateTest::kNone};
  cli::GateSettings settings;
  settings.baseline_label = "base";
  settings.baseline_run_id = "base";
  const cli::GateStep step = gate_step(stored_run, options, settings);
  Comparison held = compare_runs(baseline, current, options);
  held.baseline_run_id = "base";
  EXPECT_EQ(held.pairing.paired, int64_t(ids.size()));  // every case paired with itself
  EXPECT_EQ(step.comparison, to_json(held));
}

}  // namespace
}  // namespace evalkit

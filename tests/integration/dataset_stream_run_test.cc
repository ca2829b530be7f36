// Runs over a streamed dataset: a run reads the rows loaded with the suite, in plan order, and
// --resume finishes exactly the trials that were left, against the fake endpoint.
#include <atomic>
#include <cstdio>
#include <fstream>
#include <set>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "evalkit/run/runner.h"
#include "evalkit/store/store.h"
#include "evalkit/suite/suite_loader.h"
#include "tests/support/fake_openai_server.h"
#include "tests/support/process.h"
#include "tests/support/test_files.h"

namespace evalkit::testing {
namespace {

using ::testing::HasSubstr;

// Case qN asks "question N" and expects the fake's echo; two providers, one limited to a
// prompt, and two repeats, so each row has several trials.
std::string rows(int first, int count) {
  std::string text;
  for (int i = first; i < first + count; ++i) {
    const std::string n = std::to_string(i);
    text += "{\"id\": \"q" + n + "\", \"vars\": {\"n\": \"" + n +
            "\"}, \"expected\": \"echo: question " + n + "\"}\n";
  }
  return text;
}

const char kSuite[] = R"(suite: streamed
providers:
  - {id: one, type: openai-chat, model: fake-chat, base_url: "${FAKE_BASE_URL}", concurrency: 2}
  - {id: two, type: openai-chat, model: fake-chat, base_url: "${FAKE_BASE_URL}", prompts: [echo]}
prompts:
  - id: echo
    messages: [{role: user, content: "question {{n}}"}]
  - id: again
    messages: [{role: user, content: "question {{n}}"}]
scorers: [exact_match]
repeat: 2
cases:
  - {id: first, vars: {n: "100"}, expected: "echo: question 100"}
  - {file: rows.jsonl}
)";

// Stops the run after `after` trials, as Ctrl-C would.
class Stopper : public RunObserver {
 public:
  explicit Stopper(int64_t after) : after_(after) {}
  void on_trial(const TrialSpec&, const TrialResult&, int64_t finished) override {
    if (after_ > 0 && finished >= after_) stop.store(true);
  }
  std::atomic<bool> stop{false};

 private:
  int64_t after_;
};

class DatasetStreamRunTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = make_temp_dir("dataset-stream-run");
    write_test_file(dir_, "rows.jsonl", rows(0, 12));
    suite_path_ = write_test_file(dir_, "suite.yaml", kSuite);
    options_.getenv = [this](const std::string& name) -> std::optional<std::string> {
      if (name == "FAKE_BASE_URL") return server_.base_url();
      return std::nullopt;
    };
    ASSERT_TRUE(store_.open(dir_ + "/evalkit.db").is_ok());
  }

  Status load(Suite* suite) { return load_suite(suite_path_, suite, options_); }

  // The stored trials, by index, as "provider:prompt/case#repeat".
  std::vector<std::string> stored(const std::string& run_id) {
    std::vector<TrialResult> trials;
    EXPECT_TRUE(store_.load_trials(run_id, &trials).is_ok());
    std::vector<std::string> out(trials.size());
    for (const auto& t : trials) {
      EXPECT_LT(size_t(t.index), out.size());
      if (size_t(t.index) >= out.size()) continue;
      EXPECT_TRUE(out[size_t(t.index)].empty()) << "index " << t.index << " stored twice";
      out[size_t(t.index)] = t.key.provider_id + ":" + t.key.prompt_id + "/" + t.key.case_id + "#" +
                             std::to_string(t.key.repeat);
      EXPECT_TRUE(t.pass) << out[size_t(t.index)];
    }
    return out;
  }

  FakeOpenAIServer server_;
  std::string dir_, suite_path_;
  SuiteLoadOptions options_;
  Store store_;
};

// The case ids of the suite as loaded: "first", then q0 to q11 from the dataset.
std::vector<std::string> loaded_ids() {
  std::vector<std::string> ids = {"first"};
  for (int i = 0; i < 12; ++i) {
    std::string id = "q";  // appended apart: "q" + std::to_string(i) trips GCC 12's -Wrestrict
    id += std::to_string(i);
    ids.push_back(id);
  }
  return ids;
}

// What the plan must hold, in index order: each case, its prompts, their providers, repeats.
std::vector<std::string> expected_order(const std::vector<std::string>& ids) {
  std::vector<std::string> out;
  for (const auto& id : ids) {
    for (const std::string prompt : {"echo", "again"}) {
      for (const std::string provider : {"one", "two"}) {
        if (provider == "two" && prompt != "echo") continue;
        for (int r = 0; r < 2; ++r)
          out.push_back(provider + ":" + prompt + "/" + id + "#" + std::to_string(r));
      }
    }
  }
  return out;
}

TEST_F(DatasetStreamRunTest, AnInterruptedRunResumesWithExactlyTheTrialsLeft) {
  Suite suite;
  ASSERT_TRUE(load(&suite).is_ok());
  Stopper stopper(10);
  RunOptions options;
  options.jobs = 2;
  options.stop_requested = &stopper.stop;
  RunSummary first;
  ASSERT_TRUE(run_suite(suite, options, store_, stopper, &first).is_ok());
  EXPECT_EQ(first.status, "interrupted");
  EXPECT_EQ(first.planned, 13 * 6);
  ASSERT_LT(first.finished, first.planned);

  Stopper none(0);
  RunOptions resume;
  resume.resume_run_id = first.run_id;
  RunSummary second;
  ASSERT_TRUE(run_suite(suite, resume, store_, none, &second).is_ok());
  EXPECT_EQ(second.status, "complete") << second.status_reason;
  EXPECT_EQ(first.finished + second.finished, 13 * 6);

  const std::vector<std::string> ids = loaded_ids();
  EXPECT_EQ(stored(first.run_id), expected_order(ids));
}

TEST_F(DatasetStreamRunTest, ARunReadsTheRowsLoadedEvenWhenTheFileIsReplaced) {
  Suite suite;
  ASSERT_TRUE(load(&suite).is_ok());
  // Replaced after loading (as an editor or a checkout does): the run keeps the loaded rows.
  write_test_file(dir_, "rows.next", rows(50, 3));
  ASSERT_EQ(std::rename((dir_ + "/rows.next").c_str(), (dir_ + "/rows.jsonl").c_str()), 0);
  Stopper none(0);
  RunSummary summary;
  ASSERT_TRUE(run_suite(suite, {}, store_, none, &summary).is_ok());
  EXPECT_EQ(summary.status, "complete") << summary.status_reason;
  const std::vector<std::string> ids = loaded_ids();
  EXPECT_EQ(stored(summary.run_id), expected_order(ids));
}

TEST_F(DatasetStreamRunTest, ARowFileChangedInPlaceEndsTheRunIncompleteAndSaysWhy) {
  Suite suite;
  ASSERT_TRUE(load(&suite).is_ok());
  {
    std::ofstream out(dir_ + "/rows.jsonl", std::ios::binary | std::ios::trunc);
    out << rows(0, 5);  // cut short where it lies
  }
  Stopper none(0);
  RunSummary summary;
  ASSERT_TRUE(run_suite(suite, {}, store_, none, &summary).is_ok());
  EXPECT_EQ(summary.status, "incomplete");
  EXPECT_THAT(summary.status_reason, HasSubstr("dataset file " + dir_ +
                                               "/rows.jsonl changed "
                                               "after the suite was loaded"));
  EXPECT_LT(summary.finished, summary.planned);
}

}  // namespace
}  // namespace evalkit::testing

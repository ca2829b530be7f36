// evalkit annotate end to end: a reviews file (as the HTML report exports it) is stored
// with its run and shows up in the run's next report; a file that is malformed, hostile or
// made for another run is refused with the place and reason, and stores nothing.
#include <filesystem>
#include <fstream>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "evalkit/store/store.h"
#include "tests/support/process.h"
#include "tests/support/store_query.h"
#include "tests/support/test_files.h"

namespace evalkit::testing {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;

constexpr const char* kRun = "20261130T100000Z-reviewed-0001";

class AnnotateCommandTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = make_temp_dir("annotate-command");
    db_ = dir_ + "/evalkit.db";
    Store store;
    ASSERT_TRUE(store.open(db_).is_ok());
    RunRecord run;
    run.id = kRun;
    run.suite = "reviewed";
    run.started_at = "2026-11-30T10:00:00Z";
    run.status = "complete";
    ASSERT_TRUE(store.create_run(run).is_ok());
    std::vector<TrialResult> trials;
    for (int i = 0; i < 4; ++i) {
      TrialResult t;
      t.index = i;
      t.key = {"q" + std::to_string(i), "echo", "assistant", 0};
      t.answer.text = "echo: question " + std::to_string(i);
      t.pass = i != 2;
      trials.push_back(t);
    }
    ASSERT_TRUE(store.write_trials(kRun, trials).is_ok());
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::string write(const std::string& name, const std::string& text) {
    const std::string path = dir_ + "/" + name;
    std::ofstream(path, std::ios::binary) << text;
    return path;
  }
  static json entry(int index, const std::string& case_id, const json& verdict,
                    const std::string& comment) {
    return {{"trial_index", index}, {"case_id", case_id},
            {"prompt_id", "echo"},  {"provider_id", "assistant"},
            {"repeat", 0},          {"verdict", verdict},
            {"comment", comment},   {"updated_at", "2026-11-30T10:05:00Z"}};
  }
  static json file(const json& annotations, const std::string& run = kRun) {
    return {{"format", "evalkit-annotations"},
            {"version", 1},
            {"run_id", run},
            {"annotations", annotations}};
  }
  ProcessResult import(const std::string& path, std::vector<std::string> extra = {}) {
    std::vector<std::string> args = {"annotate", "import", path, "--db", db_};
    args.insert(args.end(), extra.begin(), extra.end());
    return run_evalkit(args);
  }
  int64_t stored() { return sql_count(db_, "SELECT COUNT(*) FROM annotations"); }

  std::string dir_, db_;
};

TEST_F(AnnotateCommandTest, StoresTheReviewsAndTheNextReportCarriesThem) {
  const std::string path =
      write("reviews.json", file(json::array({entry(2, "q2", "pass", "the answer is right"),
                                              entry(3, "q3", nullptr, "worth a second look")}))
                                .dump());
  const ProcessResult r = import(path, {"--author", "alice"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_THAT(r.out, HasSubstr("Stored 2 annotations (1 with a verdict) and removed 0"));
  EXPECT_EQ(stored(), 2);

  const ProcessResult report =
      run_evalkit({"report", kRun, "--db", db_, "--json", dir_ + "/run.json"});
  ASSERT_EQ(report.exit_code, 0) << report.err;
  const json doc = read_json_file(dir_ + "/run.json");
  EXPECT_EQ(doc["trials"][2]["annotation"], json({{"verdict", "pass"},
                                                  {"comment", "the answer is right"},
                                                  {"author", "alice"},
                                                  {"updated_at", "2026-11-30T10:05:00Z"}}));
  EXPECT_EQ(doc["trials"][3]["annotation"]["verdict"], nullptr);
  EXPECT_FALSE(doc["trials"][0].contains("annotation"));
  // The trial's own result is untouched.
  EXPECT_EQ(doc["trials"][2]["pass"], false);

  // Export writes the same format; importing it again changes nothing.
  ASSERT_EQ(run_evalkit({"annotate", "export", kRun, dir_ + "/out.json", "--db", db_}).exit_code,
            0);
  const json exported = read_json_file(dir_ + "/out.json");
  EXPECT_EQ(exported["annotations"].size(), 2u);
  EXPECT_EQ(import(dir_ + "/out.json").exit_code, 0);
  EXPECT_EQ(stored(), 2);
  // An entry without verdict and comment removes the stored one.
  const ProcessResult cleared =
      import(write("clear.json", file(json::array({entry(3, "q3", nullptr, "")})).dump()));
  EXPECT_THAT(cleared.out, HasSubstr("removed 1"));
  EXPECT_EQ(stored(), 1);
}

TEST_F(AnnotateCommandTest, RefusesBadFilesWithPlaceAndReasonAndStoresNothing) {
  const json good = entry(1, "q1", "fail", "ok");
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"{\n  \"format\": \"evalkit-annotations\",\n  \"version\": 1,\n  oops\n}",
       "bad.json:4:3: not valid JSON"},
      {json({{"format", "promptfoo"}}).dump(), "not an evalkit reviews file"},
      {json({{"format", "evalkit-annotations"}, {"version", 2}}).dump(),
       "version 2 is not supported"},
      {file(json::array({good}), "20990101T000000Z-other-0001").dump(),
       "run 20990101T000000Z-other-0001 is not in"},
      {file(json::array({good, entry(99, "q99", "pass", "")})).dump(),
       "annotations[1]: run " + std::string(kRun) + " has no trial 99 (test #100)"},
      {file(json::array({good, entry(2, "q7", "pass", "")})).dump(),
       "annotations[1]: trial 2 of run " + std::string(kRun) +
           " is q2 / echo / assistant repeat 0, not the q7 / echo / assistant the reviewer saw"},
      {file(json::array({good, entry(2, "q2", "maybe", "")})).dump(),
       "annotations[1].verdict: expected \"pass\", \"fail\" or null, got \"maybe\""},
      {file(json::array({good, entry(2, "q2", "pass", std::string(10001, 'c'))})).dump(),
       "annotations[1].comment: longer than 10000 characters"},
      {file(json::array({good, entry(1, "q1", "pass", "")})).dump(),
       "annotations[1]: trial 1 is annotated twice (also annotations[0])"},
      {file(json::array({good, {{"trial_index", -1}}})).dump(),
       "annotations[1].trial_index: expected a whole number from 0, got -1"},
      {std::string(100000, '[') + std::string(100000, ']'), "bad.json:1:17: nested more than 16"},
  };
  for (const auto& [text, message] : cases) {
    const ProcessResult r = import(write("bad.json", text));
    EXPECT_EQ(r.exit_code, 3) << message;
    EXPECT_THAT(r.err, HasSubstr(message));
    EXPECT_EQ(stored(), 0) << "nothing is stored from a file with a bad entry: " << message;
  }
  // A huge file is refused without being read whole; a missing one is named.
  const std::string huge = dir_ + "/huge.json";
  std::ofstream(huge) << "{";
  std::filesystem::resize_file(huge, (size_t(64) << 20) + 10);
  EXPECT_THAT(import(huge).err, HasSubstr("huge.json: larger than 64 MiB"));
  EXPECT_THAT(import(dir_ + "/missing.json").err, HasSubstr("cannot read"));
  EXPECT_EQ(stored(), 0);
  const ProcessResult usage = run_evalkit({"annotate", "import"});
  EXPECT_EQ(usage.exit_code, 3);
  EXPECT_THAT(usage.err, HasSubstr("Usage: evalkit annotate import FILE"));
}

}  // namespace
}  // namespace evalkit::testing

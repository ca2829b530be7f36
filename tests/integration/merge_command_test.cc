// evalkit merge: shards of one suite, run apart, become one run that compare and report use.
#include <fstream>
#include <sstream>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "tests/support/process.h"
#include "tests/support/test_files.h"

namespace evalkit::testing {
namespace {

using ::testing::HasSubstr;

std::string echo_suite(const std::string& dir) {
  std::string text = R"(suite: echo
providers:
  - {id: echo, type: exec, command: cat, concurrency: 2}
prompts:
  - {id: echo, prompt: "{{text}}"}
cases:
  - {id: wrong, vars: {text: "yes"}, expected: "no"}
)";
  for (int i = 0; i < 12; ++i) {
    text += "  - {id: case-" + std::to_string(i) + ", vars: {text: \"yes\"}, expected: \"yes\"}\n";
  }
  text += "scorers: [exact_match]\n";
  const std::string path = dir + "/suite.yaml";
  std::ofstream(path) << text;
  return path;
}

TEST(MergeCommand, JoinsShardReportsIntoOneRun) {
  const std::string dir = make_temp_dir("merge_reports");
  const std::string suite = echo_suite(dir);
  size_t shard_trials = 0;
  for (int i = 1; i <= 3; ++i) {
    const std::string n = std::to_string(i);
    const ProcessResult shard =
        run_evalkit({"run", suite, "--shard", n + "/3", "--db", dir + "/shard" + n + ".db",
                     "--report-json", dir + "/shard" + n + ".json"});
    ASSERT_NE(shard.exit_code, 3) << shard.err;
    shard_trials += read_json_file(dir + "/shard" + n + ".json")["trials"].size();
  }
  EXPECT_EQ(shard_trials, 13u);

  const std::string db = dir + "/merged.db";
  const ProcessResult merged = run_evalkit(
      {"merge", dir + "/shard2.json", dir + "/shard1.json", dir + "/shard3.json", "--db", db,
       "--into", "nightly", "-o", dir + "/merged.json", "--junit", dir + "/merged.xml"});
  EXPECT_EQ(merged.exit_code, 1) << merged.out << merged.err;  // case 'wrong' fails
  EXPECT_THAT(merged.out, HasSubstr("13 trials, 12 passed, 1 failed"));
  const nlohmann::json doc = read_json_file(dir + "/merged.json");
  ASSERT_EQ(doc["trials"].size(), 13u);
  EXPECT_EQ(doc["trials"][0]["case_id"], "case-0");
  EXPECT_EQ(doc["run"]["planned_trials"], 13);

  // The merged run gates like any other: compared with itself nothing regresses.
  const ProcessResult compare = run_evalkit({"compare", "nightly", "nightly", "--db", db});
  EXPECT_EQ(compare.exit_code, 0) << compare.out << compare.err;
  const ProcessResult exported =
      run_evalkit({"baseline", "export", "nightly", dir + "/exported.json", "--db", db});
  EXPECT_EQ(exported.exit_code, 0) << exported.err;
  EXPECT_EQ(read_json_file(dir + "/exported.json")["trials"].size(), 13u);
}

TEST(MergeCommand, JoinsStoredRuns) {
  const std::string dir = make_temp_dir("merge_runs");
  const std::string suite = echo_suite(dir);
  const std::string db = dir + "/evalkit.db";
  run_evalkit({"run", suite, "--db", db, "-R", "^case-"});
  run_evalkit({"run", suite, "--db", db, "-R", "^wrong$"});
  const ProcessResult runs = run_evalkit({"runs", "--db", db});
  std::vector<std::string> ids;
  std::istringstream lines(runs.out);
  for (std::string line; std::getline(lines, line);) {
    if (line.find(" echo ") != std::string::npos) ids.push_back(line.substr(0, line.find(' ')));
  }
  ASSERT_EQ(ids.size(), 2u) << runs.out;
  const ProcessResult merged = run_evalkit({"merge", ids[0], ids[1], "--db", db});
  EXPECT_EQ(merged.exit_code, 1) << merged.err;
  EXPECT_THAT(merged.out, HasSubstr("Merged 2 runs of suite 'echo': 13 trials"));
}

TEST(MergeCommand, RefusesOverlappingShardsAndOtherSuites) {
  const std::string dir = make_temp_dir("merge_refuse");
  const std::string suite = echo_suite(dir);
  ASSERT_NE(run_evalkit({"run", suite, "--db", dir + "/a.db", "--report-json", dir + "/a.json"})
                .exit_code,
            3);
  const ProcessResult twice =
      run_evalkit({"merge", dir + "/a.json", dir + "/a.json", "--db", dir + "/m.db"});
  EXPECT_EQ(twice.exit_code, 3);
  EXPECT_THAT(twice.err, HasSubstr("is in both"));

  std::ofstream(dir + "/other.yaml") << R"(suite: other
providers:
  - {id: echo, type: exec, command: cat}
prompts:
  - {id: echo, prompt: "{{text}}"}
cases:
  - {id: one, vars: {text: "x"}, expected: "x"}
scorers: [exact_match]
)";
  run_evalkit(
      {"run", dir + "/other.yaml", "--db", dir + "/b.db", "--report-json", dir + "/b.json"});
  const ProcessResult mixed =
      run_evalkit({"merge", dir + "/a.json", dir + "/b.json", "--db", dir + "/m.db"});
  EXPECT_EQ(mixed.exit_code, 3);
  EXPECT_THAT(mixed.err, HasSubstr("suite 'other'"));

  const ProcessResult missing = run_evalkit({"merge", dir + "/nope.json", "--db", dir + "/m.db"});
  EXPECT_EQ(missing.exit_code, 3);
}

// Reports are read as streams; one written by another tool may list its trials before its run,
// and a broken one is refused with its name, leaving no half-merged run behind.
TEST(MergeCommand, ReadsReportsInAnyKeyOrderAndRefusesBrokenOnes) {
  const std::string dir = make_temp_dir("merge_stream");
  const std::string suite = echo_suite(dir);
  for (int i = 1; i <= 2; ++i) {
    const std::string n = std::to_string(i);
    ASSERT_NE(run_evalkit({"run", suite, "--shard", n + "/2", "--db", dir + "/s" + n + ".db",
                           "--report-json", dir + "/s" + n + ".json"})
                  .exit_code,
              3);
  }
  // The second report rewritten with "trials" first and "run" last.
  const nlohmann::json original = read_json_file(dir + "/s2.json");
  nlohmann::ordered_json reordered;
  reordered["trials"] = original["trials"];
  reordered["summary"] = original["summary"];
  reordered["run"] = original["run"];
  std::ofstream(dir + "/s2-reordered.json") << reordered.dump();
  const ProcessResult merged = run_evalkit({"merge", dir + "/s1.json", dir + "/s2-reordered.json",
                                            "--db", dir + "/m.db", "-o", dir + "/merged.json"});
  EXPECT_EQ(merged.exit_code, 1) << merged.err;
  EXPECT_THAT(merged.out, HasSubstr("13 trials, 12 passed, 1 failed"));
  const nlohmann::json doc = read_json_file(dir + "/merged.json");
  ASSERT_EQ(doc["trials"].size(), 13u);
  for (size_t i = 0; i < doc["trials"].size(); ++i) EXPECT_EQ(doc["trials"][i]["index"], int(i));
  EXPECT_EQ(doc["trials"][0]["case_id"], "case-0");

  // A trial that is not an object, and a document nested past the limit.
  nlohmann::json broken = original;
  broken["trials"].push_back(42);
  std::ofstream(dir + "/broken.json") << broken.dump();
  const ProcessResult refused =
      run_evalkit({"merge", dir + "/s1.json", dir + "/broken.json", "--db", dir + "/refused.db"});
  EXPECT_EQ(refused.exit_code, 3);
  EXPECT_THAT(refused.err, HasSubstr("broken.json"));
  std::ofstream(dir + "/deep.json") << "{\"run\": " + std::string(100000, '[') + "}";
  const ProcessResult deep =
      run_evalkit({"merge", dir + "/s1.json", dir + "/deep.json", "--db", dir + "/refused.db"});
  EXPECT_EQ(deep.exit_code, 3);
  EXPECT_THAT(deep.err, HasSubstr("deep.json"));
  // Neither refusal left a run in the database.
  const ProcessResult runs = run_evalkit({"runs", "--db", dir + "/refused.db"});
  EXPECT_THAT(runs.out, ::testing::Not(HasSubstr("merged")));
}

}  // namespace
}  // namespace evalkit::testing

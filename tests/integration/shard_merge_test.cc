// Scale past one machine: four shards of one suite run as separate evalkit processes at the
// same time against one endpoint, and `evalkit merge` joins their reports into one run in
// which every case appears exactly once. (bench/shard_merge_throughput runs the full size and
// reports the merge's time and memory.)
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "tests/support/child_process.h"
#include "tests/support/fake_openai_server.h"
#include "tests/support/process.h"
#include "tests/support/test_files.h"

namespace evalkit::testing {
namespace {

using ::testing::HasSubstr;

constexpr int kCases = 2000;
constexpr int kShards = 4;

// Every tenth case expects another answer than the endpoint gives, so it fails.
bool expected_to_fail(int i) { return i % 10 == 3; }

std::string write_suite(const std::string& dir, const std::string& base_url) {
  std::string data;
  for (int i = 0; i < kCases; ++i) {
    data += "{\"id\": \"case-" + std::to_string(i) + "\", \"vars\": {\"n\": " + std::to_string(i) +
            "}, \"expected\": \"" + (expected_to_fail(i) ? "London" : "Paris") + "\"}\n";
  }
  write_test_file(dir, "cases.jsonl", data);
  return write_test_file(dir, "suite.yaml",
                         "suite: sharded\nproviders:\n  - id: endpoint\n    type: openai-chat\n"
                         "    model: fake-chat\n    base_url: " +
                             base_url +
                             "\n    concurrency: 16\n"
                             "prompts:\n  - id: p\n    messages: [{role: user, content: \"Question "
                             "{{n}}\"}]\n"
                             "cases:\n  - file: cases.jsonl\nscorers:\n  - {type: exact_match}\n");
}

TEST(ShardMerge, FourShardProcessesMergeIntoOneRunWithEveryCaseOnce) {
  FakeOpenAIServerOptions options;
  options.rules = {{"", "Paris", {}, {}, {}}};
  FakeOpenAIServer server(options);
  const std::string dir = make_temp_dir("shard_merge");
  const std::string suite = write_suite(dir, server.base_url());

  // The shards run side by side, each with its own database, as on four machines.
  std::vector<std::unique_ptr<ChildProcess>> shards;
  for (int i = 1; i <= kShards; ++i) {
    const std::string n = std::to_string(i);
    shards.push_back(std::make_unique<ChildProcess>(
        std::vector<std::string>{evalkit_binary(), "run", suite, "--shard",
                                 n + "/" + std::to_string(kShards), "--db",
                                 dir + "/shard" + n + ".db", "--report-json",
                                 dir + "/shard" + n + ".json", "-q", "--no-progress"},
        std::map<std::string, std::string>{}, dir + "/shard" + n));
  }
  size_t shard_trials = 0;
  std::vector<std::string> merge_args = {"merge"};
  for (int i = 1; i <= kShards; ++i) {
    const ChildExit exit = shards[size_t(i - 1)]->wait(240);
    // A shard with failing cases exits 1; anything else is an error of the run itself.
    EXPECT_EQ(exit.exit_code, 1) << shards[size_t(i - 1)]->err();
    const std::string report = dir + "/shard" + std::to_string(i) + ".json";
    const size_t trials = read_json_file(report)["trials"].size();
    EXPECT_GT(trials, size_t(kCases / kShards / 2)) << "shard " << i << " is lopsided";
    shard_trials += trials;
    merge_args.push_back(report);
  }
  EXPECT_EQ(shard_trials, size_t(kCases));
  EXPECT_EQ(server.stats().ok, uint64_t(kCases));  // every case asked once, by one shard

  merge_args.insert(merge_args.end(), {"--db", dir + "/merged.db", "--into", "nightly",
                                       "--report-json", dir + "/merged.json"});
  const ProcessResult merged = run_evalkit(merge_args);
  EXPECT_EQ(merged.exit_code, 1) << merged.out << merged.err;  // the failing tenth
  const int failing = kCases / 10;
  EXPECT_THAT(merged.out,
              HasSubstr(std::to_string(kCases) + " trials, " + std::to_string(kCases - failing) +
                        " passed, " + std::to_string(failing) + " failed"));

  const nlohmann::json doc = read_json_file(dir + "/merged.json");
  ASSERT_EQ(doc["trials"].size(), size_t(kCases));
  EXPECT_EQ(doc["run"]["planned_trials"], kCases);
  std::set<std::string> seen;
  int failed = 0;
  for (const auto& trial : doc["trials"]) {
    const std::string id = trial["case_id"].get<std::string>();
    EXPECT_TRUE(seen.insert(id).second) << id << " is in the merged run twice";
    const int n = std::stoi(id.substr(5));
    EXPECT_EQ(trial["pass"].get<bool>(), !expected_to_fail(n)) << id;
    if (!trial["pass"].get<bool>()) ++failed;
  }
  EXPECT_EQ(seen.size(), size_t(kCases));
  EXPECT_EQ(failed, failing);

  // The merged run is stored under its name and exports whole.
  const ProcessResult exported = run_evalkit(
      {"baseline", "export", "nightly", dir + "/exported.json", "--db", dir + "/merged.db"});
  ASSERT_EQ(exported.exit_code, 0) << exported.err;
  EXPECT_EQ(read_json_file(dir + "/exported.json")["trials"].size(), size_t(kCases));
}

}  // namespace
}  // namespace evalkit::testing

// End-to-end: the database, the replay recording and a replay file on a disk that fills up,
// turns read-only or holds a cut file. Results that finished are never silently lost, the
// exit code says the infrastructure failed, and the way back (--resume) works.
//
// The disk is a small tmpfs mounted by the test (it needs CAP_SYS_ADMIN, as root in a
// container has); where mounting is refused the same faults come from RLIMIT_FSIZE.
#include <filesystem>
#include <fstream>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "tests/support/echo_suite.h"
#include "tests/support/fake_openai_server.h"
#include "tests/support/process.h"
#include "tests/support/small_filesystem.h"
#include "tests/support/store_query.h"
#include "tests/support/test_files.h"

namespace evalkit::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::MatchesRegex;

// Every case's answer is this long, so 40 of them cannot fit on the small disk.
FakeOpenAIServerOptions long_answers() {
  FakeOpenAIServerOptions options;
  options.rules = {{"question", std::string(16 * 1024, 'a'), {}, {}, {}}};
  return options;
}

TEST(DiskFailureTest, FullDiskLosesNoFinishedTrialSilentlyAndResumeFinishesTheRun) {
  FakeOpenAIServer server(long_answers());
  const std::string dir = make_temp_dir("disk-full");
  const std::string suite = write_test_file(dir, "suite.yaml", echo_suite("full", 40));
  SmallFilesystem disk(dir + "/small", 256 * 1024);
  ProcessOptions env;
  env.env["FAKE_BASE_URL"] = server.base_url();
  if (!disk.mounted()) {
    std::printf("tmpfs refused (%s); using RLIMIT_FSIZE of 256 KiB\n", disk.error().c_str());
    env.max_file_size = 256 * 1024;
  }
  const std::string db = disk.dir() + "/s.db";
  // Reports go to the healthy disk; they must still be written.
  ProcessResult r = run_evalkit(
      {"run", suite, "--db", db, "--report-json", dir + "/r.json", "--junit", dir + "/r.xml", "-q"},
      env);
  EXPECT_EQ(r.exit_code, 4) << r.out << r.err;
  EXPECT_THAT(r.err, HasSubstr("evalkit run: the database " + db + " failed"));
  EXPECT_THAT(r.err, MatchesRegex("(.|\n)* [0-9]+ of 40 finished trials are not stored; the run "
                                  "is incomplete(.|\n)*"));
  EXPECT_THAT(r.err, HasSubstr("--resume "));
  ASSERT_TRUE(std::filesystem::exists(dir + "/r.json")) << r.err;
  ASSERT_TRUE(std::filesystem::exists(dir + "/r.xml"));
  const nlohmann::json doc = read_json_file(dir + "/r.json");
  const size_t stored = doc["trials"].size();
  EXPECT_LT(stored, 40u);
  const std::string run_id = doc["run"]["id"];

  // Space again: --resume runs exactly the missing trials and completes the run.
  if (disk.mounted()) {
    ASSERT_TRUE(disk.resize(64 << 20));
  } else {
    env.max_file_size = 0;
  }
  r = run_evalkit({"run", suite, "--db", db, "--resume", run_id, "-q"}, env);
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;  // the long answers fail exact_match
  EXPECT_EQ(sql_count(db, "SELECT COUNT(*) FROM trials"), 40);
  EXPECT_EQ(sql_count(db, "SELECT COUNT(*) FROM runs WHERE status = 'complete'"), 1);
  EXPECT_GE(server.stats().ok, 40u);
}

TEST(DiskFailureTest, RecordingOnAFullDiskWarnsAndLeavesNoCutLine) {
  FakeOpenAIServer server(long_answers());
  const std::string dir = make_temp_dir("record-full");
  const std::string suite = write_test_file(dir, "suite.yaml", echo_suite("rec", 40));
  SmallFilesystem disk(dir + "/small", 100 * 1024);
  ProcessOptions env;
  env.env["FAKE_BASE_URL"] = server.base_url();
  std::string record = disk.dir() + "/rec.jsonl";
  if (!disk.mounted()) {
    // Without a small disk, the file size limit would hit the database too: keep the
    // database small (few answers are long enough to matter) and the limit above it.
    std::printf("tmpfs refused (%s); using RLIMIT_FSIZE\n", disk.error().c_str());
    env.max_file_size = 100 * 1024;
  }
  const ProcessResult r =
      run_evalkit({"run", suite, "--db", dir + "/s.db", "--record", record, "-q"}, env);
  EXPECT_EQ(r.exit_code, 4) << r.out << r.err;
  EXPECT_THAT(r.err, MatchesRegex("(.|\n)*evalkit run: writing record file .*rec.jsonl failed "
                                  "after [0-9]+ answers \\(.*\\); recording stopped\n(.|\n)*"));
  std::ifstream in(record, std::ios::binary);
  const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  ASSERT_FALSE(bytes.empty());
  EXPECT_EQ(bytes.back(), '\n') << "the last line is cut";
  std::istringstream lines(bytes);
  std::string line;
  int count = 0;
  while (std::getline(lines, line)) {
    EXPECT_FALSE(nlohmann::json::parse(line, nullptr, false).is_discarded()) << line.size();
    ++count;
  }
  EXPECT_GT(count, 0);
  EXPECT_LT(count, 40);
}

TEST(DiskFailureTest, ReplayStrictShowsWhyAResponsesFileCannotBeRead) {
  const std::string dir = make_temp_dir("replay-errors");
  std::string text = echo_suite("offline", 3, "    responses: answers.jsonl\n");
  const std::string line = "    base_url: ${FAKE_BASE_URL}\n";
  text.erase(text.find(line), line.size());
  const std::string suite = write_test_file(dir, "suite.yaml", text);
  ProcessResult r = run_evalkit({"run", suite, "--db", dir + "/s.db", "--replay-strict"});
  EXPECT_EQ(r.exit_code, 3) << r.out << r.err;
  EXPECT_THAT(r.err, HasSubstr("cannot read replay file " + dir +
                               "/answers.jsonl: No such file or directory"));
  EXPECT_THAT(r.out, ::testing::Not(HasSubstr("replay_miss")));

  // A recording cut by a kill or a full disk: the line is named and the cause suggested.
  write_test_file(dir, "answers.jsonl",
                  R"({"key": "k1", "response": {"text": "a"}})"
                  "\n"
                  R"({"key": "k2", "resp)");
  r = run_evalkit({"run", suite, "--db", dir + "/s.db", "--replay-strict"});
  EXPECT_EQ(r.exit_code, 3) << r.out << r.err;
  EXPECT_THAT(r.err, HasSubstr("answers.jsonl:2: not a JSON object: the file's last line is cut"));
}

TEST(DiskFailureTest, ReadOnlyStoreCanStillBeRead) {
  FakeOpenAIServer server;
  const std::string dir = make_temp_dir("read-only-store");
  const std::string suite = write_test_file(dir, "suite.yaml", echo_suite("ro", 4));
  SmallFilesystem disk(dir + "/ro", 8 << 20);
  if (!disk.mounted() && geteuid() == 0) {
    GTEST_SKIP() << "as root only a read-only mount makes a file unwritable: " << disk.error();
  }
  const std::string db = disk.dir() + "/s.db";
  ProcessOptions env;
  env.env["FAKE_BASE_URL"] = server.base_url();
  ASSERT_EQ(run_evalkit({"run", suite, "--db", db, "-q"}, env).exit_code, 0);
  if (disk.mounted()) {
    ASSERT_TRUE(disk.make_read_only());
  } else {
    std::filesystem::permissions(db, std::filesystem::perms::owner_read);
    std::filesystem::permissions(
        disk.dir(), std::filesystem::perms::owner_read | std::filesystem::perms::owner_exec);
  }
  ProcessResult r = run_evalkit({"runs", "--db", db});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("complete"));
  r = run_evalkit({"report", "last", "--db", db, "--json", dir + "/r.json"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(read_json_file(dir + "/r.json")["trials"].size(), 4u);
  r = run_evalkit({"baseline", "list", "--db", db});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  if (!disk.mounted()) {
    std::filesystem::permissions(disk.dir(), std::filesystem::perms::owner_all);
  }
}

}  // namespace
}  // namespace evalkit::testing

// Where reports go: `-` is standard output for every report flag, special files are written in
// place, regular files through a unique temporary file that is never a planted symlink and
// never left behind; one spelling of the report flags on every command.
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <future>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "tests/support/echo_suite.h"
#include "tests/support/fake_openai_server.h"
#include "tests/support/process.h"
#include "tests/support/test_files.h"

namespace evalkit::testing {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

// Files in dir whose name starts with prefix (leftover temporary files).
std::vector<std::string> files_starting_with(const std::string& dir, const std::string& prefix) {
  std::vector<std::string> found;
  for (const auto& entry : fs::directory_iterator(dir)) {
    const std::string name = entry.path().filename().string();
    if (name.rfind(prefix, 0) == 0) found.push_back(name);
  }
  return found;
}

class ReportOutputsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = make_temp_dir(std::string("report-outputs-") +
                         ::testing::UnitTest::GetInstance()->current_test_info()->name());
    db_ = dir_ + "/e.db";
    env_.env["FAKE_BASE_URL"] = server_.base_url();
    env_.working_dir = dir_;
    suite_ = write_test_file(dir_, "suite.yaml", echo_suite("outputs", 8));
    const ProcessResult r = run_evalkit({"run", suite_, "--db", db_, "-q"}, env_);
    ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  }

  FakeOpenAIServer server_;
  ProcessOptions env_;
  std::string dir_, db_, suite_;
};

TEST_F(ReportOutputsTest, DashIsStandardOutputForEveryReportFlag) {
  const std::vector<std::pair<std::string, std::string>> flags = {
      {"--report-json", "\"format_version\""},
      {"--json", "\"format_version\""},
      {"--report-md", "## "},
      {"--md", "## "},
      {"--report-html", "<!doctype html>"},
      {"--html", "<!doctype html>"},
      {"--junit", "<testsuites"}};
  for (const auto& [flag, start] : flags) {
    const ProcessResult r = run_evalkit({"report", "last", "--db", db_, flag, "-"}, env_);
    EXPECT_EQ(r.exit_code, 0) << flag << r.err;
    EXPECT_THAT(r.out, HasSubstr(start)) << flag;
    EXPECT_FALSE(fs::exists(dir_ + "/-")) << flag << " created a file named '-'";
  }
  // `run` moves its console to standard error, so standard output is the report alone.
  const ProcessResult run =
      run_evalkit({"run", suite_, "--db", db_, "-q", "--report-json", "-"}, env_);
  EXPECT_EQ(run.exit_code, 0) << run.err;
  const nlohmann::json document = nlohmann::json::parse(run.out);
  EXPECT_EQ(document["summary"]["trials"], 8);
  EXPECT_THAT(run.err, HasSubstr("tests passed"));
  EXPECT_FALSE(fs::exists(dir_ + "/-"));
  // And the exported baseline.
  ASSERT_EQ(run_evalkit({"baseline", "save", "main", "--db", db_}, env_).exit_code, 0);
  const ProcessResult exported =
      run_evalkit({"baseline", "export", "main", "-", "--db", db_}, env_);
  EXPECT_EQ(exported.exit_code, 0) << exported.err;
  EXPECT_EQ(nlohmann::json::parse(exported.out)["run"]["suite"], "outputs");
}

TEST_F(ReportOutputsTest, DevStdoutRedirectedToAFileGetsTheConsoleAndTheReportInOrder) {
  const std::string out = dir_ + "/out.txt";
  const ProcessResult r =
      run_process({"/bin/sh", "-c",
                   "\"$0\" report last --db \"$1\" --report-md /dev/stdout > \"$2\" && "
                   "\"$0\" run \"$3\" --db \"$1\" -q --report-md /dev/stdout >> \"$2\"",
                   evalkit_binary(), db_, out, suite_},
                  env_);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::string text = read_text_file(out);
  EXPECT_THAT(text, StartsWith("## ✅ evalkit: outputs"));
  EXPECT_EQ(text.find("## ✅ evalkit: outputs"), text.find("## ✅"));
  EXPECT_NE(text.rfind("## ✅ evalkit: outputs"), text.find("## ✅ evalkit: outputs"));
  EXPECT_TRUE(fs::is_regular_file(out));
  // /dev/stdout is still the link it was, not a file renamed over it.
  EXPECT_TRUE(fs::is_symlink("/dev/stdout"));
}

TEST_F(ReportOutputsTest, AFifoReaderGetsTheWholeReport) {
  const std::string fifo = dir_ + "/report.fifo";
  ASSERT_EQ(mkfifo(fifo.c_str(), 0600), 0);
  auto reader = std::async(std::launch::async, [&] { return read_text_file(fifo); });
  const ProcessResult r = run_evalkit({"report", "last", "--db", db_, "--report-json", fifo}, env_);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  const std::string received = reader.get();
  ASSERT_FALSE(received.empty());
  EXPECT_EQ(nlohmann::json::parse(received)["summary"]["trials"], 8);
  struct stat info;
  ASSERT_EQ(stat(fifo.c_str(), &info), 0);
  EXPECT_TRUE(S_ISFIFO(info.st_mode)) << "the FIFO was replaced";
}

TEST_F(ReportOutputsTest, APlantedSymlinkAtTheOldTemporaryNameIsNotFollowed) {
  const std::string victim = dir_ + "/victim.txt";
  std::ofstream(victim) << "keep me";
  fs::create_symlink(victim, dir_ + "/report.md.tmp");
  const ProcessResult r =
      run_evalkit({"report", "last", "--db", db_, "--report-md", dir_ + "/report.md"}, env_);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(read_text_file(victim), "keep me");
  EXPECT_THAT(read_text_file(dir_ + "/report.md"), StartsWith("## "));
  EXPECT_TRUE(files_starting_with(dir_, ".report.md.").empty());
  // The file is readable like any other the user creates (mkstemp alone gives 0600).
  struct stat info;
  ASSERT_EQ(stat((dir_ + "/report.md").c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0044, 0044u);
}

TEST_F(ReportOutputsTest, AFailedWriteLeavesTheOldReportAndNoTemporaryFile) {
  // The report goes to a 16 KiB tmpfs (in a private mount namespace) that already holds the
  // old report: the new one does not fit (ENOSPC part way through the temporary file).
  const std::string full = dir_ + "/full";
  fs::create_directories(full);
  const std::string script =
      "mount -t tmpfs -o size=16k tmpfs \"$1\" || exit 99\n"
      "echo 'old report' > \"$1/report.html\"\n"
      "\"$0\" report last --db \"$2\" --report-html \"$1/report.html\"\n"
      "status=$?\n"
      "ls -A \"$1\" > \"$3/listing.txt\"\n"
      "cat \"$1/report.html\" > \"$3/after.txt\"\n"
      "exit $status\n";
  const ProcessResult r = run_process({"/usr/bin/unshare", "--user", "--map-root-user", "--mount",
                                       "/bin/sh", "-c", script, evalkit_binary(), full, db_, dir_},
                                      env_);
  if (r.exit_code == 99 || r.exit_code == -1 || r.exit_code == 127) {
    GTEST_SKIP() << "cannot mount a tmpfs in a private namespace here (exit " << r.exit_code
                 << "): " << r.err;
  }
  EXPECT_EQ(r.exit_code, 4) << r.out << r.err;
  EXPECT_THAT(r.err, HasSubstr("cannot write " + full + "/report.html: No space left on device"));
  EXPECT_EQ(read_text_file(dir_ + "/after.txt"), "old report\n");
  EXPECT_EQ(read_text_file(dir_ + "/listing.txt"), "report.html\n");  // no temporary file left
}

TEST_F(ReportOutputsTest, OneSpellingOfTheReportFlagsOnEveryCommand) {
  ASSERT_EQ(run_evalkit({"baseline", "save", "main", "--db", db_}, env_).exit_code, 0);
  const std::vector<std::vector<std::string>> commands = {
      {"run", suite_, "-q"}, {"report", "last"}, {"compare", "main", "last"}, {"merge", "last"}};
  int n = 0;
  for (const auto& command : commands) {
    const std::string tag = command[0] + std::to_string(n++);
    std::vector<std::string> args = command;
    for (const std::string& extra :
         {std::string("--db"), db_, std::string("--report-json"), dir_ + "/" + tag + ".json",
          std::string("--report-html"), dir_ + "/" + tag + ".html", std::string("--report-md"),
          dir_ + "/" + tag + ".md", std::string("--junit"), dir_ + "/" + tag + ".xml"}) {
      args.push_back(extra);
    }
    const ProcessResult r = run_evalkit(args, env_);
    EXPECT_EQ(r.exit_code, 0) << tag << r.out << r.err;
    for (const char* extension : {".json", ".html", ".md", ".xml"}) {
      EXPECT_TRUE(fs::exists(dir_ + "/" + tag + extension)) << tag << extension;
    }
    // A misspelled flag gets a suggestion.
    std::vector<std::string> typo = command;
    typo.insert(typo.end(), {"--db", db_, "--report-mdd", dir_ + "/x.md"});
    const ProcessResult wrong = run_evalkit(typo, env_);
    EXPECT_EQ(wrong.exit_code, 3) << tag;
    EXPECT_THAT(wrong.err, HasSubstr("unknown option '--report-mdd' (did you mean '--report-md'?)"))
        << tag;
  }
}

TEST_F(ReportOutputsTest, TwoSuitesWithTheSameNameGetTheirOwnReports) {
  const std::string second = write_test_file(dir_, "suite-copy.yaml", echo_suite("outputs", 2));
  const ProcessResult r = run_evalkit(
      {"run", suite_, second, "--db", db_, "-q", "--report-json", dir_ + "/r.json"}, env_);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(read_json_file(dir_ + "/r-outputs-1.json")["summary"]["trials"], 8);
  EXPECT_EQ(read_json_file(dir_ + "/r-outputs-2.json")["summary"]["trials"], 2);
}

}  // namespace
}  // namespace evalkit::testing

// End-to-end: the exec provider with commands that misbehave: one that never reads its
// stdin, one that outlives its timeout through a child, one that writes without end.
#include <signal.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "tests/support/process.h"
#include "tests/support/test_files.h"

namespace evalkit::testing {
namespace {

using ::testing::HasSubstr;

std::string exec_suite(const std::string& command, const std::string& question,
                       const std::string& extra = "") {
  return "suite: exec\nproviders:\n  - id: tool\n    type: exec\n    command: " + command + "\n" +
         extra + "prompts:\n  - id: p\n    messages:\n      - {role: user, content: \"{{q}}\"}\n" +
         "cases:\n  - {id: c1, vars: {q: \"" + question + "\"}, expected: hi}\n" +
         "scorers:\n  - {type: exact_match}\n";
}

// Whether pid names a process that is still running (not gone, not a zombie).
bool running(int pid) {
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string line;
  if (!std::getline(stat, line)) return false;
  const size_t paren = line.rfind(')');
  return paren != std::string::npos && paren + 2 < line.size() && line[paren + 2] != 'Z';
}

TEST(ExecCommandTest, CommandThatIgnoresStdinDoesNotKillEvalkit) {
  // 512 KB of input cannot fit in a pipe's buffer, and the command closes its stdin before
  // it answers: writing the rest must hit a closed pipe (before, SIGPIPE ended evalkit: 141).
  const std::string dir = make_temp_dir("exec-sigpipe");
  const std::string suite = write_test_file(
      dir, "suite.yaml",
      exec_suite("[sh, -c, 'exec 0<&-; sleep 0.2; echo hi']", std::string(512 * 1024, 'x')));
  const ProcessResult r =
      run_evalkit({"run", suite, "--db", dir + "/s.db", "--report-json", dir + "/r.json", "-q"});
  ASSERT_EQ(r.signal, 0) << "killed by signal " << r.signal;
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  const nlohmann::json doc = read_json_file(dir + "/r.json");
  ASSERT_EQ(doc["trials"].size(), 1u);
  EXPECT_EQ(doc["trials"][0]["output"], "hi");
}

TEST(ExecCommandTest, FailingCommandThatIgnoredStdinSaysSo) {
  const std::string dir = make_temp_dir("exec-sigpipe-fail");
  const std::string suite = write_test_file(
      dir, "suite.yaml",
      exec_suite("[sh, -c, 'exec 0<&-; sleep 0.2; exit 3']", std::string(512 * 1024, 'x')));
  const ProcessResult r =
      run_evalkit({"run", suite, "--db", dir + "/s.db", "--report-json", dir + "/r.json", "-q"});
  ASSERT_EQ(r.signal, 0);
  EXPECT_EQ(r.exit_code, 4) << r.out << r.err;  // the only case's "endpoint" failed
  const nlohmann::json doc = read_json_file(dir + "/r.json");
  EXPECT_EQ(doc["trials"][0]["error"], "command exited with status 3 (it did not read its input)");
}

TEST(ExecCommandTest, TimeoutKillsTheCommandAndItsChildren) {
  const std::string dir = make_temp_dir("exec-timeout");
  const std::string pid_file = dir + "/child.pid";
  const std::string suite =
      write_test_file(dir, "suite.yaml",
                      exec_suite("[sh, -c, 'sleep 60 & echo $! > " + pid_file + "; wait']", "q",
                                 "    timeout: 0.5\n"));
  const auto start = std::chrono::steady_clock::now();
  const ProcessResult r =
      run_evalkit({"run", suite, "--db", dir + "/s.db", "--report-json", dir + "/r.json", "-q"});
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_EQ(r.exit_code, 4) << r.out << r.err;
  EXPECT_LT(seconds, 30);
  const nlohmann::json doc = read_json_file(dir + "/r.json");
  EXPECT_EQ(doc["trials"][0]["error_kind"], "timeout");
  std::ifstream in(pid_file);
  int child = 0;
  ASSERT_TRUE(in >> child) << "the command did not start its child";
  // The child is killed with its group; give the kernel a moment to deliver it.
  for (int i = 0; i < 100 && running(child); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  const bool left_running = running(child);
  if (left_running) ::kill(child, SIGKILL);
  EXPECT_FALSE(left_running) << "the command's child " << child << " outlived the timeout";
}

TEST(ExecCommandTest, OutputLargerThanTheCapIsAnErrorNotAnAnswer) {
  const std::string dir = make_temp_dir("exec-huge");
  const std::string suite = write_test_file(
      dir, "suite.yaml",
      exec_suite("[sh, -c, 'cat >/dev/null; head -c 40000000 /dev/zero | tr \"\\0\" a']", "q"));
  const ProcessResult r =
      run_evalkit({"run", suite, "--db", dir + "/s.db", "--report-json", dir + "/r.json", "-q"});
  EXPECT_EQ(r.exit_code, 4) << r.out << r.err;
  const nlohmann::json doc = read_json_file(dir + "/r.json");
  EXPECT_EQ(doc["trials"][0]["error"], "command wrote more than 32 MiB to stdout; it was killed");
  EXPECT_EQ(doc["trials"][0]["output"], "");
  EXPECT_LT(std::filesystem::file_size(dir + "/r.json"), 100000u);
}

}  // namespace
}  // namespace evalkit::testing

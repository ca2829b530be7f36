// Runs a program to completion for integration tests and captures what it printed.
#pragma once

#include <map>
#include <string>
#include <vector>

namespace evalkit::testing {

struct ProcessResult {
  int exit_code = -1;  // -1 when killed by a signal
  int signal = 0;
  std::string out;
  std::string err;
};

struct ProcessOptions {
  std::map<std::string, std::string> env;  // added to (or overriding) the current environment
  std::vector<std::string> unset_env;      // removed from the environment
  std::string stdin_data;
  std::string working_dir;
  double timeout_s = 300;  // killed (SIGKILL) after this long
  // When > 0, RLIMIT_FSIZE for the child, with SIGXFSZ ignored: a write past this many bytes
  // of any file fails with EFBIG, as on a full disk.
  long long max_file_size = 0;
};

// Runs argv[0] with argv and waits for it.
ProcessResult run_process(const std::vector<std::string>& argv, const ProcessOptions& options = {});

// Runs the evalkit binary built with the tests.
ProcessResult run_evalkit(const std::vector<std::string>& args, const ProcessOptions& options = {});

// A fresh, empty folder under the build tree for one test's files.
std::string make_temp_dir(const std::string& name);

// Source paths.
std::string source_path(const std::string& relative);     // <repo>/relative
std::string test_data_path(const std::string& relative);  // <repo>/tests/data/relative
// The evalkit binary under test, and the folder tests write their files under. (Paths live in
// process.cc alone, so test objects do not depend on where the checkout is.)
std::string evalkit_binary();
std::string test_output_dir();

}  // namespace evalkit::testing

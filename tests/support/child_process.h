// A program started in the background, for tests that signal it mid-run (SIGKILL to simulate a
// crash, SIGINT for Ctrl-C). Its stdout and stderr go to files so it never blocks on a pipe.
#pragma once

#include <sys/types.h>

#include <map>
#include <string>
#include <vector>

namespace evalkit::testing {

struct ChildExit {
  int exit_code = -1;  // -1 when killed by a signal
  int signal = 0;
};

class ChildProcess {
 public:
  // Starts argv[0] with argv; env entries are added to (or override) the current environment.
  // Output goes to output_prefix + ".out" / ".err". Throws std::runtime_error if fork fails.
  ChildProcess(const std::vector<std::string>& argv, const std::map<std::string, std::string>& env,
               const std::string& output_prefix);
  // SIGKILLs and reaps the child if it is still running.
  ~ChildProcess();
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  // Sends sig; returns false when the child had already exited.
  bool signal(int sig);
  // Waits for the child to exit, SIGKILLing it after timeout_s.
  ChildExit wait(double timeout_s);
  // True once the child has exited (reaps it).
  bool exited();

  std::string out() const;  // what it printed so far
  std::string err() const;

 private:
  pid_t pid_ = -1;
  bool reaped_ = false;
  ChildExit exit_;
  std::string output_prefix_;
};

}  // namespace evalkit::testing

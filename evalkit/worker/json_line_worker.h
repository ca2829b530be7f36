// A long-lived child process that answers one JSON line on stdout for each JSON line written
// to its stdin: the way user code (script scorers, script providers) runs out of process.
#pragma once

#include <sys/types.h>

#include <cstddef>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace evalkit {

// What to run. The argv is executed as is (never through a shell).
struct WorkerCommand {
  std::vector<std::string> argv;
  std::string directory;  // working directory of the process; empty: evalkit's own
  std::string label;      // how messages name the command, e.g. "checks/grade.py"
};

struct WorkerLimits {
  size_t max_line_bytes = size_t(32) << 20;  // an answer line longer than this is an error
  size_t stderr_kept_bytes = 8192;           // the end of stderr kept for error messages
  // Extra time the first request to a new process may take, for the program to start (imports,
  // loading a model); later requests get their timeout alone.
  double start_grace_s = 30;
};

// How a call ended.
enum class WorkerFailure {
  kNone,       // answered
  kStart,      // the program could not be started
  kExited,     // the process ended (or crashed) before answering
  kTimeout,    // no answer in time; the process group was killed
  kNoInput,    // the process closed its stdin without reading the request
  kMalformed,  // the answer was not a JSON object, or too long
};

struct WorkerReply {
  WorkerFailure failure = WorkerFailure::kNone;
  nlohmann::json answer;       // the JSON object answered (failure == kNone)
  std::string error;           // what went wrong, with the end of stderr when there is some
  bool ever_answered = false;  // this process answered at least one request before
};

// One worker process. Not thread-safe: one call at a time (WorkerPool hands workers out).
class JsonLineWorker {
 public:
  JsonLineWorker(WorkerCommand command, WorkerLimits limits = {});
  ~JsonLineWorker();
  JsonLineWorker(const JsonLineWorker&) = delete;
  JsonLineWorker& operator=(const JsonLineWorker&) = delete;

  // Writes request as one line and waits at most timeout_s for one answer line (plus
  // limits.start_grace_s while the process has answered nothing yet). Starts the
  // process first when it is not running (the first call, or after a failure: every failure
  // but kStart leaves the process killed, so the next call gets a fresh one).
  WorkerReply call(const nlohmann::json& request, double timeout_s);

  // Closes stdin, gives the process up to grace_s to exit, then kills its process group.
  void stop(double grace_s = 1.0);

  // Closes stdin without waiting (the first half of stop, so many workers can exit at once).
  void close_input();

  bool running() const { return pid_ > 0; }
  pid_t pid() const { return pid_; }

 private:
  bool start(std::string* error);
  // Kills the process group and reaps the process; returns how it ended ("exited with status
  // 1", "was killed by signal 11 (Segmentation fault)").
  std::string kill_and_reap();
  // Whether the process has exited (without reaping it), waiting up to wait_s.
  bool exited_within(double wait_s);
  // Reaps an exited process, waiting up to wait_s; kills the group first when it is still
  // there after that. Returns how it ended.
  std::string reap(double wait_s);
  void close_fds();
  void drain_stderr();
  void keep_stderr(const char* data, size_t size);
  std::string failure_message(const std::string& what) const;
  WorkerReply fail(WorkerFailure failure, const std::string& what);

  WorkerCommand command_;
  WorkerLimits limits_;
  pid_t pid_ = -1;
  int in_fd_ = -1, out_fd_ = -1, err_fd_ = -1;
  std::string pending_;      // bytes read from stdout after the last answer line
  size_t scanned_ = 0;       // bytes of pending_ already searched for a newline
  std::string stderr_tail_;  // the end of stderr since the process started
  bool answered_ = false;    // the current process answered at least once
};

// The end of a stderr text fit for an error message: the last max_bytes at a line boundary
// where possible, control characters replaced, credentials masked (known key formats, and the
// values of environment variables named like ..._API_KEY, ..._TOKEN, ..._SECRET).
std::string stderr_excerpt(const std::string& tail, size_t max_bytes = 1000);

}  // namespace evalkit

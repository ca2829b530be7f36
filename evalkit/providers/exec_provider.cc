#include "evalkit/providers/exec_provider.h"

#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <mutex>
#include <thread>

#include "evalkit/base/number_text.h"

extern char** environ;

namespace evalkit {
namespace {

using Clock = std::chrono::steady_clock;

// Largest stdout a command may write, as for an HTTP body; beyond it the command is killed.
constexpr size_t kMaxOutputBytes = 32 * 1024 * 1024;
// Only the end of stderr is shown; more is not kept.
constexpr size_t kMaxErrorBytes = 64 * 1024;

struct CommandResult {
  int exit_code = -1;
  int signal = 0;  // the signal that ended the command, if one did
  bool timed_out = false;
  bool output_too_large = false;
  bool input_refused = false;  // the command closed stdin before reading all of its input
  std::string out;
  std::string err;
  std::string spawn_error;
};

// A SIGPIPE for a write to a command that closed its stdin: blocked on this thread (the
// write then fails with EPIPE) and taken off the pending set, so it never kills evalkit
// even where the process has not ignored SIGPIPE.
void discard_pending_sigpipe() {
  sigset_t pipe_only;
  sigemptyset(&pipe_only);
  sigaddset(&pipe_only, SIGPIPE);
  sigset_t pending;
  sigpending(&pending);
  if (sigismember(&pending, SIGPIPE)) {
    const timespec zero{0, 0};
    sigtimedwait(&pipe_only, nullptr, &zero);
  }
}

// Runs argv in a process group of its own (so a timeout or an oversized output kills the
// command's children too), feeding input on stdin and collecting stdout and stderr.
CommandResult run_command(const std::vector<std::string>& argv, const std::string& input,
                          double timeout_s) {
  CommandResult result;
  int in_pipe[2], out_pipe[2], err_pipe[2];
  if (pipe2(in_pipe, O_CLOEXEC) != 0 || pipe2(out_pipe, O_CLOEXEC) != 0 ||
      pipe2(err_pipe, O_CLOEXEC) != 0) {
    result.spawn_error = "pipe failed";
    return result;
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, in_pipe[0], 0);
  posix_spawn_file_actions_adddup2(&actions, out_pipe[1], 1);
  posix_spawn_file_actions_adddup2(&actions, err_pipe[1], 2);
  posix_spawnattr_t attributes;
  posix_spawnattr_init(&attributes);
  posix_spawnattr_setpgroup(&attributes, 0);
  // The command starts with default signal handling and nothing blocked, whatever this
  // thread has (SIGPIPE is blocked here).
  sigset_t none, defaults;
  sigemptyset(&none);
  sigemptyset(&defaults);
  sigaddset(&defaults, SIGPIPE);
  sigaddset(&defaults, SIGINT);
  sigaddset(&defaults, SIGTERM);
  posix_spawnattr_setsigmask(&attributes, &none);
  posix_spawnattr_setsigdefault(&attributes, &defaults);
  posix_spawnattr_setflags(&attributes,
                           POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  pid_t pid = 0;
  const int rc = posix_spawnp(&pid, args[0], &actions, &attributes, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attributes);
  close(in_pipe[0]);
  close(out_pipe[1]);
  close(err_pipe[1]);
  if (rc != 0) {
    close(in_pipe[1]);
    close(out_pipe[0]);
    close(err_pipe[0]);
    result.spawn_error = "cannot run '" + argv[0] + "': " + std::strerror(rc);
    return result;
  }
  fcntl(in_pipe[1], F_SETFL, O_NONBLOCK);
  int in_fd = in_pipe[1];
  size_t written = 0;
  if (input.empty()) {
    close(in_fd);
    in_fd = -1;
  }
  const auto deadline = Clock::now() + std::chrono::milliseconds(long(timeout_s * 1000));
  bool out_open = true, err_open = true;
  char buffer[16384];
  while (out_open || err_open) {
    pollfd fds[3];
    int n = 0;
    if (out_open) fds[n++] = {out_pipe[0], POLLIN, 0};
    if (err_open) fds[n++] = {err_pipe[0], POLLIN, 0};
    if (in_fd >= 0) fds[n++] = {in_fd, POLLOUT, 0};
    const int ready = poll(fds, n, 50);
    if (Clock::now() > deadline) {
      result.timed_out = true;
      break;
    }
    if (ready <= 0) continue;
    for (int i = 0; i < n; ++i) {
      if (fds[i].revents == 0) continue;
      if (fds[i].fd == in_fd) {
        const ssize_t w = write(in_fd, input.data() + written, input.size() - written);
        if (w > 0) written += size_t(w);
        if (w < 0 && errno == EAGAIN) continue;
        if (w < 0) {
          // EPIPE: the command closed its stdin (or exited) without reading all of it.
          discard_pending_sigpipe();
          result.input_refused = true;
        }
        if (w < 0 || written == input.size()) {
          close(in_fd);
          in_fd = -1;
        }
        continue;
      }
      const ssize_t r = read(fds[i].fd, buffer, sizeof buffer);
      if (r <= 0) {
        if (fds[i].fd == out_pipe[0]) out_open = false;
        if (fds[i].fd == err_pipe[0]) err_open = false;
      } else if (fds[i].fd == out_pipe[0]) {
        result.out.append(buffer, size_t(r));
        if (result.out.size() > kMaxOutputBytes) {
          result.output_too_large = true;
          out_open = err_open = false;
        }
      } else {
        result.err.append(buffer, size_t(r));
        if (result.err.size() > 2 * kMaxErrorBytes)
          result.err.erase(0, result.err.size() - kMaxErrorBytes);
      }
    }
  }
  // The whole group: a command's children (a shell's pipeline, a server it started) go with it.
  if (result.timed_out || result.output_too_large) kill(-pid, SIGKILL);
  if (in_fd >= 0) close(in_fd);
  close(out_pipe[0]);
  close(err_pipe[0]);
  // Wait for the command to exit without reaping it, so that its process group id cannot be
  // reused meanwhile; a command that closed its output but keeps running is timed out too.
  for (;;) {
    siginfo_t info{};
    const int waited = waitid(P_PID, id_t(pid), &info, WEXITED | WNOHANG | WNOWAIT);
    if (waited == 0 && info.si_pid == pid) break;
    if (waited < 0 && errno != EINTR) break;
    if (!result.timed_out && Clock::now() > deadline) {
      result.timed_out = true;
      kill(-pid, SIGKILL);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  // Processes the command left behind (a daemon it forked, a stuck pipeline stage) would run
  // on unowned: the group ends with the command.
  kill(-pid, SIGKILL);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (WIFEXITED(status)) result.exit_code = WEXITSTATUS(status);
  if (WIFSIGNALED(status)) result.signal = WTERMSIG(status);
  return result;
}

// A fixed pool of worker threads: a command holds a thread while it runs, so the pool size
// is the provider's concurrency.
class ExecProvider : public Provider {
 public:
  explicit ExecProvider(const ProviderConfig& config) : config_(config) {
    const int workers = std::max(1, std::min(config.concurrency, 64));
    for (int i = 0; i < workers; ++i) threads_.emplace_back([this] { work(); });
  }

  ~ExecProvider() override {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      stopping_ = true;
    }
    wake_.notify_all();
    for (auto& t : threads_) t.join();
  }

  const ProviderConfig& config() const override { return config_; }

  void send(const ModelRequest& request, Callback done) override {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      queue_.push_back({request, std::move(done)});
    }
    wake_.notify_one();
  }

 private:
  struct Job {
    ModelRequest request;
    Callback done;
  };

  void work() {
    // A command that does not read its stdin makes a write fail with EPIPE instead of
    // raising SIGPIPE (which would end evalkit).
    sigset_t pipe_only;
    sigemptyset(&pipe_only);
    sigaddset(&pipe_only, SIGPIPE);
    pthread_sigmask(SIG_BLOCK, &pipe_only, nullptr);
    for (;;) {
      Job job;
      {
        std::unique_lock<std::mutex> lock(mutex_);
        wake_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
        if (queue_.empty()) return;
        job = std::move(queue_.front());
        queue_.pop_front();
      }
      job.done(execute(job.request));
    }
  }

  ModelResponse execute(const ModelRequest& request) const {
    std::string input;
    if (config_.extra.value("input", "text") == "json") {
      nlohmann::json messages = nlohmann::json::array();
      for (const auto& m : request.messages) {
        messages.push_back({{"role", m.role}, {"content", m.content}});
      }
      input = nlohmann::json{{"messages", messages},
                             {"params", merge_params(config_.params, request.params)}}
                  .dump();
    } else {
      for (auto it = request.messages.rbegin(); it != request.messages.rend(); ++it) {
        if (it->role == "user") {
          input = it->content;
          break;
        }
      }
    }
    const auto start = Clock::now();
    CommandResult result = run_command(config_.command, input, config_.timeout_s);
    ModelResponse response;
    response.latency_s = std::chrono::duration<double>(Clock::now() - start).count();
    response.attempts = 1;
    if (!result.spawn_error.empty()) {
      response.error_kind = error_kind::kExec;
      response.error = result.spawn_error;
    } else if (result.timed_out) {
      response.error_kind = error_kind::kTimeout;
      response.error = "command timed out after " + format_number(config_.timeout_s) +
                       " s (it and every process it started were killed)";
    } else if (result.output_too_large) {
      response.error_kind = error_kind::kMalformed;
      response.error = "command wrote more than " + std::to_string(kMaxOutputBytes >> 20) +
                       " MiB to stdout; it was killed";
    } else if (result.exit_code != 0) {
      response.error_kind = error_kind::kExec;
      std::string tail = result.err.size() > 300 ? result.err.substr(result.err.size() - 300)
                                                 : result.err;
      response.error =
          (result.signal != 0 ? "command was killed by signal " + std::to_string(result.signal)
                              : "command exited with status " + std::to_string(result.exit_code)) +
          (result.input_refused ? " (it did not read its input)" : "") +
          (tail.empty() ? "" : ": " + tail);
    } else {
      response.ok = true;
      response.text = std::move(result.out);
      while (!response.text.empty() && response.text.back() == '\n') response.text.pop_back();
      response.finish_reason = "stop";
    }
    return response;
  }

  ProviderConfig config_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<Job> queue_;
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace

std::unique_ptr<Provider> make_exec_provider(const ProviderConfig& config) {
  return std::make_unique<ExecProvider>(config);
}

}  // namespace evalkit

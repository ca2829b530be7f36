#include "evalkit/providers/exec_provider.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>

extern char** environ;

namespace evalkit {
namespace {

using Clock = std::chrono::steady_clock;

struct CommandResult {
  int exit_code = -1;
  bool timed_out = false;
  std::string out;
  std::string err;
  std::string spawn_error;
};

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
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  pid_t pid = 0;
  const int rc = posix_spawnp(&pid, args[0], &actions, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
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
      kill(pid, SIGKILL);
      result.timed_out = true;
      break;
    }
    if (ready <= 0) continue;
    for (int i = 0; i < n; ++i) {
      if (fds[i].revents == 0) continue;
      if (fds[i].fd == in_fd) {
        const ssize_t w = write(in_fd, input.data() + written, input.size() - written);
        if (w > 0) written += size_t(w);
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
      } else {
        (fds[i].fd == out_pipe[0] ? result.out : result.err).append(buffer, size_t(r));
      }
    }
  }
  if (in_fd >= 0) close(in_fd);
  close(out_pipe[0]);
  close(err_pipe[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  if (WIFEXITED(status)) result.exit_code = WEXITSTATUS(status);
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
      response.error = "command timed out after " + std::to_string(config_.timeout_s) + " s";
    } else if (result.exit_code != 0) {
      response.error_kind = error_kind::kExec;
      std::string tail = result.err.size() > 300 ? result.err.substr(result.err.size() - 300)
                                                 : result.err;
      response.error = "command exited with status " + std::to_string(result.exit_code) +
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

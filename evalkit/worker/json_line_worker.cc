#include "evalkit/worker/json_line_worker.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <thread>

#include "evalkit/base/json_parse.h"
#include "evalkit/text/excerpt.h"
#include "evalkit/text/secret_finder.h"

extern char** environ;

namespace evalkit {
namespace {

using Clock = std::chrono::steady_clock;

// Answers nested deeper than this are refused before parsing: they are never a real answer
// and would cost stack in everything that walks them later.
constexpr int kMaxAnswerDepth = 256;

void close_fd(int* fd) {
  if (*fd >= 0) close(*fd);
  *fd = -1;
}

std::string seconds_text(double s) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%g", s);
  return buffer;
}

std::string describe_status(int status) {
  if (WIFEXITED(status)) return "exited with status " + std::to_string(WEXITSTATUS(status));
  if (WIFSIGNALED(status)) {
    const int signal = WTERMSIG(status);
    const char* name = strsignal(signal);
    return "was killed by signal " + std::to_string(signal) +
           (name != nullptr ? std::string(" (") + name + ")" : std::string());
  }
  return "ended";
}

// Writes to a pipe whose reader may be gone without raising SIGPIPE in this process: the
// signal is blocked for this thread while writing and a pending one is consumed.
ssize_t write_without_sigpipe(int fd, const char* data, size_t size) {
  sigset_t pipe_only, old;
  sigemptyset(&pipe_only);
  sigaddset(&pipe_only, SIGPIPE);
  pthread_sigmask(SIG_BLOCK, &pipe_only, &old);
  const ssize_t written = write(fd, data, size);
  const int saved = errno;
  if (written < 0 && saved == EPIPE) {
    sigset_t pending;
    sigpending(&pending);
    if (sigismember(&pending, SIGPIPE)) {
      const timespec zero{0, 0};
      sigtimedwait(&pipe_only, nullptr, &zero);
    }
  }
  pthread_sigmask(SIG_SETMASK, &old, nullptr);
  errno = saved;
  return written;
}

// text with the values of credential-like environment variables (..._API_KEY, ..._TOKEN,
// ..._SECRET, ..._PASSWORD) replaced: a script's traceback may print the key it was given,
// whatever its format.
std::string redact_environment_secrets(std::string text) {
  static const char* const kSuffixes[] = {"_API_KEY", "_TOKEN", "_SECRET", "_PASSWORD", "_KEY"};
  for (char** entry = environ; entry != nullptr && *entry != nullptr; ++entry) {
    const std::string_view variable(*entry);
    const size_t equals = variable.find('=');
    if (equals == std::string_view::npos) continue;
    const std::string_view name = variable.substr(0, equals), value = variable.substr(equals + 1);
    if (value.size() < 8) continue;
    bool secret = false;
    for (const char* suffix : kSuffixes) {
      const std::string_view s(suffix);
      secret |= name.size() > s.size() && name.compare(name.size() - s.size(), s.size(), s) == 0;
    }
    if (!secret) continue;
    // Built by appending: GCC 12 warns (-Wrestrict, a false alarm) about "[" + name + "]".
    std::string replacement;
    replacement.reserve(name.size() + 2);
    replacement.push_back('[');
    replacement.append(name);
    replacement.push_back(']');
    for (size_t at = text.find(value); at != std::string::npos; at = text.find(value, at)) {
      text.replace(at, value.size(), replacement);
      at += replacement.size();
    }
  }
  return text;
}

}  // namespace

std::string stderr_excerpt(const std::string& tail, size_t max_bytes) {
  // Credentials go before anything is cut, so no fragment of one is left at the edge.
  std::string text = mask_secrets(redact_environment_secrets(tail));
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ' || text.back() == '\r')) {
    text.pop_back();
  }
  if (text.size() > max_bytes) {
    size_t from = text.size() - max_bytes;
    const size_t newline = text.find('\n', from);
    if (newline != std::string::npos && newline + 1 < text.size()) from = newline + 1;
    // Never start inside a UTF-8 sequence.
    while (from < text.size() && (static_cast<unsigned char>(text[from]) & 0xC0) == 0x80) ++from;
    text = "…" + text.substr(from);
  }
  for (char& c : text) {
    const unsigned char u = static_cast<unsigned char>(c);
    if ((u < 0x20 && c != '\n' && c != '\t') || u == 0x7F) c = '?';
  }
  return text;
}

JsonLineWorker::JsonLineWorker(WorkerCommand command, WorkerLimits limits)
    : command_(std::move(command)), limits_(limits) {
  if (command_.label.empty() && !command_.argv.empty()) command_.label = command_.argv[0];
}

JsonLineWorker::~JsonLineWorker() { stop(0.2); }

bool JsonLineWorker::start(std::string* error) {
  pending_.clear();
  scanned_ = 0;
  stderr_tail_.clear();
  answered_ = false;
  if (command_.argv.empty() || command_.argv[0].empty()) {
    *error = "no command to run";
    return false;
  }
  int in_pipe[2] = {-1, -1}, out_pipe[2] = {-1, -1}, err_pipe[2] = {-1, -1};
  if (pipe2(in_pipe, O_CLOEXEC) != 0 || pipe2(out_pipe, O_CLOEXEC) != 0 ||
      pipe2(err_pipe, O_CLOEXEC) != 0) {
    *error = std::string("cannot create pipes: ") + std::strerror(errno);
    for (int* fd :
         {&in_pipe[0], &in_pipe[1], &out_pipe[0], &out_pipe[1], &err_pipe[0], &err_pipe[1]}) {
      close_fd(fd);
    }
    return false;
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, in_pipe[0], 0);
  posix_spawn_file_actions_adddup2(&actions, out_pipe[1], 1);
  posix_spawn_file_actions_adddup2(&actions, err_pipe[1], 2);
  if (!command_.directory.empty()) {
    posix_spawn_file_actions_addchdir_np(&actions, command_.directory.c_str());
  }
  posix_spawnattr_t attributes;
  posix_spawnattr_init(&attributes);
  // Its own process group (so a timeout can kill everything it started), no signal blocked,
  // and default dispositions for the signals evalkit handles or ignores.
  posix_spawnattr_setflags(&attributes,
                           POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
  posix_spawnattr_setpgroup(&attributes, 0);
  sigset_t none, defaults;
  sigemptyset(&none);
  posix_spawnattr_setsigmask(&attributes, &none);
  sigemptyset(&defaults);
  for (int signal : {SIGPIPE, SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGCHLD}) {
    sigaddset(&defaults, signal);
  }
  posix_spawnattr_setsigdefault(&attributes, &defaults);

  std::vector<char*> args;
  for (const auto& a : command_.argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  pid_t pid = -1;
  const int rc = posix_spawnp(&pid, args[0], &actions, &attributes, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attributes);
  close_fd(&in_pipe[0]);
  close_fd(&out_pipe[1]);
  close_fd(&err_pipe[1]);
  if (rc != 0) {
    close_fd(&in_pipe[1]);
    close_fd(&out_pipe[0]);
    close_fd(&err_pipe[0]);
    *error = "cannot run '" + command_.argv[0] + "'" +
             (command_.directory.empty() ? "" : " in " + command_.directory) + ": " +
             std::strerror(rc);
    return false;
  }
  pid_ = pid;
  in_fd_ = in_pipe[1];
  out_fd_ = out_pipe[0];
  err_fd_ = err_pipe[0];
  for (int fd : {in_fd_, out_fd_, err_fd_}) fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
  return true;
}

void JsonLineWorker::close_fds() {
  close_fd(&in_fd_);
  close_fd(&out_fd_);
  close_fd(&err_fd_);
}

void JsonLineWorker::keep_stderr(const char* data, size_t size) {
  stderr_tail_.append(data, size);
  if (stderr_tail_.size() > limits_.stderr_kept_bytes) {
    stderr_tail_.erase(0, stderr_tail_.size() - limits_.stderr_kept_bytes);
  }
}

void JsonLineWorker::drain_stderr() {
  if (err_fd_ < 0) return;
  char buffer[8192];
  for (;;) {
    const ssize_t r = read(err_fd_, buffer, sizeof buffer);
    if (r > 0) {
      keep_stderr(buffer, size_t(r));
      continue;
    }
    if (r == 0) close_fd(&err_fd_);
    return;
  }
}

bool JsonLineWorker::exited_within(double wait_s) {
  if (pid_ <= 0) return true;
  const auto deadline = Clock::now() + std::chrono::duration<double>(wait_s);
  for (;;) {
    siginfo_t info{};
    // WNOWAIT: an exited leader stays a zombie, so its group id cannot be reused before the
    // group is killed in reap().
    if (waitid(P_PID, id_t(pid_), &info, WEXITED | WNOHANG | WNOWAIT) == 0 && info.si_pid != 0) {
      return true;
    }
    if (Clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
}

std::string JsonLineWorker::reap(double wait_s) {
  if (pid_ <= 0) return "ended";
  exited_within(wait_s);
  kill(-pid_, SIGKILL);  // the group: whatever the script started goes too
  int status = 0;
  pid_t waited;
  do {
    waited = waitpid(pid_, &status, 0);
  } while (waited < 0 && errno == EINTR);
  drain_stderr();
  close_fds();
  pid_ = -1;
  pending_.clear();
  scanned_ = 0;
  return waited > 0 ? describe_status(status) : "ended";
}

std::string JsonLineWorker::kill_and_reap() {
  if (pid_ > 0) kill(-pid_, SIGKILL);
  return reap(1.0);
}

void JsonLineWorker::close_input() { close_fd(&in_fd_); }

void JsonLineWorker::stop(double grace_s) {
  if (pid_ <= 0) return;
  close_input();
  reap(grace_s);
}

std::string JsonLineWorker::failure_message(const std::string& what) const {
  const std::string tail = stderr_excerpt(stderr_tail_);
  return "'" + command_.label + "' " + what + (tail.empty() ? "" : "; stderr: " + tail);
}

WorkerReply JsonLineWorker::fail(WorkerFailure failure, const std::string& what) {
  WorkerReply reply;
  reply.failure = failure;
  reply.ever_answered = answered_;
  reply.error = failure_message(what);
  return reply;
}

WorkerReply JsonLineWorker::call(const nlohmann::json& request, double timeout_s) {
  if (pid_ > 0) {
    // A worker that wrote more than its answer last time is out of step, and one that ended
    // since is gone: either way, start afresh.
    char buffer[4096];
    pollfd readable{out_fd_, POLLIN, 0};
    if (pending_.empty() && poll(&readable, 1, 0) > 0) {
      const ssize_t r = read(out_fd_, buffer, sizeof buffer);
      if (r > 0) pending_.append(buffer, size_t(r));
      if (r == 0) pending_ = "\n";  // end of output: the process is ending
    }
    if (!pending_.empty()) kill_and_reap();
  }
  if (pid_ <= 0) {
    std::string error;
    if (!start(&error)) {
      WorkerReply reply;
      reply.failure = WorkerFailure::kStart;
      reply.error = error;
      return reply;
    }
  }
  const std::string line =
      request.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
  size_t written = 0;
  const double allowed = timeout_s + (answered_ ? 0.0 : limits_.start_grace_s);
  const auto deadline = Clock::now() + std::chrono::duration<double>(allowed);
  char buffer[65536];
  for (;;) {
    // An answer already read? (Only the bytes not searched before are searched.)
    for (size_t newline = pending_.find('\n', scanned_); newline != std::string::npos;
         newline = pending_.find('\n')) {
      std::string answer_line = pending_.substr(0, newline);
      pending_.erase(0, newline + 1);
      scanned_ = 0;
      if (answer_line.find_first_not_of(" \t\r") == std::string::npos) continue;  // blank
      if (json_nesting_depth(answer_line, kMaxAnswerDepth) > kMaxAnswerDepth) {
        kill_and_reap();
        return fail(WorkerFailure::kMalformed, "answered with JSON nested deeper than " +
                                                   std::to_string(kMaxAnswerDepth) + " levels");
      }
      nlohmann::json answer = parse_untrusted_json(answer_line);
      if (answer.is_discarded() || !answer.is_object()) {
        const std::string shown = quoted_excerpt(answer_line, 120);
        kill_and_reap();
        return fail(WorkerFailure::kMalformed,
                    std::string("answered with a line that is not ") +
                        (answer.is_discarded() ? "JSON" : "a JSON object") + ": " + shown);
      }
      answered_ = true;
      WorkerReply reply;
      reply.answer = std::move(answer);
      reply.ever_answered = true;
      return reply;
    }
    scanned_ = pending_.size();
    if (pending_.size() > limits_.max_line_bytes) {
      kill_and_reap();
      return fail(WorkerFailure::kMalformed,
                  "answer exceeds " + std::to_string(limits_.max_line_bytes >> 20) + " MiB");
    }
    const auto now = Clock::now();
    if (now >= deadline) {
      const bool never_answered = !answered_;
      kill_and_reap();
      return fail(WorkerFailure::kTimeout,
                  "gave no answer within " + seconds_text(allowed) + " s (process group killed)" +
                      (never_answered ? "; it has not answered anything yet: does it flush "
                                        "stdout after each line?"
                                      : ""));
    }
    const auto wait_ms = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - now);
    pollfd fds[3];
    int n = 0;
    fds[n++] = {out_fd_, POLLIN, 0};
    if (err_fd_ >= 0) fds[n++] = {err_fd_, POLLIN, 0};
    const bool writing = in_fd_ >= 0 && written < line.size();
    if (writing) fds[n++] = {in_fd_, POLLOUT, 0};
    const int ready = poll(fds, nfds_t(n), int(std::min<long long>(wait_ms.count() + 1, 1000)));
    if (ready < 0 && errno != EINTR) {
      const std::string why = std::strerror(errno);
      kill_and_reap();
      return fail(WorkerFailure::kExited, "could not be waited for: " + why);
    }
    if (ready <= 0) continue;
    for (int i = 0; i < n; ++i) {
      if (fds[i].revents == 0) continue;
      if (fds[i].fd == in_fd_ && in_fd_ >= 0) {
        const ssize_t w =
            write_without_sigpipe(in_fd_, line.data() + written, line.size() - written);
        if (w > 0) {
          written += size_t(w);
        } else if (w < 0 && errno != EAGAIN && errno != EINTR) {
          // The read end is closed: the process exited, or it closed its stdin.
          if (exited_within(0.2)) {
            const std::string how = reap(0);
            return fail(WorkerFailure::kExited, how + " before reading its input");
          }
          kill_and_reap();
          return fail(WorkerFailure::kNoInput, "did not read its input (it closed its stdin)");
        }
      } else if (fds[i].fd == err_fd_) {
        drain_stderr();
      } else if (fds[i].fd == out_fd_) {
        const ssize_t r = read(out_fd_, buffer, sizeof buffer);
        if (r > 0) {
          pending_.append(buffer, size_t(r));
        } else if (r == 0) {
          const std::string how = reap(1.0);
          return fail(WorkerFailure::kExited, how + " before answering");
        } else if (errno != EAGAIN && errno != EINTR) {
          const std::string why = std::strerror(errno);
          kill_and_reap();
          return fail(WorkerFailure::kExited, "could not be read: " + why);
        }
      }
    }
  }
}

}  // namespace evalkit

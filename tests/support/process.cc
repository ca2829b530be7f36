#include "tests/support/process.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <filesystem>
#include <random>
#include <stdexcept>

extern char** environ;

namespace evalkit::testing {
namespace {

std::vector<std::string> build_environment(const ProcessOptions& options) {
  std::map<std::string, std::string> env;
  for (char** e = environ; *e != nullptr; ++e) {
    const char* eq = std::strchr(*e, '=');
    if (eq != nullptr) env[std::string(*e, size_t(eq - *e))] = eq + 1;
  }
  for (const auto& name : options.unset_env) env.erase(name);
  for (const auto& [k, v] : options.env) env[k] = v;
  std::vector<std::string> out;
  for (const auto& [k, v] : env) out.push_back(k + "=" + v);
  return out;
}

}  // namespace

ProcessResult run_process(const std::vector<std::string>& argv, const ProcessOptions& options) {
  int in_pipe[2], out_pipe[2], err_pipe[2];
  if (pipe(in_pipe) != 0 || pipe(out_pipe) != 0 || pipe(err_pipe) != 0) {
    throw std::runtime_error("pipe failed");
  }
  const std::vector<std::string> env_strings = build_environment(options);
  std::vector<char*> env_ptrs;
  for (const auto& s : env_strings) env_ptrs.push_back(const_cast<char*>(s.c_str()));
  env_ptrs.push_back(nullptr);
  std::vector<char*> arg_ptrs;
  for (const auto& s : argv) arg_ptrs.push_back(const_cast<char*>(s.c_str()));
  arg_ptrs.push_back(nullptr);

  const pid_t pid = fork();
  if (pid == 0) {
    dup2(in_pipe[0], 0);
    dup2(out_pipe[1], 1);
    dup2(err_pipe[1], 2);
    for (int fd : {in_pipe[0], in_pipe[1], out_pipe[0], out_pipe[1], err_pipe[0], err_pipe[1]}) {
      close(fd);
    }
    if (!options.working_dir.empty() && chdir(options.working_dir.c_str()) != 0) _exit(126);
    if (options.max_file_size > 0) {
      struct sigaction ignore {};
      ignore.sa_handler = SIG_IGN;
      sigaction(SIGXFSZ, &ignore, nullptr);
      const rlimit limit{rlim_t(options.max_file_size), rlim_t(options.max_file_size)};
      setrlimit(RLIMIT_FSIZE, &limit);
    }
    execve(arg_ptrs[0], arg_ptrs.data(), env_ptrs.data());
    _exit(127);
  }
  close(in_pipe[0]);
  close(out_pipe[1]);
  close(err_pipe[1]);

  ProcessResult result;
  size_t written = 0;
  int in_fd = in_pipe[1];
  if (options.stdin_data.empty()) {
    close(in_fd);
    in_fd = -1;
  } else {
    fcntl(in_fd, F_SETFL, O_NONBLOCK);
  }
  const auto deadline =
      std::chrono::steady_clock::now() + std::chrono::milliseconds(int(options.timeout_s * 1000));
  bool out_open = true, err_open = true, killed = false;
  char buffer[65536];
  while (out_open || err_open) {
    std::vector<pollfd> fds;
    if (out_open) fds.push_back({out_pipe[0], POLLIN, 0});
    if (err_open) fds.push_back({err_pipe[0], POLLIN, 0});
    if (in_fd >= 0) fds.push_back({in_fd, POLLOUT, 0});
    const int ready = poll(fds.data(), fds.size(), 100);
    if (!killed && std::chrono::steady_clock::now() > deadline) {
      kill(pid, SIGKILL);
      killed = true;
    }
    if (ready <= 0) continue;
    for (const auto& p : fds) {
      if (p.revents == 0) continue;
      if (p.fd == in_fd) {
        const ssize_t n =
            write(in_fd, options.stdin_data.data() + written, options.stdin_data.size() - written);
        if (n > 0) written += size_t(n);
        if (n < 0 || written == options.stdin_data.size()) {
          close(in_fd);
          in_fd = -1;
        }
        continue;
      }
      const ssize_t n = read(p.fd, buffer, sizeof buffer);
      if (n <= 0) {
        if (p.fd == out_pipe[0]) out_open = false;
        if (p.fd == err_pipe[0]) err_open = false;
      } else {
        (p.fd == out_pipe[0] ? result.out : result.err).append(buffer, size_t(n));
      }
    }
  }
  if (in_fd >= 0) close(in_fd);
  close(out_pipe[0]);
  close(err_pipe[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  if (WIFEXITED(status)) result.exit_code = WEXITSTATUS(status);
  if (WIFSIGNALED(status)) result.signal = WTERMSIG(status);
  return result;
}

ProcessResult run_evalkit(const std::vector<std::string>& args, const ProcessOptions& options) {
  std::vector<std::string> argv = {EVALKIT_BINARY};
  argv.insert(argv.end(), args.begin(), args.end());
  return run_process(argv, options);
}

std::string make_temp_dir(const std::string& name) {
  static std::mt19937_64 rng(std::random_device{}());
  const std::filesystem::path dir =
      std::filesystem::path(EVALKIT_TEST_OUTPUT_DIR) /
      (name + "-" + std::to_string(getpid()) + "-" + std::to_string(rng() % 1000000));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir.string();
}

std::string source_path(const std::string& relative) {
  return std::string(EVALKIT_SOURCE_DIR) + "/" + relative;
}

std::string test_data_path(const std::string& relative) {
  return std::string(EVALKIT_TEST_DATA_DIR) + "/" + relative;
}

std::string evalkit_binary() { return EVALKIT_BINARY; }

std::string test_output_dir() { return EVALKIT_TEST_OUTPUT_DIR; }

}  // namespace evalkit::testing

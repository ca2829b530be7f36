// Shows that the fake OpenAI endpoint is never the bottleneck of a throughput benchmark:
// N chat requests, C in flight on one curl_multi loop with connection reuse, each answered
// after L ms. An ideal server finishes in N*L/C; the ratio of the wall time to that bound
// is the fake's (and this client's) overhead.
//
//   fake_server_throughput [--requests N] [--concurrency C] [--latency-ms L]
//                          [--server PATH | --in-process]
#include <curl/curl.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <boost/program_options.hpp>
#include <nlohmann/json.hpp>

#include "tests/support/fake_openai_server.h"

namespace po = boost::program_options;

namespace {

#ifndef FAKE_OPENAI_BINARY
#define FAKE_OPENAI_BINARY ""
#endif

double total_cpu_ms(const rusage& usage) {
  auto ms = [](const timeval& t) { return double(t.tv_sec) * 1000 + double(t.tv_usec) / 1000; };
  return ms(usage.ru_utime) + ms(usage.ru_stime);
}

// The fake_openai program as a child process, stopped with SIGTERM.
class ServerProcess {
 public:
  ServerProcess(const std::string& path, int latency_ms) {
    int out[2];
    if (pipe(out) != 0) throw std::runtime_error("pipe failed");
    pid_ = fork();
    if (pid_ == 0) {
      dup2(out[1], 1);
      close(out[0]);
      close(out[1]);
      const std::string latency = std::to_string(latency_ms);
      execl(path.c_str(), path.c_str(), "--latency-ms", latency.c_str(), "--max-seconds", "600",
            static_cast<char*>(nullptr));
      _exit(127);
    }
    close(out[1]);
    stdout_ = fdopen(out[0], "r");
    const std::string first = read_line();
    const std::string prefix = "listening on ";
    if (first.rfind(prefix, 0) != 0) throw std::runtime_error("fake_openai did not start: " + path);
    base_url_ = first.substr(prefix.size());
  }

  ~ServerProcess() {
    if (pid_ > 0) stop();
  }

  const std::string& base_url() const { return base_url_; }
  // User plus system CPU time the server used, known after stop().
  double cpu_ms() const { return cpu_ms_; }

  // Stops the server and returns the statistics line it printed.
  std::string stop() {
    kill(pid_, SIGTERM);
    const std::string stats = read_line();
    rusage usage{};
    wait4(pid_, nullptr, 0, &usage);
    cpu_ms_ = total_cpu_ms(usage);
    pid_ = -1;
    fclose(stdout_);
    return stats;
  }

 private:
  std::string read_line() {
    std::string line;
    int c;
    while ((c = fgetc(stdout_)) != EOF && c != '\n') line.push_back(char(c));
    return line;
  }

  pid_t pid_ = -1;
  double cpu_ms_ = 0;
  FILE* stdout_ = nullptr;
  std::string base_url_;
};

size_t discard(char*, size_t size, size_t count, void*) { return size * count; }

// Drives a curl multi handle with curl_multi_socket_action: curl says which sockets to watch
// and when its next timeout is due; epoll waits for either.
class SocketLoop {
 public:
  explicit SocketLoop(CURLM* multi) : multi_(multi), epoll_fd_(epoll_create1(EPOLL_CLOEXEC)) {
    curl_multi_setopt(multi_, CURLMOPT_SOCKETFUNCTION, on_socket);
    curl_multi_setopt(multi_, CURLMOPT_SOCKETDATA, this);
    curl_multi_setopt(multi_, CURLMOPT_TIMERFUNCTION, on_timer);
    curl_multi_setopt(multi_, CURLMOPT_TIMERDATA, this);
  }
  ~SocketLoop() {
    curl_multi_setopt(multi_, CURLMOPT_SOCKETFUNCTION, nullptr);
    curl_multi_setopt(multi_, CURLMOPT_TIMERFUNCTION, nullptr);
    close(epoll_fd_);
  }

  // Waits for ready sockets or curl's timeout (at most a second) and lets curl act on them.
  void wait_and_act(int* running) {
    int wait_ms = 1000;
    if (deadline_) {
      const auto left = std::chrono::ceil<std::chrono::milliseconds>(*deadline_ - Clock::now());
      wait_ms = int(std::clamp<int64_t>(left.count(), 0, 1000));
    }
    epoll_event events[256];
    const int n = epoll_wait(epoll_fd_, events, 256, wait_ms);
    for (int i = 0; i < n; ++i) {
      int flags = 0;
      if (events[i].events & (EPOLLIN | EPOLLHUP)) flags |= CURL_CSELECT_IN;
      if (events[i].events & EPOLLOUT) flags |= CURL_CSELECT_OUT;
      if (events[i].events & EPOLLERR) flags |= CURL_CSELECT_ERR;
      curl_multi_socket_action(multi_, events[i].data.fd, flags, running);
    }
    if (deadline_ && Clock::now() >= *deadline_) {
      deadline_.reset();
      curl_multi_socket_action(multi_, CURL_SOCKET_TIMEOUT, 0, running);
    }
  }

 private:
  using Clock = std::chrono::steady_clock;

  static int on_socket(CURL*, curl_socket_t fd, int what, void* self, void*) {
    const int epoll_fd = static_cast<SocketLoop*>(self)->epoll_fd_;
    if (what == CURL_POLL_REMOVE) {
      epoll_ctl(epoll_fd, EPOLL_CTL_DEL, fd, nullptr);
      return 0;
    }
    epoll_event event{};
    event.data.fd = fd;
    if (what & CURL_POLL_IN) event.events |= EPOLLIN;
    if (what & CURL_POLL_OUT) event.events |= EPOLLOUT;
    if (epoll_ctl(epoll_fd, EPOLL_CTL_MOD, fd, &event) != 0 && errno == ENOENT) {
      epoll_ctl(epoll_fd, EPOLL_CTL_ADD, fd, &event);
    }
    return 0;
  }

  static int on_timer(CURLM*, long timeout_ms, void* self) {
    auto& loop = *static_cast<SocketLoop*>(self);
    if (timeout_ms < 0) {
      loop.deadline_.reset();
    } else {
      loop.deadline_ = Clock::now() + std::chrono::milliseconds(timeout_ms);
    }
    return 0;
  }

  CURLM* multi_;
  int epoll_fd_;
  std::optional<Clock::time_point> deadline_;
};

struct LoadResult {
  double wall_ms = 0;
  int ok = 0;
  int failed = 0;
};

// Drives `requests` POSTs with `concurrency` in flight; each finished handle is re-added
// at once so the window stays full.
LoadResult drive(const std::string& url, int requests, int concurrency) {
  CURLM* multi = curl_multi_init();
  curl_multi_setopt(multi, CURLMOPT_MAXCONNECTS, long(concurrency));
  curl_multi_setopt(multi, CURLMOPT_MAX_HOST_CONNECTIONS, long(concurrency));
  curl_slist* headers = curl_slist_append(nullptr, "Content-Type: application/json");
  const std::string body =
      nlohmann::json{{"model", "bench"},
                     {"messages", {{{"role", "user"}, {"content", "How fast can you answer?"}}}}}
          .dump();
  std::vector<CURL*> handles;
  for (int i = 0; i < concurrency; ++i) {
    CURL* easy = curl_easy_init();
    curl_easy_setopt(easy, CURLOPT_URL, url.c_str());
    curl_easy_setopt(easy, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(easy, CURLOPT_POSTFIELDS, body.c_str());
    curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, discard);
    curl_easy_setopt(easy, CURLOPT_TIMEOUT_MS, 60000L);
    curl_easy_setopt(easy, CURLOPT_NOSIGNAL, 1L);
    handles.push_back(easy);
  }

  LoadResult result;
  // curl_multi_socket_action on epoll: each wakeup costs the sockets that are ready, not a
  // poll over all C connections, so the client stays cheap next to the server it measures.
  const auto start = std::chrono::steady_clock::now();
  SocketLoop loop(multi);
  int started = 0;
  for (CURL* easy : handles) {
    if (started == requests) break;
    curl_multi_add_handle(multi, easy);
    ++started;
  }
  int running = 0;
  while (result.ok + result.failed < requests) {
    loop.wait_and_act(&running);
    int queued = 0;
    while (CURLMsg* message = curl_multi_info_read(multi, &queued)) {
      if (message->msg != CURLMSG_DONE) continue;
      CURL* easy = message->easy_handle;
      const CURLcode code = message->data.result;
      long status = 0;
      curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &status);
      (code == CURLE_OK && status == 200 ? result.ok : result.failed)++;
      curl_multi_remove_handle(multi, easy);
      if (started < requests) {
        curl_multi_add_handle(multi, easy);
        ++started;
      }
    }
  }
  result.wall_ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  for (CURL* easy : handles) curl_easy_cleanup(easy);
  curl_slist_free_all(headers);
  curl_multi_cleanup(multi);
  return result;
}

}  // namespace

int main(int argc, char** argv) {
  int requests = 10000, concurrency = 256, latency_ms = 50;
  std::string server_path = FAKE_OPENAI_BINARY;
  bool in_process = false;
  po::options_description flags("fake_server_throughput");
  flags.add_options()("help,h", "show this help")("requests", po::value(&requests),
                                                  "requests to send (10000)")(
      "concurrency", po::value(&concurrency), "requests in flight (256)")(
      "latency-ms", po::value(&latency_ms), "the server's latency per answer (50)")(
      "server", po::value(&server_path), "the fake_openai program to start")(
      "in-process", po::bool_switch(&in_process), "serve from a thread of this process instead");
  try {
    po::variables_map vm;
    po::store(po::parse_command_line(argc, argv, flags), vm);
    po::notify(vm);
    if (vm.count("help")) {
      std::cout << flags << "\n";
      return 0;
    }
    if (requests < 1 || concurrency < 1 || latency_ms < 0) {
      throw std::runtime_error("--requests and --concurrency must be positive");
    }
    if (!in_process && server_path.empty()) throw std::runtime_error("no --server given");
  } catch (const std::exception& e) {
    std::cerr << "fake_server_throughput: " << e.what() << "\n";
    return 3;
  }

  curl_global_init(CURL_GLOBAL_DEFAULT);
  std::unique_ptr<ServerProcess> process;
  std::unique_ptr<evalkit::testing::FakeOpenAIServer> thread_server;
  std::string base_url;
  if (in_process) {
    evalkit::testing::FakeOpenAIServerOptions options;
    options.latency_ms = latency_ms;
    options.request_log_capacity = 0;
    thread_server = std::make_unique<evalkit::testing::FakeOpenAIServer>(options);
    base_url = thread_server->base_url();
  } else {
    process = std::make_unique<ServerProcess>(server_path, latency_ms);
    base_url = process->base_url();
  }

  const LoadResult load = drive(base_url + "/chat/completions", requests, concurrency);
  const std::string stats = in_process ? thread_server->stats().to_json().dump() : process->stop();
  const double bound_ms = double(requests) * latency_ms / concurrency;
  std::printf("server:        %s\n", in_process ? "in-process thread" : "fake_openai process");
  std::printf("requests:      %d (%d ok, %d failed), %d in flight, %d ms latency\n", requests,
              load.ok, load.failed, concurrency, latency_ms);
  std::printf("wall time:     %.1f ms\n", load.wall_ms);
  std::printf("bound N*L/C:   %.1f ms\n", bound_ms);
  std::printf("ratio:         %.3f\n", bound_ms > 0 ? load.wall_ms / bound_ms : 0.0);
  std::printf("requests/s:    %.0f\n", load.ok / (load.wall_ms / 1000.0));
  rusage self{};
  getrusage(RUSAGE_SELF, &self);
  if (!in_process) {
    std::printf("cpu:           server %.0f ms (%.1f us/request), client %.0f ms\n",
                process->cpu_ms(), process->cpu_ms() * 1000 / requests, total_cpu_ms(self));
  } else {
    std::printf("cpu:           server and client together %.0f ms\n", total_cpu_ms(self));
  }
  std::printf("server stats:  %s\n", stats.c_str());
  curl_global_cleanup();
  return load.failed == 0 ? 0 : 1;
}

// End-to-end throughput: the evalkit binary runs an N-case exact-match suite against the
// fake endpoint answering every request after a fixed latency L, with C requests in flight.
// The bound is N*L/C (perfect overlap, zero overhead); the benchmark prints wall time, that
// bound, their ratio, evalkit's CPU seconds per 1,000 cases and its peak RSS.
//
//   run_throughput [--cases N] [--concurrency C] [--latency-ms L]
#include <fcntl.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>

#include "tests/support/fake_openai_server.h"
#include "tests/support/process.h"

namespace {

long flag(int argc, char** argv, const char* name, long fallback) {
  for (int i = 1; i + 1 < argc; ++i) {
    if (std::strcmp(argv[i], name) == 0) return std::stol(argv[i + 1]);
  }
  return fallback;
}

}  // namespace

int main(int argc, char** argv) {
  const long cases = flag(argc, argv, "--cases", 10000);
  const long concurrency = flag(argc, argv, "--concurrency", 256);
  const long latency_ms = flag(argc, argv, "--latency-ms", 50);

  // The endpoint runs in this process on its own epoll thread; evalkit runs as a child, so
  // the child's rusage is evalkit's alone.
  evalkit::testing::FakeOpenAIServerOptions options;
  options.latency_ms = int(latency_ms);
  options.rules = {{"", "Paris", {}, {}, {}}};
  evalkit::testing::FakeOpenAIServer server(options);

  const auto dir = std::filesystem::temp_directory_path() /
                   ("evalkit-run-throughput-" + std::to_string(getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  {
    std::ofstream data(dir / "cases.jsonl");
    for (long i = 0; i < cases; ++i) {
      data << "{\"id\": \"case-" << i << "\", \"vars\": {\"n\": " << i
           << "}, \"expected\": \"Paris\"}\n";
    }
    std::ofstream suite(dir / "suite.yaml");
    suite << "suite: throughput\nproviders:\n  - id: endpoint\n    type: openai-chat\n"
          << "    model: fake-chat\n    base_url: " << server.base_url() << "\n"
          << "    concurrency: " << concurrency << "\n    timeout: 30\n"
          << "prompts:\n  - id: p\n    messages: [{role: user, content: \"Question {{n}}\"}]\n"
          << "cases:\n  - file: cases.jsonl\nscorers:\n  - {type: exact_match}\n";
  }

  const std::string suite = (dir / "suite.yaml").string();
  const std::string db = (dir / "evalkit.db").string();
  const std::string jobs = std::to_string(concurrency);
  const std::string binary = evalkit::testing::evalkit_binary();
  const auto start = std::chrono::steady_clock::now();
  const pid_t pid = fork();
  if (pid == 0) {
    const int null = open("/dev/null", O_WRONLY);
    dup2(null, 1);
    execl(binary.c_str(), "evalkit", "run", suite.c_str(), "--db", db.c_str(), "-j", jobs.c_str(),
          "-q", "--no-progress", static_cast<char*>(nullptr));
    _exit(127);
  }
  int status = 0;
  rusage usage{};
  wait4(pid, &status, 0, &usage);
  const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const double cpu = double(usage.ru_utime.tv_sec) + double(usage.ru_utime.tv_usec) / 1e6 +
                     double(usage.ru_stime.tv_sec) + double(usage.ru_stime.tv_usec) / 1e6;
  const double bound = double(cases) * double(latency_ms) / 1000.0 / double(concurrency);
  const auto stats = server.stats();
  std::printf("run_throughput: N=%ld cases, C=%ld in flight, L=%ld ms\n", cases, concurrency, latency_ms);
  std::printf("  evalkit exit code     %d\n", WIFEXITED(status) ? WEXITSTATUS(status) : -1);
  std::printf("  requests served       %llu (connections %llu)\n",
              static_cast<unsigned long long>(stats.ok),
              static_cast<unsigned long long>(stats.connections_accepted));
  std::printf("  wall time             %.3f s\n", wall);
  std::printf("  bound N*L/C           %.3f s\n", bound);
  std::printf("  ratio wall/bound      %.3f   (target <= 1.15)\n", wall / bound);
  std::printf("  CPU                   %.3f s = %.3f s per 1,000 cases   (target <= 0.15)\n", cpu,
              cpu * 1000.0 / double(cases));
  std::printf("  peak RSS              %.1f MiB\n", double(usage.ru_maxrss) / 1024.0);
  std::filesystem::remove_all(dir);
  return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : 1;
}

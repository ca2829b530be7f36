// Streaming's cost: the evalkit binary runs the same N-case suite twice against the fake
// endpoint, once with plain answers and once with `stream: true` (each answer a stream of
// chunks, one word a chunk, `--interval-ms` apart). It prints evalkit's CPU seconds per 1,000
// trials for both runs and their ratio, then what parsing alone costs in-process: the same
// answer read from one chat.completion body and from its server-sent chunks. Streaming adds
// no CPU per trial beyond parsing when the extra CPU per trial of the streamed run is about the
// extra parse time per answer.
//
//   stream_throughput [--cases N] [--concurrency C] [--words W] [--interval-ms I]
#include <fcntl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>

#include "evalkit/providers/openai_chat_provider.h"
#include "tests/support/fake_openai_server.h"
#include "tests/support/process.h"

namespace {

long flag(int argc, char** argv, const char* name, long fallback) {
  for (int i = 1; i + 1 < argc; ++i) {
    if (std::strcmp(argv[i], name) == 0) return std::stol(argv[i + 1]);
  }
  return fallback;
}

struct RunCost {
  int exit_code = -1;
  double wall_s = 0;
  double cpu_s = 0;
};

RunCost run_suite(const std::filesystem::path& dir, const std::string& base_url, long concurrency,
                  bool stream) {
  const std::string name = stream ? "streamed" : "plain";
  {
    std::ofstream suite(dir / (name + ".yaml"));
    suite << "suite: " << name << "\nproviders:\n  - id: endpoint\n    type: openai-chat\n"
          << "    model: fake-chat\n    base_url: " << base_url << "\n"
          << "    concurrency: " << concurrency << "\n    timeout: 60\n"
          << "    stream: " << (stream ? "true" : "false") << "\n"
          << "prompts:\n  - id: p\n    messages: [{role: user, content: \"Question {{n}}\"}]\n"
          << "cases:\n  - file: cases.jsonl\nscorers:\n  - {type: contains, value: answer}\n";
  }
  const std::string suite = (dir / (name + ".yaml")).string();
  const std::string db = (dir / (name + ".db")).string();
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
  RunCost cost;
  cost.wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  cost.cpu_s = double(usage.ru_utime.tv_sec) + double(usage.ru_utime.tv_usec) / 1e6 +
               double(usage.ru_stime.tv_sec) + double(usage.ru_stime.tv_usec) / 1e6;
  cost.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return cost;
}

// Seconds to parse one answer, both ways, averaged over many parses.
void parse_costs(const std::string& reply, double* plain_s, double* streamed_s) {
  nlohmann::json request = {{"model", "fake-chat"},
                            {"messages", {{{"role", "user"}, {"content", "Question 1"}}}}};
  const auto completion = evalkit::testing::chat_completion_response(
      request, {{"", reply, {}, {}, {}}}, "chatcmpl-bench-1");
  evalkit::HttpResponse stream;
  for (const auto& part : evalkit::testing::chat_completion_stream(
           nlohmann::json::parse(completion.body), true, std::chrono::milliseconds(1))) {
    stream.arrivals.push_back({stream.body.size(), 0.001 * double(stream.arrivals.size())});
    stream.body += part.data;
  }
  constexpr int kRounds = 20000;
  auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < kRounds; ++i) {
    evalkit::ModelResponse response;
    evalkit::parse_chat_completion(completion.body, &response);
    if (!response.ok) std::abort();
  }
  *plain_s =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count() / kRounds;
  start = std::chrono::steady_clock::now();
  for (int i = 0; i < kRounds; ++i) {
    evalkit::ModelResponse response;
    evalkit::parse_chat_completion_stream(stream, &response);
    if (!response.ok) std::abort();
  }
  *streamed_s =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count() / kRounds;
}

}  // namespace

int main(int argc, char** argv) {
  const long cases = flag(argc, argv, "--cases", 5000);
  const long concurrency = flag(argc, argv, "--concurrency", 128);
  const long words = flag(argc, argv, "--words", 40);
  const long interval_ms = flag(argc, argv, "--interval-ms", 1);

  std::string reply = "answer";
  for (long i = 1; i < words; ++i) reply += " word" + std::to_string(i);
  evalkit::testing::FakeOpenAIServerOptions options;
  options.latency_ms = 20;
  options.stream_interval_ms = int(interval_ms);
  options.rules = {{"", reply, {}, {}, {}}};
  evalkit::testing::FakeOpenAIServer server(options);

  const auto dir = std::filesystem::temp_directory_path() /
                   ("evalkit-stream-throughput-" + std::to_string(getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  {
    std::ofstream data(dir / "cases.jsonl");
    for (long i = 0; i < cases; ++i)
      data << "{\"id\": \"c" << i << "\", \"vars\": {\"n\": " << i << "}}\n";
  }
  const RunCost plain = run_suite(dir, server.base_url(), concurrency, false);
  const RunCost streamed = run_suite(dir, server.base_url(), concurrency, true);
  double parse_plain = 0, parse_streamed = 0;
  parse_costs(reply, &parse_plain, &parse_streamed);

  const double per_trial_plain = plain.cpu_s / double(cases);
  const double per_trial_streamed = streamed.cpu_s / double(cases);
  std::printf(
      "stream_throughput: N=%ld cases, C=%ld in flight, %ld-word answers, chunks %ld ms apart\n",
      cases, concurrency, words, interval_ms);
  std::printf("  exit codes             plain %d, streamed %d\n", plain.exit_code,
              streamed.exit_code);
  std::printf("  wall                   plain %.2f s, streamed %.2f s\n", plain.wall_s,
              streamed.wall_s);
  std::printf("  CPU per 1,000 trials   plain %.3f s, streamed %.3f s\n", per_trial_plain * 1000,
              per_trial_streamed * 1000);
  std::printf("  ratio streamed/plain   %.3f\n", per_trial_streamed / per_trial_plain);
  std::printf("  parse per answer       JSON body %.1f us, %zu-chunk stream %.1f us\n",
              parse_plain * 1e6, size_t(words + 4), parse_streamed * 1e6);
  std::printf("  extra CPU per trial    %.1f us streamed, of which parsing %.1f us\n",
              (per_trial_streamed - per_trial_plain) * 1e6, (parse_streamed - parse_plain) * 1e6);
  std::filesystem::remove_all(dir);
  return plain.exit_code == 0 && streamed.exit_code == 0 ? 0 : 1;
}

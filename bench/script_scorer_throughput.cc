// What a `script` scorer costs per trial beyond the script's own work. The same worker program
// (Python, then Node) answers the same request line two ways, in one run:
//   bound:  a bare pipe round trip — write the prepared line, block until one line comes back;
//   evalkit: ScriptScorer::score — build the request from the trial, send it through the
//            worker pool, read and check the answer, build the Score.
// The difference is evalkit's overhead per trial; the ratio is evalkit / bound. Batches of the
// two alternate, so a busy machine slows both alike.
//   build/bench/script_scorer_throughput [trials]
#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

#include "evalkit/scorers/registry.h"
#include "evalkit/worker/worker_pool.h"

extern char** environ;

namespace {

using Clock = std::chrono::steady_clock;

const char* kPythonWorker =
    "import json, sys\n"
    "for line in sys.stdin:\n"
    "    t = json.loads(line)\n"
    "    sys.stdout.write(json.dumps({'pass': 'Paris' in t['output'], 'score': 1.0}) + '\\n')\n"
    "    sys.stdout.flush()\n";

const char* kNodeWorker =
    "const rl = require('readline').createInterface({input: process.stdin});\n"
    "rl.on('line', (line) => { const t = JSON.parse(line);\n"
    "  process.stdout.write(JSON.stringify({pass: t.output.includes('Paris'), score: 1}) + '\\n'); "
    "});\n";

// A worker process fed through a bare pipe: write the prepared line, block until one line
// comes back. Nothing else in the way.
class BarePipe {
 public:
  explicit BarePipe(const std::vector<std::string>& argv) {
    int in[2], out[2];
    if (pipe(in) != 0 || pipe(out) != 0) return;
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, in[0], 0);
    posix_spawn_file_actions_adddup2(&actions, out[1], 1);
    posix_spawn_file_actions_addclose(&actions, in[1]);
    posix_spawn_file_actions_addclose(&actions, out[0]);
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    const int rc = posix_spawnp(&pid_, args[0], &actions, nullptr, args.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    close(in[0]);
    close(out[1]);
    in_ = in[1];
    out_ = out[0];
    if (rc != 0) pid_ = -1;
  }
  ~BarePipe() {
    close(in_);
    close(out_);
    if (pid_ > 0) waitpid(pid_, nullptr, 0);
  }
  bool ok() const { return pid_ > 0; }

  bool round_trip(const std::string& line) {
    size_t written = 0;
    while (written < line.size()) {
      const ssize_t w = write(in_, line.data() + written, line.size() - written);
      if (w <= 0) return false;
      written += size_t(w);
    }
    for (;;) {
      const size_t newline = pending_.find('\n');
      if (newline != std::string::npos) {
        pending_.erase(0, newline + 1);
        return true;
      }
      char buffer[4096];
      const ssize_t r = read(out_, buffer, sizeof buffer);
      if (r <= 0) return false;
      pending_.append(buffer, size_t(r));
    }
  }

 private:
  pid_t pid_ = -1;
  int in_ = -1, out_ = -1;
  std::string pending_;
};

double median(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  return values.empty() ? 0 : values[values.size() / 2];
}

struct Figures {
  double bare_us, scorer_us, ratio;
};

// Alternates batches of bare round trips and scored trials on the same machine state, so load
// from elsewhere touches both alike; medians over the batches.
bool measure(const std::vector<std::string>& argv, int trials, const std::string& line,
             const evalkit::ScoreInput& input, Figures* figures) {
  BarePipe bare(argv);
  evalkit::ScorerSpec spec;
  spec.type = "script";
  spec.options = {{"command", argv}, {"workers", 1}};
  std::unique_ptr<evalkit::Scorer> scorer;
  if (!bare.ok() || !evalkit::make_scorer(spec, &scorer).is_ok()) return false;
  for (int i = 0; i < 200; ++i) {  // warm up: interpreter start, JIT
    if (!bare.round_trip(line) || !scorer->score(input).pass) return false;
  }
  constexpr int kBatch = 250;
  std::vector<double> bare_times, scorer_times, ratios;
  for (int done = 0; done < trials; done += kBatch) {
    auto start = Clock::now();
    for (int i = 0; i < kBatch; ++i) bare.round_trip(line);
    const double b = std::chrono::duration<double>(Clock::now() - start).count() / kBatch;
    start = Clock::now();
    for (int i = 0; i < kBatch; ++i) scorer->score(input);
    const double s = std::chrono::duration<double>(Clock::now() - start).count() / kBatch;
    bare_times.push_back(b);
    scorer_times.push_back(s);
    ratios.push_back(s / b);
  }
  evalkit::shutdown_shared_worker_pools();
  *figures = {median(bare_times) * 1e6, median(scorer_times) * 1e6, median(ratios)};
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  const int trials = argc > 1 ? std::atoi(argv[1]) : 20000;
  const std::string output =
      "The capital of France is Paris, which is also its largest city, on the Seine; it has "
      "been the seat of government since the tenth century, with a short interruption.";
  const std::vector<std::string> expected = {"Paris"};
  const nlohmann::json vars = {{"country", "France"}, {"topic", "geography"}};
  evalkit::ModelAnswer answer;
  answer.text = output;
  answer.finish_reason = "stop";
  answer.prompt_tokens = 14;
  answer.completion_tokens = 38;
  answer.latency_s = 0.42;
  // The very line the scorer sends, for the bare round trip.
  const nlohmann::json request = {{"kind", "score"},
                                  {"output", output},
                                  {"expected", expected},
                                  {"vars", vars},
                                  {"prompt", "What is the capital of France?"},
                                  {"config", nlohmann::json::object()},
                                  {"threshold", nullptr},
                                  {"answer", evalkit::answer_to_json(answer)}};
  const std::string line = request.dump() + "\n";
  std::printf("script scorer overhead, %d trials through one worker, request %zu bytes\n", trials,
              line.size());
  std::printf("medians over batches of 250, bare and evalkit alternating\n");
  std::printf("%-8s %14s %14s %14s %8s\n", "worker", "bare us/trial", "evalkit us/trial",
              "overhead us", "ratio");
  evalkit::ScoreInput input;
  input.output = output;
  input.answer = &answer;
  input.expected = &expected;
  input.vars = &vars;
  input.input = "What is the capital of France?";
  for (const auto& [name, program] : {std::pair<const char*, std::vector<std::string>>{
                                          "python3", {"python3", "-c", kPythonWorker}},
                                      {"node", {"node", "-e", kNodeWorker}}}) {
    Figures f{};
    if (!measure(program, trials, line, input, &f)) {
      std::printf("%-8s (could not run)\n", name);
      continue;
    }
    std::printf("%-8s %14.1f %14.1f %14.1f %8.2f\n", name, f.bare_us, f.scorer_us,
                f.scorer_us - f.bare_us, f.ratio);
  }
  return 0;
}

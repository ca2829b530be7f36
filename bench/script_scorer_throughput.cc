// What a `script` scorer costs per trial beyond the script's own work. The same worker program
// (Python, then Node) answers the same request line two ways, in one run:
//   bound:  a bare pipe round trip — write the prepared line, block until one line comes back;
//   evalkit: ScriptScorer::score — build the request from the trial, send it through the
//            worker pool, read and check the answer, build the Score.
// The difference is evalkit's overhead per trial; the ratio is evalkit / bound.
//   build/bench/script_scorer_throughput [trials]
#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

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

// Round trips of line through argv's stdin/stdout with nothing else in the way.
double bare_round_trips(const std::vector<std::string>& argv, const std::string& line, int trials) {
  int in[2], out[2];
  if (pipe(in) != 0 || pipe(out) != 0) return -1;
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, in[0], 0);
  posix_spawn_file_actions_adddup2(&actions, out[1], 1);
  posix_spawn_file_actions_addclose(&actions, in[1]);
  posix_spawn_file_actions_addclose(&actions, out[0]);
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  pid_t pid = 0;
  if (posix_spawnp(&pid, args[0], &actions, nullptr, args.data(), environ) != 0) return -1;
  posix_spawn_file_actions_destroy(&actions);
  close(in[0]);
  close(out[1]);
  char buffer[4096];
  std::string pending;
  auto round_trip = [&] {
    size_t written = 0;
    while (written < line.size()) {
      const ssize_t w = write(in[1], line.data() + written, line.size() - written);
      if (w <= 0) return false;
      written += size_t(w);
    }
    for (;;) {
      const size_t newline = pending.find('\n');
      if (newline != std::string::npos) {
        pending.erase(0, newline + 1);
        return true;
      }
      const ssize_t r = read(out[0], buffer, sizeof buffer);
      if (r <= 0) return false;
      pending.append(buffer, size_t(r));
    }
  };
  for (int i = 0; i < 200; ++i) round_trip();  // warm up (interpreter start, JIT)
  const auto start = Clock::now();
  for (int i = 0; i < trials; ++i) {
    if (!round_trip()) return -1;
  }
  const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
  close(in[1]);
  close(out[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  return seconds / trials;
}

double scorer_trials(const std::vector<std::string>& argv, int trials, const std::string& output,
                     const std::vector<std::string>& expected, const nlohmann::json& vars,
                     const evalkit::ModelAnswer& answer) {
  evalkit::ScorerSpec spec;
  spec.type = "script";
  spec.options = {{"command", argv}, {"workers", 1}};
  std::unique_ptr<evalkit::Scorer> scorer;
  if (!evalkit::make_scorer(spec, &scorer).is_ok()) return -1;
  evalkit::ScoreInput input;
  input.output = output;
  input.answer = &answer;
  input.expected = &expected;
  input.vars = &vars;
  input.input = "What is the capital of France?";
  for (int i = 0; i < 200; ++i) scorer->score(input);
  const auto start = Clock::now();
  int passed = 0;
  for (int i = 0; i < trials; ++i) passed += scorer->score(input).pass;
  const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
  evalkit::shutdown_shared_worker_pools();
  return passed == trials ? seconds / trials : -1;
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
  std::printf("%-8s %14s %14s %14s %8s\n", "worker", "bare us/trial", "evalkit us/trial",
              "overhead us", "ratio");
  for (const auto& [name, program] : {std::pair<const char*, std::vector<std::string>>{
                                          "python3", {"python3", "-c", kPythonWorker}},
                                      {"node", {"node", "-e", kNodeWorker}}}) {
    const double bare = bare_round_trips(program, line, trials);
    const double scored = scorer_trials(program, trials, output, expected, vars, answer);
    if (bare < 0 || scored < 0) {
      std::printf("%-8s (could not run)\n", name);
      continue;
    }
    std::printf("%-8s %14.1f %14.1f %14.1f %8.2f\n", name, bare * 1e6, scored * 1e6,
                (scored - bare) * 1e6, scored / bare);
  }
  return 0;
}

#include <csignal>
#include <cstdio>
#include <cstring>
#include <iostream>
#include <string>

#include "evalkit/base/secrets.h"
#include "evalkit/cli/commands.h"
#include "evalkit/cli/exit_codes.h"

namespace {

const char* kUsage = R"(evalkit — evaluation and regression testing for LLM applications

Usage: evalkit COMMAND [options]

Commands:
  run SUITE...            run suites, store the results, print CTest-style results
  score METRIC            score JSONL {"hypothesis","references"} from stdin (bleu, chrf, rouge, levenshtein)
  validate SUITE...       check suites without running them
  list SUITE              list the cases a run would select
  runs                    list stored runs
  baseline save|list|show|rm   manage named baselines
  compare RUN_A RUN_B     compare two stored runs with the regression gate
  report RUN              write reports for a stored run
  init [DIR]              scaffold a suite, its dataset and CI workflows
  import promptfoo FILE   convert a promptfoo config into a suite
  merge INPUT...          join shard results (JSON reports or runs) into one run
  annotate import FILE    store reviewer verdicts and comments exported from the HTML report
  completion bash         print the bash completion script
  --version [--short]     evalkit's version and its libraries'

Run 'evalkit COMMAND --help' for a command's options.

Exit codes: 0 passed, 1 case failures, 2 regression, 3 usage or suite error,
            4 infrastructure error, 5 no case selected.
)";

}  // namespace

int main(int argc, char** argv) {
  // A write to a closed pipe or socket (a command that ignores its stdin, a reader of
  // stdout that went away) fails with EPIPE instead of ending evalkit.
  std::signal(SIGPIPE, SIG_IGN);
  // Values of secret-named environment variables are redacted from everything any command
  // writes (see docs/reliability.md#secrets).
  evalkit::register_environment_secrets();
  if (argc < 2 || !std::strcmp(argv[1], "--help") || !std::strcmp(argv[1], "-h") ||
      !std::strcmp(argv[1], "help")) {
    std::fputs(kUsage, stdout);
    return argc < 2 ? evalkit::exit_code::kUsageError : evalkit::exit_code::kPassed;
  }
  if (!std::strcmp(argv[1], "--version") || !std::strcmp(argv[1], "version")) {
    return evalkit::cli::version_command(evalkit::cli::Args(argv + 2, argv + argc));
  }
  const std::string command = argv[1];
  evalkit::cli::Args args(argv + 2, argv + argc);
  std::string command_line = "evalkit";
  for (int i = 1; i < argc; ++i) command_line += std::string(" ") + argv[i];
  try {
    if (command == "run") return evalkit::cli::run_command(args, command_line);
    if (command == "score") return evalkit::cli::score_command(args);
    if (command == "validate") return evalkit::cli::validate_command(args);
    if (command == "list") return evalkit::cli::list_command(args);
    if (command == "runs") return evalkit::cli::runs_command(args);
    if (command == "baseline") return evalkit::cli::baseline_command(args);
    if (command == "compare") return evalkit::cli::compare_command(args);
    if (command == "report") return evalkit::cli::report_command(args);
    if (command == "init") return evalkit::cli::init_command(args);
    if (command == "import") return evalkit::cli::import_command(args);
    if (command == "merge") return evalkit::cli::merge_command(args);
    if (command == "annotate") return evalkit::cli::annotate_command(args);
    if (command == "completion") return evalkit::cli::completion_command(args);
  } catch (const std::exception& e) {
    // An exception's text may quote the input it choked on (a parser's "last read: ..."),
    // which may hold a secret.
    std::fprintf(stderr, "evalkit %s: %s\n", command.c_str(),
                 evalkit::redact_secrets(e.what()).c_str());
    return evalkit::exit_code::kUsageError;
  }
  std::fprintf(stderr, "evalkit: unknown command '%s'. Run 'evalkit --help'.\n", command.c_str());
  return evalkit::exit_code::kUsageError;
}

#include <unistd.h>

#include <atomic>
#include <csignal>
#include <cstdio>
#include <iostream>
#include <map>

#include <boost/program_options.hpp>

#include "evalkit/base/files.h"
#include "evalkit/cli/commands.h"
#include "evalkit/cli/exit_codes.h"
#include "evalkit/cli/gate_step.h"
#include "evalkit/cli/report_outputs.h"
#include "evalkit/cli/rerun_selection.h"
#include "evalkit/gate/comparison.h"
#include "evalkit/model/error_kind.h"
#include "evalkit/report/comparison_console.h"
#include "evalkit/report/console_reporter.h"
#include "evalkit/report/group_console.h"
#include "evalkit/report/group_fields.h"
#include "evalkit/report/run_document.h"
#include "evalkit/report/run_document_stream.h"
#include "evalkit/run/runner.h"
#include "evalkit/store/store.h"
#include "evalkit/suite/suite_loader.h"

namespace po = boost::program_options;

namespace evalkit::cli {
namespace {

std::atomic<bool> g_stop{false};
std::atomic<int> g_interrupts{0};

void on_interrupt(int) {
  // First Ctrl-C: stop scheduling and finish in-flight trials. Second: leave at once; SQLite's
  // WAL keeps the database consistent.
  if (g_interrupts.fetch_add(1) >= 1) _exit(130);
  g_stop = true;
  const char message[] =
      "\nInterrupted: finishing in-flight trials and writing reports (Ctrl-C again to quit now)\n";
  [[maybe_unused]] ssize_t n = write(2, message, sizeof message - 1);
}

bool parse_shard(const std::string& text, CaseFilter* filter) {
  const size_t slash = text.find('/');
  if (slash == std::string::npos) return false;
  try {
    const int index = std::stoi(text.substr(0, slash));
    const int count = std::stoi(text.substr(slash + 1));
    if (count < 1 || index < 1 || index > count) return false;
    filter->shard_index = index - 1;
    filter->shard_count = count;
    return true;
  } catch (...) {
    return false;
  }
}

std::string budget_limits(const RunOptions& options) {
  std::string limits;
  if (options.max_cost_usd > 0) {
    char text[64];
    std::snprintf(text, sizeof text, "--max-cost $%.4f", options.max_cost_usd);
    limits += text;
  }
  if (options.max_tokens > 0) {
    limits += (limits.empty() ? "" : ", ") + std::string("--max-tokens ") +
              std::to_string(options.max_tokens);
  }
  return limits;
}

// What narrowed the run, for the stored config: a baseline is refused for a filtered run.
nlohmann::json selection_of(const RunOptions& options, const std::string& shard, bool rerun_failed,
                            const std::string& repeat_text, const RepeatMode& repeat_mode) {
  nlohmann::json selection = nlohmann::json::object();
  if (!options.filter.include.empty()) selection["tests_regex"] = options.filter.include;
  if (!options.filter.exclude.empty()) selection["exclude_regex"] = options.filter.exclude;
  if (!options.filter.labels.empty()) selection["label_regex"] = options.filter.labels;
  if (!shard.empty()) selection["shard"] = shard;
  if (rerun_failed) selection["rerun_failed"] = true;
  if (repeat_mode.kind != RepeatMode::kTrials) selection["repeat"] = repeat_text;
  return selection;
}

// The tag each suite's reports get when one invocation runs several: the suite's name, or
// its name and position when two suites share a name.
std::vector<std::string> report_tags(const std::vector<Suite>& suites) {
  std::map<std::string, int> count;
  for (const Suite& suite : suites) ++count[suite.name];
  std::vector<std::string> tags;
  for (size_t i = 0; i < suites.size(); ++i) {
    tags.push_back(count[suites[i].name] > 1 ? suites[i].name + "-" + std::to_string(i + 1)
                                             : suites[i].name);
  }
  return tags;
}

}  // namespace

std::string default_db_path() {
  const char* env = std::getenv("EVALKIT_DB");
  return env && *env ? env : ".evalkit/evalkit.db";
}

int run_command(const Args& args, const std::string& command_line) {
  po::options_description options("evalkit run SUITE... [options]");
  std::vector<std::string> suites;
  RunOptions run_options;
  ReportPaths reports;
  GateSettings gate;
  std::string db_path = default_db_path(), shard, baseline, fail_on = "both";
  bool quiet = false, verbose = false, no_progress = false;
  bool output_on_failure = false, rerun_failed = false, stop_on_failure = false;
  SuiteLoadOptions load_options;
  std::string repeat_text;
  std::string cache_mode;
  std::vector<std::string> prompt_pairs;
  // clang-format off
  options.add_options()("help,h", "show this help")
      ("jobs,j", po::value<int>(&run_options.jobs), "trials in flight at most (default: the providers' concurrency)")
      ("tests-regex,R", po::value<std::vector<std::string>>(&run_options.filter.include), "run cases whose id matches REGEX (repeatable)")
      ("exclude-regex,E", po::value<std::vector<std::string>>(&run_options.filter.exclude), "skip cases whose id matches REGEX (repeatable)")
      ("label-regex,L", po::value<std::vector<std::string>>(&run_options.filter.labels), "run cases with LABEL (repeatable)")
      ("repeat", po::value<std::string>(&repeat_text), "N: run each case N times (overrides the suite); until-fail:N: repeat the run up to N times until one fails; until-pass:N: rerun the failing cases up to N times until they pass")
      ("rerun-failed", po::bool_switch(&rerun_failed), "run only the cases that failed in the suite's last stored run")
      ("stop-on-failure", po::bool_switch(&stop_on_failure), "stop scheduling trials after the first failing one")
      ("shard", po::value<std::string>(&shard), "run shard I of N (I/N, 1-based), by a hash of the case id")
      ("db", po::value<std::string>(&db_path), "SQLite database (default .evalkit/evalkit.db or $EVALKIT_DB)")
      ("baseline", po::value<std::string>(&baseline), "compare with the named baseline (or a run id)")
      ("fail-on", po::value<std::string>(&fail_on), "failures|regressions|both: what makes the exit code non-zero (default both); regressions: only the gate (regressions, floors, nothing to compare)")
      ("min-paired", po::value<double>(&gate.min_paired), "share of the baseline's cases that must pair for the gate to pass (default 1: all)")
      ("pair-prompts", po::value<std::vector<std::string>>(&prompt_pairs), "OLD=NEW: compare the baseline's prompt OLD with this run's prompt NEW (repeatable)")
      ("allow-other-suite", po::bool_switch(&gate.allow_other_suite), "compare with a baseline of another suite")
      ("allow-signature-mismatch", po::bool_switch(&gate.allow_signature_mismatch), "compare metrics whose settings signature differs")
      ("output-on-failure", po::bool_switch(&output_on_failure), "print the output of failing cases");
  po::options_description hidden;
  hidden.add_options()("suite", po::value<std::vector<std::string>>(&suites));
  add_report_options(options, hidden, &reports);
  options.add_options()
      ("record", po::value<std::string>(&run_options.record_file), "append live responses to a replay FILE")
      ("replay-strict", po::bool_switch(&run_options.replay_strict), "never call the network: answers only from replay files")
      ("confine-paths", po::bool_switch(&load_options.confine_paths), "refuse datasets, responses files and judge templates outside the suite's folder (.., absolute paths, symbolic links)")
      ("resume", po::value<std::string>(&run_options.resume_run_id), "finish RUN_ID (or 'last') instead of starting a new run")
      ("cache", po::value<std::string>(&cache_mode), "on|off|refresh: answer repeated requests from the response cache in the database (default off; on with --replay-strict)")
      ("max-cost", po::value<double>(&run_options.max_cost_usd), "stop starting trials once live model calls have cost USD")
      ("max-tokens", po::value<int64_t>(&run_options.max_tokens), "stop starting trials once live model calls have used N tokens")
      ("quiet,q", po::bool_switch(&quiet), "print only failures and the summary")
      ("verbose,V", po::bool_switch(&verbose), "also print each output")
      ("no-progress", po::bool_switch(&no_progress), "never draw the progress line");
  // Older spellings of the report flags.
  hidden.add_options()
      ("report-junit", po::value<std::string>(&reports.junit), "same as --junit");
  // clang-format on
  po::positional_options_description positional;
  positional.add("suite", -1);
  po::variables_map vm;
  if (!parse_command_options("run", args, options, hidden, positional, &vm)) {
    return exit_code::kUsageError;
  }
  if (vm.count("help")) {
    std::cout << options << "\nExamples:\n"
              << "  evalkit run suites/quickstart/suite.yaml --report-json out/run.json\n"
              << "  OPENAI_BASE_URL=http://127.0.0.1:8000/v1 evalkit run my-suite.yaml -j 64\n"
              << "  evalkit run suite.yaml -R '^capital-' -L smoke --repeat 3\n";
    return exit_code::kPassed;
  }
  if (suites.empty()) {
    std::fprintf(stderr, "evalkit run: no suite given. Run 'evalkit run --help'.\n");
    return exit_code::kUsageError;
  }
  if (!shard.empty() && !parse_shard(shard, &run_options.filter)) {
    std::fprintf(stderr, "evalkit run: --shard wants I/N with 1 <= I <= N, got '%s'\n",
                 shard.c_str());
    return exit_code::kUsageError;
  }
  RepeatMode repeat_mode;
  if (!repeat_text.empty() && !parse_repeat_mode(repeat_text, &repeat_mode)) {
    std::fprintf(
        stderr,
        "evalkit run: --repeat wants N, until-fail:N or until-pass:N with N >= 1, got '%s'\n",
        repeat_text.c_str());
    return exit_code::kUsageError;
  }
  if (repeat_mode.kind == RepeatMode::kTrials) run_options.repeat = repeat_mode.count;
  if (fail_on != "failures" && fail_on != "regressions" && fail_on != "both") {
    std::fprintf(stderr, "evalkit run: --fail-on wants failures, regressions or both\n");
    return exit_code::kUsageError;
  }
  if (!cache_mode.empty() && !parse_cache_mode(cache_mode, &run_options.cache)) {
    std::fprintf(stderr, "evalkit run: --cache wants on, off or refresh, got '%s'\n",
                 cache_mode.c_str());
    return exit_code::kUsageError;
  }
  if (run_options.replay_strict) {
    // Offline, the cache is a source of answers like a replay file; refreshing needs the network.
    if (run_options.cache == CacheMode::kRefresh) {
      std::fprintf(
          stderr,
          "evalkit run: --cache refresh needs the network, which --replay-strict forbids\n");
      return exit_code::kUsageError;
    }
    if (cache_mode.empty()) run_options.cache = CacheMode::kOn;
  }
  if (run_options.max_cost_usd < 0 || run_options.max_tokens < 0) {
    std::fprintf(stderr, "evalkit run: --max-cost and --max-tokens must not be negative\n");
    return exit_code::kUsageError;
  }
  if (vm.count("jobs") && run_options.jobs < 1) {
    std::fprintf(stderr, "evalkit run: -j wants at least 1 trial in flight, got %d\n",
                 run_options.jobs);
    return exit_code::kUsageError;
  }
  if (!(gate.min_paired >= 0 && gate.min_paired <= 1)) {
    std::fprintf(stderr, "evalkit run: --min-paired wants a share between 0 and 1, got %g\n",
                 gate.min_paired);
    return exit_code::kUsageError;
  }
  for (const std::string& pair : prompt_pairs) {
    if (!parse_prompt_pair(pair, &gate.prompt_pairs)) {
      std::fprintf(stderr, "evalkit run: --pair-prompts wants OLD=NEW, got '%s'\n", pair.c_str());
      return exit_code::kUsageError;
    }
  }
  run_options.command_line = command_line;
  run_options.selection = selection_of(run_options, shard, rerun_failed, repeat_text, repeat_mode);
  run_options.stop_requested = &g_stop;

  // Validate every suite before the first request.
  std::vector<Suite> loaded(suites.size());
  for (size_t i = 0; i < suites.size(); ++i) {
    if (Status s = load_suite(suites[i], &loaded[i], load_options); !s) {
      std::fprintf(stderr, "%s\n", s.message().c_str());
      return exit_code::kUsageError;
    }
    for (const std::string& warning : loaded[i].warnings) {
      std::fprintf(stderr, "warning: %s\n", warning.c_str());
    }
  }
  Store store;
  if (Status s = store.open(db_path); !s) {
    std::fprintf(stderr, "evalkit run: %s\n", s.message().c_str());
    return exit_code::kInfrastructure;
  }
  std::signal(SIGINT, on_interrupt);
  std::signal(SIGTERM, on_interrupt);

  // A report written to standard output owns it; the console goes to standard error.
  std::FILE* out = stdout;
  for (const std::string* path :
       {&reports.json, &reports.html, &reports.junit, &reports.markdown}) {
    if (is_standard_output(*path)) out = stderr;
  }
  ConsoleOptions console;
  console.verbosity = quiet ? 0 : (verbose ? 2 : 1);
  const bool tty = isatty(fileno(out)) != 0;
  console.progress = tty && !no_progress;
  console.color = tty && std::getenv("NO_COLOR") == nullptr;
  console.output_on_failure = output_on_failure;

  // The baseline run is resolved before anything runs, so a typo costs nothing.
  if (!baseline.empty()) {
    gate.baseline_label = baseline;
    BaselineRecord record;
    if (store.find_baseline(baseline, &record).is_ok()) {
      gate.baseline_run_id = record.run_id;
    } else if (Status s = store.resolve_run_id(baseline, "", &gate.baseline_run_id); !s) {
      std::fprintf(stderr, "evalkit run: no baseline or run named '%s' in %s\n", baseline.c_str(),
                   store.path().c_str());
      return exit_code::kUsageError;
    }
    // A baseline of another suite has nothing to compare: refused before any paid call.
    RunRecord baseline_run;
    if (fail_on != "failures" && store.load_run(gate.baseline_run_id, &baseline_run).is_ok()) {
      for (const Suite& suite : loaded) {
        const std::string refusal = other_suite_refusal(baseline_run, suite.name, gate);
        if (refusal.empty()) continue;
        std::fprintf(stderr, "evalkit run: the gate cannot pass: %s\n", refusal.c_str());
        return exit_code::kRegression;
      }
    }
  }
  const std::vector<std::string> tags = report_tags(loaded);

  int worst = exit_code::kPassed, attempt_code = exit_code::kPassed;
  // Precedence: usage > infrastructure > regression > failures > nothing selected > passed.
  const auto raise_to = [](int* current, int code) {
    static const int rank[] = {0, 2, 3, 5, 4, 1};
    if (rank[code] > rank[*current]) *current = code;
  };
  const auto raise = [&](int code) { raise_to(&attempt_code, code); };
  const int attempts = repeat_mode.kind == RepeatMode::kTrials ? 1 : repeat_mode.count;
  for (size_t i = 0; i < loaded.size() && !g_stop; ++i) {
    const Suite& suite = loaded[i];
    std::string previous_run_id;
    attempt_code = exit_code::kPassed;
    // --repeat until-fail / until-pass: whole runs; the last one decides the exit code.
    for (int attempt = 1; attempt <= attempts; ++attempt) {
      if (attempt > 1) {
        const bool passed = attempt_code == exit_code::kPassed;
        if (g_stop || (repeat_mode.kind == RepeatMode::kUntilFail && !passed) ||
            (repeat_mode.kind == RepeatMode::kUntilPass && passed) || previous_run_id.empty()) {
          break;
        }
        std::fprintf(out, "\nRepeat %d of %d (%s)\n", attempt, attempts, repeat_text.c_str());
      }
      attempt_code = exit_code::kPassed;
      RunOptions options_i = run_options;
      std::string failed_from;
      if (rerun_failed && attempt == 1) {
        if (Status s = store.resolve_run_id("last", suite.name, &failed_from); !s) {
          std::fprintf(stderr, "evalkit run: --rerun-failed: suite '%s' has no stored run in %s\n",
                       suite.name.c_str(), store.path().c_str());
          raise(exit_code::kUsageError);
          continue;
        }
      } else if (attempt > 1 && repeat_mode.kind == RepeatMode::kUntilPass) {
        failed_from = previous_run_id;
      }
      if (!failed_from.empty()) {
        size_t failed_cases = 0;
        if (Status s = select_failed_cases(store, failed_from, &options_i.filter, &failed_cases);
            !s) {
          std::fprintf(stderr, "evalkit run: %s\n", s.message().c_str());
          raise(exit_code::kUsageError);
          continue;
        }
        if (failed_cases == 0) {
          std::fprintf(out, "No case of suite '%s' failed in run %s: nothing to rerun\n",
                       suite.name.c_str(), failed_from.c_str());
          raise(exit_code::kNothingSelected);
          continue;
        }
        std::fprintf(out, "Rerunning %zu failed case%s of run %s\n", failed_cases,
                     failed_cases == 1 ? "" : "s", failed_from.c_str());
      }
      if (options_i.resume_run_id == "last") {
        if (Status s = store.resolve_run_id("last", suite.name, &options_i.resume_run_id); !s) {
          std::fprintf(stderr, "evalkit run: %s\n", s.message().c_str());
          return exit_code::kUsageError;
        }
      }
      ConsoleReporter reporter(out, console);
      StopOnFailureObserver stopper(reporter, &g_stop);
      RunObserver& observer = stop_on_failure ? static_cast<RunObserver&>(stopper) : reporter;
      RunSummary summary;
      if (Status s = run_suite(suite, options_i, store, observer, &summary); !s) {
        std::fprintf(stderr, "%s\n", s.message().c_str());
        raise(summary.store_error.empty() ? exit_code::kUsageError : exit_code::kInfrastructure);
        continue;
      }
      if (summary.planned == 0) {
        std::fprintf(stderr, "evalkit run: no case of suite '%s' matches the filters\n",
                     suite.name.c_str());
        raise(exit_code::kNothingSelected);
        continue;
      }
      reporter.print_summary(summary);
      if (summary.cost_usd > 0) std::fprintf(out, "Cost: $%.4f\n", summary.cost_usd);
      if (options_i.cache == CacheMode::kOn) {
        std::fprintf(out, "Response cache: %lld calls answered from %s\n", summary.cache_hits,
                     store.path().c_str());
      }
      if (summary.status_reason == "budget") {
        std::fprintf(stderr,
                     "evalkit run: budget reached (live calls spent $%.4f and %lld tokens; limits: "
                     "%s): %lld trials not run. Raise the limit and finish with --resume %s\n",
                     summary.spent_usd, static_cast<long long>(summary.spent_tokens),
                     budget_limits(run_options).c_str(), static_cast<long long>(summary.not_run),
                     summary.run_id.c_str());
      }
      if (!summary.store_error.empty()) {
        std::fprintf(stderr,
                     "evalkit run: the database %s failed: %s\n  %lld of %lld finished trials "
                     "are not stored; the run is incomplete. Free space (or fix the file) and "
                     "finish it with: evalkit run %s --resume %s\n",
                     store.path().c_str(), summary.store_error.c_str(),
                     static_cast<long long>(summary.trials_lost),
                     static_cast<long long>(summary.finished), suite.path.c_str(),
                     summary.run_id.c_str());
      }
      previous_run_id = summary.run_id;
      if (stopper.triggered())
        std::fprintf(out, "Stopped after the first failure (--stop-on-failure)\n");

      RunRecord record;
      if (Status s = store.load_run(summary.run_id, &record); !s) {
        std::fprintf(stderr, "evalkit run: %s\n", s.message().c_str());
        raise(exit_code::kInfrastructure);
        continue;
      }
      // Several prompts or systems under test: the console shows them side by side. The
      // group fields, the gate and the reports all read the store as they go, so no run keeps
      // its results in memory.
      nlohmann::json group_fields;
      if (Status s = build_group_fields(store, record, corpus_scorers(record.scorers),
                                        &group_fields);
          !s) {
        std::fprintf(stderr, "evalkit run: %s\n", s.message().c_str());
        raise(exit_code::kInfrastructure);
        continue;
      }
      print_group_fields(out, group_fields);
      GateStep step;
      if (Status s = run_gate_step(store, record, CompareOptions::from_suite(suite), gate, out,
                                   &step);
          !s) {
        std::fprintf(stderr, "evalkit run: %s\n", s.message().c_str());
        raise(exit_code::kInfrastructure);
        continue;
      }
      if (reports.any()) {
        StoredDocumentOptions document_options;
        document_options.comparison = step.comparison;
        document_options.baseline_run_id = step.has_baseline ? step.baseline_run_id : "";
        document_options.group_fields = &group_fields;
        document_options.gate = &step.gate;
        StreamedDocument document;
        Status s = stored_run_document(store, record, document_options, &document);
        if (s) s = write_reports(document, reports.for_suite(tags[i], loaded.size() > 1));
        if (!s) {
          std::fprintf(stderr, "evalkit run: %s\n", s.message().c_str());
          raise(exit_code::kInfrastructure);
        }
      }
      std::fprintf(out, "Results: run %s in %s\n", summary.run_id.c_str(), store.path().c_str());
      if (!summary.unreachable.empty()) {
        std::fprintf(stderr,
                     "evalkit run: stopped: the first %d calls to a provider all failed to "
                     "connect, so %lld trials were not run.\n  %s\n  Once it is fixed, finish "
                     "the run with: evalkit run %s --resume %s\n",
                     kUnreachableAfterFailures, static_cast<long long>(summary.not_run),
                     summary.unreachable.c_str(), suite.path.c_str(), summary.run_id.c_str());
        raise(exit_code::kInfrastructure);
      }
      if (!summary.store_error.empty()) raise(exit_code::kInfrastructure);
      if (!summary.record_error.empty()) {
        std::fprintf(stderr, "evalkit run: %s\n", summary.record_error.c_str());
        raise(exit_code::kInfrastructure);
      }
      if (summary.finished > 0 && summary.model_errors == summary.finished) {
        // Only connection failures and timeouts mean the endpoint was not reached; a 401 did
        // reach it (and says the key is wrong).
        std::string kinds;
        bool unreached = !summary.errors_by_kind.empty();
        for (const auto& [kind, count] : summary.errors_by_kind) {
          kinds += (kinds.empty() ? "" : ", ") + std::to_string(count) + " " + kind;
          if (kind != error_kind::kConnect && kind != error_kind::kTimeout) unreached = false;
        }
        if (unreached) {
          std::fprintf(stderr, "evalkit run: no case of suite '%s' could reach its endpoint\n",
                       suite.name.c_str());
        } else {
          std::fprintf(stderr,
                       "evalkit run: every model call of suite '%s' failed%s; the errors "
                       "above say why\n",
                       suite.name.c_str(), kinds.empty() ? "" : (" (" + kinds + ")").c_str());
        }
        raise(exit_code::kInfrastructure);
      } else {
        if (!step.verdict.passed && fail_on != "failures") raise(exit_code::kRegression);
        if ((summary.failed + summary.errors > 0 && fail_on != "regressions") ||
            summary.status == "interrupted" || summary.status_reason == "budget") {
          raise(exit_code::kCaseFailures);
        }
      }
    }
    raise_to(&worst, attempt_code);
  }
  return worst;
}

}  // namespace evalkit::cli

// evalkit runs / baseline / report: what the store holds.
#include <cstdio>
#include <iostream>

#include <boost/program_options.hpp>

#include "evalkit/cli/commands.h"
#include "evalkit/cli/exit_codes.h"
#include "evalkit/cli/report_outputs.h"
#include "evalkit/cli/run_document_import.h"
#include "evalkit/base/files.h"
#include "evalkit/report/run_document.h"
#include "evalkit/run/trial_json.h"
#include "evalkit/store/annotation_store.h"
#include "evalkit/store/store.h"

namespace po = boost::program_options;

namespace evalkit::cli {
namespace {

// Pulls "--db FILE" out of args.
std::string take_db(Args* args) {
  std::string db = default_db_path();
  for (size_t i = 0; i < args->size(); ++i) {
    if ((*args)[i] == "--db" && i + 1 < args->size()) {
      db = (*args)[i + 1];
      args->erase(args->begin() + long(i), args->begin() + long(i) + 2);
      break;
    }
    if ((*args)[i].rfind("--db=", 0) == 0) {
      db = (*args)[i].substr(5);
      args->erase(args->begin() + long(i));
      break;
    }
  }
  return db;
}

// "-R ^q7$, --shard 1/4": what narrowed a stored run (its config "filters"), "" for none.
std::string filters_text(const nlohmann::json& config) {
  const auto filters = config.find("filters");
  if (filters == config.end() || !filters->is_object()) return "";
  std::string text;
  auto add = [&](const std::string& part) { text += (text.empty() ? "" : ", ") + part; };
  const std::pair<const char*, const char*> flags[] = {
      {"tests_regex", "-R"}, {"exclude_regex", "-E"}, {"label_regex", "-L"}};
  for (const auto& [key, flag] : flags) {
    const auto it = filters->find(key);
    if (it == filters->end() || !it->is_array()) continue;
    for (const auto& value : *it) {
      if (value.is_string()) add(std::string(flag) + " " + value.get<std::string>());
    }
  }
  if (const auto it = filters->find("shard"); it != filters->end() && it->is_string()) {
    add("--shard " + it->get<std::string>());
  }
  if (filters->contains("rerun_failed")) add("--rerun-failed");
  if (const auto it = filters->find("repeat"); it != filters->end() && it->is_string()) {
    add("--repeat " + it->get<std::string>());
  }
  return text;
}

std::string pass_rate_text(const RunRecord& run) {
  if (run.finished_trials == 0) return "-";
  char text[16];
  std::snprintf(
      text, sizeof text, "%.0f%%",
      100.0 * static_cast<double>(run.passed_trials) / static_cast<double>(run.finished_trials));
  return text;
}

// Why a run makes a poor baseline, or "" when it is a fair one.
std::string baseline_problem(const RunRecord& run) {
  if (run.finished_trials == 0) return "it has no trials";
  if (const std::string filters = filters_text(run.config); !filters.empty()) {
    return "it ran only part of the suite (" + filters + ")";
  }
  if (run.status != "complete") {
    return "it is " + run.status +
           (run.status_reason.empty() ? std::string() : " (" + run.status_reason + ")") + ", " +
           std::to_string(run.finished_trials) + " of " + std::to_string(run.planned_trials) +
           " trials finished";
  }
  if (run.errored_trials == run.finished_trials) {
    return "every one of its " + std::to_string(run.finished_trials) + " trials errored";
  }
  return "";
}


bool open_store(const std::string& path, Store* store,
                Store::Access access = Store::Access::kReadWrite) {
  if (Status s = store->open(path, access); !s) {
    std::fprintf(stderr, "evalkit: %s\n", s.message().c_str());
    return false;
  }
  return true;
}

}  // namespace

int runs_command(const Args& in) {
  Args args = in;
  const std::string db = take_db(&args);
  if (!args.empty() && (args[0] == "--help" || args[0] == "-h")) {
    std::puts("Usage: evalkit runs [SUITE] [--db FILE]\n\nLists stored runs, newest first.");
    return exit_code::kPassed;
  }
  Store store;
  if (!open_store(db, &store, Store::Access::kRead)) return exit_code::kInfrastructure;
  std::vector<RunRecord> runs;
  store.list_runs(args.empty() ? "" : args[0], 100, &runs);
  std::printf("%-44s %-20s %-12s %7s %6s  %-20s  %s\n", "RUN", "SUITE", "STATUS", "TRIALS", "PASS",
              "STARTED", "PATH");
  for (const auto& r : runs) {
    std::string path = r.suite_path.empty() ? "-" : r.suite_path;
    if (const std::string filters = filters_text(r.config); !filters.empty()) {
      path += " (" + filters + ")";
    }
    std::printf("%-44s %-20s %-12s %7lld %6s  %-20s  %s\n", r.id.c_str(), r.suite.c_str(),
                r.status.c_str(), static_cast<long long>(r.finished_trials),
                pass_rate_text(r).c_str(), r.started_at.c_str(), path.c_str());
  }
  return exit_code::kPassed;
}

int baseline_command(const Args& in) {
  Args args = in;
  const std::string db = take_db(&args);
  const char* usage =
      "Usage: evalkit baseline save NAME [RUN] [--suite SUITE] [--force] | list | show NAME\n"
      "                        | rm NAME | export NAME FILE | import FILE NAME   [--db FILE]\n\n"
      "A baseline is a named pointer to a stored run. 'save' defaults to the latest run\n"
      "(of --suite SUITE when given), and refuses a run that cannot stand for the suite (no\n"
      "trials, filtered by -R/-E/-L/--shard/--rerun-failed/--repeat until-*, incomplete or\n"
      "interrupted, every trial errored) unless --force is given. CI saves one on main and\n"
      "compares pull requests with it:\n"
      "  evalkit baseline save main\n"
      "  evalkit run suite.yaml --baseline main\n"
      "'export' writes the baseline's run as a JSON report document that 'import' reads back, so\n"
      "a baseline can live in the repository or a CI cache.";
  if (args.empty() || args[0] == "--help" || args[0] == "-h") {
    std::puts(usage);
    return args.empty() ? exit_code::kUsageError : exit_code::kPassed;
  }
  const std::string verb = args[0];
  Store store;
  const bool reads_only = verb == "list" || verb == "show" || verb == "export";
  if (!open_store(db, &store, reads_only ? Store::Access::kRead : Store::Access::kReadWrite)) {
    return exit_code::kInfrastructure;
  }
  if (verb == "save" && args.size() >= 2) {
    std::string suite, ref = "last";
    bool force = false;
    for (size_t i = 2; i < args.size(); ++i) {
      if (args[i] == "--suite" && i + 1 < args.size()) {
        suite = args[++i];
      } else if (args[i] == "--force") {
        force = true;
      } else if (args[i].rfind("--", 0) == 0) {
        std::fprintf(stderr, "evalkit baseline save: unknown option '%s'\n", args[i].c_str());
        return exit_code::kUsageError;
      } else {
        ref = args[i];
      }
    }
    std::string run_id;
    if (Status s = store.resolve_run_id(ref, suite, &run_id); !s) {
      std::fprintf(stderr, "evalkit baseline: %s\n", s.message().c_str());
      return exit_code::kUsageError;
    }
    RunRecord run;
    if (Status s = store.load_run(run_id, &run); !s) {
      std::fprintf(stderr, "evalkit baseline: %s\n", s.message().c_str());
      return exit_code::kInfrastructure;
    }
    if (const std::string problem = baseline_problem(run); !problem.empty()) {
      if (!force) {
        std::fprintf(stderr,
                     "evalkit baseline: refusing run %s as a baseline: %s. A gate against it "
                     "would compare with less than the suite. Run the whole suite and save "
                     "that, or pass --force.\n",
                     run_id.c_str(), problem.c_str());
        return exit_code::kUsageError;
      }
      std::fprintf(stderr, "evalkit baseline: saving anyway (--force): %s\n", problem.c_str());
    }
    if (Status s = store.save_baseline(args[1], run_id); !s) {
      std::fprintf(stderr, "evalkit baseline: %s\n", s.message().c_str());
      return exit_code::kInfrastructure;
    }
    std::printf("baseline '%s' -> run %s (suite %s, %lld trials, %s passed)\n", args[1].c_str(),
                run_id.c_str(), run.suite.c_str(), static_cast<long long>(run.finished_trials),
                pass_rate_text(run).c_str());
    return exit_code::kPassed;
  }
  if (verb == "list") {
    std::vector<BaselineRecord> baselines;
    store.list_baselines(&baselines);
    std::printf("%-16s %-20s %7s %6s  %-20s  %-42s %s\n", "NAME", "SUITE", "TRIALS", "PASS",
                "SAVED", "RUN", "FILTERS");
    for (const auto& b : baselines) {
      RunRecord run;
      store.load_run(b.run_id, &run);
      std::string notes = filters_text(run.config);
      if (run.status != "complete" && !run.status.empty()) {
        notes += (notes.empty() ? "" : "; ") + run.status;
      }
      std::printf("%-16s %-20s %7lld %6s  %-20s  %-42s %s\n", b.name.c_str(), b.suite.c_str(),
                  static_cast<long long>(run.finished_trials), pass_rate_text(run).c_str(),
                  b.created_at.c_str(), b.run_id.c_str(), notes.empty() ? "-" : notes.c_str());
    }
    return exit_code::kPassed;
  }
  if (verb == "show" && args.size() == 2) {
    BaselineRecord b;
    RunRecord run;
    if (Status s = store.find_baseline(args[1], &b); !s) {
      std::fprintf(stderr, "evalkit baseline: %s\n", s.message().c_str());
      return exit_code::kUsageError;
    }
    store.load_run(b.run_id, &run);
    std::printf("baseline %s\n  run      %s\n  suite    %s\n  saved    %s\n  started  %s\n"
                "  status   %s\n  trials   %lld\n  commit   %s\n",
                b.name.c_str(), b.run_id.c_str(), b.suite.c_str(), b.created_at.c_str(),
                run.started_at.c_str(), run.status.c_str(),
                static_cast<long long>(run.finished_trials), run.git_commit.c_str());
    return exit_code::kPassed;
  }
  if (verb == "export" && args.size() == 3) {
    BaselineRecord b;
    RunRecord run;
    if (Status s = store.find_baseline(args[1], &b); !s) {
      std::fprintf(stderr, "evalkit baseline: %s\n", s.message().c_str());
      return exit_code::kUsageError;
    }
    store.load_run(b.run_id, &run);
    StreamedDocument document;
    Status s = stored_run_document(store, run, {}, &document);
    if (s) s = write_json_report(document, args[2]);
    if (!s) {
      std::fprintf(stderr, "evalkit baseline: %s\n", s.message().c_str());
      return exit_code::kInfrastructure;
    }
    // Exported to standard output, the document owns it; the confirmation goes to stderr.
    std::fprintf(is_standard_output(args[2]) ? stderr : stdout,
                 "baseline '%s' (run %s, %zu trials) -> %s\n", args[1].c_str(), b.run_id.c_str(),
                 static_cast<size_t>(document.counts.trials), args[2].c_str());
    return exit_code::kPassed;
  }
  if (verb == "import" && args.size() == 3) {
    RunRecord run;
    std::vector<TrialResult> trials;
    if (Status s = read_run_document(args[1], &run, &trials); !s) {
      std::fprintf(stderr, "evalkit baseline: %s\n", s.message().c_str());
      return exit_code::kUsageError;
    }
    if (Status s = store_imported_run(store, run, trials); !s) {
      std::fprintf(stderr, "evalkit baseline: %s\n", s.message().c_str());
      return exit_code::kInfrastructure;
    }
    if (Status s = store.save_baseline(args[2], run.id); !s) {
      std::fprintf(stderr, "evalkit baseline: %s\n", s.message().c_str());
      return exit_code::kInfrastructure;
    }
    std::printf("baseline '%s' -> run %s (imported from %s)\n", args[2].c_str(), run.id.c_str(),
                args[1].c_str());
    return exit_code::kPassed;
  }
  if (verb == "rm" && args.size() == 2) {
    if (Status s = store.remove_baseline(args[1]); !s) {
      std::fprintf(stderr, "evalkit baseline: %s\n", s.message().c_str());
      return exit_code::kUsageError;
    }
    std::printf("removed baseline '%s'\n", args[1].c_str());
    return exit_code::kPassed;
  }
  std::fprintf(stderr, "%s\n", usage);
  return exit_code::kUsageError;
}

int report_command(const Args& in) {
  Args args = in;
  po::options_description options("evalkit report RUN [options]");
  std::string ref, db = default_db_path();
  ReportPaths reports;
  options.add_options()("help,h", "show this help")("db", po::value<std::string>(&db),
                                                    "SQLite database");
  po::options_description hidden;
  hidden.add_options()("run", po::value<std::string>(&ref));
  add_report_options(options, hidden, &reports);
  po::positional_options_description positional;
  positional.add("run", 1);
  po::variables_map vm;
  if (!parse_command_options("report", args, options, hidden, positional, &vm)) {
    return exit_code::kUsageError;
  }
  if (vm.count("help") || ref.empty() || !reports.any()) {
    std::cout << options << "\nRUN is a run id, a unique prefix of one, or 'last'.\n"
              << "Example: evalkit report last --report-html out/report.html\n";
    return vm.count("help") ? exit_code::kPassed : exit_code::kUsageError;
  }
  Store store;
  if (!open_store(db, &store, Store::Access::kRead)) return exit_code::kInfrastructure;
  std::string run_id;
  RunRecord run;
  if (Status s = store.resolve_run_id(ref, "", &run_id); !s) {
    std::fprintf(stderr, "evalkit report: %s\n", s.message().c_str());
    return exit_code::kUsageError;
  }
  store.load_run(run_id, &run);
  // The document is read from the store as the reports are written: a run of any size.
  StoredDocumentOptions document_options;
  load_annotations(store, run_id, &document_options.annotations);
  StreamedDocument document;
  Status s = stored_run_document(store, run, document_options, &document);
  if (s) s = write_reports(document, reports);
  if (!s) {
    std::fprintf(stderr, "evalkit report: %s\n", s.message().c_str());
    return exit_code::kInfrastructure;
  }
  return exit_code::kPassed;
}

}  // namespace evalkit::cli

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
  std::printf("%-44s %-20s %-12s %8s  %s\n", "RUN", "SUITE", "STATUS", "TRIALS", "STARTED");
  for (const auto& r : runs) {
    std::printf("%-44s %-20s %-12s %8lld  %s\n", r.id.c_str(), r.suite.c_str(), r.status.c_str(),
                static_cast<long long>(r.finished_trials), r.started_at.c_str());
  }
  return exit_code::kPassed;
}

int baseline_command(const Args& in) {
  Args args = in;
  const std::string db = take_db(&args);
  const char* usage =
      "Usage: evalkit baseline save NAME [RUN] [--suite SUITE] | list | show NAME | rm NAME\n"
      "                        | export NAME FILE | import FILE NAME   [--db FILE]\n\n"
      "A baseline is a named pointer to a stored run. 'save' defaults to the latest run\n"
      "(of --suite SUITE when given). CI saves one on main and compares pull requests with it:\n"
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
    for (size_t i = 2; i < args.size(); ++i) {
      if (args[i] == "--suite" && i + 1 < args.size()) {
        suite = args[++i];
      } else {
        ref = args[i];
      }
    }
    std::string run_id;
    if (Status s = store.resolve_run_id(ref, suite, &run_id); !s) {
      std::fprintf(stderr, "evalkit baseline: %s\n", s.message().c_str());
      return exit_code::kUsageError;
    }
    if (Status s = store.save_baseline(args[1], run_id); !s) {
      std::fprintf(stderr, "evalkit baseline: %s\n", s.message().c_str());
      return exit_code::kInfrastructure;
    }
    std::printf("baseline '%s' -> run %s\n", args[1].c_str(), run_id.c_str());
    return exit_code::kPassed;
  }
  if (verb == "list") {
    std::vector<BaselineRecord> baselines;
    store.list_baselines(&baselines);
    std::printf("%-20s %-44s %-20s %s\n", "NAME", "RUN", "SUITE", "SAVED");
    for (const auto& b : baselines) {
      std::printf("%-20s %-44s %-20s %s\n", b.name.c_str(), b.run_id.c_str(), b.suite.c_str(),
                  b.created_at.c_str());
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
    std::vector<TrialResult> trials;
    if (Status s = store.find_baseline(args[1], &b); !s) {
      std::fprintf(stderr, "evalkit baseline: %s\n", s.message().c_str());
      return exit_code::kUsageError;
    }
    store.load_run(b.run_id, &run);
    store.load_trials(b.run_id, &trials);
    if (Status s = write_json_report(build_run_document(run, trials), args[2]); !s) {
      std::fprintf(stderr, "evalkit baseline: %s\n", s.message().c_str());
      return exit_code::kInfrastructure;
    }
    std::printf("baseline '%s' (run %s, %zu trials) -> %s\n", args[1].c_str(), b.run_id.c_str(),
                trials.size(), args[2].c_str());
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
  options.add_options()("help,h", "show this help")
      ("db", po::value<std::string>(&db), "SQLite database")
      ("json", po::value<std::string>(&reports.json), "write the JSON report to FILE")
      ("html", po::value<std::string>(&reports.html), "write the HTML report to FILE")
      ("junit", po::value<std::string>(&reports.junit), "write JUnit XML to FILE")
      ("md", po::value<std::string>(&reports.markdown), "write a Markdown summary to FILE");
  po::options_description hidden;
  hidden.add_options()("run", po::value<std::string>(&ref));
  po::options_description all;
  all.add(options).add(hidden);
  po::positional_options_description positional;
  positional.add("run", 1);
  po::variables_map vm;
  try {
    po::store(po::command_line_parser(args).options(all).positional(positional).run(), vm);
    po::notify(vm);
  } catch (const po::error& e) {
    std::fprintf(stderr, "evalkit report: %s\n", e.what());
    return exit_code::kUsageError;
  }
  if (vm.count("help") || ref.empty() || !reports.any()) {
    std::cout << options << "\nRUN is a run id, a unique prefix of one, or 'last'.\n"
              << "Example: evalkit report last --html out/report.html\n";
    return vm.count("help") ? exit_code::kPassed : exit_code::kUsageError;
  }
  Store store;
  if (!open_store(db, &store, Store::Access::kRead)) return exit_code::kInfrastructure;
  std::string run_id;
  RunRecord run;
  std::vector<TrialResult> trials;
  if (Status s = store.resolve_run_id(ref, "", &run_id); !s) {
    std::fprintf(stderr, "evalkit report: %s\n", s.message().c_str());
    return exit_code::kUsageError;
  }
  store.load_run(run_id, &run);
  store.load_trials(run_id, &trials);
  nlohmann::json document = build_run_document(run, trials);
  std::vector<Annotation> annotations;
  load_annotations(store, run_id, &annotations);
  attach_annotations(annotations, &document);
  if (Status s = write_reports(document, reports); !s) {
    std::fprintf(stderr, "evalkit report: %s\n", s.message().c_str());
    return exit_code::kInfrastructure;
  }
  return exit_code::kPassed;
}

}  // namespace evalkit::cli

// evalkit compare RUN_A RUN_B: the regression gate over two stored runs.
#include <cstdio>
#include <iostream>

#include <boost/program_options.hpp>

#include "evalkit/cli/commands.h"
#include "evalkit/cli/compare_groups_command.h"
#include "evalkit/cli/exit_codes.h"
#include "evalkit/cli/report_outputs.h"
#include "evalkit/gate/comparison.h"
#include "evalkit/report/comparison_console.h"
#include "evalkit/report/run_document.h"
#include "evalkit/store/store.h"

namespace po = boost::program_options;

namespace evalkit::cli {
namespace {

// The gate settings a run was made with (alpha, gate rules, pass rule).
CompareOptions stored_compare_options(const RunRecord& run) {
  CompareOptions options;
  options.alpha = run.config.value("alpha", 0.05);
  options.pass = stored_pass_rule(run);
  if (run.config.contains("gate") && run.config["gate"].is_object()) {
    for (const auto& [metric, rule] : run.config["gate"].items()) {
      GateRule g;
      if (rule.contains("max_drop") && rule["max_drop"].is_number()) g.max_drop = rule["max_drop"].get<double>();
      if (rule.contains("min") && rule["min"].is_number()) g.min = rule["min"].get<double>();
      options.gate[metric] = g;
    }
  }
  return options;
}

}  // namespace

int compare_command(const Args& args) {
  po::options_description options(
      "evalkit compare BASELINE_RUN CURRENT_RUN [options]\n       evalkit compare RUN --by provider|prompt [options]");
  std::vector<std::string> refs;
  std::string db = default_db_path();
  ReportPaths reports;
  bool allow_mismatch = false;
  std::string by;
  options.add_options()("help,h", "show this help")
      ("by", po::value<std::string>(&by), "provider|prompt: compare the providers (or prompts) of one run RUN with each other")
      ("db", po::value<std::string>(&db), "SQLite database")
      ("allow-signature-mismatch", po::bool_switch(&allow_mismatch), "compare metrics whose settings signature differs")
      ("report-json", po::value<std::string>(&reports.json), "write the current run's JSON report with the comparison")
      ("report-html", po::value<std::string>(&reports.html), "write the HTML report with the comparison")
      ("report-md", po::value<std::string>(&reports.markdown), "write the Markdown summary with the comparison");
  po::options_description hidden;
  hidden.add_options()("run", po::value<std::vector<std::string>>(&refs));
  po::options_description all;
  all.add(options).add(hidden);
  po::positional_options_description positional;
  positional.add("run", 2);
  po::variables_map vm;
  try {
    po::store(po::command_line_parser(args).options(all).positional(positional).run(), vm);
    po::notify(vm);
  } catch (const po::error& e) {
    std::fprintf(stderr, "evalkit compare: %s\n", e.what());
    return exit_code::kUsageError;
  }
  if (!by.empty() && !vm.count("help")) {
    if (refs.size() != 1) {
      std::fprintf(stderr, "evalkit compare: --by compares inside one run: give one RUN\n");
      return exit_code::kUsageError;
    }
    return compare_groups_command(refs[0], by, db, reports);
  }
  if (vm.count("help") || refs.size() != 2) {
    std::cout << options << "\nRuns are ids, unique prefixes, 'last', or baseline names. The gate "
              << "settings (alpha, gate rules, pass rule) are the current run's.\nExit code 2 when "
              << "a metric regressed, 0 otherwise.\nWith --by, one run's providers (within each "
              << "prompt) or prompts (within each provider) are compared pairwise.\nExamples: "
              << "evalkit compare main last\n          evalkit compare last --by provider\n";
    return vm.count("help") ? exit_code::kPassed : exit_code::kUsageError;
  }
  Store store;
  if (Status s = store.open(db); !s) {
    std::fprintf(stderr, "evalkit compare: %s\n", s.message().c_str());
    return exit_code::kInfrastructure;
  }
  std::string ids[2];
  for (int i = 0; i < 2; ++i) {
    BaselineRecord baseline;
    if (store.find_baseline(refs[size_t(i)], &baseline).is_ok()) {
      ids[i] = baseline.run_id;
    } else if (Status s = store.resolve_run_id(refs[size_t(i)], "", &ids[i]); !s) {
      std::fprintf(stderr, "evalkit compare: %s\n", s.message().c_str());
      return exit_code::kUsageError;
    }
  }
  RunRecord current;
  std::vector<TrialResult> baseline_trials, current_trials;
  store.load_run(ids[1], &current);
  store.load_trials(ids[0], &baseline_trials);
  store.load_trials(ids[1], &current_trials);
  CompareOptions compare = stored_compare_options(current);
  compare.allow_signature_mismatch = allow_mismatch;
  Comparison result = compare_runs(baseline_trials, current_trials, compare);
  result.baseline_name = refs[0] == ids[0] ? "" : refs[0];
  result.baseline_run_id = ids[0];
  print_comparison(stdout, result);
  if (reports.any()) {
    const nlohmann::json document =
        build_run_document(current, current_trials, to_json(result), &baseline_trials);
    if (Status s = write_reports(document, reports); !s) {
      std::fprintf(stderr, "evalkit compare: %s\n", s.message().c_str());
      return exit_code::kInfrastructure;
    }
  }
  return result.regressed ? exit_code::kRegression : exit_code::kPassed;
}

}  // namespace evalkit::cli

// evalkit compare BASELINE CURRENT: the regression gate over two stored runs.
#include <cstdio>
#include <iostream>

#include <boost/program_options.hpp>

#include "evalkit/base/files.h"
#include "evalkit/cli/commands.h"
#include "evalkit/cli/compare_groups_command.h"
#include "evalkit/cli/exit_codes.h"
#include "evalkit/cli/gate_step.h"
#include "evalkit/cli/report_outputs.h"
#include "evalkit/report/run_document_stream.h"
#include "evalkit/store/store.h"

namespace po = boost::program_options;

namespace evalkit::cli {

int compare_command(const Args& args) {
  po::options_description options(
      "evalkit compare BASELINE_RUN CURRENT_RUN [options]\n       evalkit compare RUN --by "
      "provider|prompt [options]");
  std::vector<std::string> refs, prompt_pairs;
  std::string db = default_db_path();
  ReportPaths reports;
  GateSettings gate;
  std::string by;
  // clang-format off
  options.add_options()("help,h", "show this help")
      ("by", po::value<std::string>(&by), "provider|prompt: compare the providers (or prompts) of one run RUN with each other")
      ("db", po::value<std::string>(&db), "SQLite database")
      ("min-paired", po::value<double>(&gate.min_paired), "share of the baseline's cases that must pair for the gate to pass (default 1: all)")
      ("pair-prompts", po::value<std::vector<std::string>>(&prompt_pairs), "OLD=NEW: compare the baseline's prompt OLD with the current run's prompt NEW (repeatable)")
      ("allow-other-suite", po::bool_switch(&gate.allow_other_suite), "compare runs of two different suites")
      ("allow-signature-mismatch", po::bool_switch(&gate.allow_signature_mismatch), "compare metrics whose settings signature differs");
  // clang-format on
  po::options_description hidden;
  hidden.add_options()("run", po::value<std::vector<std::string>>(&refs));
  add_report_options(options, hidden, &reports);
  po::positional_options_description positional;
  positional.add("run", 2);
  po::variables_map vm;
  if (!parse_command_options("compare", args, options, hidden, positional, &vm)) {
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
              << "the gate fails (a gated metric regressed, a floor is not held, or the runs have "
              << "nothing to compare), 0 otherwise.\nWith --by, one run's providers (within each "
              << "prompt) or prompts (within each provider) are compared pairwise.\nExamples: "
              << "evalkit compare main last\n          evalkit compare last --by provider\n";
    return vm.count("help") ? exit_code::kPassed : exit_code::kUsageError;
  }
  if (!(gate.min_paired >= 0 && gate.min_paired <= 1)) {
    std::fprintf(stderr, "evalkit compare: --min-paired wants a share between 0 and 1, got %g\n",
                 gate.min_paired);
    return exit_code::kUsageError;
  }
  for (const std::string& pair : prompt_pairs) {
    if (!parse_prompt_pair(pair, &gate.prompt_pairs)) {
      std::fprintf(stderr, "evalkit compare: --pair-prompts wants OLD=NEW, got '%s'\n",
                   pair.c_str());
      return exit_code::kUsageError;
    }
  }
  Store store;
  if (Status s = store.open(db, Store::Access::kRead); !s) {
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
  gate.baseline_label = refs[0];
  gate.baseline_run_id = ids[0];
  RunRecord current;
  if (Status s = store.load_run(ids[1], &current); !s) {
    std::fprintf(stderr, "evalkit compare: %s\n", s.message().c_str());
    return exit_code::kInfrastructure;
  }
  std::FILE* out = stdout;
  for (const std::string* path :
       {&reports.json, &reports.html, &reports.junit, &reports.markdown}) {
    if (is_standard_output(*path)) out = stderr;
  }
  // The gate and the reports read both runs from the store as they go.
  GateStep step;
  if (Status s = run_gate_step(store, current, CompareOptions::from_run_config(current.config),
                               gate, out, &step);
      !s) {
    std::fprintf(stderr, "evalkit compare: %s\n", s.message().c_str());
    return exit_code::kInfrastructure;
  }
  if (reports.any()) {
    StoredDocumentOptions document_options;
    document_options.comparison = step.comparison;
    document_options.baseline_run_id = step.baseline_run_id;
    document_options.gate = &step.gate;
    StreamedDocument document;
    Status s = stored_run_document(store, current, document_options, &document);
    if (s) s = write_reports(document, reports);
    if (!s) {
      std::fprintf(stderr, "evalkit compare: %s\n", s.message().c_str());
      return exit_code::kInfrastructure;
    }
  }
  return step.verdict.passed ? exit_code::kPassed : exit_code::kRegression;
}

}  // namespace evalkit::cli

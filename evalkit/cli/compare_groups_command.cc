#include "evalkit/cli/compare_groups_command.h"

#include <cstdio>
#include <set>

#include "evalkit/cli/exit_codes.h"
#include "evalkit/gate/group_comparison.h"
#include "evalkit/report/group_console.h"
#include "evalkit/report/group_fields.h"
#include "evalkit/report/run_document.h"
#include "evalkit/store/store.h"

namespace evalkit::cli {
namespace {

// How many distinct members the run has along `by`.
size_t members(const std::vector<TrialResult>& trials, GroupBy by) {
  std::set<std::string> ids;
  for (const TrialResult& trial : trials) {
    ids.insert(by == GroupBy::kProvider ? trial.key.provider_id : trial.key.prompt_id);
  }
  return ids.size();
}

}  // namespace

int compare_groups_command(const std::string& ref, const std::string& by_text,
                           const std::string& db, const ReportPaths& reports) {
  GroupBy by;
  if (!parse_group_by(by_text, &by)) {
    std::fprintf(stderr, "evalkit compare: --by wants provider or prompt, got '%s'\n",
                 by_text.c_str());
    return exit_code::kUsageError;
  }
  Store store;
  if (Status s = store.open(db); !s) {
    std::fprintf(stderr, "evalkit compare: %s\n", s.message().c_str());
    return exit_code::kInfrastructure;
  }
  std::string run_id;
  BaselineRecord baseline;
  if (store.find_baseline(ref, &baseline).is_ok()) {
    run_id = baseline.run_id;
  } else if (Status s = store.resolve_run_id(ref, "", &run_id); !s) {
    std::fprintf(stderr, "evalkit compare: %s\n", s.message().c_str());
    return exit_code::kUsageError;
  }
  RunRecord run;
  std::vector<TrialResult> trials;
  if (Status s = store.load_run(run_id, &run); !s) {
    std::fprintf(stderr, "evalkit compare: %s\n", s.message().c_str());
    return exit_code::kInfrastructure;
  }
  if (Status s = store.load_trials(run_id, &trials); !s) {
    std::fprintf(stderr, "evalkit compare: %s\n", s.message().c_str());
    return exit_code::kInfrastructure;
  }
  const size_t count = members(trials, by);
  if (count < 2) {
    std::fprintf(stderr,
                 "evalkit compare: run %s has %zu %s%s: nothing to compare by %s (try --by %s)\n",
                 run_id.c_str(), count, group_by_name(by), count == 1 ? "" : "s", group_by_name(by),
                 by == GroupBy::kProvider ? "prompt" : "provider");
    return exit_code::kUsageError;
  }
  const nlohmann::json fields = build_group_fields(run, trials, corpus_scorers(run.scorers));
  std::printf("Run %s (suite %s): %zu trials, %zu %ss\n", run_id.c_str(), run.suite.c_str(),
              trials.size(), count, group_by_name(by));
  print_group_fields(stdout, fields, group_by_name(by));
  if (reports.any()) {
    const nlohmann::json document = build_run_document(run, trials, nullptr, nullptr, &fields);
    if (Status s = write_reports(document, reports); !s) {
      std::fprintf(stderr, "evalkit compare: %s\n", s.message().c_str());
      return exit_code::kInfrastructure;
    }
  }
  return exit_code::kPassed;
}

}  // namespace evalkit::cli

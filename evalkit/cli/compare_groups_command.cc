#include "evalkit/cli/compare_groups_command.h"

#include <cstdio>
#include <set>

#include "evalkit/cli/exit_codes.h"
#include "evalkit/gate/group_comparison.h"
#include "evalkit/report/group_console.h"
#include "evalkit/report/group_fields.h"
#include "evalkit/report/run_document.h"
#include "evalkit/report/run_document_stream.h"
#include "evalkit/store/store.h"

namespace evalkit::cli {
namespace {

// How many distinct members the stored run has along `by`.
Status members(Store& store, const std::string& run_id, GroupBy by, size_t* count) {
  std::set<std::string> ids;
  Status s = store.for_each_trial_key(run_id, [&](int64_t, const TrialKey& key) {
    const std::string& id = by == GroupBy::kProvider ? key.provider_id : key.prompt_id;
    if (!ids.count(id)) ids.insert(id);
  });
  *count = ids.size();
  return s;
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
  size_t count = 0;
  Status read = store.load_run(run_id, &run);
  if (read) read = members(store, run_id, by, &count);
  if (!read) {
    std::fprintf(stderr, "evalkit compare: %s\n", read.message().c_str());
    return exit_code::kInfrastructure;
  }
  if (count < 2) {
    std::fprintf(stderr,
                 "evalkit compare: run %s has %zu %s%s: nothing to compare by %s (try --by %s)\n",
                 run_id.c_str(), count, group_by_name(by), count == 1 ? "" : "s", group_by_name(by),
                 by == GroupBy::kProvider ? "prompt" : "provider");
    return exit_code::kUsageError;
  }
  // The group fields and the reports read the run from the store as they go.
  nlohmann::json fields;
  if (Status s = build_group_fields(store, run, corpus_scorers(run.scorers), &fields); !s) {
    std::fprintf(stderr, "evalkit compare: %s\n", s.message().c_str());
    return exit_code::kInfrastructure;
  }
  std::printf("Run %s (suite %s): %lld trials, %zu %ss\n", run_id.c_str(), run.suite.c_str(),
              static_cast<long long>(run.finished_trials), count, group_by_name(by));
  print_group_fields(stdout, fields, group_by_name(by));
  if (reports.any()) {
    StoredDocumentOptions document_options;
    document_options.group_fields = &fields;
    StreamedDocument document;
    Status s = stored_run_document(store, run, document_options, &document);
    if (s) s = write_reports(document, reports);
    if (!s) {
      std::fprintf(stderr, "evalkit compare: %s\n", s.message().c_str());
      return exit_code::kInfrastructure;
    }
  }
  return exit_code::kPassed;
}

}  // namespace evalkit::cli

// Reads a JSON report document (docs/json-report.md) back into a run and its trials, as
// `baseline import` and `merge` need.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "evalkit/base/status.h"
#include "evalkit/store/store.h"

namespace evalkit::cli {

// Fills *run and *trials from doc; origin (a file name) prefixes error messages. Fails when
// doc is not an evalkit JSON report or a trial cannot be read.
Status run_from_document(const nlohmann::json& doc, const std::string& origin, RunRecord* run,
                         std::vector<TrialResult>* trials);

// Reads the JSON report at path (see run_from_document).
Status read_run_document(const std::string& path, RunRecord* run, std::vector<TrialResult>* trials);

// Reads the JSON report at path as a stream, never holding it whole: on_run receives the run
// (its planned_trials -1 when the report does not say) as soon as its "run" object is read,
// then on_trial each trial as soon as it is parsed, in order. Reports evalkit writes give the
// run before the trials; when a report gives them the other way round, its trials wait until
// the run is read. *trial_count receives the number of trials. The first error on_run or
// on_trial returns stops the reading and is returned.
Status stream_run_document(const std::string& path,
                           const std::function<Status(const RunRecord&)>& on_run,
                           const std::function<Status(TrialResult)>& on_trial,
                           int64_t* trial_count);

// Creates run in store with its trials and final status, unless a run with its id exists.
Status store_imported_run(Store& store, const RunRecord& run,
                          const std::vector<TrialResult>& trials);

}  // namespace evalkit::cli

// Reads a JSON report document (docs/json-report.md) back into a run and its trials, as
// `baseline import` and `merge` need.
#pragma once

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

// Creates run in store with its trials and final status, unless a run with its id exists.
Status store_imported_run(Store& store, const RunRecord& run,
                          const std::vector<TrialResult>& trials);

}  // namespace evalkit::cli

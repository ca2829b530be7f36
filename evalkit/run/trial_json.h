// TrialResult <-> JSON, the form trials take in reports and in exported baselines.
#pragma once

#include <nlohmann/json.hpp>

#include "evalkit/base/status.h"
#include "evalkit/run/trial.h"

namespace evalkit {

// A trial as in docs/json-report.md ("baseline" is left null).
nlohmann::json trial_to_json(const TrialResult& trial);

// Reads a trial written by trial_to_json; missing optional fields take their defaults.
Status trial_from_json(const nlohmann::json& json, TrialResult* trial);

}  // namespace evalkit

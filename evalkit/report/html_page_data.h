// The data the HTML report embeds: the JSON report document (docs/json-report.md) cut down
// to what the page shows, so a 10,000-trial page stays small enough to open quickly.
#pragma once

#include <nlohmann/json.hpp>

namespace evalkit {

// `document` with each trial reduced to the fields the page reads, as an array in the
// order the top-level "trial_fields" names (each score an array in "score_fields" order, a
// baseline in "baseline_fields" order), so field names are written once per page. Values
// that repeat across trials (case, prompt and provider ids, finish reasons, error kinds,
// requests, variables, references, labels, score names, reasons, details, signatures,
// baseline scores, a judge's prompt lines and system message) are stored once in a
// top-level "shared" array, and the trial holds the index into it.
// Absent and default values (empty error, no baseline, not cached) are null, trailing nulls
// dropped; booleans are 1 or 0; fractional numbers keep six significant digits. The
// per-case aggregates ("cases") are left out; everything else outside "trials" is kept as
// it is.
nlohmann::json html_page_data(const nlohmann::json& document);

}  // namespace evalkit

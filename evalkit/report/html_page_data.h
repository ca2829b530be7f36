// The data the HTML report embeds: the JSON report document (docs/json-report.md) cut down
// to what the page shows, so a 10,000-trial page stays small enough to open quickly.
#pragma once

#include <nlohmann/json.hpp>

namespace evalkit {

// `document` with each trial reduced to the fields the page reads. Values that repeat
// across trials (requests, variables, references, labels, score reasons,
// details and signatures) are stored
// once in a top-level "shared" array, and the trial holds the index into it instead.
// Fields at their default (empty error, no baseline, not cached, empty details) are
// left out. Everything outside "trials" is kept as it is.
nlohmann::json html_page_data(const nlohmann::json& document);

}  // namespace evalkit

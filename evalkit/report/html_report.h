// The HTML report: one self-contained page (styles, script and data inline, nothing
// fetched) rendered from the JSON report document (docs/json-report.md).
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "evalkit/base/status.h"

namespace evalkit {

// The page for `document`. The document, cut down by html_page_data, is embedded as
// JSON in a <script type="application/json"> element with <, >, &, U+2028 and U+2029
// written as \u escapes, so no text in it can close the element; the page's script draws everything
// with DOM text nodes. A Content-Security-Policy allows only the page's own script (by
// hash) and inline styles, and no network at all.
std::string render_html_report(const nlohmann::json& document);

// The page's one inline script: the report's scripts under reports/ joined in load order
// (widgets, summaries, reviews, matrix, then report.js, which draws the page).
std::string html_report_script();

// render_html_report written to path (atomically).
Status write_html_report(const nlohmann::json& document, const std::string& path);

}  // namespace evalkit

// A short Markdown summary of a run for a pull-request comment or GitHub's
// $GITHUB_STEP_SUMMARY, rendered from the JSON report document (docs/json-report.md).
#pragma once

#include <cstddef>
#include <string>

#include <nlohmann/json.hpp>

#include "evalkit/base/status.h"

namespace evalkit {

struct MarkdownReportOptions {
  // GitHub refuses comments over 65,536 characters; the summary stops short of that.
  size_t max_bytes = 60000;
  // Rows in each of the failing-cases and regressed-cases tables.
  int max_cases = 10;
  // Model outputs are cut to this many characters (on one line).
  size_t output_chars = 80;
};

// Totals, a scorer table, the gate verdicts when compared with a baseline, the groups
// (per-cell table, paired comparisons, rankings) of a run with several prompts or
// providers, and the first failing and regressed cases. Untrusted text (outputs, case ids, suite names) is put on
// one line, truncated, and escaped so it can't form Markdown or HTML (pipes, backticks,
// emphasis, links, angle brackets) or mention users. Never longer than options.max_bytes.
std::string render_markdown_report(const nlohmann::json& document,
                                   const MarkdownReportOptions& options = {});

// render_markdown_report written to path (atomically).
Status write_markdown_report(const nlohmann::json& document, const std::string& path,
                             const MarkdownReportOptions& options = {});

}  // namespace evalkit

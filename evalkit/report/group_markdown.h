// The Markdown report's view of a run's groups (docs/json-report.md "groups",
// "group_comparisons", "rankings"): the per-cell table, the paired comparisons and rankings.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace evalkit {

// The group sections of document as pieces a size-bounded report may add one by one: each
// section's heading and table header is one piece, each table row another. Empty when the
// document has no groups. Ids are escaped like every other untrusted text.
std::vector<std::string> group_markdown_pieces(const nlohmann::json& document);

}  // namespace evalkit

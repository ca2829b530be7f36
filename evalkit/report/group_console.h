// The console view of a run's groups: a compact table per (prompt, provider) cell with the
// prompt and provider totals, the paired comparisons, and rankings. Rendered from the run
// document's group fields (build_group_fields), as the Markdown and HTML reports are.
#pragma once

#include <cstdio>

#include <nlohmann/json.hpp>

namespace evalkit {

// Prints the group table, comparisons and rankings of `fields` ({"groups",
// "group_comparisons", "rankings"}, e.g. a whole run document); prints nothing when fields
// has no groups. With `only_by` ("provider" or "prompt") only that family's comparisons
// and rankings follow the table.
void print_group_fields(std::FILE* out, const nlohmann::json& fields,
                        const char* only_by = nullptr);

}  // namespace evalkit

// evalkit compare RUN --by provider|prompt: the paired comparisons inside one stored run.
#pragma once

#include <string>

#include "evalkit/cli/report_outputs.h"

namespace evalkit::cli {

// Compares the providers (by == "provider", within each prompt) or the prompts (within each
// provider) of the run `ref` names in the database `db`, prints the group table, the
// comparisons and rankings, and writes `reports` (the run's document). Returns the exit code.
int compare_groups_command(const std::string& ref, const std::string& by, const std::string& db,
                           const ReportPaths& reports);

}  // namespace evalkit::cli

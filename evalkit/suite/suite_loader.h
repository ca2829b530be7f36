// Loads a suite file (YAML or JSON) with its datasets and validates all of it before any
// request is made. Errors name file:line:column and what was expected.
#pragma once

#include <functional>
#include <optional>
#include <string>

#include "evalkit/base/status.h"
#include "evalkit/suite/suite.h"

namespace evalkit {

struct SuiteLoadOptions {
  // Looks up environment variables for ${VAR} and ${VAR:-default}; defaults to getenv.
  std::function<std::optional<std::string>(const std::string&)> getenv;
  // --confine-paths: every file the suite names (datasets, responses files, judge templates)
  // must lie inside the suite's folder, after ".." and symbolic links are resolved. Off by
  // default: a suite may share datasets with its neighbours.
  bool confine_paths = false;
};

// Reads and validates the suite at path into *suite. On failure *suite is unspecified and
// the Status message starts with "file:line:column: ".
Status load_suite(const std::string& path, Suite* suite, const SuiteLoadOptions& options = {});

// The same for a suite given as text, as if it were the file at path (which need not exist):
// datasets and prompt files are found relative to path's folder, errors name path.
Status load_suite_text(const std::string& path, const std::string& text, Suite* suite,
                       const SuiteLoadOptions& options = {});

}  // namespace evalkit

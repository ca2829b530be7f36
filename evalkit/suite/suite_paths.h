// Files a suite names (datasets, responses files, judge templates): where they resolve to,
// and, under --confine-paths, whether they stay inside the suite's folder.
#pragma once

#include <string>

#include "evalkit/base/status.h"

namespace evalkit {

// path joined to directory unless it is absolute, in normal form.
std::string resolve_suite_path(const std::string& directory, const std::string& path);

// OK when path, with ".." and every symbolic link resolved, lies inside root (also
// resolved); otherwise an error that says how it leaves ("leaves the suite's folder
// <root> (--confine-paths)").
Status confine_path(const std::string& root, const std::string& path);

}  // namespace evalkit

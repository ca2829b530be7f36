#include "evalkit/suite/suite_paths.h"

#include <algorithm>
#include <filesystem>

namespace evalkit {

namespace fs = std::filesystem;

std::string resolve_suite_path(const std::string& directory, const std::string& path) {
  const fs::path given(path);
  if (given.is_absolute() || directory.empty()) return given.lexically_normal().string();
  return (fs::path(directory) / given).lexically_normal().string();
}

Status confine_path(const std::string& root, const std::string& path) {
  std::error_code ec;
  const fs::path base = fs::weakly_canonical(fs::absolute(root, ec), ec);
  if (ec) return Status::error("cannot be checked: the suite's folder " + root + " is unreadable");
  // weakly_canonical follows every symbolic link of the part that exists.
  const fs::path target = fs::weakly_canonical(fs::absolute(path, ec), ec);
  if (ec) return Status::error("cannot be resolved (" + ec.message() + ")");
  const auto mismatch = std::mismatch(base.begin(), base.end(), target.begin(), target.end());
  if (mismatch.first == base.end()) return Status::ok();
  const bool linked = fs::absolute(path, ec).lexically_normal() != target;
  return Status::error(std::string(linked ? "leads through a symbolic link to " : "resolves to ") +
                       target.string() + ", outside the suite's folder " + base.string() +
                       " (--confine-paths)");
}

}  // namespace evalkit

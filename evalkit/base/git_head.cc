#include "evalkit/base/git_head.h"

#include <filesystem>
#include <fstream>
#include <sstream>

namespace evalkit {
namespace {

namespace fs = std::filesystem;

// The first line of a small file, without its line end; "" when unreadable.
std::string first_line(const fs::path& path) {
  std::ifstream in(path);
  std::string line;
  if (!in || !std::getline(in, line)) return "";
  while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.pop_back();
  return line;
}

bool is_commit_id(const std::string& text) {
  if (text.size() != 40 && text.size() != 64) return false;
  for (char c : text) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

// The git folder of the checkout containing start: a ".git" folder, or the folder a ".git"
// file names ("gitdir: ..."), as worktrees and submodules have.
fs::path find_git_dir(const fs::path& start) {
  std::error_code ec;
  const fs::path first = fs::absolute(start, ec);
  if (ec) return {};
  for (fs::path dir = first; !dir.empty(); dir = dir.parent_path()) {
    const fs::path dot_git = dir / ".git";
    if (fs::is_directory(dot_git, ec)) return dot_git;
    if (fs::is_regular_file(dot_git, ec)) {
      const std::string line = first_line(dot_git);
      if (line.rfind("gitdir: ", 0) != 0) return {};
      fs::path target = line.substr(8);
      return target.is_absolute() ? target : dir / target;
    }
    if (dir == dir.parent_path()) break;
  }
  return {};
}

// A ref ("refs/heads/main") as a loose file in git_dir, or a line of packed-refs.
std::string resolve_ref(const fs::path& git_dir, const std::string& ref) {
  if (ref.rfind("refs/", 0) != 0 || ref.find("..") != std::string::npos) return "";
  std::string id = first_line(git_dir / ref);
  if (is_commit_id(id)) return id;
  std::ifstream packed(git_dir / "packed-refs");
  std::string line;
  while (std::getline(packed, line)) {
    const size_t space = line.find(' ');
    if (space != std::string::npos && line.compare(space + 1, std::string::npos, ref) == 0) {
      id = line.substr(0, space);
      return is_commit_id(id) ? id : "";
    }
  }
  return "";
}

}  // namespace

std::string git_head_commit(const std::string& directory) {
  const fs::path git_dir = find_git_dir(directory.empty() ? "." : directory);
  if (git_dir.empty()) return "";
  const std::string head = first_line(git_dir / "HEAD");
  if (is_commit_id(head)) return head;  // detached
  if (head.rfind("ref: ", 0) != 0) return "";
  const std::string ref = head.substr(5);
  // A worktree keeps its HEAD; branches live in the common folder it names.
  std::string id = resolve_ref(git_dir, ref);
  if (!id.empty()) return id;
  const std::string common = first_line(git_dir / "commondir");
  if (common.empty()) return "";
  const fs::path common_dir = fs::path(common).is_absolute() ? fs::path(common) : git_dir / common;
  return resolve_ref(common_dir, ref);
}

}  // namespace evalkit

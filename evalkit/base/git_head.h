// The commit a folder's git checkout is at, read from the repository's files. No git
// process is started: the folder may belong to someone else, and its name or its git
// config must not be able to run anything.
#pragma once

#include <string>

namespace evalkit {

// The 40-hex (or 64-hex, SHA-256 repositories) commit id HEAD points to in the git
// checkout that contains directory (searched upwards; worktrees and packed refs
// understood), or "" when there is none or it cannot be read.
std::string git_head_commit(const std::string& directory);

}  // namespace evalkit

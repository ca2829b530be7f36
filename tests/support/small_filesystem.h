// A folder on a tmpfs of a fixed size, mounted while the object lives: for tests of what
// evalkit does when a disk fills up or turns read-only. Mounting needs CAP_SYS_ADMIN;
// mounted() says whether it worked, so a test can fall back (e.g. to RLIMIT_FSIZE).
#pragma once

#include <cstddef>
#include <string>

namespace evalkit::testing {

class SmallFilesystem {
 public:
  // Creates dir (if needed) and mounts a tmpfs of `bytes` on it.
  SmallFilesystem(std::string dir, size_t bytes);
  ~SmallFilesystem();  // unmounts (lazily) and removes nothing else
  SmallFilesystem(const SmallFilesystem&) = delete;
  SmallFilesystem& operator=(const SmallFilesystem&) = delete;

  bool mounted() const { return mounted_; }
  const std::string& dir() const { return dir_; }
  // Why mounting failed ("" when mounted).
  const std::string& error() const { return error_; }

  // Remounts with a new size ("free space") or read-only; false when refused.
  bool resize(size_t bytes);
  bool make_read_only();

 private:
  std::string dir_;
  bool mounted_ = false;
  std::string error_;
};

}  // namespace evalkit::testing

#include "tests/support/small_filesystem.h"

#include <sys/mount.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

namespace evalkit::testing {

SmallFilesystem::SmallFilesystem(std::string dir, size_t bytes) : dir_(std::move(dir)) {
  std::error_code ec;
  std::filesystem::create_directories(dir_, ec);
  const std::string data = "size=" + std::to_string(bytes);
  if (mount("tmpfs", dir_.c_str(), "tmpfs", MS_NOSUID | MS_NODEV, data.c_str()) == 0) {
    mounted_ = true;
  } else {
    error_ = std::string("mount tmpfs: ") + std::strerror(errno);
  }
}

SmallFilesystem::~SmallFilesystem() {
  if (mounted_) umount2(dir_.c_str(), MNT_DETACH);
}

bool SmallFilesystem::resize(size_t bytes) {
  const std::string data = "size=" + std::to_string(bytes);
  return mounted_ && mount("tmpfs", dir_.c_str(), "tmpfs", MS_REMOUNT | MS_NOSUID | MS_NODEV,
                           data.c_str()) == 0;
}

bool SmallFilesystem::make_read_only() {
  return mounted_ && mount("tmpfs", dir_.c_str(), "tmpfs",
                           MS_REMOUNT | MS_RDONLY | MS_NOSUID | MS_NODEV, nullptr) == 0;
}

}  // namespace evalkit::testing

#include "evalkit/suite/suite_text.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "evalkit/base/files.h"

namespace evalkit {

SuiteText::~SuiteText() { clear(); }

void SuiteText::clear() {
  if (pages_ != nullptr) ::munmap(pages_, mapped_);
  pages_ = nullptr;
  mapped_ = size_ = dropped_ = 0;
  copy_ = std::string();
}

bool SuiteText::map(size_t size) {
  clear();
  if (size == 0) return false;
  void* pages = ::mmap(nullptr, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (pages == MAP_FAILED) return false;
  pages_ = static_cast<char*>(pages);
  mapped_ = size;
  return true;
}

void SuiteText::assign(std::string_view text) {
  if (!map(text.size())) {
    copy_.assign(text);
    return;
  }
  std::memcpy(pages_, text.data(), text.size());
  size_ = text.size();
}

Status SuiteText::read(const std::string& path) {
  clear();
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  struct stat info;
  // A regular file is read straight into pages of the size it has, plus one byte that tells
  // whether it grew meanwhile; anything else goes through read_file.
  if (fd >= 0 && ::fstat(fd, &info) == 0 && S_ISREG(info.st_mode) && info.st_size > 0 &&
      map(static_cast<size_t>(info.st_size) + 1)) {
    size_t used = 0;
    while (used < mapped_) {
      const ssize_t got = ::read(fd, pages_ + used, mapped_ - used);
      if (got < 0 && errno == EINTR) continue;
      if (got < 0) {
        const int error = errno;
        ::close(fd);
        clear();
        return Status::error("cannot read " + path + ": " + std::strerror(error));
      }
      if (got == 0) break;
      used += static_cast<size_t>(got);
    }
    if (used < mapped_) {
      ::close(fd);
      size_ = used;
      return Status::ok();
    }
    clear();  // it grew: read on to its end below
  }
  if (fd >= 0) ::close(fd);
  std::string text;
  if (Status s = read_file(path, &text); !s) return s;
  copy_ = std::move(text);
  return Status::ok();
}

void SuiteText::drop_before(const char* end) {
  if (pages_ == nullptr || end < pages_ || end > pages_ + size_) return;
  static const size_t page = static_cast<size_t>(::sysconf(_SC_PAGESIZE));
  const size_t upto = static_cast<size_t>(end - pages_) / page * page;
  // A quarter megabyte at a time: one call for every case would cost more than it saves.
  if (upto < dropped_ + 64 * page) return;
  ::madvise(pages_ + dropped_, upto - dropped_, MADV_DONTNEED);
  dropped_ = upto;
}

}  // namespace evalkit

#include "evalkit/base/files.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace evalkit {
namespace {

std::string error_text(const std::string& path, int error) {
  return "cannot write " + path + ": " + std::strerror(error);
}

// Writes all of data to fd, retrying short writes and interruptions.
int write_all(int fd, std::string_view data) {
  while (!data.empty()) {
    const ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return errno;
    }
    data.remove_prefix(static_cast<size_t>(n));
  }
  return 0;
}

// Collects pieces and writes them to fd in blocks; remembers the first write error.
class BufferedDescriptor {
 public:
  explicit BufferedDescriptor(int fd) : fd_(fd) {}
  int add(std::string_view piece) {
    if (error_ != 0) return error_;
    if (piece.size() >= kBlock) {  // a large piece goes out as it is, never copied
      if (flush() == 0) error_ = write_all(fd_, piece);
      return error_;
    }
    buffer_.append(piece);
    if (buffer_.size() >= kBlock) flush();
    return error_;
  }
  int flush() {
    if (error_ == 0 && !buffer_.empty()) error_ = write_all(fd_, buffer_);
    buffer_.clear();
    return error_;
  }

 private:
  static constexpr size_t kBlock = size_t(1) << 20;
  int fd_;
  int error_ = 0;
  std::string buffer_;
};

// Runs produce() into fd; a write error comes back as errno in *write_error.
Status produce_into(int fd, const std::function<Status(const FileSink&)>& produce,
                    int* write_error) {
  BufferedDescriptor out(fd);
  const FileSink sink = [&](std::string_view piece) -> Status {
    if (const int error = out.add(piece); error != 0) {
      return Status::error(std::strerror(error));
    }
    return Status::ok();
  };
  Status produced = produce(sink);
  *write_error = out.flush();
  return produced;
}

// The descriptor a path names when it is one of this process's own: -1 otherwise.
int own_descriptor(const std::string& path) {
  if (path == "-" || path == "/dev/stdout") return STDOUT_FILENO;
  if (path == "/dev/stderr") return STDERR_FILENO;
  for (const char* prefix : {"/dev/fd/", "/proc/self/fd/"}) {
    const size_t length = std::strlen(prefix);
    if (path.compare(0, length, prefix) != 0 || path.size() == length) continue;
    const std::string number = path.substr(length);
    if (number.find_first_not_of("0123456789") != std::string::npos || number.size() > 6) {
      return -1;
    }
    return std::atoi(number.c_str());
  }
  return -1;
}

Status write_descriptor(int fd, const std::string& path,
                        const std::function<Status(const FileSink&)>& produce) {
  if (fd == STDOUT_FILENO) std::fflush(stdout);
  if (fd == STDERR_FILENO) std::fflush(stderr);
  int error = 0;
  Status produced = produce_into(fd, produce, &error);
  if (error != 0) return Status::error(error_text(path == "-" ? "standard output" : path, error));
  return produced;
}

Status write_in_place(const std::string& path,
                      const std::function<Status(const FileSink&)>& produce) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_NOCTTY | O_CLOEXEC);
  if (fd < 0) return Status::error(error_text(path, errno));
  int error = 0;
  Status produced = produce_into(fd, produce, &error);
  const int closed = ::close(fd) == 0 ? 0 : errno;
  if (error != 0 || closed != 0) return Status::error(error_text(path, error ? error : closed));
  return produced;
}

mode_t file_mode() {
  const mode_t mask = ::umask(0);
  ::umask(mask);
  return 0666 & ~mask;
}

Status replace_regular(const std::string& path,
                       const std::function<Status(const FileSink&)>& produce) {
  namespace fs = std::filesystem;
  std::error_code ec;
  fs::path target(path);
  // A symlink to a regular file: replace the file it points to, not the link.
  if (fs::is_symlink(fs::symlink_status(target, ec))) {
    const fs::path resolved = fs::canonical(target, ec);
    if (!ec) target = resolved;
  }
  const fs::path folder = target.has_parent_path() ? target.parent_path() : fs::path(".");
  fs::create_directories(folder, ec);
  // Built by appending: "." + name trips a GCC 12 -Wrestrict false alarm.
  std::string name = ".";
  name += target.filename().string();
  name += ".XXXXXX";
  std::string temporary = (folder / name).string();
  const int fd = ::mkostemp(temporary.data(), O_CLOEXEC);
  if (fd < 0) return Status::error(error_text(path, errno));
  int error = 0;
  Status produced = produce_into(fd, produce, &error);
  if (error == 0 && !produced) {
    ::close(fd);
    ::unlink(temporary.c_str());
    return produced;
  }
  if (error == 0 && ::fchmod(fd, file_mode()) != 0) error = errno;
  if (error == 0 && ::fsync(fd) != 0 && errno != EINVAL) error = errno;
  if (::close(fd) != 0 && error == 0) error = errno;
  if (error == 0 && ::rename(temporary.c_str(), target.c_str()) != 0) error = errno;
  if (error != 0) {
    ::unlink(temporary.c_str());
    return Status::error(error_text(path, error));
  }
  return Status::ok();
}

}  // namespace

Status read_file(const std::string& path, std::string* contents) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return Status::error("cannot read " + path + ": " + std::strerror(errno));
  // Read straight into a string of the file's size (one copy of the text, not a growing stream
  // buffer and a copy of it); a pipe or a file that grows is read on until its end.
  struct stat info;
  std::string text;
  // One byte past the size, so the read that finds the end needs no more room.
  if (::fstat(fd, &info) == 0 && S_ISREG(info.st_mode) && info.st_size > 0) {
    text.resize(static_cast<size_t>(info.st_size) + 1);
  }
  size_t used = 0;
  while (true) {
    if (used == text.size()) text.resize(std::max<size_t>(2 * used, used + (1 << 16)));
    const ssize_t got = ::read(fd, text.data() + used, text.size() - used);
    if (got < 0 && errno == EINTR) continue;
    if (got < 0) {
      const int error = errno;
      ::close(fd);
      return Status::error("cannot read " + path + ": " + std::strerror(error));
    }
    if (got == 0) break;
    used += static_cast<size_t>(got);
  }
  ::close(fd);
  text.resize(used);
  *contents = std::move(text);
  return Status::ok();
}

bool is_standard_output(const std::string& path) { return own_descriptor(path) == STDOUT_FILENO; }

Status write_file_atomic(const std::string& path, const std::string& contents) {
  return write_file_streamed(path, [&](const FileSink& sink) { return sink(contents); });
}

Status write_file_streamed(const std::string& path,
                           const std::function<Status(const FileSink&)>& produce) {
  if (path.empty()) return Status::error("cannot write a file with an empty name");
  if (const int fd = own_descriptor(path); fd >= 0) return write_descriptor(fd, path, produce);
  struct stat info;
  if (::stat(path.c_str(), &info) == 0) {
    if (S_ISDIR(info.st_mode)) return Status::error("cannot write " + path + ": it is a folder");
    if (!S_ISREG(info.st_mode)) return write_in_place(path, produce);
  }
  return replace_regular(path, produce);
}

}  // namespace evalkit

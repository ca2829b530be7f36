#include "evalkit/base/files.h"

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace evalkit {

Status read_file(const std::string& path, std::string* contents) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::error("cannot read " + path + ": " + std::strerror(errno));
  std::ostringstream buffer;
  buffer << in.rdbuf();
  *contents = buffer.str();
  return Status::ok();
}

Status write_file_atomic(const std::string& path, const std::string& contents) {
  std::error_code ec;
  const std::filesystem::path target(path);
  if (target.has_parent_path()) std::filesystem::create_directories(target.parent_path(), ec);
  const std::string temporary = path + ".tmp";
  {
    std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
    if (!out) return Status::error("cannot write " + path + ": " + std::strerror(errno));
    out << contents;
    if (!out.flush()) return Status::error("cannot write " + path + ": " + std::strerror(errno));
  }
  std::filesystem::rename(temporary, target, ec);
  if (ec) return Status::error("cannot write " + path + ": " + ec.message());
  return Status::ok();
}

}  // namespace evalkit

#include "evalkit/base/status.h"

namespace evalkit {

std::string SourceLocation::str() const {
  std::string out = file;
  if (line > 0) {
    // Appended piece by piece: ":" + std::to_string(...) trips a GCC 12 -Wrestrict false alarm.
    out += ':';
    out += std::to_string(line);
    if (column > 0) {
      out += ':';
      out += std::to_string(column);
    }
  }
  return out;
}

Status Status::error_at(const SourceLocation& where, const std::string& message) {
  const std::string prefix = where.str();
  return Status(prefix.empty() ? message : prefix + ": " + message);
}

}  // namespace evalkit

// Errors as values at module edges: a Status carries a message a person can act on.
#pragma once

#include <string>
#include <utility>

#include "evalkit/base/shared_text.h"

namespace evalkit {

// Where in a file something is; line and column are 1-based, 0 when unknown.
struct SourceLocation {
  SharedText file;  // shared by the copies of a location, and by a reader's locations
  int line = 0;
  int column = 0;

  // "file:line:column", or as much of it as is known.
  std::string str() const;
};

class Status {
 public:
  Status() = default;
  static Status ok() { return Status(); }
  static Status error(std::string message) { return Status(std::move(message)); }
  // An error about a place in a file: "file:line:col: message".
  static Status error_at(const SourceLocation& where, const std::string& message);

  bool is_ok() const { return !failed_; }
  explicit operator bool() const { return is_ok(); }
  const std::string& message() const { return message_; }

 private:
  explicit Status(std::string message) : failed_(true), message_(std::move(message)) {}
  bool failed_ = false;
  std::string message_;
};

}  // namespace evalkit

// RFC 4180 CSV records: fields separated by commas, records by CRLF or LF; a field in
// double quotes may hold commas, line breaks and "" for a quote.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace evalkit {

class CsvReader {
 public:
  // data must outlive the reader. A leading UTF-8 byte order mark is skipped.
  explicit CsvReader(std::string_view data);

  // Reads the next record into *fields and the line it starts on into *line. Returns false
  // at the end of data or on malformed input (then error() is set and *line is where).
  bool next(std::vector<std::string>* fields, int* line);

  // Empty unless next() stopped on malformed input.
  const std::string& error() const { return error_; }

 private:
  std::string_view data_;
  size_t position_ = 0;
  int line_ = 1;
  std::string error_;
};

}  // namespace evalkit

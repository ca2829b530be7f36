#include "evalkit/suite/csv_reader.h"

namespace evalkit {

CsvReader::CsvReader(std::string_view data) : data_(data) {
  if (data_.substr(0, 3) == "\xEF\xBB\xBF") position_ = 3;
}

bool CsvReader::next(std::vector<std::string>* fields, int* line) {
  fields->clear();
  // Blank lines between records carry no record.
  while (position_ < data_.size() && (data_[position_] == '\n' || data_[position_] == '\r')) {
    if (data_[position_] == '\n') ++line_;
    ++position_;
  }
  if (position_ >= data_.size()) return false;
  *line = line_;
  std::string field;
  while (true) {
    field.clear();
    if (position_ < data_.size() && data_[position_] == '"') {
      const int quote_line = line_;
      ++position_;
      while (true) {
        if (position_ >= data_.size()) {
          error_ = "quoted field opened on line " + std::to_string(quote_line) + " is never closed";
          *line = quote_line;
          return false;
        }
        const char c = data_[position_++];
        if (c == '"') {
          if (position_ < data_.size() && data_[position_] == '"') {
            field.push_back('"');
            ++position_;
          } else {
            break;
          }
        } else {
          if (c == '\n') ++line_;
          field.push_back(c);
        }
      }
      const bool at_boundary = position_ >= data_.size() || data_[position_] == ',' ||
                               data_[position_] == '\n' || data_[position_] == '\r';
      if (!at_boundary) {
        error_ = "unexpected text after a closing quote";
        *line = line_;
        return false;
      }
    } else {
      const size_t end = data_.find_first_of(",\r\n", position_);
      const size_t stop = end == std::string_view::npos ? data_.size() : end;
      field.assign(data_.substr(position_, stop - position_));
      position_ = stop;
    }
    fields->push_back(field);
    if (position_ >= data_.size()) return true;
    const char separator = data_[position_++];
    if (separator == ',') continue;
    if (separator == '\r' && position_ < data_.size() && data_[position_] == '\n') ++position_;
    ++line_;
    return true;
  }
}

}  // namespace evalkit

// The text of a suite file while it is read. A JSON suite's cases are read once each, in
// order (expand_deferred), so the pages holding the cases already read can be given back to
// the system as the loader goes: the text and the cases built from it are never all held at
// once.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "evalkit/base/status.h"

namespace evalkit {

class SuiteText {
 public:
  SuiteText() = default;
  ~SuiteText();
  SuiteText(const SuiteText&) = delete;
  SuiteText& operator=(const SuiteText&) = delete;

  // Reads the file at path (errors as read_file words them).
  Status read(const std::string& path);
  // A copy of text.
  void assign(std::string_view text);

  std::string_view view() const {
    return pages_ != nullptr ? std::string_view(pages_, size_) : std::string_view(copy_);
  }

  // Gives back the whole pages before end, a place in view() that is not read again: they
  // read as zeros afterwards. Does nothing for text not held in pages of its own.
  void drop_before(const char* end);

  // Gives back all of it.
  void clear();

 private:
  // Room for size bytes in pages of its own; false when none could be had.
  bool map(size_t size);

  char* pages_ = nullptr;
  size_t mapped_ = 0;   // bytes mapped
  size_t size_ = 0;     // bytes of text
  size_t dropped_ = 0;  // bytes given back, from the start
  std::string copy_;    // the text when no pages could be had
};

}  // namespace evalkit

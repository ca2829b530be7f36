// Small file-system helpers with Status errors.
#pragma once

#include <functional>
#include <string>
#include <string_view>

#include "evalkit/base/status.h"

namespace evalkit {

// Reads a whole file into *contents.
Status read_file(const std::string& path, std::string* contents);

// The one writer of every report and exported file:
//   "-", /dev/stdout, /dev/stderr, /dev/fd/N and /proc/self/fd/N: written to that descriptor
//       of this process (standard output is flushed first, so console text and the report
//       keep their order);
//   an existing non-regular file (a FIFO, a terminal, /dev/null): opened and written in place;
//   a regular file (or a new one): written to a unique temporary file made with mkstemp
//       (O_EXCL, so a planted file or symlink is never followed) in the target's folder,
//       flushed to disk, then renamed over the target; the temporary file is removed on any
//       failure, leaving the old target untouched. A target that is a symlink to a regular
//       file is replaced at the symlink's destination. Parent folders are created.
// The new file gets mode 0666 less the umask, like any file the user creates.
Status write_file_atomic(const std::string& path, const std::string& contents);

// Hands the writer's output to its target piece by piece.
using FileSink = std::function<Status(std::string_view piece)>;

// write_file_atomic for contents too large to hold: produce() passes the contents to the
// sink in pieces (buffered here, written in blocks of about 1 MiB). The same targets as
// write_file_atomic: a regular file is replaced only once produce() returned ok and every
// piece is on disk (an error from produce() or from a write removes the temporary file and
// leaves the old target untouched); standard output, a FIFO or a device get the pieces as
// they come.
Status write_file_streamed(const std::string& path,
                           const std::function<Status(const FileSink& sink)>& produce);

// True when write_file_atomic(path) writes to standard output ("-", /dev/stdout, /dev/fd/1,
// /proc/self/fd/1).
bool is_standard_output(const std::string& path);

}  // namespace evalkit

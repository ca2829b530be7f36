// Small file-system helpers with Status errors.
#pragma once

#include <string>

#include "evalkit/base/status.h"

namespace evalkit {

// Reads a whole file into *contents.
Status read_file(const std::string& path, std::string* contents);

// Writes contents to path atomically (temporary file + rename), creating parent folders.
Status write_file_atomic(const std::string& path, const std::string& contents);

}  // namespace evalkit

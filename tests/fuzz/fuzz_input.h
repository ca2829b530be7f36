// Shared helpers for the libFuzzer targets: fuzz inputs that must come from a file are
// written to a per-process scratch file.
#pragma once

#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <fstream>
#include <string>

namespace evalkit::fuzz {

inline std::string write_scratch_file(const char* extension, const uint8_t* data, size_t size) {
  const std::string path =
      "/tmp/evalkit-fuzz-" + std::to_string(getpid()) + extension;
  std::ofstream(path, std::ios::binary | std::ios::trunc)
      .write(reinterpret_cast<const char*>(data), std::streamsize(size));
  return path;
}

}  // namespace evalkit::fuzz

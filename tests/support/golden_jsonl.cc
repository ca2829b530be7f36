#include "tests/support/golden_jsonl.h"

#include <fstream>

#include <gtest/gtest.h>

#include "tests/support/process.h"

namespace evalkit::testing {

std::vector<nlohmann::json> read_jsonl(const std::string& relative) {
  std::vector<nlohmann::json> records;
  const std::string path = test_data_path(relative);
  std::ifstream in(path);
  if (!in) {
    ADD_FAILURE() << "cannot open " << path;
    return records;
  }
  std::string line;
  int line_number = 0;
  while (std::getline(in, line)) {
    ++line_number;
    if (line.empty()) continue;
    auto record = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
    if (record.is_discarded()) {
      ADD_FAILURE() << path << ":" << line_number << ": not JSON";
      continue;
    }
    records.push_back(std::move(record));
  }
  return records;
}

}  // namespace evalkit::testing

#include "tests/support/test_files.h"

#include <filesystem>
#include <fstream>
#include <sstream>

namespace evalkit::testing {

std::string write_test_file(const std::string& dir, const std::string& name,
                            const std::string& text) {
  const std::string path = dir + "/" + name;
  std::filesystem::create_directories(std::filesystem::path(path).parent_path());
  std::ofstream(path) << text;
  return path;
}

std::string read_text_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

nlohmann::json read_json_file(const std::string& path) {
  std::ifstream in(path);
  return nlohmann::json::parse(in);
}

}  // namespace evalkit::testing

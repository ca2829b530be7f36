#include "tests/support/suite_fixture.h"

#include <filesystem>
#include <stdexcept>

#include "evalkit/base/files.h"
#include "tests/support/process.h"

namespace evalkit::testing {

SuiteFixture::SuiteFixture(const std::string& name) : dir_(make_temp_dir(name)) {}

std::string SuiteFixture::write(const std::string& relative, const std::string& contents) const {
  const std::string path = dir_ + "/" + relative;
  const Status status = write_file_atomic(path, contents);
  if (!status) throw std::runtime_error(status.message());
  return path;
}

Status SuiteFixture::load(const std::string& relative, Suite* suite) const {
  SuiteLoadOptions options;
  options.getenv = [this](const std::string& name) -> std::optional<std::string> {
    const auto it = env.find(name);
    if (it == env.end()) return std::nullopt;
    return it->second;
  };
  return load_suite(dir_ + "/" + relative, suite, options);
}

std::string SuiteFixture::error(const std::string& relative) const {
  Suite suite;
  const Status status = load(relative, &suite);
  if (status) return "";
  std::string message = status.message();
  const std::string prefix = dir_ + "/";
  for (size_t at = message.find(prefix); at != std::string::npos; at = message.find(prefix)) {
    message.erase(at, prefix.size());
  }
  return message;
}

}  // namespace evalkit::testing

// Writes suite files into a fresh folder and loads them, for suite loader tests.
#pragma once

#include <map>
#include <optional>
#include <string>

#include "evalkit/suite/suite_loader.h"

namespace evalkit::testing {

class SuiteFixture {
 public:
  explicit SuiteFixture(const std::string& name);

  // Writes contents to dir/relative (creating folders) and returns the full path.
  std::string write(const std::string& relative, const std::string& contents) const;

  // Loads dir/relative with env as the only environment.
  Status load(const std::string& relative, Suite* suite) const;

  // The error message from loading dir/relative, with the folder prefix cut so that tests
  // can compare "qa.yaml:3:5: ..." exactly; "" when it loaded.
  std::string error(const std::string& relative) const;

  const std::string& dir() const { return dir_; }
  std::map<std::string, std::string> env;

 private:
  std::string dir_;
};

}  // namespace evalkit::testing

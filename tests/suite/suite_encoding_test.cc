#include <fstream>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "evalkit/suite/suite_loader.h"
#include "tests/support/process.h"

namespace evalkit {
namespace {

// Found by suite_loader_fuzz: a key with invalid UTF-8 used to throw from deep inside the
// validator. It is now a located error before parsing.
TEST(SuiteEncodingTest, InvalidUtf8IsALocatedError) {
  const std::string path = testing::make_temp_dir("encoding") + "/suite.yaml";
  std::ofstream(path, std::ios::binary) << "suite: s\nproviders:\n  - {id: a, type: exec, c\xbf\xbfmmand: [cat]}\n";
  Suite suite;
  const Status status = load_suite(path, &suite);
  ASSERT_FALSE(status.is_ok());
  EXPECT_THAT(status.message(), ::testing::HasSubstr(path + ":3:26: invalid UTF-8"));
}

}  // namespace
}  // namespace evalkit

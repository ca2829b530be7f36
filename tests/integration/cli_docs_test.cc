// docs/cli.md lists every option of every command, as `evalkit COMMAND --help` prints them.
#include <cctype>
#include <regex>
#include <set>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/support/process.h"
#include "tests/support/test_files.h"

namespace evalkit::testing {
namespace {

// name appears in text as an option, not as the start of a longer one.
bool mentions(const std::string& text, const std::string& name) {
  for (size_t at = text.find(name); at != std::string::npos; at = text.find(name, at + 1)) {
    const size_t end = at + name.size();
    if (end == text.size() || !(std::isalnum(static_cast<unsigned char>(text[end])) ||
                                text[end] == '-' || text[end] == '_')) {
      return true;
    }
  }
  return false;
}

TEST(CliDocsTest, EveryOptionInHelpIsDocumented) {
  const std::string docs = read_text_file(source_path("docs/cli.md"));
  ASSERT_FALSE(docs.empty());
  const std::regex option(R"((^|[\s\[,])(--[a-z][a-z0-9-]+))");
  int checked = 0;
  // `score`'s per-metric options are documented in docs/metrics.md; its own are checked below.
  for (const char* command :
       {"run", "report", "compare", "merge", "list", "baseline", "init", "validate", "runs"}) {
    const ProcessResult help = run_evalkit({command, "--help"});
    EXPECT_EQ(help.exit_code, 0) << command << help.err;
    std::set<std::string> options;
    for (std::sregex_iterator it(help.out.begin(), help.out.end(), option), end; it != end; ++it) {
      options.insert((*it)[2].str());
    }
    for (const std::string& name : options) {
      if (name == "--help" || name == "--option") continue;
      ++checked;
      EXPECT_TRUE(mentions(docs, name))
          << "evalkit " << command << " " << name << " is not in docs/cli.md";
    }
  }
  EXPECT_GT(checked, 40);
  for (const char* name : {"--corpus", "--threshold", "--cache", "--max-cost", "--max-tokens"}) {
    EXPECT_TRUE(mentions(docs, name)) << name;
  }
}

}  // namespace
}  // namespace evalkit::testing

// evalkit import promptfoo CONFIG [-o SUITE]: converts another tool's config into a suite.
#include <cstdio>
#include <string>

#include "evalkit/base/files.h"
#include "evalkit/cli/commands.h"
#include "evalkit/cli/exit_codes.h"
#include "evalkit/suite/promptfoo_import.h"

namespace evalkit::cli {

int import_command(const Args& args) {
  const char* usage =
      "Usage: evalkit import promptfoo CONFIG [-o SUITE]\n\n"
      "Converts a promptfoo config (prompts, openai providers, tests with vars and assertions,\n"
      "CSV test files) into an evalkit suite, written to SUITE or stdout. Whatever has no\n"
      "evalkit equivalent is listed on stderr and as comments at the top of the suite.\n"
      "Exit code 0 when a suite was written (check stderr for what was not converted).";
  std::string format, config, output;
  for (size_t i = 0; i < args.size(); ++i) {
    if (args[i] == "--help" || args[i] == "-h") {
      std::puts(usage);
      return exit_code::kPassed;
    }
    if ((args[i] == "-o" || args[i] == "--output") && i + 1 < args.size()) {
      output = args[++i];
    } else if (format.empty()) {
      format = args[i];
    } else if (config.empty()) {
      config = args[i];
    } else {
      std::fprintf(stderr, "evalkit import: unexpected argument '%s'\n%s\n", args[i].c_str(),
                   usage);
      return exit_code::kUsageError;
    }
  }
  if (format != "promptfoo" || config.empty()) {
    std::fprintf(stderr, "%s\n", usage);
    return exit_code::kUsageError;
  }
  PromptfooImport result;
  if (Status s = import_promptfoo(config, &result); !s) {
    std::fprintf(stderr, "evalkit import: %s\n", s.message().c_str());
    return exit_code::kUsageError;
  }
  if (output.empty()) {
    std::fputs(result.suite_yaml.c_str(), stdout);
  } else if (Status s = write_file_atomic(output, result.suite_yaml); !s) {
    std::fprintf(stderr, "evalkit import: %s\n", s.message().c_str());
    return exit_code::kInfrastructure;
  }
  for (const auto& line : result.not_converted) {
    std::fprintf(stderr, "not converted: %s\n", line.c_str());
  }
  if (!output.empty()) {
    std::fprintf(stderr, "%s written; check it with: evalkit validate %s\n", output.c_str(),
                 output.c_str());
  }
  return exit_code::kPassed;
}

}  // namespace evalkit::cli

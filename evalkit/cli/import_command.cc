// evalkit import promptfoo CONFIG [-o SUITE]: converts another tool's config into a suite.
#include <cstdio>
#include <filesystem>
#include <string>

#include "evalkit/base/files.h"
#include "evalkit/cli/commands.h"
#include "evalkit/cli/exit_codes.h"
#include "evalkit/suite/promptfoo_import.h"

namespace evalkit::cli {

int import_command(const Args& args) {
  const char* usage =
      "Usage: evalkit import promptfoo CONFIG [-o SUITE]\n\n"
      "Converts a promptfoo config (prompts and prompt files, providers including the\n"
      "OpenAI-compatible services, tests from the config and from CSV/YAML/JSON/JSONL files,\n"
      "defaultTest, assertions and their graders) into an evalkit suite, written to SUITE or\n"
      "stdout. Paths in the suite are relative to SUITE's folder (or the current folder).\n"
      "Everything not converted, or converted with a different form or meaning, is listed on\n"
      "stderr and as comments at the top of the suite, each with file:line.\n\n"
      "Exit code 0 when a suite was written; 3 when the config cannot be read, when no\n"
      "provider under test converts, or when the result would not load (nothing is written).";
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
  PromptfooImportOptions options;
  options.output_path = output;
  // The suite is loaded where it will be written before it is written, and its code files are
  // found from there: a folder `-o` names that does not exist yet is made first (and removed
  // again when nothing is written into it).
  std::error_code ignored;
  const std::filesystem::path folder = std::filesystem::path(output).parent_path();
  const bool made_folder = !output.empty() && !folder.empty() &&
                           !std::filesystem::exists(folder, ignored) &&
                           std::filesystem::create_directories(folder, ignored);
  PromptfooImport result;
  if (Status s = import_promptfoo(config, options, &result); !s) {
    if (made_folder) std::filesystem::remove(folder, ignored);
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
  for (const auto& line : result.changed) std::fprintf(stderr, "changed: %s\n", line.c_str());
  std::fprintf(stderr,
               "%s: %d system(s) under test, %d prompt(s), %d case entr%s; %zu item(s) not "
               "converted, %zu changed\n",
               output.empty() ? "suite" : output.c_str(), result.systems_under_test, result.prompts,
               result.cases, result.cases == 1 ? "y" : "ies", result.not_converted.size(),
               result.changed.size());
  if (!output.empty()) {
    std::fprintf(stderr, "%s written; check it with: evalkit validate %s\n", output.c_str(),
                 output.c_str());
  }
  return exit_code::kPassed;
}

}  // namespace evalkit::cli

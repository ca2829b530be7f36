// Converts a promptfoo config (promptfooconfig.yaml) into an evalkit suite: prompts and
// prompt files, providers (OpenAI and the OpenAI-compatible services), tests from the config
// and from CSV/YAML/JSON/JSONL files, defaultTest, assertions and their graders.
#pragma once

#include <string>
#include <vector>

#include "evalkit/base/status.h"

namespace evalkit {

struct PromptfooImportOptions {
  // Where the suite will be written; paths in it (datasets, prompt files) are relative to
  // its folder. Empty: the suite goes to stdout and paths are relative to the current folder.
  std::string output_path;
};

struct PromptfooImport {
  // The suite as YAML, with what was dropped or changed listed in comments at its top.
  std::string suite_yaml;
  // "file:line:col: what and why" for everything not carried into the suite.
  std::vector<std::string> not_converted;
  // The same for what was carried with a different form or meaning.
  std::vector<std::string> changed;
  int systems_under_test = 0;
  int prompts = 0;
  int cases = 0;  // inline cases; dataset entries count as one
};

// Reads the promptfoo config at path (and the files it names) into *out. The suite always
// loads with evalkit's own loader: a conversion that would not is an error, never written.
// Fails when a file cannot be read or parsed, or when no provider under test converts (a
// grader or embedder is never made the system under test).
Status import_promptfoo(const std::string& path, const PromptfooImportOptions& options,
                        PromptfooImport* out);

}  // namespace evalkit

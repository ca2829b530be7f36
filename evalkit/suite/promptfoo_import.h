// Converts a promptfoo config (promptfooconfig.yaml) into an evalkit suite: prompts,
// OpenAI(-compatible) providers, tests with vars and assertions, CSV test files.
#pragma once

#include <string>
#include <vector>

#include "evalkit/base/status.h"

namespace evalkit {

struct PromptfooImport {
  // The suite as YAML; what could not be converted is listed in comments at its top.
  std::string suite_yaml;
  // One line per thing not converted: "file:line:col: what and why". Nothing is dropped
  // without a note here.
  std::vector<std::string> not_converted;
};

// Reads the promptfoo config at path (and the files it names: prompt files, CSV tests)
// into *out. Fails only when a file cannot be read or parsed, or when the config has no
// prompts, providers and tests at all.
Status import_promptfoo(const std::string& path, PromptfooImport* out);

}  // namespace evalkit

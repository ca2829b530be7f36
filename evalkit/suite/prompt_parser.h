// The `prompts:` list of a suite: inline prompts, chat messages, and prompts read from files
// (`{file: prompts/qa.txt}`, `.json`/`.yaml` chat files, several prompts in one text file
// separated by a line `---`), each with optional request `params`.
#pragma once

#include <string>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "evalkit/suite/suite.h"
#include "evalkit/suite/yaml_reader.h"

namespace evalkit {

// Where prompt files are found and what reading them adds to the suite's content hash.
struct PromptFiles {
  std::string directory;             // the suite's folder; file paths are relative to it
  std::vector<std::string>* hashes;  // receives the SHA-256 of each prompt file read
};

// Reads a `prompts:` list. Entries without an id get "prompt-<n>" (n counts entries from 1);
// a file entry without an id is named after the file's stem ("qa"), and a file holding
// several prompts gives "<id>-1", "<id>-2", ...
Status parse_prompts(const YAML::Node& node, const YamlReader& reader, const PromptFiles& files,
                     std::vector<PromptConfig>* out);

// Reads the top-level `prompt:` shorthand (a string or a map like a `prompts:` entry) as
// one prompt with id "prompt".
Status parse_single_prompt(const YAML::Node& node, const YamlReader& reader,
                           const PromptFiles& files, std::vector<PromptConfig>* out);

// Splits the text of a prompt file into its prompts: lines that are exactly `---` (spaces
// around it allowed) separate them; each part is trimmed and empty parts are dropped.
std::vector<std::string> split_prompt_text(const std::string& text);

}  // namespace evalkit

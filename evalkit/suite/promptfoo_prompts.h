// promptfoo prompts (text, `file://` text/JSON/YAML/JSONL files with `---` separators, chat
// messages, `{raw, label, config}` maps, the `{path: label}` form) as evalkit prompts.
#pragma once

#include <map>
#include <set>
#include <string>
#include <vector>

#include "evalkit/suite/promptfoo_context.h"

namespace evalkit::promptfoo {

struct ConvertedPrompts {
  Json prompts = Json::array();  // evalkit prompt entries, each with an `id`
  // promptfoo's names of each prompt (its label, its file reference, its raw text), for
  // provider-level `prompts:` lists: name -> evalkit prompt ids.
  std::map<std::string, std::vector<std::string>> by_name;
  std::set<std::string> ids;
};

// Converts `prompts:`. What cannot be carried (prompt functions, Nunjucks logic, unreadable
// files) is noted and left out.
void convert_prompts(const YAML::Node& node, ImportContext& context, ConvertedPrompts* out);

// Unique id: wanted, or wanted-2, wanted-3, ...
std::string unique_id(std::set<std::string>* used, const std::string& wanted);

}  // namespace evalkit::promptfoo

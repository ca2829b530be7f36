// The `providers:` list of a suite.
#pragma once

#include <string>
#include <vector>

#include "evalkit/suite/source_node.h"

#include "evalkit/suite/suite.h"
#include "evalkit/suite/yaml_reader.h"

namespace evalkit {

// Reads every provider and checks what its type needs (a model for openai-*, `responses`
// for replay, `command` for exec). Replay files are resolved relative to directory.
Status parse_providers(const SourceNode& node, const YamlReader& reader,
                       const std::string& directory, std::vector<ProviderConfig>* out);

}  // namespace evalkit

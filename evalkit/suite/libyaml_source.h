// Reading a YAML suite with libyaml, about five times faster than yaml-cpp's parser, into the
// tree yaml-cpp gives (source_node.h). yaml-cpp stays the reference: whatever libyaml refuses,
// or reads otherwise than yaml-cpp does, is left to it.
#pragma once

#include <string_view>

#include "evalkit/suite/source_node.h"
#include "evalkit/suite/yaml_expansion.h"

namespace evalkit {

// Reads the first YAML document in text into *out with libyaml, giving yaml-cpp's tree: node
// types, scalar text, tags, aliases sharing their anchor's node, 0-based line and byte
// column marks. False (with *out cleared) when libyaml reports an error, the aliases expand
// past limits, or the text holds something yaml-cpp reads otherwise or refuses (directives,
// an alias to no anchor, carriage returns not ending a line, YAML 1.1's other line breaks,
// nesting near yaml-cpp's depth limit, tabs in some places, ...): the caller then reads the
// text with yaml-cpp, which builds the tree or words the error as before.
//
// With defer_case_items, the maps of the root's `cases` list are recorded, not built
// (read_yaml_source in source_node.h). With block_scanner, text the block scanner reads
// (yaml_block_scanner.h) is read without libyaml, giving the same events and so the same
// tree; false reads everything with libyaml (the reference the scanner is held to).
bool read_yaml_source_with_libyaml(std::string_view text, SourceDocument* out,
                                   const YamlExpansionLimits& limits = {},
                                   bool defer_case_items = false, bool block_scanner = true);

}  // namespace evalkit

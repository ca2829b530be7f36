// The YAML reader on arbitrary bytes against yaml-cpp alone: read_yaml_source (libyaml when
// it reads the text as yaml-cpp does, else yaml-cpp) must give yaml-cpp's tree or yaml-cpp's
// error, word for word; and read with the root's cases recorded (defer_case_items), the same
// tree once they are built; and the block scanner the same reading as libyaml alone. Any
// difference aborts.
#include <cstdio>
#include <cstdlib>
#include <string>

#include "evalkit/suite/libyaml_source.h"
#include "evalkit/suite/source_node.h"

namespace {

// Every node in document order: type, position, tag and text (aliases followed 20 deep); a
// recorded case is built as it is reached.
void describe(const evalkit::SourceNode& listed, std::string* out, int depth = 0) {
  if (depth > 20) return;
  evalkit::SourceDocument scratch;
  const evalkit::SourceNode node = evalkit::expand_deferred(listed, &scratch);
  *out += std::to_string(static_cast<int>(node.type())) + " " + std::to_string(node.mark().line) +
          ":" + std::to_string(node.mark().column) + " <" + std::string(node.tag()) + "> [" +
          node.scalar() + "]\n";
  for (auto it = node.begin(); it != node.end(); ++it) {
    if (node.is_map()) {
      describe(it->first, out, depth + 1);
      describe(it->second, out, depth + 1);
    } else {
      describe(*it, out, depth + 1);
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > 1 << 16) return 0;
  const std::string text(reinterpret_cast<const char*>(data), size);
  evalkit::YamlExpansionLimits limits;
  limits.max_nodes = 20000;  // keep aliases that multiply cheap to walk
  evalkit::SourceDocument read, reference;
  const evalkit::Status status = evalkit::read_yaml_source("f.yaml", text, &read, limits);
  const evalkit::Status expected =
      evalkit::read_yaml_source_with_yaml_cpp("f.yaml", text, &reference, limits);
  evalkit::SourceDocument recorded;
  const evalkit::Status recorded_status =
      evalkit::read_yaml_source("f.yaml", text, &recorded, limits, /*defer_case_items=*/true);
  std::string read_tree, reference_tree, recorded_tree;
  describe(read.root(), &read_tree);
  describe(reference.root(), &reference_tree);
  describe(recorded.root(), &recorded_tree);
  if (status.message() != expected.message() || read_tree != reference_tree) {
    std::fprintf(stderr, "read:\n%s%s\nyaml-cpp:\n%s%s\n", status.message().c_str(),
                 read_tree.c_str(), expected.message().c_str(), reference_tree.c_str());
    std::abort();
  }
  // The block scanner gives libyaml's events: the same reading as libyaml alone.
  evalkit::SourceDocument scanned, parsed;
  const bool by_scanner = evalkit::read_yaml_source_with_libyaml(text, &scanned, limits);
  const bool by_parser =
      evalkit::read_yaml_source_with_libyaml(text, &parsed, limits, false, /*block_scanner=*/false);
  std::string scanned_tree, parsed_tree;
  describe(scanned.root(), &scanned_tree);
  describe(parsed.root(), &parsed_tree);
  if (by_scanner != by_parser || scanned_tree != parsed_tree) {
    std::fprintf(stderr, "block scanner (%d):\n%s\nlibyaml (%d):\n%s\n", by_scanner,
                 scanned_tree.c_str(), by_parser, parsed_tree.c_str());
    std::abort();
  }
  if (recorded_status.message() != status.message() || recorded_tree != read_tree) {
    std::fprintf(stderr, "recorded:\n%s%s\nread whole:\n%s%s\n", recorded_status.message().c_str(),
                 recorded_tree.c_str(), status.message().c_str(), read_tree.c_str());
    std::abort();
  }
  return 0;
}

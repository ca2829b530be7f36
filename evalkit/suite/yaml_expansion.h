// How large a YAML document becomes once its aliases are expanded. yaml-cpp shares an
// aliased node instead of copying it, but reading the suite visits it once per alias, so
// a few hundred bytes of nested aliases ("billion laughs") would expand into gigabytes.
#pragma once

#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

#include "evalkit/base/status.h"

namespace evalkit {

struct YamlExpansionLimits {
  uint64_t max_nodes = 2'000'000;          // scalars, lists and maps, each alias counted as copied
  uint64_t max_scalar_bytes = 128u << 20;  // bytes of scalars, likewise
};

// Sums, event by event, what a YAML document holds once its aliases are expanded: an
// anchored node's total is remembered so that each alias to it adds that total. The
// handlers throw YamlExpansionCounter::LimitCrossed at the first event past the limits.
class YamlExpansionCounter {
 public:
  struct LimitCrossed {
    int line = 0;  // 0-based, as yaml-cpp marks
    int column = 0;
  };

  explicit YamlExpansionCounter(const YamlExpansionLimits& limits) : limits_(limits) {
    frames_.push_back({});
  }

  // A scalar or null of scalar_bytes; an alias to anchor; a list or map opening and closing.
  // anchor is 0 for none.
  void leaf(int line, int column, uint64_t anchor, uint64_t scalar_bytes);
  void alias(int line, int column, uint64_t anchor);
  void open(int line, int column, uint64_t anchor);
  void close();

  // The message for a crossing, naming path and where.
  Status error(const std::string& path, const LimitCrossed& crossed) const;

 private:
  struct Size {
    uint64_t nodes = 0;
    uint64_t bytes = 0;
  };
  struct Frame {
    Size size;
    uint64_t anchor = 0;
    int line = 0;
    int column = 0;
  };

  void add(int line, int column, Size size);

  YamlExpansionLimits limits_;
  std::vector<Frame> frames_;
  std::unordered_map<uint64_t, Size> anchored_;
};

// Checks that the first document in yaml expands within limits; the error names path and
// the alias where the limit was crossed. Text that does not parse passes (the real parse
// reports it).
Status check_yaml_expansion(const std::string& path, const std::string& yaml,
                            const YamlExpansionLimits& limits = {});

}  // namespace evalkit

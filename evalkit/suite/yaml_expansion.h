// How large a YAML document becomes once its aliases are expanded. yaml-cpp shares an
// aliased node instead of copying it, but reading the suite visits it once per alias, so
// a few hundred bytes of nested aliases ("billion laughs") would expand into gigabytes.
#pragma once

#include <cstdint>
#include <string>

#include "evalkit/base/status.h"

namespace evalkit {

struct YamlExpansionLimits {
  uint64_t max_nodes = 2'000'000;          // scalars, lists and maps, each alias counted as copied
  uint64_t max_scalar_bytes = 128u << 20;  // bytes of scalars, likewise
};

// Checks that the first document in yaml expands within limits; the error names path and
// the alias where the limit was crossed. Text that does not parse passes (the real parse
// reports it).
Status check_yaml_expansion(const std::string& path, const std::string& yaml,
                            const YamlExpansionLimits& limits = {});

}  // namespace evalkit

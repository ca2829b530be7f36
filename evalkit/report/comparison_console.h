// The gate's comparison in the console: a table per metric, then flipped cases and the
// largest drops, each with both outputs.
#pragma once

#include <cstdio>

#include "evalkit/gate/comparison.h"

namespace evalkit {

void print_comparison(std::FILE* out, const Comparison& comparison);

}  // namespace evalkit

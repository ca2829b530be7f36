#include "evalkit/base/number_text.h"

#include <cstdio>

namespace evalkit {

std::string format_number(double value) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.4g", value);
  return buffer;
}

}  // namespace evalkit

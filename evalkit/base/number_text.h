// Numbers as people read them in reasons and notes.
#pragma once

#include <string>

namespace evalkit {

// value with 4 significant digits, trailing zeros dropped ("%.4g": 0.8485, 12, 1.5e-05).
std::string format_number(double value);

}  // namespace evalkit

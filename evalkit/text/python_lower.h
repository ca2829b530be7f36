// Lowercasing exactly as Python's str.lower(): Unicode lowercase mappings, U+0130 to
// "i" + U+0307, and a capital sigma that ends a word becoming final sigma (U+03C2).
#pragma once

#include <string>
#include <string_view>

namespace evalkit {

// Replaces *out with text lowercased as str.lower() would. Invalid UTF-8 is read as U+FFFD.
void python_lower(std::string_view text, std::string* out);

}  // namespace evalkit

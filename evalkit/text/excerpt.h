// Short quotations of long texts for human-readable reasons and error messages.
#pragma once

#include <string>
#include <string_view>

namespace evalkit {

// text cut to at most max_chars characters (UTF-8 code points) with "…" appended when cut;
// newlines shown as "\n" so a reason stays on one line.
std::string excerpt(std::string_view text, size_t max_chars = 80);

// excerpt(text) in single quotes: 'Paris'.
std::string quoted_excerpt(std::string_view text, size_t max_chars = 80);

}  // namespace evalkit

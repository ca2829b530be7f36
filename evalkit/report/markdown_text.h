// Untrusted text as Markdown for the Markdown report and its sections.
#pragma once

#include <cstddef>
#include <string>

namespace evalkit {

// Untrusted text as inert Markdown on one line, at most max_chars code points ("…" when
// cut): specials are backslash-escaped, angle brackets and ampersands become entities, and
// '@' is kept from mentioning anyone. "–" for empty text.
std::string md_text(const std::string& raw, size_t max_chars = 200);

}  // namespace evalkit

// "Did you mean" suggestions for misspelled keys and names.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace evalkit {

// The candidate closest to word by edit distance, if it is close enough to be a plausible
// typo (distance <= max(1, len/3)); empty otherwise.
std::string closest_match(std::string_view word, const std::vector<std::string>& candidates);

// " (did you mean 'x'?)" or "" when nothing is close.
std::string did_you_mean(std::string_view word, const std::vector<std::string>& candidates);

}  // namespace evalkit

// Parsing untrusted JSON (datasets, endpoint answers, files a user hands us).
#pragma once

#include <string_view>

#include <nlohmann/json.hpp>

namespace evalkit {

// Parses text; any failure, including those nlohmann reports by exception even in its
// non-throwing mode (a number too large for a double), yields a discarded value.
inline nlohmann::json parse_untrusted_json(std::string_view text) {
  try {
    return nlohmann::json::parse(text, nullptr, false);
  } catch (const nlohmann::json::exception&) {
    return nlohmann::json(nlohmann::json::value_t::discarded);
  }
}

}  // namespace evalkit

// The `format` values JSON Schema validation checks (RFC 3339 dates and times, e-mail
// addresses, host names, IP addresses, URIs, UUIDs).
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace evalkit {

// The formats format_matches knows.
const std::vector<std::string>& supported_json_formats();

// Whether text has format (one of supported_json_formats()).
bool format_matches(std::string_view format, std::string_view text);

}  // namespace evalkit

// A provider's `headers:` and `query:` maps made real: ${VAR} read from the environment when
// the provider is built. Values that carry a credential (by their name, or read from the
// environment) are secrets: sent, registered, and otherwise only redacted.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "evalkit/base/status.h"
#include "evalkit/suite/env_expansion.h"
#include "evalkit/suite/suite.h"

namespace evalkit {

struct EndpointParams {
  std::vector<std::string> headers;  // "Name: value"
  std::string query;                 // "a=1&b=2", percent-encoded; empty for none
  std::vector<std::string> secrets;  // the credential values, for redaction
};

// Expands config's headers and query with getenv. An unset variable (without a default) or a
// value that expands to a line break is an error at the provider's location, naming the
// variable but never a value.
Status resolve_endpoint_params(const ProviderConfig& config, const EnvLookup& getenv,
                               EndpointParams* out);

// url with query appended (after '?', or '&' when url has a query already).
std::string with_query(std::string url, const std::string& query);

// Percent-encodes everything but RFC 3986 unreserved characters (A-Z a-z 0-9 - . _ ~).
std::string percent_encode(std::string_view text);

// Whether headers holds a header named name (case-insensitive), as "Name: value".
bool has_header(const std::vector<std::string>& headers, std::string_view name);

}  // namespace evalkit

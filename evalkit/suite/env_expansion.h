// ${VAR} and ${VAR:-default} in suite strings, as a shell would read them.
#pragma once

#include <functional>
#include <optional>
#include <set>
#include <string>
#include <string_view>

#include "evalkit/base/status.h"

namespace evalkit {

using EnvLookup = std::function<std::optional<std::string>(const std::string&)>;

// Expands every ${VAR} (VAR must be set) and ${VAR:-default} (default when VAR is unset or
// empty) in text into *out; "$${" stands for a literal "${". Names in secret_names are
// refused so that an API key can never be copied into a suite value. Errors carry no
// location; the caller adds it.
Status expand_env(std::string_view text, const EnvLookup& getenv,
                  const std::set<std::string>& secret_names, std::string* out);

// Whether name is a valid environment variable name: [A-Za-z_][A-Za-z0-9_]*.
bool is_env_name(std::string_view name);

// Whether a variable holds a secret by its name alone (ends in _API_KEY, _TOKEN or _SECRET).
bool looks_like_secret_name(std::string_view name);

}  // namespace evalkit

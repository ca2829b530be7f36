// ${VAR} and ${VAR:-default} in suite strings, as a shell would read them.
#pragma once

#include <functional>
#include <optional>
#include <set>
#include <string>
#include <string_view>

#include "evalkit/base/secrets.h"  // looks_like_secret_name
#include "evalkit/base/status.h"

namespace evalkit {

using EnvLookup = std::function<std::optional<std::string>(const std::string&)>;

// Expands every ${VAR} (VAR must be set) and ${VAR:-default} (default when VAR is unset or
// empty) in text into *out; "$${" stands for a literal "${". Names in secret_names, and
// every name that looks_like_secret_name (a word KEY, SECRET, TOKEN, PASSWORD, PASS,
// CREDENTIAL, PAT, ... in any case), are refused so that a secret can never be copied into
// a prompt, the store or a report. Errors carry no location; the caller adds it.
Status expand_env(std::string_view text, const EnvLookup& getenv,
                  const std::set<std::string>& secret_names, std::string* out);

// expand_env for values that may name key variables (sent, never stored): no name is refused.
Status expand_env_allowing_secrets(std::string_view text, const EnvLookup& getenv,
                                   std::string* out);

// Whether name is a valid environment variable name: [A-Za-z_][A-Za-z0-9_]*.
bool is_env_name(std::string_view name);

}  // namespace evalkit

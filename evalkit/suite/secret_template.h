// Values that may carry a secret: a provider's `headers:` and `query:` values. ${VAR} and
// ${VAR:-default} read the environment like the rest of a suite, but key variables are allowed
// here, because the value is sent and otherwise never stored, reported or logged.
#pragma once

#include <string>
#include <string_view>

#include "evalkit/base/status.h"
#include "evalkit/suite/env_expansion.h"

namespace evalkit {

// Expands text as expand_env does ("$${" is a literal "${"), allowing every variable name.
// Errors name the variable, never a value.
Status expand_secret_template(std::string_view text, const EnvLookup& getenv, std::string* out);

}  // namespace evalkit

#include "evalkit/suite/secret_template.h"

namespace evalkit {

Status expand_secret_template(std::string_view text, const EnvLookup& getenv, std::string* out) {
  return expand_env_allowing_secrets(text, getenv, out);
}

}  // namespace evalkit

#include "evalkit/suite/env_expansion.h"

namespace evalkit {
bool is_env_name(std::string_view name) {
  if (name.empty()) return false;
  for (size_t i = 0; i < name.size(); ++i) {
    const char c = name[i];
    const bool letter = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_';
    const bool digit = c >= '0' && c <= '9';
    if (!letter && !(digit && i > 0)) return false;
  }
  return true;
}

namespace {

// The one expansion loop; secret_names is null where key variables may be read (a provider's
// headers and query values, which are sent and never stored).
Status expand_variables(std::string_view text, const EnvLookup& getenv,
                        const std::set<std::string>* secret_names, std::string* out) {
  out->clear();
  size_t position = 0;
  while (position < text.size()) {
    const size_t dollar = text.find('$', position);
    if (dollar == std::string_view::npos) {
      out->append(text.substr(position));
      break;
    }
    out->append(text.substr(position, dollar - position));
    if (text.substr(dollar, 3) == "$${") {
      out->append("${");
      position = dollar + 3;
      continue;
    }
    if (text.substr(dollar, 2) != "${") {
      out->push_back('$');
      position = dollar + 1;
      continue;
    }
    const size_t close = text.find('}', dollar + 2);
    if (close == std::string_view::npos) {
      return Status::error("'${' without a closing '}' (write '$${' for a literal '${')");
    }
    const std::string_view body = text.substr(dollar + 2, close - dollar - 2);
    const size_t default_mark = body.find(":-");
    const std::string name(body.substr(0, default_mark));
    if (!is_env_name(name)) {
      return Status::error("'${" + std::string(body) + "}' does not name an environment variable");
    }
    if (secret_names != nullptr &&
        (secret_names->count(name) > 0 || looks_like_secret_name(name))) {
      return Status::error("${" + name +
                           "} would copy a secret into the suite; name it with api_key_env "
                           "instead");
    }
    const std::optional<std::string> value = getenv(name);
    if (default_mark != std::string_view::npos) {
      out->append(value && !value->empty() ? *value : std::string(body.substr(default_mark + 2)));
    } else if (value) {
      out->append(*value);
    } else {
      return Status::error("environment variable '" + name + "' is not set (write ${" + name +
                           ":-default} to give a default)");
    }
    position = close + 1;
  }
  return Status::ok();
}

}  // namespace

Status expand_env(std::string_view text, const EnvLookup& getenv,
                  const std::set<std::string>& secret_names, std::string* out) {
  return expand_variables(text, getenv, &secret_names, out);
}

Status expand_env_allowing_secrets(std::string_view text, const EnvLookup& getenv,
                                   std::string* out) {
  return expand_variables(text, getenv, nullptr, out);
}

}  // namespace evalkit

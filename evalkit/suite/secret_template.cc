#include "evalkit/suite/secret_template.h"

namespace evalkit {

Status expand_secret_template(std::string_view text, const EnvLookup& getenv, std::string* out) {
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

}  // namespace evalkit

#include "evalkit/suite/http_provider_parser.h"

#include <algorithm>
#include <cctype>

#include "evalkit/base/json_path.h"
#include "evalkit/base/secrets.h"
#include "evalkit/suite/secret_template.h"
#include "evalkit/suite/template.h"

namespace evalkit {
namespace {

// RFC 9110 token characters, what a header name may hold.
bool is_header_name(const std::string& name) {
  static const std::string kExtra = "!#$%&'*+-.^_`|~";
  return !name.empty() && std::all_of(name.begin(), name.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || kExtra.find(c) != std::string::npos;
  });
}

Status read_path(const YAML::Node& node, const YamlReader& reader, const std::string& what,
                 std::string* out) {
  if (Status s = reader.read_string(node, what, out); !s) return s;
  std::string problem;
  if (!valid_json_path(*out, &problem)) {
    return reader.error_at(node, "'" + what + "': " + problem);
  }
  return Status::ok();
}

// One status or an "a-b" range.
bool read_status_range(const nlohmann::json& value, std::pair<int, int>* out) {
  if (value.is_number_integer()) {
    const int status = value.get<int>();
    *out = {status, status};
  } else if (value.is_string()) {
    const std::string text = value.get<std::string>();
    const size_t dash = text.find('-');
    if (dash == std::string::npos) return false;
    try {
      size_t used_low = 0, used_high = 0;
      const std::string low = text.substr(0, dash), high = text.substr(dash + 1);
      out->first = std::stoi(low, &used_low);
      out->second = std::stoi(high, &used_high);
      if (used_low != low.size() || used_high != high.size()) return false;
    } catch (const std::exception&) {
      return false;
    }
  } else {
    return false;
  }
  return out->first >= 100 && out->second <= 599 && out->first <= out->second;
}

// Every {{...}} in the body's strings must be well formed.
Status check_body_templates(const nlohmann::json& body, const YAML::Node& node,
                            const YamlReader& reader) {
  if (body.is_string()) {
    std::vector<std::string> variables;
    if (Status s = parse_template_variables(body.get<std::string>(), &variables); !s) {
      return reader.error_at(node, "'body': " + s.message());
    }
  } else if (body.is_structured()) {
    for (const auto& item : body) {
      if (Status s = check_body_templates(item, node, reader); !s) return s;
    }
    if (body.is_object()) {
      for (const auto& [key, item] : body.items()) {
        std::vector<std::string> variables;
        if (Status s = parse_template_variables(key, &variables); !s) {
          return reader.error_at(node, "'body': " + s.message());
        }
      }
    }
  }
  return Status::ok();
}

}  // namespace

Status parse_secret_params(const YAML::Node& node, const YamlReader& reader,
                           const std::string& what, std::vector<SecretParam>* out) {
  if (!node.IsMap()) {
    return reader.error_at(
        node, "expected a map of name: value for '" + what + "', got " + describe_node(node));
  }
  for (auto it = node.begin(); it != node.end(); ++it) {
    const std::string name = it->first.Scalar();
    if (what == "headers" && !is_header_name(name)) {
      return reader.error_at(it->first, "'" + name + "' is not a valid header name");
    }
    if (what == "query" && name.empty()) {
      return reader.error_at(it->first, "a query parameter needs a name");
    }
    for (const auto& earlier : *out) {
      if (what == "headers"
              ? std::equal(earlier.name.begin(), earlier.name.end(), name.begin(), name.end(),
                           [](char a, char b) {
                             return std::tolower(static_cast<unsigned char>(a)) ==
                                    std::tolower(static_cast<unsigned char>(b));
                           })
              : earlier.name == name) {
        return reader.error_at(it->first, what + " '" + name + "' is given twice");
      }
    }
    SecretParam param;
    param.name = name;
    if (!it->second.IsScalar()) {
      return reader.error_at(it->second, "expected a string for " + what + " '" + name + "', got " +
                                             describe_node(it->second));
    }
    if (Status s = reader.read_literal(it->second, what + "." + name, &param.value_template); !s) {
      return s;
    }
    if (param.value_template.find_first_of("\r\n") != std::string::npos) {
      return reader.error_at(it->second, what + " '" + name + "' must not contain a line break");
    }
    // Well-formed ${...} now, so a typo is a suite error and not a failed run.
    std::string expanded;
    const EnvLookup any_set = [](const std::string&) { return std::optional<std::string>(""); };
    if (Status s = expand_secret_template(param.value_template, any_set, &expanded); !s) {
      return reader.error_at(it->second, what + " '" + name + "': " + s.message());
    }
    out->push_back(std::move(param));
  }
  return Status::ok();
}

Status parse_http_endpoint_key(const std::string& name, const YAML::Node& value,
                               const YamlReader& reader, HttpEndpointConfig* out, bool* handled) {
  *handled = true;
  if (name == "url") {
    if (Status s = reader.read_string(value, "url", &out->url); !s) return s;
    if (out->url.rfind("http://", 0) != 0 && out->url.rfind("https://", 0) != 0) {
      return reader.error_at(
          value, "'url' must start with http:// or https://, got '" + redact_url(out->url) + "'");
    }
    std::vector<std::string> variables;
    if (Status s = parse_template_variables(out->url, &variables); !s) {
      return reader.error_at(value, "'url': " + s.message());
    }
    return Status::ok();
  }
  if (name == "method") {
    if (Status s = reader.read_string(value, "method", &out->method); !s) return s;
    std::transform(out->method.begin(), out->method.end(), out->method.begin(), ::toupper);
    for (const char* known : {"GET", "POST", "PUT", "PATCH"}) {
      if (out->method == known) return Status::ok();
    }
    return reader.error_at(value,
                           "'method' must be GET, POST, PUT or PATCH, got '" + out->method + "'");
  }
  if (name == "body") {
    if (Status s = reader.read_json(value, &out->body); !s) return s;
    return check_body_templates(out->body, value, reader);
  }
  if (name == "output") return read_path(value, reader, "output", &out->paths.output);
  if (name == "tool_calls") return read_path(value, reader, "tool_calls", &out->paths.tool_calls);
  if (name == "finish_reason") {
    return read_path(value, reader, "finish_reason", &out->paths.finish_reason);
  }
  if (name == "error") return read_path(value, reader, "error", &out->paths.error);
  if (name == "usage") {
    if (!value.IsMap()) {
      return reader.error_at(value,
                             "expected a map {prompt_tokens: path, completion_tokens: "
                             "path} for 'usage', got " +
                                 describe_node(value));
    }
    for (auto it = value.begin(); it != value.end(); ++it) {
      const std::string key = it->first.Scalar();
      if (key == "prompt_tokens") {
        if (Status s =
                read_path(it->second, reader, "usage.prompt_tokens", &out->paths.prompt_tokens);
            !s) {
          return s;
        }
      } else if (key == "completion_tokens") {
        if (Status s = read_path(it->second, reader, "usage.completion_tokens",
                                 &out->paths.completion_tokens);
            !s) {
          return s;
        }
      } else {
        return reader.error_at(it->first,
                               "'usage' takes 'prompt_tokens' and "
                               "'completion_tokens', not '" +
                                   key + "'");
      }
    }
    return Status::ok();
  }
  if (name == "error_status") {
    nlohmann::json statuses;
    if (Status s = reader.read_json(value, &statuses); !s) return s;
    if (!statuses.is_array()) statuses = nlohmann::json::array({statuses});
    for (const auto& item : statuses) {
      std::pair<int, int> range;
      if (!read_status_range(item, &range)) {
        return reader.error_at(value,
                               "'error_status' takes HTTP statuses (404) and ranges "
                               "(\"500-599\"), got " +
                                   item.dump());
      }
      out->error_statuses.push_back(range);
    }
    return Status::ok();
  }
  *handled = false;
  return Status::ok();
}

}  // namespace evalkit

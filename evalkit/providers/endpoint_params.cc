#include "evalkit/providers/endpoint_params.h"

#include <cctype>

#include "evalkit/base/secrets.h"
#include "evalkit/suite/secret_template.h"

namespace evalkit {
namespace {

Status expand_value(const ProviderConfig& config, const std::string& what, const SecretParam& param,
                    const EnvLookup& getenv, std::string* out) {
  // Secret names are allowed here: carrying a key is what these values are for.
  if (Status s = expand_secret_template(param.value_template, getenv, out); !s) {
    return Status::error_at(config.where, "provider '" + config.id + "' " + what + " '" +
                                              param.name + "': " + s.message());
  }
  if (out->find_first_of("\r\n") != std::string::npos) {
    return Status::error_at(config.where, "provider '" + config.id + "' " + what + " '" +
                                              param.name + "' holds a line break");
  }
  return Status::ok();
}

}  // namespace

std::string percent_encode(std::string_view text) {
  static const char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(text.size());
  for (unsigned char c : text) {
    if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~') {
      out.push_back(char(c));
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 15]);
    }
  }
  return out;
}

std::string with_query(std::string url, const std::string& query) {
  if (query.empty()) return url;
  url += url.find('?') == std::string::npos ? '?' : '&';
  return url + query;
}

bool has_header(const std::vector<std::string>& headers, std::string_view name) {
  for (const auto& header : headers) {
    if (header.size() <= name.size() || header[name.size()] != ':') continue;
    bool same = true;
    for (size_t i = 0; i < name.size() && same; ++i) {
      same = std::tolower(static_cast<unsigned char>(header[i])) ==
             std::tolower(static_cast<unsigned char>(name[i]));
    }
    if (same) return true;
  }
  return false;
}

// Header and query names that carry a credential although no word of theirs says so:
// cookies, and the signatures of pre-signed URLs (Azure SAS `sig`, Azure Functions `code`,
// AWS `X-Amz-Signature`/`X-Amz-Credential`/`X-Amz-Security-Token`).
static bool credential_name(std::string_view name) {
  std::string lower;
  for (char c : name) lower += char(std::tolower(static_cast<unsigned char>(c)));
  for (const char* known :
       {"authorization", "proxy-authorization", "cookie", "sig", "signature", "code",
        "x-amz-signature", "x-amz-credential", "x-amz-security-token"}) {
    if (lower == known) return true;
  }
  for (char& c : lower) {
    if (c == '-') c = '_';
  }
  return looks_like_secret_name(lower);
}

// A header or query value that holds a credential (its name says so, or it reads an
// environment variable) joins the process-wide secrets, so it is redacted wherever it echoes:
// outputs, the store, the cache, reports. Plain values ("application/json") are not, or
// every output that mentions them would be blanked.
static bool holds_credential(const SecretParam& param) {
  return credential_name(param.name) || param.value_template.find("${") != std::string::npos;
}

static Status register_param_secret(const ProviderConfig& config, const std::string& what,
                                    const SecretParam& param, std::string* value) {
  if (!holds_credential(param)) return Status::ok();
  std::string clean;
  if (Status s = register_secret(what + " '" + param.name + "'", *value, &clean); !s) {
    return Status::error_at(config.where, "provider '" + config.id + "': " + s.message());
  }
  *value = std::move(clean);
  return Status::ok();
}

Status resolve_endpoint_params(const ProviderConfig& config, const EnvLookup& getenv,
                               EndpointParams* out) {
  for (const auto& header : config.headers) {
    std::string value;
    if (Status s = expand_value(config, "header", header, getenv, &value); !s) return s;
    if (Status s = register_param_secret(config, "header", header, &value); !s) return s;
    out->headers.push_back(header.name + ": " + value);
    if (holds_credential(header)) out->secrets.push_back(std::move(value));
  }
  for (const auto& param : config.query) {
    std::string value;
    if (Status s = expand_value(config, "query parameter", param, getenv, &value); !s) return s;
    if (Status s = register_param_secret(config, "query parameter", param, &value); !s) return s;
    if (!out->query.empty()) out->query += '&';
    out->query += percent_encode(param.name) + "=" + percent_encode(value);
    if (holds_credential(param)) {
      out->secrets.push_back(percent_encode(value));
      out->secrets.push_back(std::move(value));
    }
  }
  return Status::ok();
}

}  // namespace evalkit

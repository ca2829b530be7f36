#include "evalkit/http/aws_sigv4.h"

#include <openssl/hmac.h>

#include <algorithm>
#include <cctype>
#include <ctime>

#include "evalkit/base/hash.h"
#include "evalkit/base/number_text.h"

namespace evalkit {
namespace {

bool unreserved(unsigned char c) {
  return std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~';
}

std::string uri_encode(std::string_view text) {
  static const char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : text) {
    if (unreserved(c)) {
      out.push_back(char(c));
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 15]);
    }
  }
  return out;
}

std::string uri_decode(std::string_view text) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '%' && i + 2 < text.size() && hex_digit_value(text[i + 1]) >= 0 &&
        hex_digit_value(text[i + 2]) >= 0) {
      out.push_back(char(hex_digit_value(text[i + 1]) * 16 + hex_digit_value(text[i + 2])));
      i += 2;
    } else {
      out.push_back(text[i]);
    }
  }
  return out;
}

// Name=value pairs decoded, each part encoded again, sorted by name then value.
std::string canonical_query(std::string_view query) {
  std::vector<std::pair<std::string, std::string>> pairs;
  size_t start = 0;
  while (start <= query.size() && !query.empty()) {
    const size_t amp = query.find('&', start);
    const std::string_view part =
        query.substr(start, amp == std::string_view::npos ? std::string_view::npos : amp - start);
    if (!part.empty()) {
      const size_t equals = part.find('=');
      pairs.emplace_back(
          uri_encode(uri_decode(part.substr(0, equals))),
          equals == std::string_view::npos ? "" : uri_encode(uri_decode(part.substr(equals + 1))));
    }
    if (amp == std::string_view::npos) break;
    start = amp + 1;
  }
  std::sort(pairs.begin(), pairs.end());
  std::string out;
  for (const auto& [name, value] : pairs) {
    if (!out.empty()) out += '&';
    out += name + "=" + value;
  }
  return out;
}

std::string lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return char(std::tolower(c)); });
  return text;
}

// Trimmed, with runs of spaces collapsed to one, as the canonical headers want.
std::string canonical_value(std::string_view value) {
  std::string out;
  bool space = false;
  for (char c : value) {
    if (c == ' ' || c == '\t') {
      space = !out.empty();
      continue;
    }
    if (space) out.push_back(' ');
    space = false;
    out.push_back(c);
  }
  return out;
}

std::string hmac_raw(std::string_view key, std::string_view data) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  HMAC(EVP_sha256(), key.data(), int(key.size()),
       reinterpret_cast<const unsigned char*>(data.data()), data.size(), digest, &length);
  return std::string(reinterpret_cast<const char*>(digest), length);
}

}  // namespace

std::string hex_of(std::string_view bytes) {
  static const char kHex[] = "0123456789abcdef";
  std::string out;
  for (unsigned char c : bytes) {
    out.push_back(kHex[c >> 4]);
    out.push_back(kHex[c & 15]);
  }
  return out;
}

std::string hmac_sha256(std::string_view key, std::string_view data) {
  return hex_of(hmac_raw(key, data));
}

std::string aws_canonical_uri(std::string_view path) {
  if (path.empty()) return "/";
  std::string out;
  size_t start = 0;
  while (true) {
    const size_t slash = path.find('/', start);
    out += uri_encode(path.substr(
        start, slash == std::string_view::npos ? std::string_view::npos : slash - start));
    if (slash == std::string_view::npos) break;
    out += '/';
    start = slash + 1;
  }
  return out;
}

std::string aws_amz_date(std::time_t now) {
  std::tm tm{};
  gmtime_r(&now, &tm);
  char stamp[32];
  std::strftime(stamp, sizeof stamp, "%Y%m%dT%H%M%SZ", &tm);
  return stamp;
}

std::vector<std::string> aws_sigv4_headers(const AwsSignedRequest& request,
                                           const AwsCredentials& credentials,
                                           const std::string& region, const std::string& service,
                                           std::time_t now) {
  const std::string amz_date = aws_amz_date(now);
  const std::string date = amz_date.substr(0, 8);
  std::vector<std::pair<std::string, std::string>> signed_headers = {{"host", request.host},
                                                                     {"x-amz-date", amz_date}};
  if (!credentials.session_token.empty()) {
    signed_headers.emplace_back("x-amz-security-token", credentials.session_token);
  }
  for (const auto& [name, value] : request.headers) {
    signed_headers.emplace_back(lower(name), canonical_value(value));
  }
  std::sort(signed_headers.begin(), signed_headers.end());
  std::string canonical_headers, signed_names;
  for (const auto& [name, value] : signed_headers) {
    canonical_headers += name + ":" + value + "\n";
    if (!signed_names.empty()) signed_names += ';';
    signed_names += name;
  }
  const std::string canonical_request = request.method + "\n" + aws_canonical_uri(request.path) +
                                        "\n" + canonical_query(request.query) + "\n" +
                                        canonical_headers + "\n" + signed_names + "\n" +
                                        sha256_hex(request.body);
  const std::string scope = date + "/" + region + "/" + service + "/aws4_request";
  const std::string string_to_sign =
      "AWS4-HMAC-SHA256\n" + amz_date + "\n" + scope + "\n" + sha256_hex(canonical_request);
  std::string key = hmac_raw("AWS4" + credentials.secret_access_key, date);
  key = hmac_raw(key, region);
  key = hmac_raw(key, service);
  key = hmac_raw(key, "aws4_request");
  const std::string signature = hmac_sha256(key, string_to_sign);
  std::vector<std::string> headers = {"X-Amz-Date: " + amz_date};
  if (!credentials.session_token.empty()) {
    headers.push_back("X-Amz-Security-Token: " + credentials.session_token);
  }
  headers.push_back("Authorization: AWS4-HMAC-SHA256 Credential=" + credentials.access_key_id +
                    "/" + scope + ", SignedHeaders=" + signed_names + ", Signature=" + signature);
  return headers;
}

}  // namespace evalkit

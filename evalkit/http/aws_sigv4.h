// AWS Signature Version 4 for one HTTP request (header form), as AWS services other than S3
// verify it: the path's segments URI-encoded a second time in the canonical request, the
// query sorted, the signed headers lower-cased and sorted.
//
// evalkit signs itself rather than through libcurl's CURLOPT_AWS_SIGV4: libcurl before 8.x
// signs the path exactly as sent, while AWS signs it encoded again, so every Bedrock model id
// with a ':' ("anthropic.claude-3-5-sonnet-20240620-v1:0") was refused with a 403.
#pragma once

#include <ctime>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace evalkit {

struct AwsCredentials {
  std::string access_key_id;
  std::string secret_access_key;
  std::string session_token;  // empty unless temporary credentials
};

struct AwsSignedRequest {
  std::string method = "POST";
  std::string host;   // the Host header's value ("bedrock-runtime.us-east-1.amazonaws.com")
  std::string path;   // as sent, already percent-encoded ("/model/a%3A0/converse")
  std::string query;  // as sent, without '?'; may be empty
  // Headers sent and signed besides host, x-amz-date and x-amz-security-token.
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
};

// The headers that sign request at `now` for region and service: "X-Amz-Date: ...",
// "X-Amz-Security-Token: ..." (with a session token) and "Authorization: AWS4-HMAC-SHA256
// Credential=..., SignedHeaders=..., Signature=...". The caller sends the same Host value.
std::vector<std::string> aws_sigv4_headers(const AwsSignedRequest& request,
                                           const AwsCredentials& credentials,
                                           const std::string& region, const std::string& service,
                                           std::time_t now);

// The canonical URI of a path as sent: each segment URI-encoded (again), slashes kept.
std::string aws_canonical_uri(std::string_view path);

// "20150830T123600Z" for now (UTC).
std::string aws_amz_date(std::time_t now);

// Lower-case hex HMAC-SHA256 and raw HMAC-SHA256 of data under key.
std::string hmac_sha256(std::string_view key, std::string_view data);
std::string hex_of(std::string_view bytes);

}  // namespace evalkit

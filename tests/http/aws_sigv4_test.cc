// AWS Signature Version 4: evalkit's signer against AWS's published test vectors, and against
// the fake Bedrock server's own verification (written apart from the signer).
#include "evalkit/http/aws_sigv4.h"

#include <gtest/gtest.h>

#include "tests/support/fake_bedrock_server.h"

namespace evalkit {
namespace {

constexpr std::time_t kVectorTime = 1440938160;  // 2015-08-30T12:36:00Z, the suite's date
const AwsCredentials kExample = {"AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", ""};

std::string header(const std::vector<std::string>& headers, const std::string& name) {
  for (const auto& h : headers) {
    if (h.rfind(name + ": ", 0) == 0) return h.substr(name.size() + 2);
  }
  return "";
}

// aws-sig-v4-test-suite: get-vanilla and post-vanilla.
TEST(AwsSigV4Test, MatchesTheVanillaVectors) {
  AwsSignedRequest get;
  get.method = "GET";
  get.host = "example.amazonaws.com";
  get.path.assign(1, '/');  // a one-character literal trips a GCC 12 -Wrestrict false alarm
  auto headers = aws_sigv4_headers(get, kExample, "us-east-1", "service", kVectorTime);
  EXPECT_EQ(header(headers, "X-Amz-Date"), "20150830T123600Z");
  EXPECT_EQ(header(headers, "Authorization"),
            "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, "
            "SignedHeaders=host;x-amz-date, "
            "Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31");
  AwsSignedRequest post = get;
  post.method = "POST";
  headers = aws_sigv4_headers(post, kExample, "us-east-1", "service", kVectorTime);
  EXPECT_NE(header(headers, "Authorization")
                .find("Signature=5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b"),
            std::string::npos);
}

TEST(AwsSigV4Test, PathSegmentsAreEncodedAgain) {
  EXPECT_EQ(aws_canonical_uri("/model/anthropic.claude-3-5-sonnet-20240620-v1%3A0/converse"),
            "/model/anthropic.claude-3-5-sonnet-20240620-v1%253A0/converse");
  EXPECT_EQ(aws_canonical_uri("/a b/~x"), "/a%20b/~x");
  EXPECT_EQ(aws_canonical_uri(""), "/");
}

TEST(AwsSigV4Test, HmacMatchesRfc4231) {
  // RFC 4231 test case 2.
  EXPECT_EQ(hmac_sha256("Jefe", "what do ya want for nothing?"),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

// A request as it reaches the fake server, built from what the signer produced.
testing::HttpRequest received(const AwsSignedRequest& signing,
                              const std::vector<std::string>& signed_headers) {
  testing::HttpRequest request;
  request.method = signing.method;
  request.path = signing.path;
  request.target = signing.path + (signing.query.empty() ? "" : "?" + signing.query);
  request.body = signing.body;
  request.headers.emplace_back("Host", signing.host);
  for (const auto& [name, value] : signing.headers) request.headers.emplace_back(name, value);
  for (const auto& h : signed_headers) {
    const size_t colon = h.find(':');
    request.headers.emplace_back(h.substr(0, colon), h.substr(colon + 2));
  }
  return request;
}

TEST(AwsSigV4Test, TheFakeAcceptsWhatTheSignerSignsAndNothingElse) {
  testing::FakeBedrockServerOptions keys;
  keys.session_token = "session-token-value";
  AwsSignedRequest signing;
  signing.host = "127.0.0.1:4567";
  signing.path = "/model/us.anthropic.claude-3-5-haiku-20241022-v1%3A0/converse";
  signing.query = "b=2&a=1%2F";
  signing.headers = {{"Content-Type", "application/json"}, {"X-Spaced", "  a   b "}};
  signing.body = R"({"messages":[]})";
  const AwsCredentials credentials = {keys.access_key_id, keys.secret_access_key,
                                      keys.session_token};
  const std::time_t now = 1764480000;
  const auto headers = aws_sigv4_headers(signing, credentials, keys.region, "bedrock", now);
  EXPECT_EQ(testing::bedrock_signature_problem(received(signing, headers), keys, now), "");

  // A changed body, a wrong secret, another region, a stale date: refused.
  testing::HttpRequest tampered = received(signing, headers);
  tampered.body = R"({"messages":[1]})";
  EXPECT_NE(testing::bedrock_signature_problem(tampered, keys, now).find("does not match"),
            std::string::npos);
  AwsCredentials wrong = credentials;
  wrong.secret_access_key = "not-the-secret";
  EXPECT_NE(testing::bedrock_signature_problem(
                received(signing, aws_sigv4_headers(signing, wrong, keys.region, "bedrock", now)),
                keys, now),
            "");
  EXPECT_NE(
      testing::bedrock_signature_problem(
          received(signing, aws_sigv4_headers(signing, credentials, "us-west-2", "bedrock", now)),
          keys, now)
          .find("region"),
      std::string::npos);
  EXPECT_NE(testing::bedrock_signature_problem(received(signing, headers), keys, now + 3600)
                .find("expired"),
            std::string::npos);
  AwsCredentials no_token = credentials;
  no_token.session_token.clear();
  EXPECT_NE(
      testing::bedrock_signature_problem(
          received(signing, aws_sigv4_headers(signing, no_token, keys.region, "bedrock", now)),
          keys, now),
      "");
}

// libcurl 7.88's CURLOPT_AWS_SIGV4 signs the path as sent; AWS (and the fake) sign it encoded
// again, so such a signature over a model id with ':' fails. This is why evalkit signs itself.
TEST(AwsSigV4Test, ASignatureOverThePathAsSentIsRefused) {
  testing::FakeBedrockServerOptions keys;
  AwsSignedRequest signing;
  signing.host = "127.0.0.1:4567";
  signing.path = "/model/anthropic.claude-v2%3A1/converse";
  signing.body = "{}";
  const AwsCredentials credentials = {keys.access_key_id, keys.secret_access_key, ""};
  const std::time_t now = 1764480000;
  // Sign over the decoded path: its canonical form is then the path as sent, once encoded.
  AwsSignedRequest naive = signing;
  naive.path = "/model/anthropic.claude-v2:1/converse";
  const auto headers = aws_sigv4_headers(naive, credentials, keys.region, "bedrock", now);
  EXPECT_NE(testing::bedrock_signature_problem(received(signing, headers), keys, now)
                .find("does not match"),
            std::string::npos);
}

}  // namespace
}  // namespace evalkit

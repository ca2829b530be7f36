#include "evalkit/base/secrets.h"

#include <cstdlib>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/support/secret_samples.h"

namespace evalkit {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

std::string project_key() { return testing::sample_project_key(12345); }

bool holds_fragment(const std::string& text, const std::string& secret) {
  return !testing::leaked_piece(text, secret).empty();
}

class SecretsTest : public ::testing::Test {
 protected:
  void SetUp() override { clear_secrets_for_testing(); }
  void TearDown() override { clear_secrets_for_testing(); }
};

TEST_F(SecretsTest, NothingRegisteredLeavesTextAlone) {
  EXPECT_FALSE(has_secrets());
  EXPECT_EQ(redact_secrets("sk-proj-abcdefghijklmnop"), "sk-proj-abcdefghijklmnop");
}

TEST_F(SecretsTest, WholeKeyIsRedactedEverywhereItOccurs) {
  const std::string key = project_key();
  std::string clean;
  ASSERT_TRUE(register_secret("OPENAI_API_KEY", key, &clean).is_ok());
  EXPECT_EQ(clean, key);
  EXPECT_EQ(redact_secrets("a " + key + " b " + key), "a [redacted] b [redacted]");
}

TEST_F(SecretsTest, CutKeyEchoedByAServerIsRedacted) {
  // "Incorrect API key provided: <key>" cut at 200 bytes leaves 160 characters of the key.
  const std::string key = project_key();
  ASSERT_TRUE(register_secret("OPENAI_API_KEY", key, nullptr).is_ok());
  const std::string body = "Incorrect API key provided: " + key;
  const std::string cut = body.substr(0, 200);
  const std::string redacted = redact_secrets(cut);
  EXPECT_FALSE(holds_fragment(redacted, key)) << redacted;
  EXPECT_EQ(redacted, "Incorrect API key provided: [redacted]");
  // A key's tail, or a piece from its middle, is caught as well.
  const std::string tail = std::string("tail ") + key.substr(100) + ".";
  EXPECT_EQ(redact_secrets(tail), "tail [redacted].");
  std::string middle = "(";  // not "(" + ...: GCC 12 warns falsely (-Wrestrict)
  middle += key.substr(40, 30);
  middle += ")";
  EXPECT_EQ(redact_secrets(middle), "([redacted])");
}

TEST_F(SecretsTest, OpenAIsOwnMaskedEchoIsLeftAsTheServerWroteIt) {
  // api.openai.com masks the key itself, keeping "sk-proj-" and the last four characters:
  // 8 + 4 characters, no run of kSecretFragmentLength, so nothing of it is redacted.
  const std::string key = project_key();
  ASSERT_TRUE(register_secret("OPENAI_API_KEY", key, nullptr).is_ok());
  const std::string masked = "401 Incorrect API key provided: sk-proj-" + std::string(152, '*') +
                             key.substr(160) +
                             ". You can find your API key at "
                             "https://platform.openai.com/account/api-keys.";
  EXPECT_EQ(redact_secrets(masked), masked);
}

TEST_F(SecretsTest, RunsShorterThanTheFragmentLengthStay) {
  const std::string key = project_key();
  ASSERT_TRUE(register_secret("OPENAI_API_KEY", key, nullptr).is_ok());
  const std::string piece = key.substr(20, kSecretFragmentLength - 1);
  EXPECT_EQ(redact_secrets(piece), piece);
  EXPECT_EQ(redact_secrets("sk-proj- is a prefix"), "sk-proj- is a prefix");
}

TEST_F(SecretsTest, EncodedFormsAreRedacted) {
  // AWS secret keys hold '/' and '+': JSON may write '/' as "\/", URLs as %2F and %2B.
  const std::string key = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
  ASSERT_TRUE(register_secret("AWS_SECRET_ACCESS_KEY", key, nullptr).is_ok());
  EXPECT_EQ(redact_secrets("x=wJalrXUtnFEMI%2FK7MDENG%2BbPxRfiCYEXAMPLEKEY&y"), "x=[redacted]&y");
  EXPECT_EQ(redact_secrets("x=wJalrXUtnFEMI%2fK7MDENG%2bbPxRfiCYEXAMPLEKEY&y"), "x=[redacted]&y");
  EXPECT_EQ(redact_secrets(R"({"k":"wJalrXUtnFEMI\/K7MDENG+bPxRfiCYEXAMPLEKEY"})"),
            R"({"k":"[redacted]"})");
  const std::string quoted = "pa\"ss\\word-with-quote";
  ASSERT_TRUE(register_secret("DB_PASSWORD", quoted, nullptr).is_ok());
  EXPECT_EQ(redact_secrets(R"({"p":"pa\"ss\\word-with-quote"})"), R"({"p":"[redacted]"})");
}

TEST_F(SecretsTest, SurroundingWhitespaceIsTrimmedWithOneWarning) {
  const std::string key = project_key();
  std::string clean;
  ::testing::internal::CaptureStderr();
  ASSERT_TRUE(register_secret("OPENAI_API_KEY", "  " + key + "\n", &clean).is_ok());
  ASSERT_TRUE(register_secret("OPENAI_API_KEY", key + " ", &clean).is_ok());
  const std::string err = ::testing::internal::GetCapturedStderr();
  EXPECT_EQ(clean, key);
  EXPECT_EQ(err,
            "evalkit: the value of OPENAI_API_KEY has surrounding whitespace; it was trimmed\n");
  EXPECT_THAT(err, Not(HasSubstr(key.substr(0, 12))));
  // The trimmed key echoed alone is redacted, not only the padded value.
  EXPECT_EQ(redact_secrets("got " + key + "."), "got [redacted].");
}

TEST_F(SecretsTest, ControlCharacterInsideIsRefusedWithoutShowingTheValue) {
  const Status s = register_secret("OPENAI_API_KEY", "sk-abcdef\r\nX-Evil: 1", nullptr);
  ASSERT_FALSE(s.is_ok());
  EXPECT_THAT(s.message(), HasSubstr("OPENAI_API_KEY"));
  EXPECT_THAT(s.message(), HasSubstr("control character"));
  EXPECT_THAT(s.message(), Not(HasSubstr("sk-abcdef")));
}

TEST_F(SecretsTest, PlaceholderValuesAreUsedButNotRedacted) {
  std::string clean;
  ASSERT_TRUE(register_secret("OPENAI_API_KEY", "EMPTY", &clean).is_ok());
  EXPECT_EQ(clean, "EMPTY");
  EXPECT_FALSE(has_secrets());
  EXPECT_EQ(redact_secrets("EMPTY"), "EMPTY");
}

TEST_F(SecretsTest, EnvironmentSecretsAreRedactedByName) {
  ::setenv("EVALKIT_TEST_DB_PASSWORD", "correct-horse-battery", 1);
  ::setenv("EVALKIT_TEST_GREETING", "hello-there-world", 1);
  register_environment_secrets();
  ::unsetenv("EVALKIT_TEST_DB_PASSWORD");
  ::unsetenv("EVALKIT_TEST_GREETING");
  EXPECT_EQ(redact_secrets("pw=correct-horse-battery"), "pw=[redacted]");
  EXPECT_EQ(redact_secrets("hello-there-world"), "hello-there-world");
}

TEST_F(SecretsTest, JsonStringsAndKeysAreRedacted) {
  ASSERT_TRUE(register_secret("OPENAI_API_KEY", "sk-live-0123456789abcdef", nullptr).is_ok());
  nlohmann::json value = {
      {"a", {"x", "sk-live-0123456789abcdef"}}, {"sk-live-0123456789abcdef", 1}, {"n", 5}};
  redact_secrets_in_place(&value);
  EXPECT_EQ(value.dump(), R"({"[redacted]":1,"a":["x","[redacted]"],"n":5})");
}

TEST_F(SecretsTest, SecretNamesMatchWordsInAnyCase) {
  for (const char* name :
       {"OPENAI_API_KEY", "AWS_SECRET_ACCESS_KEY", "AZURE_OPENAI_KEY", "OPENAI_KEY", "DB_PASSWORD",
        "GH_PAT", "openai_api_key", "GITHUB_TOKEN", "HF_TOKEN", "x-api-key", "Authorization",
        "OPENAI_APIKEY", "ghToken", "api-key", "SMTP_PASS", "GOOGLE_APPLICATION_CREDENTIALS"}) {
    EXPECT_TRUE(looks_like_secret_name(name)) << name;
  }
  for (const char* name : {"KEYBOARD", "MONKEY", "MAX_TOKENS", "OPENAI_BASE_URL", "PWD", "HOME",
                           "temperature", "max_tokens", "COMPASS", "PATH"}) {
    EXPECT_FALSE(looks_like_secret_name(name)) << name;
  }
}

TEST_F(SecretsTest, UrlsLoseUserinfoAndSecretQueryValues) {
  EXPECT_EQ(redact_url("http://user:hunter2pass@host:8080/v1"), "http://host:8080/v1");
  EXPECT_EQ(redact_url("https://h/v1?api-key=abc123&api-version=2024-06-01"),
            "https://h/v1?api-key=[redacted]&api-version=2024-06-01");
  EXPECT_EQ(redact_url("https://h/v1?sig=zzz#frag"), "https://h/v1?sig=[redacted]#frag");
  EXPECT_EQ(redact_url("https://api.openai.com/v1"), "https://api.openai.com/v1");
  EXPECT_EQ(redact_url("https://h/v1/a@b"), "https://h/v1/a@b");
  EXPECT_EQ(redact_url("not a url"), "not a url");
}

TEST_F(SecretsTest, UrlCredentialsAreRegistered) {
  register_url_secrets("http://alice:s3cret-passw0rd@host/v1?token=tok-0123456789");
  EXPECT_EQ(redact_secrets("auth failed for s3cret-passw0rd"), "auth failed for [redacted]");
  EXPECT_EQ(redact_secrets("token tok-0123456789 expired"), "token [redacted] expired");
}

TEST_F(SecretsTest, LargeTextWithManyEchoesStaysLinear) {
  // A hostile endpoint repeating the key: every copy goes, and the work stays proportional
  // to the text (each window is checked once; runs are not re-extended).
  const std::string key = project_key();
  ASSERT_TRUE(register_secret("OPENAI_API_KEY", key, nullptr).is_ok());
  std::string body;
  for (int i = 0; i < 20000; ++i) body += key;
  const std::string redacted = redact_secrets(body);
  EXPECT_EQ(redacted, "[redacted]");
}

}  // namespace
}  // namespace evalkit

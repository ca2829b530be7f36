#include "evalkit/suite/env_expansion.h"

#include <gtest/gtest.h>

#include <map>

namespace evalkit {
namespace {

const std::map<std::string, std::string> kEnv = {{"HOST", "127.0.0.1"}, {"EMPTY", ""}};

EnvLookup lookup() {
  return [](const std::string& name) -> std::optional<std::string> {
    const auto it = kEnv.find(name);
    if (it == kEnv.end()) return std::nullopt;
    return it->second;
  };
}

std::string expand(const std::string& text, const std::set<std::string>& secrets = {}) {
  std::string out;
  const Status status = expand_env(text, lookup(), secrets, &out);
  return status ? out : "error: " + status.message();
}

TEST(EnvExpansionTest, ExpandsLikeAShell) {
  EXPECT_EQ(expand("http://${HOST}:8080"), "http://127.0.0.1:8080");
  EXPECT_EQ(expand("${MISSING:-fallback}"), "fallback");
  EXPECT_EQ(expand("${EMPTY:-fallback}"), "fallback");
  EXPECT_EQ(expand("${HOST:-fallback}"), "127.0.0.1");
  EXPECT_EQ(expand("${MISSING:-}"), "");
  EXPECT_EQ(expand("${EMPTY}"), "");
  EXPECT_EQ(expand("$HOST costs $5"), "$HOST costs $5");
  EXPECT_EQ(expand("$${HOST}"), "${HOST}");
  EXPECT_EQ(expand("${MISSING:-a:-b}"), "a:-b");
}

TEST(EnvExpansionTest, ErrorsNameTheVariable) {
  EXPECT_EQ(expand("${MISSING}"),
            "error: environment variable 'MISSING' is not set (write ${MISSING:-default} to give "
            "a default)");
  EXPECT_EQ(expand("${1BAD}"), "error: '${1BAD}' does not name an environment variable");
  EXPECT_EQ(expand("${HOST"), "error: '${' without a closing '}' (write '$${' for a literal '${')");
}

TEST(EnvExpansionTest, RefusesSecrets) {
  EXPECT_EQ(expand("${MY_KEY:-x}", {"MY_KEY"}),
            "error: ${MY_KEY} would copy a secret into the suite; name it with api_key_env "
            "instead");
  EXPECT_NE(expand("${ANTHROPIC_API_KEY:-x}").find("would copy a secret"), std::string::npos);
  EXPECT_NE(expand("${GITHUB_TOKEN:-x}").find("would copy a secret"), std::string::npos);
  EXPECT_TRUE(looks_like_secret_name("HF_TOKEN"));
  EXPECT_FALSE(looks_like_secret_name("KEYBOARD"));
  // Names the old suffix list let through (issue: they expanded into prompts and the store).
  for (const char* name : {"AWS_SECRET_ACCESS_KEY", "AZURE_OPENAI_KEY", "OPENAI_KEY", "DB_PASSWORD",
                           "GH_PAT", "openai_api_key", "SMTP_PASS", "GCP_CREDENTIALS"}) {
    EXPECT_NE(expand(std::string("${") + name + ":-x}").find("would copy a secret"),
              std::string::npos)
        << name;
  }
  EXPECT_EQ(expand("${MAX_TOKENS:-256}"), "256");
  EXPECT_TRUE(is_env_name("_A1"));
  EXPECT_FALSE(is_env_name("A-B"));
}

}  // namespace
}  // namespace evalkit

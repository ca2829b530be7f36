// Finds credentials in text: API keys of common providers (by their documented prefixes),
// private key blocks, JWTs, and passwords in URLs. Used by the `secrets` scorer and to mask
// credentials in text evalkit shows (a script's stderr, for one).
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace evalkit {

struct SecretMatch {
  std::string kind;    // "api_key", "private_key", "jwt", "password_url"
  std::string issuer;  // "openai", "anthropic", "aws", "github", ... ("" when generic)
  size_t offset = 0;   // byte offset in the text
  size_t length = 0;   // bytes
  std::string masked;  // safe to show: "sk-proj-…Qx3a", "-----BEGIN RSA PRIVATE KEY-----…"
};

// Every credential in text, in order of offset, none overlapping.
std::vector<SecretMatch> find_secrets(std::string_view text);

// text with every credential replaced by its masked form.
std::string mask_secrets(std::string_view text);

}  // namespace evalkit

#include "tests/support/secret_samples.h"

#include "evalkit/base/secrets.h"

namespace evalkit::testing {

std::string sample_project_key(unsigned seed) {
  std::string key = "sk-proj-";
  const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  unsigned state = seed;
  while (key.size() < 164) {
    state = state * 1103515245u + 12345u;
    key += alphabet[(state >> 16) % 62];
  }
  return key;
}

std::string leaked_piece(const std::string& text, const std::string& secret) {
  for (size_t at = 0; at + kSecretFragmentLength <= secret.size(); ++at) {
    const std::string piece = secret.substr(at, kSecretFragmentLength);
    if (text.find(piece) != std::string::npos) return piece;
  }
  return "";
}

}  // namespace evalkit::testing

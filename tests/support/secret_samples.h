// Secrets for tests of redaction: a key shaped like a real one, and a check that a text
// holds no recognisable piece of it.
#pragma once

#include <string>

namespace evalkit::testing {

// A key shaped like an OpenAI project key ("sk-proj-" and 156 characters of
// [A-Za-z0-9]), the same for the same seed.
std::string sample_project_key(unsigned seed);

// The first run of kSecretFragmentLength characters of secret that text holds, or "".
std::string leaked_piece(const std::string& text, const std::string& secret);

}  // namespace evalkit::testing

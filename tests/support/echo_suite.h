// Suites for end-to-end runs against FakeOpenAIServer, whose default answer echoes the prompt:
// case qN asks "question N" and expects "echo: question N", so every answer can be checked
// without a rule of the fake's.
#pragma once

#include <string>

namespace evalkit::testing {

// The YAML of suite `name`: one openai-chat provider `assistant` (model fake-chat, base_url
// ${FAKE_BASE_URL}) followed by provider_settings (its further keys, one a line, indented four
// spaces), the echo prompt and exact_match, then extra_cases (case lines as written) and the
// echo cases q0 to q<cases - 1>.
std::string echo_suite(const std::string& name, int cases,
                       const std::string& provider_settings = "",
                       const std::string& extra_cases = "");

}  // namespace evalkit::testing

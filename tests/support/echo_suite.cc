#include "tests/support/echo_suite.h"

namespace evalkit::testing {

std::string echo_suite(const std::string& name, int cases, const std::string& provider_settings,
                       const std::string& extra_cases) {
  std::string text = "suite: " + name + R"(
providers:
  - id: assistant
    type: openai-chat
    model: fake-chat
    base_url: ${FAKE_BASE_URL}
)" + provider_settings +
                     R"(prompts:
  - id: echo
    messages:
      - {role: user, content: "question {{n}}"}
scorers:
  - {type: exact_match}
cases:
)" + extra_cases;
  for (int i = 0; i < cases; ++i) {
    const std::string n = std::to_string(i);
    text += "  - {id: q" + n + ", vars: {n: " + n + "}, expected: \"echo: question " + n + "\"}\n";
  }
  return text;
}

}  // namespace evalkit::testing

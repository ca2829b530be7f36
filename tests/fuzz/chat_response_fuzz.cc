// Untrusted endpoint answers: a chat completion body of arbitrary bytes becomes a response or
// a malformed-response error, never a crash, and what it accepts can be stored.
#include <string>

#include "evalkit/providers/openai_chat_provider.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  evalkit::ModelResponse response;
  evalkit::parse_chat_completion(std::string(reinterpret_cast<const char*>(data), size), &response);
  if (!response.ok && response.error.empty()) __builtin_trap();  // an error must say why
  // Stored and reported as JSON: whatever was accepted must serialize (bounded nesting).
  (void)evalkit::answer_to_json(response).dump();
  return 0;
}

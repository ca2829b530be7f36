// Secret redaction on arbitrary endpoint bodies: whatever a server sends back (the key
// whole, cut, JSON-escaped, inside an error object), no error message evalkit builds from
// it and no redacted text holds kSecretFragmentLength characters of the key in a row.
#include <cstdlib>
#include <string>

#include "evalkit/base/secrets.h"
#include "evalkit/providers/openai_endpoint.h"

namespace {

// The key the seeds echo (tests/fuzz/corpus/redaction/).
const std::string& fuzz_key() {
  static const std::string key = [] {
    const std::string k =
        "sk-proj-FuzzKey0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_-9876543210";
    std::string clean;
    (void)evalkit::register_secret("OPENAI_API_KEY", k, &clean);
    return clean;
  }();
  return key;
}

void check(const std::string& text) {
  const std::string& key = fuzz_key();
  for (size_t at = 0; at + evalkit::kSecretFragmentLength <= key.size(); ++at) {
    if (text.find(key.substr(at, evalkit::kSecretFragmentLength)) != std::string::npos) {
      __builtin_trap();
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  (void)fuzz_key();
  const std::string body(reinterpret_cast<const char*>(data), size);
  check(evalkit::redact_secrets(body));
  check(evalkit::body_snippet(body));
  for (int status : {401, 500}) {
    evalkit::SendOutcome outcome;
    outcome.response.status = status;
    outcome.response.body = body;
    evalkit::ModelResponse response;
    (void)evalkit::read_openai_outcome(outcome, &response);
    check(response.error);
  }
  nlohmann::json value = nlohmann::json::array({body, {{"k", body}}});
  evalkit::redact_secrets_in_place(&value);
  check(value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
  return 0;
}

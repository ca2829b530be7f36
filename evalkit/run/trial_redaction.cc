#include "evalkit/run/trial_redaction.h"

#include "evalkit/base/secrets.h"

namespace evalkit {

std::string cut_message(std::string text, size_t max_bytes) {
  if (text.size() <= max_bytes) return text;
  size_t end = max_bytes;
  // Back up over UTF-8 continuation bytes so no character is split.
  while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end;
  const size_t left_out = text.size() - end;
  text.resize(end);
  return text + " … (" + std::to_string(left_out) + " more bytes)";
}

void redact_answer(ModelAnswer* answer) {
  if (!has_secrets()) return;
  redact_secrets_in_place(&answer->text);
  redact_secrets_in_place(&answer->finish_reason);
  for (auto& call : answer->tool_calls) {
    redact_secrets_in_place(&call.id);
    redact_secrets_in_place(&call.name);
    redact_secrets_in_place(&call.arguments);
  }
}

void redact_trial(TrialResult* trial) {
  if (has_secrets()) {
    for (auto& label : trial->labels) redact_secrets_in_place(&label);
    for (auto& reference : trial->expected) redact_secrets_in_place(&reference);
    redact_secrets_in_place(&trial->vars);
    redact_secrets_in_place(&trial->request);
    redact_answer(&trial->answer);
    redact_secrets_in_place(&trial->error);
    for (auto& score : trial->scores) {
      redact_secrets_in_place(&score.reason);
      redact_secrets_in_place(&score.details);
    }
  }
  trial->error = cut_message(std::move(trial->error), kMaxTrialErrorBytes);
}

}  // namespace evalkit

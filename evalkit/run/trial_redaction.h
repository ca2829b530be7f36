// The last step before a trial is shown or stored: registered secrets removed from every
// text it holds, and its error message cut to a readable size.
#pragma once

#include <cstddef>
#include <string>

#include "evalkit/run/trial.h"

namespace evalkit {

// Longest error message a trial keeps, in bytes (a server may answer with megabytes).
inline constexpr size_t kMaxTrialErrorBytes = 2000;

// Redacts (redact_secrets) every text in trial: output, tool calls, error, score reasons
// and details, the rendered request, vars and references; then cuts the error to
// kMaxTrialErrorBytes on a UTF-8 boundary, saying how much was left out.
void redact_trial(TrialResult* trial);

// Redacts the answer's text and tool calls: done as soon as an answer arrives, so that a
// judge or a similarity scorer never sends a secret an exec command printed to an endpoint.
void redact_answer(ModelAnswer* answer);

// text cut to at most max_bytes on a UTF-8 character boundary, with
// " … (N more bytes)" appended when cut. Redact before cutting.
std::string cut_message(std::string text, size_t max_bytes);

}  // namespace evalkit

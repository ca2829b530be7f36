// The outcome of one request to a provider: the answer, or why there is none.
#pragma once

#include <string>
#include <vector>

#include "evalkit/model/error_kind.h"
#include "evalkit/model/model_answer.h"
#include "evalkit/model/model_request.h"

namespace evalkit {

// A response is an answer (text, tool calls, usage, timings) plus how it was obtained.
struct ModelResponse : ModelAnswer {
  bool ok = false;
  std::string error;       // human-readable, never contains secrets
  std::string error_kind;  // one of error_kind::*
  int http_status = 0;

  std::vector<std::vector<float>> embeddings;  // kEmbedding: one per input, in order

  int attempts = 0;     // HTTP attempts made (0 for replay/cache)
  bool cached = false;  // answered from a cache or replay file
};

}  // namespace evalkit

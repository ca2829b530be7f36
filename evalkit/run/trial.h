// A trial is one (case, prompt, provider, repeat) combination; its result is what the
// store keeps and reports show.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "evalkit/model/model_answer.h"
#include "evalkit/scorers/scorer.h"

namespace evalkit {

struct TrialKey {
  std::string case_id;
  std::string prompt_id;
  std::string provider_id;
  int repeat = 0;  // 0-based repeat index
};

struct TrialResult {
  int64_t index = 0;  // position in the run's plan
  TrialKey key;
  std::vector<std::string> labels;
  std::vector<std::string> expected;
  nlohmann::json vars;
  nlohmann::json request;  // rendered messages and params (never headers or keys)
  // The system under test's answer: text (the output scorers read), finish reason, tool
  // calls, its own token usage and timings (latency_s: the model call, across retries).
  ModelAnswer answer;
  std::string error;       // empty when the model call and every scorer succeeded
  std::string error_kind;  // error_kind::* when error is set
  double duration_s = 0;   // wall time of the whole trial (request + scoring)
  // Tokens of every call the trial made: the answer's plus model-assisted scorers'.
  int64_t prompt_tokens = 0;
  int64_t completion_tokens = 0;
  double cost_usd = 0;
  int attempts = 0;
  bool cached = false;
  std::vector<Score> scores;
  double weighted_score = 0;  // weighted mean of score values
  bool pass = false;          // by the suite's pass rule (false on error)
};

}  // namespace evalkit

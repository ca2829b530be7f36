// What a model answered: text, why it stopped, the tools it called, token usage and timings.
// A trial keeps its system's answer whole; scorers read it (text scorers its text).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "evalkit/model/tool_call.h"

namespace evalkit {

struct ModelAnswer {
  std::string text;           // the assistant's text (joined, when streamed)
  // The text as the model gave it, when a prompt's `transform:` replaced `text` with a part of
  // the answer; unset otherwise.
  std::optional<std::string> raw_text;
  std::string finish_reason;  // as the protocol names it: "stop", "length", "tool_calls", "end_turn"
  std::vector<ToolCall> tool_calls;  // in the order the model made them

  int64_t prompt_tokens = 0;      // as the endpoint reported them (0 when it did not)
  int64_t completion_tokens = 0;

  double latency_s = 0;  // from the first send to the complete answer, across retries
  // Streamed answers only (unset otherwise): seconds from the last attempt's send to the
  // first content token; seconds per output token after the first; output tokens a second.
  std::optional<double> time_to_first_token_s;
  std::optional<double> time_per_output_token_s;
  std::optional<double> tokens_per_s;
  bool streamed = false;
};

// Fills the per-token timings of a streamed answer from its total, first-token time and
// completion tokens (time_per_output_token_s = (latency - ttft) / (tokens - 1)).
void derive_stream_timings(ModelAnswer* answer);
// The same over stream_s, the seconds of the attempt that streamed (latency_s also counts
// failed attempts and backoff before it): time_per_output_token_s = (stream_s - ttft) /
// (tokens - 1), tokens_per_s = tokens / stream_s.
void derive_stream_timings(ModelAnswer* answer, double stream_s);

// {"text", "raw_text"?, "finish_reason", "tool_calls"?, "prompt_tokens", "completion_tokens",
//  "latency_s", "streamed"?, "time_to_first_token_s"?, ...}: optional members only when set.
nlohmann::json answer_to_json(const ModelAnswer& answer);
// Reads answer_to_json's form; missing members keep their defaults.
void answer_from_json(const nlohmann::json& value, ModelAnswer* answer);

}  // namespace evalkit

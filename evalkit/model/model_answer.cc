#include "evalkit/model/model_answer.h"

namespace evalkit {
namespace {

std::optional<double> optional_number(const nlohmann::json& value, const char* key) {
  if (value.contains(key) && value[key].is_number()) return value[key].get<double>();
  return std::nullopt;
}

int64_t integer_or_zero(const nlohmann::json& value, const char* key) {
  if (value.contains(key) && value[key].is_number_integer()) return value[key].get<int64_t>();
  if (value.contains(key) && value[key].is_number()) {
    // A float out of int64's range (1e300 in a hostile file) would be undefined behaviour.
    const double number = value[key].get<double>();
    if (number > -9.2e18 && number < 9.2e18) return int64_t(number);
  }
  return 0;
}

}  // namespace

void derive_stream_timings(ModelAnswer* answer) {
  derive_stream_timings(answer, answer->latency_s);
}

void derive_stream_timings(ModelAnswer* answer, double stream_s) {
  if (!answer->streamed || !answer->time_to_first_token_s) return;
  const double generation_s = stream_s - *answer->time_to_first_token_s;
  if (answer->completion_tokens > 1 && generation_s >= 0) {
    answer->time_per_output_token_s = generation_s / double(answer->completion_tokens - 1);
  }
  if (answer->completion_tokens > 0 && stream_s > 0) {
    answer->tokens_per_s = double(answer->completion_tokens) / stream_s;
  }
}

nlohmann::json answer_to_json(const ModelAnswer& answer) {
  nlohmann::json j = {{"text", answer.text},
                      {"finish_reason", answer.finish_reason},
                      {"prompt_tokens", answer.prompt_tokens},
                      {"completion_tokens", answer.completion_tokens},
                      {"latency_s", answer.latency_s}};
  if (answer.raw_text) j["raw_text"] = *answer.raw_text;
  if (!answer.tool_calls.empty()) j["tool_calls"] = tool_calls_to_json(answer.tool_calls);
  if (answer.streamed) j["streamed"] = true;
  if (answer.time_to_first_token_s) j["time_to_first_token_s"] = *answer.time_to_first_token_s;
  if (answer.time_per_output_token_s) {
    j["time_per_output_token_s"] = *answer.time_per_output_token_s;
  }
  if (answer.tokens_per_s) j["tokens_per_s"] = *answer.tokens_per_s;
  return j;
}

void answer_from_json(const nlohmann::json& value, ModelAnswer* answer) {
  if (!value.is_object()) return;
  if (value.contains("text") && value["text"].is_string()) answer->text = value["text"];
  if (value.contains("raw_text") && value["raw_text"].is_string()) {
    answer->raw_text = value["raw_text"].get<std::string>();
  }
  if (value.contains("finish_reason") && value["finish_reason"].is_string()) {
    answer->finish_reason = value["finish_reason"];
  }
  if (value.contains("tool_calls")) answer->tool_calls = tool_calls_from_json(value["tool_calls"]);
  answer->prompt_tokens = integer_or_zero(value, "prompt_tokens");
  answer->completion_tokens = integer_or_zero(value, "completion_tokens");
  if (auto latency = optional_number(value, "latency_s")) answer->latency_s = *latency;
  answer->streamed = value.contains("streamed") && value["streamed"].is_boolean() &&
                     value["streamed"].get<bool>();
  answer->time_to_first_token_s = optional_number(value, "time_to_first_token_s");
  answer->time_per_output_token_s = optional_number(value, "time_per_output_token_s");
  answer->tokens_per_s = optional_number(value, "tokens_per_s");
}

}  // namespace evalkit

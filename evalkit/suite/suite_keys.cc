#include "evalkit/suite/suite_keys.h"

namespace evalkit::suite_keys {

const std::vector<std::string>& top_level() {
  static const std::vector<std::string> keys = {"suite",   "description", "defaults", "providers",
                                                "prompts", "prompt",      "cases",    "scorers",
                                                "pass",    "repeat",      "alpha",    "gate",
                                                "under_test"};
  return keys;
}

const std::vector<std::string>& defaults() {
  static const std::vector<std::string> keys = {"provider", "judge", "embedder"};
  return keys;
}

const std::vector<std::string>& provider() {
  static const std::vector<std::string> keys = {"id",
                                                "type",
                                                "model",
                                                "base_url",
                                                "api_key_env",
                                                "params",
                                                "concurrency",
                                                "adaptive_concurrency",
                                                "timeout",
                                                "max_attempts",
                                                "deadline",
                                                "requests_per_minute",
                                                "tokens_per_minute",
                                                "batch_size",
                                                "dimensions",
                                                "responses",
                                                "command",
                                                "python",
                                                "javascript",
                                                "interpreter",
                                                "config",
                                                "workers",
                                                "price",
                                                "prompts",
                                                "headers",
                                                "query",
                                                "stream",
                                                "tools",
                                                "tool_choice",
                                                "deployment",
                                                "api_version",
                                                "anthropic_version",
                                                "region",
                                                "url",
                                                "method",
                                                "body",
                                                "output",
                                                "usage",
                                                "tool_calls",
                                                "finish_reason",
                                                "error",
                                                "error_status"};
  return keys;
}

const std::vector<std::string>& prompt() {
  static const std::vector<std::string> keys = {"id",     "messages", "prompt",      "file",
                                                "params", "replaces", "tools",       "tool_choice",
                                                "transform"};
  return keys;
}

const std::vector<std::string>& message() {
  static const std::vector<std::string> keys = {"role", "content", "tool_calls", "tool_call_id",
                                                "name"};
  return keys;
}

const std::vector<std::string>& inline_case() {
  static const std::vector<std::string> keys = {
      "id",     "description", "vars",    "expected", "labels",  "scorers",
      "pass",   "prompt",      "timeout", "messages"};
  return keys;
}

const std::vector<std::string>& dataset_entry() {
  static const std::vector<std::string> keys = {"file",    "vars",   "labels",
                                                "scorers", "prompt", "timeout"};
  return keys;
}

const std::vector<std::string>& dataset_line() {
  static const std::vector<std::string> keys = {
      "id",     "description", "vars",    "expected", "labels", "scorers",
      "pass",   "prompt",      "timeout", "input",    "ideal",  "messages"};
  return keys;
}

const std::vector<std::string>& scorer() {
  static const std::vector<std::string> keys = {"type",   "weight",   "threshold", "name",
                                                "negate", "expected", "transform"};
  return keys;
}

const std::vector<std::string>& pass_rule() {
  static const std::vector<std::string> keys = {"weighted_score", "k_of_n"};
  return keys;
}

const std::vector<std::string>& gate_rule() {
  static const std::vector<std::string> keys = {"max_drop", "min", "test", "max_increase", "max"};
  return keys;
}

const std::vector<std::string>& resource_metrics() {
  static const std::vector<std::string> names = {"latency_p95", "latency_mean", "cost_mean"};
  return names;
}

const std::vector<std::string>& provider_types() {
  static const std::vector<std::string> types = {
      "openai-chat", "openai-embeddings", "azure-openai", "anthropic-messages", "bedrock",
      "http",        "replay",            "exec",         "script"};
  return types;
}

const std::vector<std::string>& message_roles() {
  static const std::vector<std::string> roles = {"system", "user", "assistant", "tool"};
  return roles;
}

}  // namespace evalkit::suite_keys

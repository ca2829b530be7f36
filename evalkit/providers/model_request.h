// Plain values passed to and from model endpoints, independent of HTTP and providers.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace evalkit {

struct ChatMessage {
  std::string role;  // "system", "user", "assistant"
  std::string content;
};

// One request to a provider: a chat completion or a batch of texts to embed.
struct ModelRequest {
  enum class Kind { kChat, kEmbedding };
  Kind kind = Kind::kChat;
  std::string provider_id;            // which provider answers it
  std::vector<ChatMessage> messages;  // kChat
  nlohmann::json params = nlohmann::json::object();  // per-request overrides of provider params
  std::vector<std::string> inputs;    // kEmbedding: texts to embed
};

// Kinds of failure, stable strings stored with trials and counted in reports.
namespace error_kind {
inline constexpr const char* kConnect = "connect";      // could not connect / DNS / reset
inline constexpr const char* kTimeout = "timeout";      // request or trial deadline passed
inline constexpr const char* kHttp = "http";            // non-retryable HTTP status (4xx)
inline constexpr const char* kServer = "server";        // 5xx / 429 after the last attempt
inline constexpr const char* kMalformed = "malformed";  // body not the expected shape
inline constexpr const char* kReplayMiss = "replay_miss";
inline constexpr const char* kExec = "exec";            // exec provider command failed
inline constexpr const char* kScorer = "scorer";        // a scorer could not score
inline constexpr const char* kBudget = "budget";        // not sent: budget exhausted
inline constexpr const char* kCancelled = "cancelled";  // not sent: run interrupted
}  // namespace error_kind

struct ModelResponse {
  bool ok = false;
  std::string error;       // human-readable, never contains secrets
  std::string error_kind;  // one of error_kind::*
  int http_status = 0;

  std::string text;           // kChat: the assistant message content
  std::string finish_reason;  // kChat: "stop", "length", ...
  std::vector<std::vector<float>> embeddings;  // kEmbedding: one per input, in order

  int64_t prompt_tokens = 0;
  int64_t completion_tokens = 0;
  double latency_s = 0;  // from first send to final answer, across retries
  int attempts = 0;      // HTTP attempts made (0 for replay/cache)
  bool cached = false;   // answered from a cache or replay file
};

}  // namespace evalkit

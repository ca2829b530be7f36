// Kinds of failure: stable strings stored with trials and counted in reports.
#pragma once

namespace evalkit {
namespace error_kind {
inline constexpr const char* kConnect = "connect";      // could not connect / DNS / reset
inline constexpr const char* kTimeout = "timeout";      // request or trial deadline passed
inline constexpr const char* kHttp = "http";            // non-retryable HTTP status (4xx)
inline constexpr const char* kServer = "server";        // 5xx / 429 after the last attempt
inline constexpr const char* kMalformed = "malformed";  // body not the expected shape
inline constexpr const char* kRequest = "request";      // the request could not be built
inline constexpr const char* kReplayMiss = "replay_miss";
inline constexpr const char* kExec = "exec";            // exec provider command failed
inline constexpr const char* kScorer = "scorer";        // a scorer could not score
inline constexpr const char* kBudget = "budget";        // not sent: budget exhausted
inline constexpr const char* kCancelled = "cancelled";  // not sent: run interrupted
}  // namespace error_kind
}  // namespace evalkit

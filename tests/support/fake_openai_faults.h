// How the fake OpenAI-compatible server misbehaves on demand: a seeded draw per request picks
// a fault, and a rotating set of broken bodies exercises a client's response validation.
#pragma once

#include <cstddef>
#include <cstdint>
#include <ctime>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "tests/support/fake_openai_api.h"

namespace evalkit::testing {

enum class FaultKind { kNone, kFail500, kFail429, kStall, kMalformed };

// Fractions of requests, each in [0, 1], taken in this order from one uniform draw: with
// fail_500 = 0.2 and fail_429 = 0.3, draws below 0.2 fail with 500 and draws in [0.2, 0.5)
// with 429. Fractions that sum past 1 leave the later faults less than asked.
struct FaultFractions {
  double fail_500 = 0;
  double fail_429 = 0;
  double stall = 0;
  double malformed = 0;
};

// The fault for the `draw_index`-th request under `seed`: the same seed and index always
// give the same answer, whichever thread or connection asks.
FaultKind draw_fault(uint64_t seed, uint64_t draw_index, const FaultFractions& fractions);

// Whether the fake answers `question` (a chat request's last user message) to `model` badly
// when a fraction `rate` of questions is degraded. Decided by a hash of model, question and
// seed, not by arrival order: the same questions go wrong in every run whatever the
// concurrency, a test can tell which, and two models served by one fake fail on different
// questions (independent noise, as two real models would have).
bool is_degraded(std::string_view model, std::string_view question, double rate, uint64_t seed);

enum class MalformedKind {
  kTruncatedJson,   // a valid body cut in half
  kInvalidJson,     // a trailing comma before the closing brace
  kWrongTypes,      // content (or embedding) of the wrong JSON type
  kMissingChoices,  // no "choices" (or "data") member
  kInvalidUtf8,     // raw bytes that are not UTF-8 inside a JSON string
  kHtmlErrorPage,   // a proxy's HTML error page served with status 200
  kOversized,       // valid JSON larger than a size limit
};

// Every kind, in rotation order.
const std::vector<MalformedKind>& all_malformed_kinds();
std::string_view malformed_kind_name(MalformedKind kind);  // e.g. "truncated_json"
std::optional<MalformedKind> parse_malformed_kind(std::string_view name);

// A broken variant of `valid_body` (a chat.completion or an embeddings list); `oversize_bytes`
// is the size an oversized body must exceed.
HttpResponse malformed_response(MalformedKind kind, const nlohmann::ordered_json& valid_body,
                                size_t oversize_bytes);

// An IMF-fixdate ("Sun, 06 Nov 1994 08:49:37 GMT") as Retry-After's date form uses.
std::string http_date(std::time_t when);

}  // namespace evalkit::testing

#include "tests/support/fake_openai_faults.h"

#include <array>
#include <cstdio>

namespace evalkit::testing {
namespace {

// SplitMix64's finalizer: a well-mixed 64-bit value from any input.
uint64_t mix64(uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

constexpr std::string_view kInvalidUtf8Marker = "\x01invalid-utf8\x01";
// A lone continuation byte, an overlong encoding and a byte that never occurs in UTF-8.
constexpr std::string_view kInvalidUtf8Bytes = "caf\xC3\x28 \x80 \xC0\xAF \xFF";

bool is_chat(const nlohmann::ordered_json& body) { return body.contains("choices"); }

std::string with_invalid_utf8(nlohmann::ordered_json body) {
  if (is_chat(body)) {
    body["choices"][0]["message"]["content"] = kInvalidUtf8Marker;
  } else {
    body["model"] = kInvalidUtf8Marker;
  }
  std::string text = body.dump();
  // dump() escapes the control bytes of the marker; swap the escaped form for raw bytes.
  const std::string escaped = nlohmann::ordered_json(std::string(kInvalidUtf8Marker)).dump();
  const size_t at = text.find(escaped);
  std::string quoted(1, '"');
  quoted.append(kInvalidUtf8Bytes);
  quoted.push_back('"');
  text.replace(at, escaped.size(), quoted);
  return text;
}

std::string oversized(nlohmann::ordered_json body, size_t oversize_bytes) {
  if (is_chat(body)) {
    std::string content;
    content.reserve(oversize_bytes + 8);
    while (content.size() <= oversize_bytes) content += "padding ";
    body["choices"][0]["message"]["content"] = std::move(content);
    return body.dump();
  }
  // Repeat the first embedding until the list is large enough.
  const nlohmann::ordered_json first =
      body["data"].empty() ? nlohmann::ordered_json::object() : body["data"][0];
  const size_t item_bytes = first.dump().size() + 1;
  const size_t copies = oversize_bytes / item_bytes + 1;
  for (size_t i = 0; i < copies; ++i) body["data"].push_back(first);
  return body.dump();
}

}  // namespace

FaultKind draw_fault(uint64_t seed, uint64_t draw_index, const FaultFractions& fractions) {
  const uint64_t bits = mix64(seed ^ mix64(draw_index));
  const double u = static_cast<double>(bits >> 11) * 0x1.0p-53;  // uniform in [0, 1)
  double edge = fractions.fail_500;
  if (u < edge) return FaultKind::kFail500;
  edge += fractions.fail_429;
  if (u < edge) return FaultKind::kFail429;
  edge += fractions.stall;
  if (u < edge) return FaultKind::kStall;
  edge += fractions.malformed;
  if (u < edge) return FaultKind::kMalformed;
  return FaultKind::kNone;
}

bool is_degraded(std::string_view model, std::string_view question, double rate, uint64_t seed) {
  if (rate <= 0) return false;
  uint64_t hash = 0xcbf29ce484222325ULL;  // FNV-1a over model, a separator, question
  const auto add = [&](unsigned char c) {
    hash ^= c;
    hash *= 0x100000001b3ULL;
  };
  for (char c : model) add(static_cast<unsigned char>(c));
  add(0);
  for (char c : question) add(static_cast<unsigned char>(c));
  const uint64_t bits = mix64(seed ^ mix64(hash));
  return static_cast<double>(bits >> 11) * 0x1.0p-53 < rate;
}

const std::vector<MalformedKind>& all_malformed_kinds() {
  static const std::vector<MalformedKind> kinds = {
      MalformedKind::kTruncatedJson,  MalformedKind::kInvalidJson, MalformedKind::kWrongTypes,
      MalformedKind::kMissingChoices, MalformedKind::kInvalidUtf8, MalformedKind::kHtmlErrorPage,
      MalformedKind::kOversized};
  return kinds;
}

std::string_view malformed_kind_name(MalformedKind kind) {
  switch (kind) {
    case MalformedKind::kTruncatedJson:
      return "truncated_json";
    case MalformedKind::kInvalidJson:
      return "invalid_json";
    case MalformedKind::kWrongTypes:
      return "wrong_types";
    case MalformedKind::kMissingChoices:
      return "missing_choices";
    case MalformedKind::kInvalidUtf8:
      return "invalid_utf8";
    case MalformedKind::kHtmlErrorPage:
      return "html_error_page";
    case MalformedKind::kOversized:
      return "oversized";
  }
  return "unknown";
}

std::optional<MalformedKind> parse_malformed_kind(std::string_view name) {
  for (MalformedKind kind : all_malformed_kinds()) {
    if (malformed_kind_name(kind) == name) return kind;
  }
  return std::nullopt;
}

HttpResponse malformed_response(MalformedKind kind, const nlohmann::ordered_json& valid_body,
                                size_t oversize_bytes) {
  HttpResponse response;
  switch (kind) {
    case MalformedKind::kTruncatedJson: {
      const std::string text = valid_body.dump();
      response.body = text.substr(0, text.size() / 2);
      break;
    }
    case MalformedKind::kInvalidJson: {
      std::string text = valid_body.dump();
      text.insert(text.size() - 1, ",");
      response.body = std::move(text);
      break;
    }
    case MalformedKind::kWrongTypes: {
      nlohmann::ordered_json body = valid_body;
      if (is_chat(body)) {
        body["choices"][0]["message"]["content"] = 42;
      } else {
        for (auto& item : body["data"]) item["embedding"] = "not a vector";
      }
      response.body = body.dump();
      break;
    }
    case MalformedKind::kMissingChoices: {
      nlohmann::ordered_json body = valid_body;
      body.erase(is_chat(body) ? "choices" : "data");
      response.body = body.dump();
      break;
    }
    case MalformedKind::kInvalidUtf8:
      response.body = with_invalid_utf8(valid_body);
      break;
    case MalformedKind::kHtmlErrorPage:
      response.content_type = "text/html; charset=utf-8";
      response.body =
          "<!DOCTYPE html>\n<html><head><title>502 Bad Gateway</title></head>\n"
          "<body><h1>502 Bad Gateway</h1><p>The upstream server is unavailable.</p></body>"
          "</html>\n";
      break;
    case MalformedKind::kOversized:
      response.body = oversized(valid_body, oversize_bytes);
      break;
  }
  return response;
}

std::string http_date(std::time_t when) {
  std::tm utc{};
  gmtime_r(&when, &utc);
  static constexpr std::array<const char*, 7> kDays = {"Sun", "Mon", "Tue", "Wed",
                                                       "Thu", "Fri", "Sat"};
  static constexpr std::array<const char*, 12> kMonths = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                          "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%s, %02d %s %04d %02d:%02d:%02d GMT", kDays[utc.tm_wday],
                utc.tm_mday, kMonths[utc.tm_mon], utc.tm_year + 1900, utc.tm_hour, utc.tm_min,
                utc.tm_sec);
  return buffer;
}

}  // namespace evalkit::testing

#include "evalkit/base/secrets.h"

#include <algorithm>
#include <array>
#include <atomic>
#include <bitset>
#include <cstdio>
#include <cstring>
#include <mutex>
#include <set>
#include <shared_mutex>
#include <unordered_map>
#include <utility>
#include <vector>

extern char** environ;

namespace evalkit {
namespace {

constexpr uint64_t kHashBase = 1099511628211ULL;
constexpr size_t kFilterBits = 1 << 16;

// One string to find: a secret or one of its encodings.
struct Pattern {
  std::string text;
  bool fragments = false;  // also redact runs of kSecretFragmentLength of it
};

// Where a kSecretFragmentLength-long window of a fragment pattern sits.
struct GramSite {
  uint32_t pattern;
  uint32_t offset;
};

class SecretRegistry {
 public:
  static SecretRegistry& instance() {
    static SecretRegistry registry;
    return registry;
  }

  void add(const std::string& value, bool fragments) {
    std::unique_lock lock(mutex_);
    for (std::string form : forms_of(value)) {
      auto same = std::find_if(patterns_.begin(), patterns_.end(),
                               [&](const Pattern& p) { return p.text == form; });
      if (same != patterns_.end()) {
        if (fragments && !same->fragments) {
          same->fragments = true;
          rebuild_grams();
        }
        continue;
      }
      patterns_.push_back({std::move(form), fragments});
      if (fragments) add_grams(uint32_t(patterns_.size() - 1));
    }
    any_ = !patterns_.empty();
  }

  bool warn_once(const std::string& origin) {
    std::unique_lock lock(mutex_);
    return warned_.insert(origin).second;
  }

  bool any() const { return any_.load(std::memory_order_relaxed); }

  void clear() {
    std::unique_lock lock(mutex_);
    patterns_.clear();
    grams_.clear();
    filter_.reset();
    warned_.clear();
    any_ = false;
  }

  void redact(std::string* text) const {
    if (!any() || text->empty()) return;
    std::vector<std::pair<size_t, size_t>> spans;
    {
      std::shared_lock lock(mutex_);
      find_whole(*text, &spans);
      find_fragments(*text, &spans);
    }
    if (spans.empty()) return;
    std::sort(spans.begin(), spans.end());
    std::string out;
    out.reserve(text->size());
    size_t copied = 0;
    for (size_t i = 0; i < spans.size();) {
      size_t begin = spans[i].first, end = spans[i].second;
      for (++i; i < spans.size() && spans[i].first <= end; ++i)
        end = std::max(end, spans[i].second);
      out.append(*text, copied, begin - copied);
      out.append(kRedactedMark);
      copied = end;
    }
    out.append(*text, copied, std::string::npos);
    *text = std::move(out);
  }

 private:
  // The secret as it may appear in what evalkit writes: raw, JSON-escaped (also with "\/"),
  // and percent-encoded with upper- and lower-case hex.
  static std::vector<std::string> forms_of(const std::string& value) {
    std::vector<std::string> forms = {value};
    const auto add = [&](std::string form) {
      if (std::find(forms.begin(), forms.end(), form) == forms.end())
        forms.push_back(std::move(form));
    };
    std::string json =
        nlohmann::json(value).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    json = json.substr(1, json.size() - 2);
    add(json);
    std::string slashed;
    for (char c : json) slashed += c == '/' ? std::string("\\/") : std::string(1, c);
    add(slashed);
    for (const char* hex : {"0123456789ABCDEF", "0123456789abcdef"}) {
      std::string encoded;
      for (unsigned char c : value) {
        if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~') {
          encoded += char(c);
        } else {
          encoded += '%';
          encoded += hex[c >> 4];
          encoded += hex[c & 15];
        }
      }
      add(encoded);
    }
    return forms;
  }

  static uint64_t window_hash(const char* data) {
    uint64_t h = 0;
    for (size_t i = 0; i < kSecretFragmentLength; ++i) h = h * kHashBase + uint8_t(data[i]);
    return h;
  }

  void add_grams(uint32_t index) {
    const std::string& text = patterns_[index].text;
    if (text.size() < kSecretFragmentLength) return;
    for (size_t at = 0; at + kSecretFragmentLength <= text.size(); ++at) {
      const uint64_t h = window_hash(text.data() + at);
      grams_[h].push_back({index, uint32_t(at)});
      filter_.set(h % kFilterBits);
    }
  }

  void rebuild_grams() {
    grams_.clear();
    filter_.reset();
    for (uint32_t i = 0; i < patterns_.size(); ++i) {
      if (patterns_[i].fragments) add_grams(i);
    }
  }

  void find_whole(const std::string& text, std::vector<std::pair<size_t, size_t>>* spans) const {
    for (const Pattern& p : patterns_) {
      // A fragment pattern's whole occurrences are found as fragments.
      if (p.fragments && p.text.size() >= kSecretFragmentLength) continue;
      for (size_t at = text.find(p.text); at != std::string::npos;
           at = text.find(p.text, at + p.text.size())) {
        spans->emplace_back(at, at + p.text.size());
      }
    }
  }

  // Every maximal run of kSecretFragmentLength or more characters that a fragment pattern
  // contains: a rolling hash over the text's windows, checked against the patterns' windows.
  void find_fragments(const std::string& text,
                      std::vector<std::pair<size_t, size_t>>* spans) const {
    constexpr size_t k = kSecretFragmentLength;
    if (grams_.empty() || text.size() < k) return;
    uint64_t top = 1;  // kHashBase^(k-1)
    for (size_t i = 1; i < k; ++i) top *= kHashBase;
    uint64_t h = window_hash(text.data());
    size_t covered = 0;  // text before this is already inside a found run
    for (size_t at = 0;; ++at) {
      if (at + k > covered && filter_.test(h % kFilterBits)) {
        auto it = grams_.find(h);
        if (it != grams_.end()) {
          size_t best_end = 0;
          for (const GramSite& site : it->second) {
            const std::string& pattern = patterns_[site.pattern].text;
            if (std::memcmp(text.data() + at, pattern.data() + site.offset, k) != 0) continue;
            size_t end = at + k, from = site.offset + k;
            while (end < text.size() && from < pattern.size() && text[end] == pattern[from]) {
              ++end, ++from;
            }
            best_end = std::max(best_end, end);
          }
          if (best_end > 0) {
            spans->emplace_back(at, best_end);
            covered = std::max(covered, best_end);
          }
        }
      }
      if (at + k >= text.size()) break;
      h = (h - uint8_t(text[at]) * top) * kHashBase + uint8_t(text[at + k]);
    }
  }

  mutable std::shared_mutex mutex_;
  std::vector<Pattern> patterns_;
  std::unordered_map<uint64_t, std::vector<GramSite>> grams_;
  std::bitset<kFilterBits> filter_;
  std::set<std::string> warned_;
  std::atomic<bool> any_{false};
};

bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

std::vector<std::string> name_words(std::string_view name) {
  std::vector<std::string> words(1);
  for (char c : name) {
    if (c == '_' || c == '-' || c == '.') {
      if (!words.back().empty()) words.emplace_back();
    } else {
      words.back() += char(std::toupper(static_cast<unsigned char>(c)));
    }
  }
  if (words.back().empty()) words.pop_back();
  return words;
}

bool ends_with(std::string_view text, std::string_view suffix) {
  return text.size() >= suffix.size() && text.substr(text.size() - suffix.size()) == suffix;
}

}  // namespace

bool looks_like_secret_name(std::string_view name) {
  static const std::set<std::string> kWords = {
      "KEY",    "APIKEY",        "SECRET",     "SECRETS",     "TOKEN", "PASSWORD",
      "PASSWD", "PASS",          "CREDENTIAL", "CREDENTIALS", "AUTH",  "PAT",
      "BEARER", "AUTHORIZATION", "PWD",        "PASSPHRASE"};
  const std::vector<std::string> words = name_words(name);
  if (words.size() == 1 && words[0] == "PWD") return false;  // the shell's working directory
  for (const auto& word : words) {
    if (kWords.count(word) > 0) return true;
  }
  std::string joined;
  for (const auto& word : words) joined += word;
  for (const char* suffix : {"APIKEY", "TOKEN", "SECRET", "PASSWORD"}) {
    if (ends_with(joined, suffix)) return true;
  }
  return false;
}

Status register_secret(std::string_view origin, std::string_view value, std::string* clean) {
  size_t begin = 0, end = value.size();
  while (begin < end && is_space(value[begin])) ++begin;
  while (end > begin && is_space(value[end - 1])) --end;
  const std::string trimmed(value.substr(begin, end - begin));
  for (unsigned char c : trimmed) {
    if (c < 0x20 || c == 0x7f) {
      return Status::error("the value of " + std::string(origin) +
                           " holds a control character (a line break or tab inside it?); "
                           "evalkit will not send it");
    }
  }
  SecretRegistry& registry = SecretRegistry::instance();
  if (trimmed.size() != value.size() && registry.warn_once(std::string(origin))) {
    std::fprintf(stderr, "evalkit: the value of %s has surrounding whitespace; it was trimmed\n",
                 std::string(origin).c_str());
  }
  if (trimmed.size() >= kMinSecretLength) registry.add(trimmed, /*fragments=*/true);
  if (clean != nullptr) *clean = trimmed;
  return Status::ok();
}

void register_environment_secrets() {
  if (environ == nullptr) return;
  for (char** entry = environ; *entry != nullptr; ++entry) {
    const std::string_view pair(*entry);
    const size_t equals = pair.find('=');
    if (equals == std::string_view::npos || !looks_like_secret_name(pair.substr(0, equals))) {
      continue;
    }
    std::string_view value = pair.substr(equals + 1);
    while (!value.empty() && is_space(value.front())) value.remove_prefix(1);
    while (!value.empty() && is_space(value.back())) value.remove_suffix(1);
    if (value.size() >= kMinSecretLength) {
      SecretRegistry::instance().add(std::string(value), /*fragments=*/false);
    }
  }
}

namespace {

// Where the parts of a URL sit: [scheme://][userinfo@]host[/path][?query][#fragment].
struct UrlParts {
  size_t authority = std::string_view::npos;  // after "://"
  size_t at = std::string_view::npos;         // the '@' ending userinfo, if any
  size_t query = std::string_view::npos;      // the '?', if any
  size_t query_end = std::string_view::npos;  // the '#' or the end
};

UrlParts split_url(std::string_view url) {
  UrlParts parts;
  const size_t scheme = url.find("://");
  if (scheme == std::string_view::npos) return parts;
  parts.authority = scheme + 3;
  const size_t authority_end = url.find_first_of("/?#", parts.authority);
  const size_t at =
      url.rfind('@', authority_end == std::string_view::npos ? url.size() - 1 : authority_end);
  if (at != std::string_view::npos && at >= parts.authority) parts.at = at;
  parts.query = url.find('?', parts.authority);
  const size_t hash = url.find('#', parts.authority);
  if (parts.query != std::string_view::npos && hash != std::string_view::npos &&
      hash < parts.query) {
    parts.query = std::string_view::npos;
  }
  parts.query_end = hash == std::string_view::npos ? url.size() : hash;
  return parts;
}

bool secret_query_name(std::string_view name) {
  std::string lower;
  for (char c : name) lower += char(std::tolower(static_cast<unsigned char>(c)));
  return looks_like_secret_name(name) || lower == "sig" || lower == "signature" ||
         lower == "code" || lower == "x-amz-signature" || lower == "x-amz-credential" ||
         lower == "x-amz-security-token";
}

// Calls visit(name, value_begin, value_end) for each query parameter of url.
template <typename Visit>
void for_each_query_value(std::string_view url, const UrlParts& parts, Visit visit) {
  if (parts.query == std::string_view::npos) return;
  size_t at = parts.query + 1;
  while (at < parts.query_end) {
    size_t end = url.find('&', at);
    if (end == std::string_view::npos || end > parts.query_end) end = parts.query_end;
    const size_t equals = url.find('=', at);
    if (equals != std::string_view::npos && equals < end) {
      visit(url.substr(at, equals - at), equals + 1, end);
    }
    at = end + 1;
  }
}

}  // namespace

std::string redact_url(std::string_view url) {
  const UrlParts parts = split_url(url);
  if (parts.authority == std::string_view::npos) return std::string(url);
  std::string out;
  std::vector<std::pair<size_t, size_t>> masked;
  for_each_query_value(url, parts, [&](std::string_view name, size_t begin, size_t end) {
    if (secret_query_name(name) && end > begin) masked.emplace_back(begin, end);
  });
  size_t copied = 0;
  if (parts.at != std::string_view::npos) {
    out.append(url.substr(0, parts.authority));
    copied = parts.at + 1;
  }
  for (const auto& [begin, end] : masked) {
    out.append(url.substr(copied, begin - copied));
    out.append(kRedactedMark);
    copied = end;
  }
  out.append(url.substr(copied));
  return out;
}

nlohmann::json redact_provider_urls(nlohmann::json providers) {
  if (!providers.is_array()) return providers;
  for (auto& provider : providers) {
    if (provider.is_object() && provider.contains("base_url") && provider["base_url"].is_string()) {
      provider["base_url"] = redact_url(provider["base_url"].get<std::string>());
    }
  }
  return providers;
}

namespace {

// text with every %XX decoded, as an HTTP client reads a URL's userinfo.
std::string percent_decoded(std::string_view text) {
  const auto hex = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '%' && i + 2 < text.size() && hex(text[i + 1]) >= 0 && hex(text[i + 2]) >= 0) {
      out += char(hex(text[i + 1]) * 16 + hex(text[i + 2]));
      i += 2;
    } else {
      out += text[i];
    }
  }
  return out;
}

std::string base64(std::string_view bytes) {
  static const char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  size_t i = 0;
  for (; i + 3 <= bytes.size(); i += 3) {
    const uint32_t n = uint32_t(uint8_t(bytes[i])) << 16 | uint32_t(uint8_t(bytes[i + 1])) << 8 |
                       uint8_t(bytes[i + 2]);
    for (int shift : {18, 12, 6, 0}) out += kAlphabet[(n >> shift) & 63];
  }
  if (i < bytes.size()) {
    uint32_t n = uint32_t(uint8_t(bytes[i])) << 16;
    if (i + 1 < bytes.size()) n |= uint32_t(uint8_t(bytes[i + 1])) << 8;
    out += kAlphabet[(n >> 18) & 63];
    out += kAlphabet[(n >> 12) & 63];
    out += i + 1 < bytes.size() ? kAlphabet[(n >> 6) & 63] : '=';
    out += '=';
  }
  return out;
}

// A {{placeholder}} is filled per request from a case's vars: it is no secret.
bool is_template(std::string_view value) { return value.find("{{") != std::string_view::npos; }

}  // namespace

void register_url_secrets(std::string_view url) {
  const UrlParts parts = split_url(url);
  if (parts.authority == std::string_view::npos) return;
  if (parts.at != std::string_view::npos) {
    const std::string_view userinfo = url.substr(parts.authority, parts.at - parts.authority);
    const size_t colon = userinfo.find(':');
    const std::string_view password =
        colon == std::string_view::npos ? userinfo : userinfo.substr(colon + 1);
    (void)register_secret("the password in a base URL", password, nullptr);
    (void)register_secret("the credentials in a base URL", userinfo, nullptr);
    // An HTTP client sends userinfo decoded, as "Authorization: Basic base64(user:password)";
    // an endpoint that echoes its request headers echoes that form.
    const std::string user =
        percent_decoded(colon == std::string_view::npos ? userinfo : userinfo.substr(0, colon));
    const std::string decoded_password =
        colon == std::string_view::npos ? std::string() : percent_decoded(password);
    (void)register_secret("the password in a base URL", decoded_password, nullptr);
    (void)register_secret("the credentials in a base URL", base64(user + ":" + decoded_password),
                          nullptr);
  }
  for_each_query_value(url, parts, [&](std::string_view name, size_t begin, size_t end) {
    const std::string_view value = url.substr(begin, end - begin);
    if (secret_query_name(name) && !is_template(value)) {
      (void)register_secret("a base URL's query parameter", value, nullptr);
      (void)register_secret("a base URL's query parameter", percent_decoded(value), nullptr);
    }
  });
}

std::string redact_secrets(std::string text) {
  SecretRegistry::instance().redact(&text);
  return text;
}

void redact_secrets_in_place(std::string* text) { SecretRegistry::instance().redact(text); }

void redact_secrets_in_place(nlohmann::json* value) {
  if (!has_secrets()) return;
  if (value->is_string()) {
    redact_secrets_in_place(value->get_ptr<std::string*>());
  } else if (value->is_array()) {
    for (auto& item : *value) redact_secrets_in_place(&item);
  } else if (value->is_object()) {
    bool renamed = false;
    for (auto& [key, item] : value->items()) {
      redact_secrets_in_place(&item);
      if (redact_secrets(key) != key) renamed = true;
    }
    if (renamed) {
      nlohmann::json rebuilt = nlohmann::json::object();
      for (auto& [key, item] : value->items()) rebuilt[redact_secrets(key)] = std::move(item);
      *value = std::move(rebuilt);
    }
  }
}

bool has_secrets() { return SecretRegistry::instance().any(); }

void clear_secrets_for_testing() { SecretRegistry::instance().clear(); }

}  // namespace evalkit

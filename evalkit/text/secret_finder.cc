#include "evalkit/text/secret_finder.h"

#include <algorithm>
#include <cctype>

#include "evalkit/base/json_parse.h"

namespace evalkit {
namespace {

enum class CharSet { kAlnum, kToken, kUpperDigit, kLetters, kSlack };

bool in_set(char c, CharSet set) {
  const bool lower = c >= 'a' && c <= 'z', upper = c >= 'A' && c <= 'Z',
             digit = c >= '0' && c <= '9';
  switch (set) {
    case CharSet::kAlnum:
      return lower || upper || digit;
    case CharSet::kToken:
      return lower || upper || digit || c == '_' || c == '-';
    case CharSet::kUpperDigit:
      return upper || digit;
    case CharSet::kLetters:
      return lower || upper;
    case CharSet::kSlack:
      return lower || upper || digit || c == '-';
  }
  return false;
}

bool is_word_char(char c) { return in_set(c, CharSet::kToken); }

// An API key format: a documented prefix followed by a body of one character class.
struct KeyRule {
  std::string_view prefix;
  const char* issuer;
  CharSet body;
  size_t min_body;
  size_t max_body;          // 0: no upper bound
  bool needs_digit = true;  // random keys have digits; prose joined by dashes does not
};

// Longer prefixes first, so "sk-proj-" wins over "sk-".
const std::vector<KeyRule>& key_rules() {
  static const std::vector<KeyRule> rules = {
      {"sk-ant-", "anthropic", CharSet::kToken, 32, 0},
      {"sk-proj-", "openai", CharSet::kToken, 20, 0},
      {"sk-svcacct-", "openai", CharSet::kToken, 20, 0},
      {"sk-admin-", "openai", CharSet::kToken, 20, 0},
      {"sk-", "openai", CharSet::kToken, 20, 0},
      {"AKIA", "aws", CharSet::kUpperDigit, 16, 16},
      {"ASIA", "aws", CharSet::kUpperDigit, 16, 16},
      {"github_pat_", "github", CharSet::kToken, 22, 0},
      {"ghp_", "github", CharSet::kAlnum, 36, 0},
      {"gho_", "github", CharSet::kAlnum, 36, 0},
      {"ghu_", "github", CharSet::kAlnum, 36, 0},
      {"ghs_", "github", CharSet::kAlnum, 36, 0},
      {"ghr_", "github", CharSet::kAlnum, 36, 0},
      {"glpat-", "gitlab", CharSet::kToken, 20, 0},
      {"xoxb-", "slack", CharSet::kSlack, 10, 0},
      {"xoxp-", "slack", CharSet::kSlack, 10, 0},
      {"xoxa-", "slack", CharSet::kSlack, 10, 0},
      {"xoxr-", "slack", CharSet::kSlack, 10, 0},
      {"xoxs-", "slack", CharSet::kSlack, 10, 0},
      {"AIza", "google", CharSet::kToken, 35, 35, false},
      {"sk_live_", "stripe", CharSet::kAlnum, 16, 0},
      {"sk_test_", "stripe", CharSet::kAlnum, 16, 0},
      {"rk_live_", "stripe", CharSet::kAlnum, 16, 0},
      {"rk_test_", "stripe", CharSet::kAlnum, 16, 0},
      {"hf_", "huggingface", CharSet::kLetters, 30, 0, false},
      {"npm_", "npm", CharSet::kAlnum, 36, 36},
      {"gsk_", "groq", CharSet::kAlnum, 40, 0},
      {"pplx-", "perplexity", CharSet::kAlnum, 40, 0},
      {"xai-", "xai", CharSet::kAlnum, 40, 0},
      {"r8_", "replicate", CharSet::kAlnum, 30, 0},
  };
  return rules;
}

std::string mask_token(std::string_view token, size_t keep_prefix) {
  keep_prefix = std::min(keep_prefix, token.size());
  std::string out(token.substr(0, keep_prefix));
  out += "…";
  if (token.size() >= keep_prefix + 24) out += token.substr(token.size() - 4);
  return out;
}

void find_api_keys(std::string_view text, std::vector<SecretMatch>* out) {
  for (size_t at = 0; at < text.size(); ++at) {
    if (at > 0 && is_word_char(text[at - 1])) continue;
    for (const auto& rule : key_rules()) {
      if (text.compare(at, rule.prefix.size(), rule.prefix) != 0) continue;
      size_t end = at + rule.prefix.size();
      bool digit = false, letter = false;
      while (end < text.size() && in_set(text[end], rule.body)) {
        digit |= text[end] >= '0' && text[end] <= '9';
        letter |= (text[end] | 0x20) >= 'a' && (text[end] | 0x20) <= 'z';
        ++end;
      }
      const size_t body = end - at - rule.prefix.size();
      if (body < rule.min_body || (rule.max_body != 0 && body > rule.max_body)) continue;
      if (rule.needs_digit && !(digit && letter) && rule.body != CharSet::kUpperDigit) continue;
      const std::string_view token = text.substr(at, end - at);
      out->push_back(
          {"api_key", rule.issuer, at, token.size(), mask_token(token, rule.prefix.size())});
      at = end - 1;
      break;
    }
  }
}

void find_private_keys(std::string_view text, std::vector<SecretMatch>* out) {
  static constexpr std::string_view kBegin = "-----BEGIN ";
  for (size_t at = text.find(kBegin); at != std::string_view::npos;
       at = text.find(kBegin, at + 1)) {
    const size_t header_end = text.find("-----", at + kBegin.size());
    if (header_end == std::string_view::npos || header_end - at > 64) continue;
    const std::string_view label = text.substr(at + kBegin.size(), header_end - at - kBegin.size());
    if (label.find("PRIVATE KEY") == std::string_view::npos) continue;
    const std::string_view header = text.substr(at, header_end + 5 - at);
    size_t end = header_end + 5;
    const std::string footer = "-----END " + std::string(label) + "-----";
    if (const size_t f = text.find(footer, end); f != std::string_view::npos) {
      end = f + footer.size();
    } else {
      // No footer: up to the end of the key material (until a blank line or the text ends).
      const size_t blank = text.find("\n\n", end);
      end = blank == std::string_view::npos ? text.size() : blank;
    }
    out->push_back({"private_key", "", at, end - at, std::string(header) + "…"});
    at = end - 1;
  }
}

int base64url_value(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '-' || c == '+') return 62;
  if (c == '_' || c == '/') return 63;
  return -1;
}

std::string base64url_decode(std::string_view text) {
  std::string out;
  unsigned bits = 0;
  int count = 0;
  for (char c : text) {
    const int v = base64url_value(c);
    if (v < 0) break;
    bits = (bits << 6) | unsigned(v);
    count += 6;
    if (count >= 8) {
      count -= 8;
      out.push_back(char((bits >> count) & 0xFF));
    }
  }
  return out;
}

// A JWT: three base64url segments whose first decodes to a JSON object naming "alg".
void find_jwts(std::string_view text, std::vector<SecretMatch>* out) {
  for (size_t at = text.find("eyJ"); at != std::string_view::npos; at = text.find("eyJ", at + 1)) {
    if (at > 0 && is_word_char(text[at - 1])) continue;
    size_t end = at;
    size_t segments[3] = {0, 0, 0};
    int segment = 0;
    while (end < text.size()) {
      const char c = text[end];
      if (c == '.' && segment < 2) {
        ++segment;
      } else if (in_set(c, CharSet::kToken)) {
        ++segments[segment];
      } else {
        break;
      }
      ++end;
    }
    if (segment != 2 || segments[0] < 10 || segments[1] < 4) continue;
    const size_t dot = text.find('.', at);
    const nlohmann::json header = parse_untrusted_json(base64url_decode(text.substr(at, dot - at)));
    if (!header.is_object() || !header.contains("alg")) continue;
    const std::string_view token = text.substr(at, end - at);
    out->push_back({"jwt", "", at, token.size(), mask_token(token, 6)});
    at = end - 1;
  }
}

// scheme://user:password@host — the password is what must not be shown.
void find_password_urls(std::string_view text, std::vector<SecretMatch>* out) {
  for (size_t at = text.find("://"); at != std::string_view::npos; at = text.find("://", at + 3)) {
    size_t scheme = at;
    while (scheme > 0 &&
           (std::isalnum(static_cast<unsigned char>(text[scheme - 1])) || text[scheme - 1] == '+' ||
            text[scheme - 1] == '.' || text[scheme - 1] == '-')) {
      --scheme;
    }
    if (scheme == at) continue;
    size_t end = at + 3;
    size_t colon = std::string_view::npos;
    while (end < text.size()) {
      const char c = text[end];
      if (c == '@' || c == '/' || c == '?' || c == '#' ||
          std::isspace(static_cast<unsigned char>(c)) || c == '"' || c == '\'' || c == '<' ||
          c == '>') {
        break;
      }
      if (c == ':' && colon == std::string_view::npos) colon = end;
      ++end;
    }
    if (end >= text.size() || text[end] != '@' || colon == std::string_view::npos ||
        colon + 1 == end) {
      continue;
    }
    const std::string user(text.substr(at + 3, colon - at - 3));
    out->push_back({"password_url", "", scheme, end + 1 - scheme,
                    std::string(text.substr(scheme, at + 3 - scheme)) + user + ":****@"});
    at = end;
  }
}

}  // namespace

std::vector<SecretMatch> find_secrets(std::string_view text) {
  std::vector<SecretMatch> all;
  find_private_keys(text, &all);
  find_jwts(text, &all);
  find_api_keys(text, &all);
  find_password_urls(text, &all);
  std::sort(all.begin(), all.end(), [](const SecretMatch& a, const SecretMatch& b) {
    return a.offset != b.offset ? a.offset < b.offset : a.length > b.length;
  });
  std::vector<SecretMatch> out;
  size_t covered = 0;
  for (auto& match : all) {
    if (!out.empty() && match.offset < covered) continue;
    covered = match.offset + match.length;
    out.push_back(std::move(match));
  }
  return out;
}

std::string mask_secrets(std::string_view text) {
  const std::vector<SecretMatch> matches = find_secrets(text);
  if (matches.empty()) return std::string(text);
  std::string out;
  size_t from = 0;
  for (const auto& match : matches) {
    out.append(text.substr(from, match.offset - from));
    out += match.masked;
    from = match.offset + match.length;
  }
  out.append(text.substr(from));
  return out;
}

}  // namespace evalkit

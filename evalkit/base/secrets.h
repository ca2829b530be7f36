// The run's secrets (API keys, tokens, passwords taken from the environment) and their
// removal from every text evalkit writes: outputs, errors, the store, the response cache,
// replay files, reports and the console. One process-wide registry, so every writer redacts
// against the same list whoever registered the secret.
#pragma once

#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "evalkit/base/status.h"

namespace evalkit {

// What a redacted secret is replaced by.
inline constexpr std::string_view kRedactedMark = "[redacted]";

// Values shorter than this are not redacted: they would blank ordinary words, and such
// values are placeholders local servers accept ("EMPTY", "ollama"), not credentials.
inline constexpr size_t kMinSecretLength = 8;

// Any run of at least this many consecutive characters of a registered secret is redacted,
// so a key echoed cut short (by a server, a log line, a 200-byte snippet) is caught too.
inline constexpr size_t kSecretFragmentLength = 12;

// Registers value, taken from origin (an environment variable's name, "header
// 'x-api-key'"), as a secret and sets *clean to the value to send. Surrounding whitespace
// is trimmed (a warning naming origin is printed once on stderr); a value with a control
// character inside is refused with an error naming origin and never the value. Values
// shorter than kMinSecretLength are used but not registered.
Status register_secret(std::string_view origin, std::string_view value, std::string* clean);

// Registers, as whole-value secrets, the values of every environment variable whose name
// looks_like_secret_name (so a command or a server that echoes the environment is caught).
// Values too short to redact safely are skipped.
void register_environment_secrets();

// Whether an environment variable name or a parameter key names a secret: a word of it
// (split on '_', '-' and '.', any case) is KEY, APIKEY, SECRET, TOKEN, PASSWORD, PASSWD,
// PASS, PWD (not the whole name), CREDENTIAL(S), AUTH, AUTHORIZATION, BEARER or PAT, or it
// ends in "APIKEY", "TOKEN", "SECRET" or "PASSWORD" ("OPENAI_APIKEY", "ghToken").
bool looks_like_secret_name(std::string_view name);

// text with every registered secret replaced by kRedactedMark: the whole value, its
// JSON-escaped and URL-encoded (upper- and lower-case hex) forms, and any run of
// kSecretFragmentLength or more consecutive characters of it. Cheap when nothing is
// registered. Redact whole texts before cutting them: a cut can leave a fragment shorter
// than kSecretFragmentLength.
std::string redact_secrets(std::string text);
void redact_secrets_in_place(std::string* text);

// Every string (and object key) in value, redacted in place.
void redact_secrets_in_place(nlohmann::json* value);

// url without credentials, for showing and storing: userinfo ("user:pass@") removed and
// the value of every query parameter whose name looks_like_secret_name (or is "sig",
// "signature" or "code") replaced by kRedactedMark. Text that is not a URL comes back
// unchanged.
std::string redact_url(std::string_view url);

// providers (a run record's [{id, type, model, base_url}, ...]) with every base_url passed
// through redact_url; for run documents read from older stores or from files.
nlohmann::json redact_provider_urls(nlohmann::json providers);

// Registers the credentials url carries (the userinfo's password, or the whole userinfo,
// and secret query values) with register_secret, so they are redacted wherever they echo.
void register_url_secrets(std::string_view url);

// Whether any secret is registered.
bool has_secrets();

// Forgets every secret and warning (tests only).
void clear_secrets_for_testing();

}  // namespace evalkit

// Text clean-up shared by the report writers: model output and case text are untrusted
// bytes, so every writer first makes them valid UTF-8 and bounded in size.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace evalkit {

// `text` as valid UTF-8: each byte of an invalid or overlong sequence, and each encoded
// surrogate, becomes U+FFFD.
std::string valid_utf8(std::string_view text);

// Valid UTF-8 without code points that XML 1.0 forbids (controls other than tab, newline
// and carriage return, U+FFFE, U+FFFF); those become U+FFFD.
std::string xml_safe_text(std::string_view text);

// At most max_bytes of valid UTF-8 `text`, cut on a code point boundary; when cut,
// `marker` is appended (and counted within max_bytes when it fits).
std::string truncate_utf8(std::string_view text, size_t max_bytes, std::string_view marker = "…");

// Runs of whitespace (including newlines) collapsed to one space, ends trimmed; for
// showing multi-line output on one line.
std::string single_line(std::string_view text);

// `text` as valid UTF-8 that cannot drive a terminal: C0 and C1 control characters and DEL
// become "\x1B" / "\u009B", bidirectional overrides "\u202E", invalid bytes U+FFFD. For
// everything untrusted that evalkit prints (case ids, outputs, reasons, errors).
std::string terminal_safe(std::string_view text);

// `value` with `decimals` digits after the point ("0.850"); "–" for NaN.
std::string format_fixed(double value, int decimals);

// A fraction as a percentage with one decimal: 0.853 -> "85.3%".
std::string format_percent(double fraction);

// format_fixed with a '+' in front of a positive value: a change ("+0.120", "-0.050").
std::string format_signed(double value, int decimals);

// A whole number with thousands separators: 1234567 -> "1,234,567".
std::string format_thousands(double value);

// A p-value for people: four decimals, or "<0.0001".
std::string format_p_value(double p);

}  // namespace evalkit

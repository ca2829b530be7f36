#include "evalkit/scorers/json_schema_format.h"

#include <arpa/inet.h>

#include <cctype>

namespace evalkit {
namespace {

bool digits(std::string_view text, size_t from, size_t count, int* value) {
  if (from + count > text.size()) return false;
  *value = 0;
  for (size_t i = from; i < from + count; ++i) {
    if (!std::isdigit(static_cast<unsigned char>(text[i]))) return false;
    *value = *value * 10 + (text[i] - '0');
  }
  return true;
}

bool leap(int year) { return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0; }

// RFC 3339 full-date: YYYY-MM-DD with a real day of the month.
bool is_date(std::string_view t) {
  int y = 0, m = 0, d = 0;
  if (t.size() != 10 || t[4] != '-' || t[7] != '-') return false;
  if (!digits(t, 0, 4, &y) || !digits(t, 5, 2, &m) || !digits(t, 8, 2, &d)) return false;
  static const int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (m < 1 || m > 12 || d < 1) return false;
  return d <= kDays[m - 1] + (m == 2 && leap(y) ? 1 : 0);
}

// RFC 3339 full-time: HH:MM:SS[.frac](Z|+HH:MM|-HH:MM); second 60 only as a leap second
// at 23:59 UTC.
bool is_time(std::string_view t) {
  int h = 0, m = 0, s = 0;
  if (t.size() < 9 || t[2] != ':' || t[5] != ':') return false;
  if (!digits(t, 0, 2, &h) || !digits(t, 3, 2, &m) || !digits(t, 6, 2, &s)) return false;
  size_t i = 8;
  if (i < t.size() && t[i] == '.') {
    const size_t start = ++i;
    while (i < t.size() && std::isdigit(static_cast<unsigned char>(t[i]))) ++i;
    if (i == start) return false;
  }
  if (h > 23 || m > 59 || s > 60) return false;
  int offset_minutes = 0;
  if (i < t.size() && (t[i] == 'Z' || t[i] == 'z')) {
    ++i;
  } else if (i < t.size() && (t[i] == '+' || t[i] == '-')) {
    int oh = 0, om = 0;
    if (i + 6 != t.size() || t[i + 3] != ':' || !digits(t, i + 1, 2, &oh) ||
        !digits(t, i + 4, 2, &om) || oh > 23 || om > 59) {
      return false;
    }
    offset_minutes = (t[i] == '+' ? 1 : -1) * (oh * 60 + om);
    i += 6;
  } else {
    return false;
  }
  if (i != t.size()) return false;
  if (s == 60) {
    const int utc = ((h * 60 + m - offset_minutes) % 1440 + 1440) % 1440;
    return utc == 23 * 60 + 59;
  }
  return true;
}

bool is_date_time(std::string_view t) {
  if (t.size() < 20 || (t[10] != 'T' && t[10] != 't')) return false;
  return is_date(t.substr(0, 10)) && is_time(t.substr(11));
}

bool is_hostname(std::string_view t) {
  if (!t.empty() && t.back() == '.') t.remove_suffix(1);
  if (t.empty() || t.size() > 253) return false;
  size_t start = 0;
  while (start <= t.size()) {
    size_t end = t.find('.', start);
    if (end == std::string_view::npos) end = t.size();
    const std::string_view label = t.substr(start, end - start);
    if (label.empty() || label.size() > 63 || label.front() == '-' || label.back() == '-') {
      return false;
    }
    for (char c : label) {
      if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-') return false;
    }
    start = end + 1;
    if (end == t.size()) break;
  }
  return true;
}

bool is_email(std::string_view t) {
  const size_t at = t.rfind('@');
  if (at == std::string_view::npos || at == 0) return false;
  const std::string_view local = t.substr(0, at);
  const std::string_view domain = t.substr(at + 1);
  if (local.size() > 64 || local.front() == '.' || local.back() == '.' ||
      local.find("..") != std::string_view::npos) {
    return false;
  }
  static const std::string_view kSpecials = "!#$%&'*+/=?^_`{|}~.-";
  for (char c : local) {
    if (!std::isalnum(static_cast<unsigned char>(c)) &&
        kSpecials.find(c) == std::string_view::npos) {
      return false;
    }
  }
  if (domain.size() > 2 && domain.front() == '[' && domain.back() == ']') {
    const std::string address(domain.substr(1, domain.size() - 2));
    unsigned char buffer[16];
    return inet_pton(AF_INET, address.c_str(), buffer) == 1 ||
           (address.rfind("IPv6:", 0) == 0 &&
            inet_pton(AF_INET6, address.c_str() + 5, buffer) == 1);
  }
  return is_hostname(domain);
}

bool is_ipv4(std::string_view t) {
  int parts = 0;
  size_t i = 0;
  while (parts < 4) {
    const size_t start = i;
    int value = 0;
    while (i < t.size() && std::isdigit(static_cast<unsigned char>(t[i])) && i - start < 3) {
      value = value * 10 + (t[i] - '0');
      ++i;
    }
    const size_t length = i - start;
    if (length == 0 || value > 255 || (length > 1 && t[start] == '0')) return false;
    ++parts;
    if (parts < 4) {
      if (i >= t.size() || t[i] != '.') return false;
      ++i;
    }
  }
  return i == t.size();
}

bool is_ipv6(std::string_view t) {
  if (t.size() > 45) return false;
  for (char c : t) {
    if (!std::isxdigit(static_cast<unsigned char>(c)) && c != ':' && c != '.') return false;
  }
  const std::string address(t);
  unsigned char buffer[16];
  return inet_pton(AF_INET6, address.c_str(), buffer) == 1;
}

// RFC 3986 URI: a scheme, then characters a URI may hold, with valid %-escapes.
bool is_uri(std::string_view t) {
  const size_t colon = t.find(':');
  if (colon == std::string_view::npos || colon == 0 ||
      !std::isalpha(static_cast<unsigned char>(t[0]))) {
    return false;
  }
  for (size_t i = 1; i < colon; ++i) {
    const char c = t[i];
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '+' && c != '.' && c != '-')
      return false;
  }
  static const std::string_view kAllowed = "-._~:/?#[]@!$&'()*+,;=";
  for (size_t i = colon + 1; i < t.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(t[i]);
    if (c == '%') {
      if (i + 2 >= t.size() || !std::isxdigit(static_cast<unsigned char>(t[i + 1])) ||
          !std::isxdigit(static_cast<unsigned char>(t[i + 2]))) {
        return false;
      }
      i += 2;
    } else if (!std::isalnum(c) && kAllowed.find(char(c)) == std::string_view::npos) {
      return false;
    }
  }
  return true;
}

bool is_uuid(std::string_view t) {
  if (t.size() != 36) return false;
  for (size_t i = 0; i < t.size(); ++i) {
    const bool dash = i == 8 || i == 13 || i == 18 || i == 23;
    if (dash ? t[i] != '-' : !std::isxdigit(static_cast<unsigned char>(t[i]))) return false;
  }
  return true;
}

}  // namespace

const std::vector<std::string>& supported_json_formats() {
  static const std::vector<std::string> formats = {"date-time", "date", "time", "email", "hostname",
                                                   "ipv4",      "ipv6", "uri",  "uuid"};
  return formats;
}

bool format_matches(std::string_view format, std::string_view text) {
  if (format == "date-time") return is_date_time(text);
  if (format == "date") return is_date(text);
  if (format == "time") return is_time(text);
  if (format == "email") return is_email(text);
  if (format == "hostname") return is_hostname(text);
  if (format == "ipv4") return is_ipv4(text);
  if (format == "ipv6") return is_ipv6(text);
  if (format == "uri") return is_uri(text);
  if (format == "uuid") return is_uuid(text);
  return false;
}

}  // namespace evalkit

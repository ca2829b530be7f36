#include "evalkit/text/pii_finder.h"

#include <arpa/inet.h>

#include <algorithm>
#include <cctype>
#include <map>

namespace evalkit {
namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_alnum(char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0; }
bool is_upper(char c) { return c >= 'A' && c <= 'Z'; }

bool boundary_before(std::string_view text, size_t at) {
  return at == 0 || !(is_alnum(text[at - 1]) || text[at - 1] == '_' || text[at - 1] == '@');
}
bool boundary_after(std::string_view text, size_t end) {
  return end >= text.size() || !(is_alnum(text[end]) || text[end] == '_' || text[end] == '@');
}

bool luhn(const std::string& digits) {
  int sum = 0;
  bool twice = false;
  for (auto it = digits.rbegin(); it != digits.rend(); ++it) {
    int d = *it - '0';
    if (twice) d = d * 2 > 9 ? d * 2 - 9 : d * 2;
    sum += d;
    twice = !twice;
  }
  return sum % 10 == 0;
}

// Verhoeff's check (Aadhaar).
bool verhoeff(const std::string& digits) {
  static const int d[10][10] = {{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}, {1, 2, 3, 4, 0, 6, 7, 8, 9, 5},
                                {2, 3, 4, 0, 1, 7, 8, 9, 5, 6}, {3, 4, 0, 1, 2, 8, 9, 5, 6, 7},
                                {4, 0, 1, 2, 3, 9, 5, 6, 7, 8}, {5, 9, 8, 7, 6, 0, 4, 3, 2, 1},
                                {6, 5, 9, 8, 7, 1, 0, 4, 3, 2}, {7, 6, 5, 9, 8, 2, 1, 0, 4, 3},
                                {8, 7, 6, 5, 9, 3, 2, 1, 0, 4}, {9, 8, 7, 6, 5, 4, 3, 2, 1, 0}};
  static const int p[8][10] = {{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}, {1, 5, 7, 6, 2, 8, 3, 0, 9, 4},
                               {5, 8, 0, 3, 7, 9, 6, 1, 4, 2}, {8, 9, 1, 6, 0, 4, 3, 5, 2, 7},
                               {9, 4, 5, 3, 1, 2, 6, 8, 7, 0}, {4, 2, 8, 6, 5, 7, 3, 9, 0, 1},
                               {2, 7, 9, 3, 8, 0, 6, 4, 1, 5}, {7, 0, 4, 6, 9, 1, 3, 2, 5, 8}};
  int c = 0;
  int i = 0;
  for (auto it = digits.rbegin(); it != digits.rend(); ++it, ++i) c = d[c][p[i % 8][*it - '0']];
  return c == 0;
}

bool valid_day(int year, int month, int day) {
  static const int kDays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (month < 1 || month > 12 || day < 1 || day > kDays[month - 1]) return false;
  const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  return !(month == 2 && day == 29 && !leap);
}

int number(const std::string& s, size_t from, size_t count) {
  int v = 0;
  for (size_t i = from; i < from + count; ++i) v = v * 10 + (s[i] - '0');
  return v;
}

// The IIN ranges of the major card networks; Luhn alone would pass one random number in ten.
std::string card_network(const std::string& d) {
  const int two = number(d, 0, 2), four = number(d, 0, 4), three = number(d, 0, 3);
  const size_t n = d.size();
  if (d[0] == '4' && (n == 13 || n == 16 || n == 19)) return "visa";
  if (((two >= 51 && two <= 55) || (four >= 2221 && four <= 2720)) && n == 16) return "mastercard";
  if ((two == 34 || two == 37) && n == 15) return "amex";
  if ((four == 6011 || two == 65 || (three >= 644 && three <= 649)) && n >= 16) return "discover";
  if (four >= 3528 && four <= 3589 && n >= 16) return "jcb";
  if ((two == 36 || two == 38 || (three >= 300 && three <= 305)) && n >= 14) return "diners";
  return "";
}

std::string mask_keep_last(std::string_view raw, size_t keep) {
  std::string out(raw);
  size_t alnum = 0;
  for (char c : out) alnum += is_alnum(c);
  size_t seen = 0;
  for (char& c : out) {
    if (!is_alnum(c)) continue;
    if (++seen <= alnum - std::min(keep, alnum)) c = '*';
  }
  return out;
}

// A run of digit groups: "(415) 555-2671", "4111 1111 1111 1111", "192.168.0.1".
struct Group {
  size_t begin, end;  // bytes of the digits
};

struct Window {
  std::string_view raw;       // from the first group (with a leading '+' or '(') to the last
  size_t offset;              // of raw in the text
  std::string digits;         // the digits alone
  std::vector<size_t> sizes;  // digits per group
  std::string separators;     // the characters between groups
  bool plus = false, parenthesis = false;
};

bool separators_only(const Window& w, std::string_view allowed) {
  return std::all_of(w.separators.begin(), w.separators.end(),
                     [&](char c) { return allowed.find(c) != std::string_view::npos; });
}

class Finder {
 public:
  Finder(std::string_view text, const std::vector<std::string>& kinds)
      : text_(text), kinds_(kinds) {}

  std::vector<PiiMatch> run() {
    if (wants("email")) find_emails();
    if (wants("iban")) find_ibans();
    if (wants("national_id")) find_alnum_ids();
    if (wants("ip")) find_ipv6();
    find_digit_runs();
    // Checksummed kinds win overlaps; then the longer match.
    static const std::map<std::string, int> kRank = {
        {"email", 0}, {"iban", 1}, {"credit_card", 2}, {"national_id", 3}, {"ip", 4}, {"phone", 5}};
    std::sort(found_.begin(), found_.end(), [](const PiiMatch& a, const PiiMatch& b) {
      const int ra = kRank.at(a.kind), rb = kRank.at(b.kind);
      return ra != rb ? ra < rb : a.length > b.length;
    });
    std::vector<PiiMatch> kept;
    for (auto& m : found_) {
      const bool overlaps = std::any_of(kept.begin(), kept.end(), [&](const PiiMatch& k) {
        return m.offset < k.offset + k.length && k.offset < m.offset + m.length;
      });
      if (!overlaps) kept.push_back(std::move(m));
    }
    std::sort(kept.begin(), kept.end(),
              [](const PiiMatch& a, const PiiMatch& b) { return a.offset < b.offset; });
    return kept;
  }

 private:
  bool wants(const std::string& kind) const {
    return kinds_.empty() || std::find(kinds_.begin(), kinds_.end(), kind) != kinds_.end();
  }

  void add(const std::string& kind, const std::string& detail, size_t offset, size_t length,
           std::string masked) {
    if (!wants(kind)) return;
    found_.push_back({kind, detail, offset, length, std::move(masked)});
  }

  void find_emails() {
    for (size_t at = text_.find('@'); at != std::string_view::npos; at = text_.find('@', at + 1)) {
      size_t begin = at;
      static const std::string_view kLocal = "!#$%&'*+/=?^_`{|}~.-";
      while (begin > 0 && (is_alnum(text_[begin - 1]) ||
                           kLocal.find(text_[begin - 1]) != std::string_view::npos)) {
        --begin;
      }
      while (begin < at && text_[begin] == '.') ++begin;
      size_t end = at + 1;
      while (end < text_.size() && (is_alnum(text_[end]) || text_[end] == '-' || text_[end] == '.'))
        ++end;
      while (end > at + 1 && (text_[end - 1] == '.' || text_[end - 1] == '-')) --end;
      const std::string_view domain = text_.substr(at + 1, end - at - 1);
      const size_t dot = domain.rfind('.');
      if (begin == at || dot == std::string_view::npos || dot == 0 || domain.size() - dot - 1 < 2)
        continue;
      if (!std::all_of(domain.begin() + long(dot) + 1, domain.end(),
                       [](char c) { return std::isalpha(static_cast<unsigned char>(c)); })) {
        continue;
      }
      const std::string_view local = text_.substr(begin, at - begin);
      add("email", "", begin, end - begin, std::string(1, local[0]) + "***@" + std::string(domain));
    }
  }

  // ISO 13616: country code, check digits, then the account; mod 97 of the rearranged number
  // is 1. Printed IBANs are often grouped by four with spaces.
  void find_ibans() {
    static const std::map<std::string, size_t> kLength = {
        {"AD", 24}, {"AE", 23}, {"AT", 20}, {"BE", 16}, {"BG", 22}, {"BH", 22}, {"BR", 29},
        {"CH", 21}, {"CY", 28}, {"CZ", 24}, {"DE", 22}, {"DK", 18}, {"EE", 20}, {"ES", 24},
        {"FI", 18}, {"FR", 27}, {"GB", 22}, {"GR", 27}, {"HR", 21}, {"HU", 28}, {"IE", 22},
        {"IL", 23}, {"IS", 26}, {"IT", 27}, {"LI", 21}, {"LT", 20}, {"LU", 20}, {"LV", 21},
        {"MC", 27}, {"MT", 31}, {"NL", 18}, {"NO", 15}, {"PL", 28}, {"PT", 25}, {"RO", 24},
        {"SA", 24}, {"SE", 24}, {"SI", 19}, {"SK", 24}, {"SM", 27}, {"TR", 26}, {"UA", 29}};
    for (size_t at = 0; at + 4 < text_.size(); ++at) {
      if (!is_upper(text_[at]) || !is_upper(text_[at + 1]) || !is_digit(text_[at + 2]) ||
          !is_digit(text_[at + 3]) || !boundary_before(text_, at)) {
        continue;
      }
      // Characters of the IBAN and where each sits in the text.
      std::string chars;
      std::vector<size_t> ends;
      size_t i = at;
      while (i < text_.size() && chars.size() < 34) {
        if (is_upper(text_[i]) || is_digit(text_[i])) {
          chars += text_[i];
          ends.push_back(i + 1);
          ++i;
        } else if (text_[i] == ' ' && i + 1 < text_.size() &&
                   (is_upper(text_[i + 1]) || is_digit(text_[i + 1]))) {
          ++i;
        } else {
          break;
        }
      }
      const auto known = kLength.find(chars.substr(0, 2));
      std::vector<size_t> lengths;
      if (known != kLength.end()) {
        lengths.push_back(known->second);
      } else {
        for (size_t n = std::min<size_t>(chars.size(), 34); n >= 15; --n) lengths.push_back(n);
      }
      for (size_t n : lengths) {
        if (n > chars.size() || !boundary_after(text_, ends[n - 1])) continue;
        const std::string iban = chars.substr(0, n);
        const std::string moved = iban.substr(4) + iban.substr(0, 4);
        int remainder = 0;
        for (char c : moved) {
          const int value = is_digit(c) ? c - '0' : c - 'A' + 10;
          remainder = (value >= 10 ? remainder * 100 : remainder * 10) + value;
          remainder %= 97;
        }
        if (remainder != 1) continue;
        add("iban", iban.substr(0, 2), at, ends[n - 1] - at,
            iban.substr(0, 4) + "…" + iban.substr(n - 4));
        at = ends[n - 1] - 1;
        break;
      }
    }
  }

  // Identity numbers that carry letters: Spanish DNI/NIE, Finnish HETU, Chinese resident id.
  void find_alnum_ids() {
    size_t at = 0;
    while (at < text_.size()) {
      if (!is_alnum(text_[at]) || !boundary_before(text_, at)) {
        ++at;
        continue;
      }
      size_t end = at;
      while (end < text_.size() &&
             (is_alnum(text_[end]) || (text_[end] == '-' || text_[end] == '+')))
        ++end;
      while (end > at && !is_alnum(text_[end - 1])) --end;
      const std::string token(text_.substr(at, end - at));
      check_alnum_id(token, at);
      at = std::max(end, at + 1);
    }
  }

  void check_alnum_id(const std::string& t, size_t at) {
    auto digits_in = [&](size_t from, size_t count) {
      return from + count <= t.size() &&
             std::all_of(t.begin() + long(from), t.begin() + long(from + count), is_digit);
    };
    static const std::string kDniLetters = "TRWAGMYFPDXBNJZSQVHLCKE";
    if (t.size() == 9 && digits_in(0, 8) && is_upper(t[8])) {
      if (kDniLetters[size_t(std::stol(t.substr(0, 8)) % 23)] == t[8]) {
        add("national_id", "es_dni", at, 9, mask_keep_last(t, 2));
      }
      return;
    }
    if (t.size() == 9 && (t[0] == 'X' || t[0] == 'Y' || t[0] == 'Z') && digits_in(1, 7) &&
        is_upper(t[8])) {
      const long n = std::stol(std::string(1, char('0' + (t[0] - 'X'))) + t.substr(1, 7));
      if (kDniLetters[size_t(n % 23)] == t[8])
        add("national_id", "es_nie", at, 9, mask_keep_last(t, 2));
      return;
    }
    // Finnish HETU: DDMMYYcZZZQ, c the century sign.
    static const std::string kHetu = "0123456789ABCDEFHJKLMNPRSTUVWXY";
    static const std::string kCentury = "+-ABCDEFUVWXY";
    if (t.size() == 11 && digits_in(0, 6) && kCentury.find(t[6]) != std::string::npos &&
        digits_in(7, 3)) {
      const int day = number(t, 0, 2), month = number(t, 2, 2);
      const long n = std::stol(t.substr(0, 6) + t.substr(7, 3));
      if (valid_day(2000, month, day) && kHetu[size_t(n % 31)] == t[10]) {
        add("national_id", "fi_hetu", at, 11, mask_keep_last(t, 2));
      }
      return;
    }
    // Chinese resident identity card: 17 digits and an ISO 7064 MOD 11-2 check character.
    if (t.size() == 18 && digits_in(0, 17) && (is_digit(t[17]) || t[17] == 'X')) {
      static const int kWeights[] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
      int sum = 0;
      for (size_t i = 0; i < 17; ++i) sum += (t[i] - '0') * kWeights[i];
      const int year = number(t, 6, 4), month = number(t, 10, 2), day = number(t, 12, 2);
      if ("10X98765432"[sum % 11] == t[17] && year >= 1900 && year <= 2100 &&
          valid_day(year, month, day)) {
        add("national_id", "cn_resident_id", at, 18, mask_keep_last(t, 2));
      }
    }
  }

  void find_ipv6() {
    size_t at = 0;
    while (at < text_.size()) {
      const char c = text_[at];
      if (!(std::isxdigit(static_cast<unsigned char>(c)) || c == ':') ||
          (at > 0 && (is_alnum(text_[at - 1]) || text_[at - 1] == ':'))) {
        ++at;
        continue;
      }
      size_t end = at;
      int colons = 0;
      while (end < text_.size() && (std::isxdigit(static_cast<unsigned char>(text_[end])) ||
                                    text_[end] == ':' || text_[end] == '.')) {
        colons += text_[end] == ':';
        ++end;
      }
      while (end > at && text_[end - 1] == '.') --end;
      if (colons >= 2 && end - at <= 45 && boundary_after(text_, end)) {
        const std::string candidate(text_.substr(at, end - at));
        unsigned char buffer[16];
        if (inet_pton(AF_INET6, candidate.c_str(), buffer) == 1) {
          const size_t first = candidate.find(':');
          add("ip", "ipv6", at, end - at, candidate.substr(0, first) + ":…");
        }
      }
      at = std::max(end, at + 1);
    }
  }

  void find_digit_runs() {
    size_t at = 0;
    while (at < text_.size()) {
      if (!is_digit(text_[at]) || (at > 0 && (is_alnum(text_[at - 1]) || text_[at - 1] == '_'))) {
        ++at;
        continue;
      }
      std::vector<Group> groups;
      size_t i = at;
      for (;;) {
        const size_t begin = i;
        while (i < text_.size() && is_digit(text_[i])) ++i;
        groups.push_back({begin, i});
        // Up to three separator characters, then more digits.
        size_t j = i;
        while (j < text_.size() && j - i < 3 &&
               std::string_view(" -./()").find(text_[j]) != std::string_view::npos)
          ++j;
        if (j == i || j >= text_.size() || !is_digit(text_[j]) || groups.size() >= 12) break;
        i = j;
      }
      const size_t run_end = groups.back().end;
      if (run_end < text_.size() &&
          (std::isalpha(static_cast<unsigned char>(text_[run_end])) || text_[run_end] == '_')) {
        at = run_end;
        continue;
      }
      check_windows(groups);
      at = run_end;
    }
  }

  Window window(const std::vector<Group>& groups, size_t first, size_t last) const {
    Window w;
    size_t begin = groups[first].begin;
    if (begin > 0 && (text_[begin - 1] == '+' || text_[begin - 1] == '(')) {
      w.plus = text_[begin - 1] == '+';
      w.parenthesis = text_[begin - 1] == '(';
      --begin;
    }
    w.offset = begin;
    w.raw = text_.substr(begin, groups[last].end - begin);
    for (size_t g = first; g <= last; ++g) {
      w.digits += std::string(text_.substr(groups[g].begin, groups[g].end - groups[g].begin));
      w.sizes.push_back(groups[g].end - groups[g].begin);
      if (g > first) {
        w.separators +=
            std::string(text_.substr(groups[g - 1].end, groups[g].begin - groups[g - 1].end));
      }
    }
    w.parenthesis = w.parenthesis || w.separators.find('(') != std::string::npos;
    return w;
  }

  void check_windows(const std::vector<Group>& groups) {
    for (size_t first = 0; first < groups.size(); ++first) {
      // A window must not start right after a group separated by a single '.', or "1.2.3.4"
      // would also read as "2.3.4".
      for (size_t last = groups.size(); last-- > first;) {
        const Window w = window(groups, first, last);
        if (w.digits.size() > 19) continue;
        if (check_window(w, first == 0 && last + 1 == groups.size())) {
          first = last;
          break;
        }
      }
    }
  }

  // Tries every numeric kind on one window (whole_run: the window is the whole run of digit
  // groups, not a part of a longer one); true when one matched.
  bool check_window(const Window& w, bool whole_run) {
    const std::string& d = w.digits;
    const size_t n = d.size();
    const size_t groups = w.sizes.size();
    // IPv4: four dotted octets.
    if (whole_run && groups == 4 && separators_only(w, ".") && w.separators.size() == 3 &&
        !w.plus) {
      bool ok = true;
      for (size_t g = 0, pos = 0; g < 4; pos += w.sizes[g], ++g) {
        const std::string octet = d.substr(pos, w.sizes[g]);
        ok = ok && octet.size() <= 3 && std::stoi(octet) <= 255 &&
             (octet.size() == 1 || octet[0] != '0');
      }
      if (ok) {
        add("ip", "ipv4", w.offset, w.raw.size(), d.substr(0, w.sizes[0]) + ".*.*.*");
        return true;
      }
    }
    // Payment cards: 13-19 digits, plain or grouped with spaces or dashes.
    if (n >= 13 && n <= 19 && separators_only(w, " -") && !w.plus && !w.parenthesis && luhn(d)) {
      const std::string network = card_network(d);
      if (!network.empty()) {
        add("credit_card", network, w.offset, w.raw.size(), d.substr(0, 4) + "…" + d.substr(n - 4));
        return true;
      }
    }
    if (national_id(w)) return true;
    // Phone numbers: an international number (+ and 8-15 digits), or a whole run of 10-15
    // digits in groups of at most four, with an area code in parentheses or three or more
    // groups, and one kind of separator (besides the parentheses).
    const bool short_groups = std::all_of(w.sizes.begin() + (w.plus ? 1 : 0), w.sizes.end(),
                                          [](size_t s) { return s <= 4; });
    std::string kinds;
    for (char c : w.separators) {
      if (c != '(' && c != ')' && kinds.find(c) == std::string::npos) kinds += c;
    }
    const bool uniform = kinds.size() <= 1 || (w.parenthesis && (kinds == " -" || kinds == "- "));
    const bool dotted = kinds == ".";
    if (uniform && separators_only(w, " -.()") &&
        ((w.plus && n >= 8 && n <= 15) ||
         (whole_run && n >= 10 && n <= 15 && short_groups && (w.parenthesis || groups >= 3) &&
          !(dotted && groups != 3)))) {
      add("phone", "", w.offset, w.raw.size(), mask_keep_last(w.raw, 2));
      return true;
    }
    return false;
  }

  bool national_id(const Window& w) {
    const std::string& d = w.digits;
    const size_t n = d.size();
    const auto& s = w.sizes;
    const bool single = s.size() == 1 && !w.plus && !w.parenthesis;
    auto add_id = [&](const char* detail) {
      add("national_id", detail, w.offset, w.raw.size(), mask_keep_last(w.raw, 2));
      return true;
    };
    // US SSN (no check digit, so only the dashed form with its assignment rules).
    if (s.size() == 3 && s[0] == 3 && s[1] == 2 && s[2] == 4 && w.separators == "--") {
      const int area = number(d, 0, 3), group = number(d, 3, 2), serial = number(d, 5, 4);
      if (area != 0 && area != 666 && area < 900 && group != 0 && serial != 0)
        return add_id("us_ssn");
    }
    // UK NHS number: 10 digits (3 3 4), mod 11.
    if (n == 10 && (single || (s.size() == 3 && s[0] == 3 && s[1] == 3 && s[2] == 4 &&
                               separators_only(w, " -")))) {
      int sum = 0;
      for (size_t i = 0; i < 9; ++i) sum += (d[i] - '0') * int(10 - i);
      const int check = 11 - sum % 11;
      if (check != 10 && (check == 11 ? 0 : check) == d[9] - '0' &&
          d.find_first_not_of(d[0]) != std::string::npos) {
        return add_id("uk_nhs");
      }
    }
    // Brazilian CPF: 11 digits (ddd.ddd.ddd-dd), two mod-11 check digits.
    if (n == 11 && (single || w.separators == "..-") &&
        d.find_first_not_of(d[0]) != std::string::npos) {
      auto digit = [&](size_t count) {
        int sum = 0;
        for (size_t i = 0; i < count; ++i) sum += (d[i] - '0') * int(count + 1 - i);
        const int r = sum * 10 % 11;
        return r == 10 ? 0 : r;
      };
      if (digit(9) == d[9] - '0' && digit(10) == d[10] - '0') return add_id("br_cpf");
    }
    // Polish PESEL: 11 digits, a birth date and a weighted check digit.
    if (n == 11 && single) {
      static const int kWeights[] = {1, 3, 7, 9, 1, 3, 7, 9, 1, 3};
      int sum = 0;
      for (size_t i = 0; i < 10; ++i) sum += (d[i] - '0') * kWeights[i];
      const int month = number(d, 2, 2) % 20, day = number(d, 4, 2);
      if ((10 - sum % 10) % 10 == d[10] - '0' && valid_day(2000, month, day))
        return add_id("pl_pesel");
    }
    // Indian Aadhaar: 12 digits (4 4 4), not starting with 0 or 1, Verhoeff check.
    if (n == 12 && d[0] >= '2' &&
        (single || (s.size() == 3 && s[0] == 4 && s[1] == 4 && separators_only(w, " -"))) &&
        verhoeff(d)) {
      return add_id("in_aadhaar");
    }
    // Swedish personnummer: YYMMDD-NNNC (or YYYYMMDD-NNNC), Luhn over the ten digits.
    if (s.size() == 2 && (s[0] == 6 || s[0] == 8) && s[1] == 4 &&
        (w.separators == "-" || w.separators == "+")) {
      const std::string ten = d.substr(n - 10);
      const int month = number(ten, 2, 2), day = number(ten, 4, 2) % 60;  // +60: coordination no.
      if (valid_day(2000, month, day) && luhn(ten)) return add_id("se_personnummer");
    }
    // French NIR: 13 digits and a two-digit key, 97 - (number mod 97).
    if (n == 15 && (d[0] == '1' || d[0] == '2') && separators_only(w, " ")) {
      long long base = std::stoll(d.substr(0, 13));
      if (97 - base % 97 == number(d, 13, 2)) return add_id("fr_nir");
    }
    return false;
  }

  std::string_view text_;
  const std::vector<std::string>& kinds_;
  std::vector<PiiMatch> found_;
};

}  // namespace

const std::vector<std::string>& pii_kinds() {
  static const std::vector<std::string> kinds = {"email", "phone",       "credit_card",
                                                 "iban",  "national_id", "ip"};
  return kinds;
}

std::vector<PiiMatch> find_pii(std::string_view text, const std::vector<std::string>& kinds) {
  return Finder(text, kinds).run();
}

}  // namespace evalkit

// Finds personal data in text: e-mail addresses, phone numbers, payment card numbers (Luhn),
// IBANs (ISO 13616 mod-97 check), national identity numbers that carry a check digit, and IP
// addresses. Checksums keep numbers that merely look like these out.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace evalkit {

struct PiiMatch {
  std::string kind;    // "email", "phone", "credit_card", "iban", "national_id", "ip"
  std::string detail;  // "visa", "DE", "us_ssn", "ipv6", ... ("" when none)
  size_t offset = 0;   // bytes
  size_t length = 0;
  std::string masked;  // safe to show: "j***@example.com", "4111 **** **** 1111"
};

// The kinds find_pii knows, in the order above.
const std::vector<std::string>& pii_kinds();

// Every match of the given kinds (all when empty), in order of offset, none overlapping (a
// number with a checksum wins over a phone number reading of the same digits).
std::vector<PiiMatch> find_pii(std::string_view text, const std::vector<std::string>& kinds = {});

}  // namespace evalkit

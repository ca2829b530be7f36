#include "evalkit/text/python_lower.h"

#include <algorithm>

#include "evalkit/text/unicode_range_lookup.h"
#include "evalkit/text/utf8.h"

namespace evalkit {
namespace {

constexpr char32_t kCapitalSigma = 0x3A3;
constexpr char32_t kFinalSigma = 0x3C2;
constexpr char32_t kSmallSigma = 0x3C3;
constexpr char32_t kCapitalIWithDot = 0x130;

char32_t lower_one(char32_t cp) {
  using unicode_data::kLowercase;
  const auto* end = kLowercase + unicode_data::kLowercaseSize;
  const auto* it = std::upper_bound(
      kLowercase, end, cp,
      [](char32_t c, const unicode_data::LowercaseRun& run) { return c < run.first; });
  if (it == kLowercase) return cp;
  const auto& run = *(it - 1);
  if (cp > run.last || (cp - run.first) % run.step != 0) return cp;
  return static_cast<char32_t>(static_cast<int32_t>(cp) + run.delta);
}

bool is_case_ignorable(char32_t cp) {
  return unicode_data::in_ranges(unicode_data::kCaseIgnorable, unicode_data::kCaseIgnorableSize,
                                 cp);
}

bool is_cased(char32_t cp) {
  return unicode_data::in_ranges(unicode_data::kCasedNotIgnorable,
                                 unicode_data::kCasedNotIgnorableSize, cp);
}

// Python's Final_Sigma test: a cased letter before (skipping case-ignorable characters)
// and none after.
bool is_final_sigma(const std::u32string& text, std::size_t i) {
  std::size_t j = i;
  while (j > 0 && is_case_ignorable(text[j - 1])) --j;
  if (j == 0 || !is_cased(text[j - 1])) return false;
  std::size_t k = i + 1;
  while (k < text.size() && is_case_ignorable(text[k])) ++k;
  return k == text.size() || !is_cased(text[k]);
}

}  // namespace

void python_lower(std::string_view text, std::string* out) {
  out->clear();
  const bool ascii = std::all_of(text.begin(), text.end(),
                                 [](char c) { return static_cast<unsigned char>(c) < 0x80; });
  if (ascii) {
    out->resize(text.size());
    std::transform(text.begin(), text.end(), out->begin(),
                   [](char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c; });
    return;
  }
  thread_local std::u32string code_points;
  decode_utf8(text, &code_points);
  out->reserve(text.size() + 8);
  for (std::size_t i = 0; i < code_points.size(); ++i) {
    const char32_t cp = code_points[i];
    if (cp == kCapitalIWithDot) {
      out->push_back('i');
      append_utf8(0x307, out);
    } else if (cp == kCapitalSigma) {
      append_utf8(is_final_sigma(code_points, i) ? kFinalSigma : kSmallSigma, out);
    } else {
      append_utf8(lower_one(cp), out);
    }
  }
}

}  // namespace evalkit

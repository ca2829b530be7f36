#include "evalkit/text/levenshtein_distance.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <numeric>
#include <utility>
#include <vector>

namespace evalkit {
namespace {

// Match masks of a pattern of at most 64 code points: bit i is set where pattern[i] is c.
class PatternMasks {
 public:
  explicit PatternMasks(std::span<const char32_t> pattern) {
    for (size_t i = 0; i < pattern.size(); ++i) {
      uint64_t bit = uint64_t{1} << i;
      char32_t c = pattern[i];
      if (c < ascii_.size()) {
        ascii_[c] |= bit;
        continue;
      }
      size_t k = 0;
      while (k < other_count_ && other_[k].first != c) ++k;
      if (k == other_count_) other_[other_count_++] = {c, 0};
      other_[k].second |= bit;
    }
  }

  uint64_t operator[](char32_t c) const {
    if (c < ascii_.size()) return ascii_[c];
    for (size_t k = 0; k < other_count_; ++k) {
      if (other_[k].first == c) return other_[k].second;
    }
    return 0;
  }

 private:
  std::array<uint64_t, 128> ascii_{};
  std::array<std::pair<char32_t, uint64_t>, 64> other_{};
  size_t other_count_ = 0;
};

// Myers 1999 / Hyyrö 2003: the DP column of the pattern is kept as vertical +1/-1 deltas
// in two words; each text character updates the whole column in O(1).
size_t bit_parallel_distance(std::span<const char32_t> pattern, std::span<const char32_t> text) {
  const PatternMasks masks(pattern);
  const size_t m = pattern.size();
  const uint64_t last = uint64_t{1} << (m - 1);
  uint64_t positive = m == 64 ? ~uint64_t{0} : (uint64_t{1} << m) - 1;
  uint64_t negative = 0;
  size_t distance = m;
  for (char32_t c : text) {
    uint64_t equal = masks[c];
    uint64_t xv = equal | negative;
    uint64_t xh = (((equal & positive) + positive) ^ positive) | equal;
    uint64_t horizontal_positive = negative | ~(xh | positive);
    uint64_t horizontal_negative = positive & xh;
    if (horizontal_positive & last) ++distance;
    if (horizontal_negative & last) --distance;
    // Row 0 of the table is 0, 1, 2, ...: the delta entering from the top is always +1.
    horizontal_positive = (horizontal_positive << 1) | 1;
    horizontal_negative <<= 1;
    positive = horizontal_negative | ~(xv | horizontal_positive);
    negative = horizontal_positive & xv;
  }
  return distance;
}

// Match masks of a long pattern, one row of `words` 64-bit words per distinct code point.
class BlockPatternMasks {
 public:
  explicit BlockPatternMasks(std::span<const char32_t> pattern)
      : words_((pattern.size() + 63) / 64), ascii_(128 * words_, 0) {
    for (char32_t c : pattern) {
      if (c >= 128) others_.push_back({c, 0});
    }
    std::sort(others_.begin(), others_.end());
    others_.erase(std::unique(others_.begin(), others_.end(),
                              [](const auto& x, const auto& y) { return x.first == y.first; }),
                  others_.end());
    other_masks_.assign(others_.size() * words_, 0);
    for (size_t k = 0; k < others_.size(); ++k) others_[k].second = k * words_;
    for (size_t i = 0; i < pattern.size(); ++i) {
      uint64_t* row = mutable_row(pattern[i]);
      row[i / 64] |= uint64_t{1} << (i % 64);
    }
  }

  size_t words() const { return words_; }

  // The masks of c, or null when c does not occur in the pattern.
  const uint64_t* row(char32_t c) const {
    if (c < 128) return &ascii_[c * words_];
    auto it = std::lower_bound(others_.begin(), others_.end(), std::pair<char32_t, size_t>{c, 0});
    if (it == others_.end() || it->first != c) return nullptr;
    return &other_masks_[it->second];
  }

 private:
  uint64_t* mutable_row(char32_t c) { return const_cast<uint64_t*>(row(c)); }

  size_t words_;
  std::vector<uint64_t> ascii_;
  std::vector<std::pair<char32_t, size_t>> others_;  // code point -> offset in other_masks_
  std::vector<uint64_t> other_masks_;
};

// Myers' block-based algorithm: the pattern column is split into 64-row blocks that pass
// their horizontal delta (-1, 0, +1) at the bottom row to the block below.
size_t blocked_distance(std::span<const char32_t> pattern, std::span<const char32_t> text) {
  const BlockPatternMasks masks(pattern);
  const size_t words = masks.words();
  const uint64_t last = uint64_t{1} << ((pattern.size() - 1) % 64);
  constexpr uint64_t kHigh = uint64_t{1} << 63;
  std::vector<uint64_t> positive(words, ~uint64_t{0});
  std::vector<uint64_t> negative(words, 0);
  size_t distance = pattern.size();
  for (char32_t c : text) {
    const uint64_t* equal_row = masks.row(c);
    int carry = 1;  // row 0 is 0, 1, 2, ...: +1 enters the first block
    for (size_t w = 0; w < words; ++w) {
      uint64_t equal = equal_row == nullptr ? 0 : equal_row[w];
      uint64_t pv = positive[w];
      uint64_t mv = negative[w];
      uint64_t xv = equal | mv;
      if (carry < 0) equal |= 1;
      uint64_t xh = (((equal & pv) + pv) ^ pv) | equal;
      uint64_t ph = mv | ~(xh | pv);
      uint64_t mh = pv & xh;
      uint64_t out_bit = w + 1 == words ? last : kHigh;
      int carry_out = (ph & out_bit) ? 1 : ((mh & out_bit) ? -1 : 0);
      ph <<= 1;
      mh <<= 1;
      if (carry < 0) {
        mh |= 1;
      } else if (carry > 0) {
        ph |= 1;
      }
      positive[w] = mh | ~(xv | ph);
      negative[w] = ph & xv;
      carry = carry_out;
    }
    distance = static_cast<size_t>(static_cast<long long>(distance) + carry);
  }
  return distance;
}

size_t row_distance(std::span<const char32_t> shorter, std::span<const char32_t> longer) {
  std::vector<size_t> row(shorter.size() + 1);
  std::iota(row.begin(), row.end(), size_t{0});
  for (size_t i = 1; i <= longer.size(); ++i) {
    size_t diagonal = row[0];
    row[0] = i;
    char32_t c = longer[i - 1];
    for (size_t j = 1; j <= shorter.size(); ++j) {
      size_t above = row[j];
      size_t substitute = diagonal + (shorter[j - 1] == c ? 0 : 1);
      row[j] = std::min({substitute, above + 1, row[j - 1] + 1});
      diagonal = above;
    }
  }
  return row[shorter.size()];
}

}  // namespace

size_t levenshtein_distance(std::span<const char32_t> a, std::span<const char32_t> b) {
  size_t prefix = 0;
  while (prefix < a.size() && prefix < b.size() && a[prefix] == b[prefix]) ++prefix;
  a = a.subspan(prefix);
  b = b.subspan(prefix);
  size_t suffix = 0;
  while (suffix < a.size() && suffix < b.size() &&
         a[a.size() - 1 - suffix] == b[b.size() - 1 - suffix]) {
    ++suffix;
  }
  a = a.first(a.size() - suffix);
  b = b.first(b.size() - suffix);
  if (a.size() > b.size()) std::swap(a, b);
  if (a.empty()) return b.size();
  if (a.size() <= 64) return bit_parallel_distance(a, b);
  return blocked_distance(a, b);
}

size_t levenshtein_distance_dp(std::span<const char32_t> a, std::span<const char32_t> b) {
  if (a.size() > b.size()) std::swap(a, b);
  return row_distance(a, b);
}

}  // namespace evalkit

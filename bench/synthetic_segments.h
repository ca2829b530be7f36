// Seeded synthetic hypothesis/reference pairs shaped like the golden README's "Reference
// speed" data: a Zipf-like vocabulary of 5,000 words, references of about 20 words,
// hypotheses with ~15% substitutions, ~5% deletions and one appended word half the time.
// Header-only so that every benchmark program can include it.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

namespace evalkit::bench {

struct SegmentPair {
  std::string hypothesis;
  std::vector<std::string> references;  // one reference
};

// count pairs, identical for the same seed.
inline std::vector<SegmentPair> make_synthetic_segments(std::size_t count, uint64_t seed = 2024) {
  constexpr int kVocabulary = 5000;
  std::mt19937_64 rng(seed);
  // Words of 2-10 letters; a few capitalised or carrying punctuation, so that the 13a
  // tokenizer has work to do as it would on real text.
  std::vector<std::string> words;
  std::uniform_int_distribution<int> length(2, 10);
  std::uniform_int_distribution<int> letter('a', 'z');
  std::uniform_int_distribution<int> percent(0, 99);
  for (int i = 0; i < kVocabulary; ++i) {
    std::string word;
    const int n = length(rng);
    for (int k = 0; k < n; ++k) word.push_back(static_cast<char>(letter(rng)));
    const int kind = percent(rng);
    if (kind < 10) word[0] = static_cast<char>(word[0] - 'a' + 'A');
    if (kind >= 90 && kind < 95) word.push_back(',');
    if (kind >= 95) word += "'s";
    words.push_back(std::move(word));
  }
  // Zipf-like: P(rank r) proportional to 1 / (r + 1).
  std::vector<double> weights(kVocabulary);
  for (int r = 0; r < kVocabulary; ++r) weights[r] = 1.0 / (r + 1);
  std::discrete_distribution<int> zipf(weights.begin(), weights.end());
  std::uniform_int_distribution<int> ref_length(10, 30);  // mean 20
  std::uniform_real_distribution<double> unit(0.0, 1.0);

  std::vector<SegmentPair> pairs(count);
  std::vector<std::string> ref_words, hyp_words;
  auto join = [](const std::vector<std::string>& ws) {
    std::string out;
    for (const auto& w : ws) {
      if (!out.empty()) out.push_back(' ');
      out += w;
    }
    return out + ".";
  };
  for (auto& pair : pairs) {
    ref_words.clear();
    const int n = ref_length(rng);
    for (int k = 0; k < n; ++k) ref_words.push_back(words[zipf(rng)]);
    hyp_words.clear();
    for (const auto& w : ref_words) {
      const double u = unit(rng);
      if (u < 0.05) continue;                                // deletion
      hyp_words.push_back(u < 0.20 ? words[zipf(rng)] : w);  // substitution
    }
    if (unit(rng) < 0.5) hyp_words.push_back(words[zipf(rng)]);  // appended word
    pair.references.push_back(join(ref_words));
    pair.hypothesis = join(hyp_words);
  }
  return pairs;
}

}  // namespace evalkit::bench

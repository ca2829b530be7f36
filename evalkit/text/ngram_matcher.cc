#include "evalkit/text/ngram_matcher.h"

#include <algorithm>

namespace evalkit {

void NgramMatcher::count_matches(std::span<const uint32_t> hypothesis,
                                 std::span<const std::span<const uint32_t>> references,
                                 uint32_t vocabulary_size, int max_order, int64_t* matches) {
  hyp_ids_.assign(hypothesis.begin(), hypothesis.end());
  ref_ids_.clear();
  ref_start_.clear();
  for (const auto& ref : references) {
    ref_start_.push_back(ref_ids_.size());
    ref_ids_.insert(ref_ids_.end(), ref.begin(), ref.end());
  }
  for (int order = 1; order <= max_order; ++order) {
    matches[order - 1] = 0;
    if (hypothesis.size() < static_cast<std::size_t>(order)) continue;
    uint32_t id_count = vocabulary_size;
    if (order > 1) {
      extend_ids(hypothesis, references, order);
      id_count = ngram_ids_.size();
    }
    matches[order - 1] = count_order(references, order, id_count);
  }
}

void NgramMatcher::extend_ids(std::span<const uint32_t> hypothesis,
                              std::span<const std::span<const uint32_t>> references, int order) {
  ngram_ids_.reset(ref_ids_.size());
  const std::size_t extra = static_cast<std::size_t>(order - 1);
  for (std::size_t r = 0; r < references.size(); ++r) {
    const auto& ref = references[r];
    uint32_t* ids = ref_ids_.data() + ref_start_[r];
    if (ref.size() < static_cast<std::size_t>(order)) continue;
    const std::size_t positions = ref.size() - extra;
    for (std::size_t j = 0; j < positions; ++j) {
      if (ids[j] == kDead) continue;
      ids[j] = ngram_ids_.intern((static_cast<uint64_t>(ids[j]) << 32) | ref[j + extra]);
    }
  }
  const std::size_t positions = hypothesis.size() - extra;
  for (std::size_t i = 0; i < positions; ++i) {
    if (hyp_ids_[i] == kDead) continue;
    const uint32_t id =
        ngram_ids_.find((static_cast<uint64_t>(hyp_ids_[i]) << 32) | hypothesis[i + extra]);
    hyp_ids_[i] = id == KeyInterner::kAbsent ? kDead : id;
  }
}

int64_t NgramMatcher::count_order(std::span<const std::span<const uint32_t>> references, int order,
                                  uint32_t id_count) {
  max_count_.assign(id_count, 0);
  if (ref_count_.size() < id_count) ref_count_.resize(id_count, 0);
  in_hypothesis_.assign(id_count, 0);
  const std::size_t extra = static_cast<std::size_t>(order - 1);

  if (references.size() == 1) {
    // One reference: its counts are the maxima.
    if (references[0].size() >= static_cast<std::size_t>(order)) {
      const uint32_t* ids = ref_ids_.data();
      const std::size_t positions = references[0].size() - extra;
      for (std::size_t j = 0; j < positions; ++j) {
        if (ids[j] != kDead) ++max_count_[ids[j]];
      }
    }
  } else {
    for (std::size_t r = 0; r < references.size(); ++r) {
      if (references[r].size() < static_cast<std::size_t>(order)) continue;
      const uint32_t* ids = ref_ids_.data() + ref_start_[r];
      const std::size_t positions = references[r].size() - extra;
      for (std::size_t j = 0; j < positions; ++j) {
        if (ids[j] != kDead) ++ref_count_[ids[j]];
      }
      for (std::size_t j = 0; j < positions; ++j) {
        const uint32_t id = ids[j];
        if (id == kDead || ref_count_[id] == 0) continue;
        max_count_[id] = std::max(max_count_[id], ref_count_[id]);
        ref_count_[id] = 0;
      }
    }
  }

  // Each hypothesis occurrence uses up one reference occurrence: sum of min(hyp, max_ref).
  int64_t matched = 0;
  const std::size_t hyp_positions = hyp_ids_.size() - extra;
  for (std::size_t i = 0; i < hyp_positions; ++i) {
    const uint32_t id = hyp_ids_[i];
    if (id == kDead) continue;
    if (order == 1 && max_count_[id] == 0 && !in_hypothesis_[id]) {
      hyp_ids_[i] = kDead;  // a word no reference has
      continue;
    }
    in_hypothesis_[id] = 1;
    if (max_count_[id] > 0) {
      --max_count_[id];
      ++matched;
    }
  }

  // Reference n-grams the hypothesis lacks cannot start a longer match.
  for (std::size_t r = 0; r < references.size(); ++r) {
    if (references[r].size() < static_cast<std::size_t>(order)) continue;
    uint32_t* ids = ref_ids_.data() + ref_start_[r];
    const std::size_t positions = references[r].size() - extra;
    for (std::size_t j = 0; j < positions; ++j) {
      if (ids[j] != kDead && !in_hypothesis_[ids[j]]) ids[j] = kDead;
    }
  }
  return matched;
}

}  // namespace evalkit

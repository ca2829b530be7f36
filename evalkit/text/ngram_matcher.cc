#include "evalkit/text/ngram_matcher.h"

#include <algorithm>

namespace evalkit {
namespace {

// Direct (previous id, next token) tables up to this many entries (8 bytes each: stays in
// the L2 cache); larger segments hash their pairs.
constexpr uint64_t kMaxDirectPairs = 1 << 15;
constexpr uint64_t kStampMask = 0xFFFFFFFF00000000ULL;

}  // namespace

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
  uint32_t id_count = vocabulary_size;
  for (int order = 1; order <= max_order; ++order) {
    matches[order - 1] = 0;
    if (hypothesis.size() < static_cast<std::size_t>(order)) continue;
    if (order > 1) {
      id_count = extend_ids(hypothesis, references, order, id_count, vocabulary_size);
    }
    matches[order - 1] = count_order(references, order, id_count);
  }
}

uint32_t NgramMatcher::extend_ids(std::span<const uint32_t> hypothesis,
                                  std::span<const std::span<const uint32_t>> references, int order,
                                  uint32_t previous_count, uint32_t vocabulary_size) {
  if (static_cast<uint64_t>(previous_count) * vocabulary_size <= kMaxDirectPairs) {
    return extend_ids_direct(hypothesis, references, order, vocabulary_size);
  }
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
  return ngram_ids_.size();
}

uint32_t NgramMatcher::extend_ids_direct(std::span<const uint32_t> hypothesis,
                                         std::span<const std::span<const uint32_t>> references,
                                         int order, uint32_t vocabulary_size) {
  if (pair_ids_.size() < kMaxDirectPairs) pair_ids_.assign(kMaxDirectPairs, 0);
  if (++pair_stamp_ == 0) {  // the stamp wrapped: old entries could look current
    std::fill(pair_ids_.begin(), pair_ids_.end(), 0);
    pair_stamp_ = 1;
  }
  const uint64_t stamp = static_cast<uint64_t>(pair_stamp_) << 32;
  uint32_t next_id = 0;
  const std::size_t extra = static_cast<std::size_t>(order - 1);
  for (std::size_t r = 0; r < references.size(); ++r) {
    const auto& ref = references[r];
    uint32_t* ids = ref_ids_.data() + ref_start_[r];
    if (ref.size() < static_cast<std::size_t>(order)) continue;
    const std::size_t positions = ref.size() - extra;
    for (std::size_t j = 0; j < positions; ++j) {
      if (ids[j] == kDead) continue;
      uint64_t& slot =
          pair_ids_[static_cast<std::size_t>(ids[j]) * vocabulary_size + ref[j + extra]];
      if ((slot & kStampMask) != stamp) slot = stamp | next_id++;
      ids[j] = static_cast<uint32_t>(slot);
    }
  }
  const std::size_t positions = hypothesis.size() - extra;
  for (std::size_t i = 0; i < positions; ++i) {
    if (hyp_ids_[i] == kDead) continue;
    const uint64_t slot =
        pair_ids_[static_cast<std::size_t>(hyp_ids_[i]) * vocabulary_size + hypothesis[i + extra]];
    hyp_ids_[i] = (slot & kStampMask) == stamp ? static_cast<uint32_t>(slot) : kDead;
  }
  return next_id;
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

// Clipped n-gram matches between a hypothesis and references, on token ids: the core count
// of BLEU (words) and chrF (characters and words).
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "evalkit/text/key_interner.h"

namespace evalkit {

class NgramMatcher {
 public:
  // For n = 1..max_order, writes to matches[n-1] the number of hypothesis n-grams found in
  // the references, each distinct n-gram clipped to its highest count in any one reference
  // (sacrebleu's rule). Token ids must be below vocabulary_size. Reuses its buffers: one
  // matcher per thread.
  void count_matches(std::span<const uint32_t> hypothesis,
                     std::span<const std::span<const uint32_t>> references,
                     uint32_t vocabulary_size, int max_order, int64_t* matches);

 private:
  static constexpr uint32_t kDead = UINT32_MAX;

  // Builds the n-gram ids of order n from those of order n-1 (in place); returns how many
  // ids order n has. previous_count bounds the ids of order n-1.
  uint32_t extend_ids(std::span<const uint32_t> hypothesis,
                      std::span<const std::span<const uint32_t>> references, int order,
                      uint32_t previous_count, uint32_t vocabulary_size);
  // The same with a table indexed by (previous id, next token), for the common case of
  // small segments: no hashing and no probing.
  uint32_t extend_ids_direct(std::span<const uint32_t> hypothesis,
                             std::span<const std::span<const uint32_t>> references, int order,
                             uint32_t vocabulary_size);
  int64_t count_order(std::span<const std::span<const uint32_t>> references, int order,
                      uint32_t id_count);

  KeyInterner ngram_ids_;
  // (stamp << 32) | id per (previous id, next token) pair; current only when the stamp
  // matches pair_stamp_, so a new order starts without clearing.
  std::vector<uint64_t> pair_ids_;
  uint32_t pair_stamp_ = 0;
  // N-gram id per start position, kDead once the n-gram cannot match any more: a hypothesis
  // n-gram absent from the references, or a reference n-gram absent from the hypothesis
  // (longer n-grams starting there cannot match either).
  std::vector<uint32_t> hyp_ids_;
  std::vector<uint32_t> ref_ids_;       // all references, one after another
  std::vector<std::size_t> ref_start_;  // where each reference begins in ref_ids_
  std::vector<uint32_t> max_count_;     // per n-gram id: highest count in one reference
  std::vector<uint32_t> ref_count_;     // per n-gram id: count in the current reference
  std::vector<uint8_t> in_hypothesis_;
};

}  // namespace evalkit

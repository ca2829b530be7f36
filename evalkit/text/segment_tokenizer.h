// Turns BLEU segments into token ids fast: sacrebleu's preprocessing and tokenizer, with the
// tokens of each whitespace-separated chunk remembered. The 13a and none tokenizers treat
// chunks independently (the rules only look at neighbouring characters, and whitespace acts
// the same on both sides of a chunk), so a chunk seen before costs one hash lookup.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "evalkit/text/token_interner.h"
#include "evalkit/text/word_tokenizer.h"

namespace evalkit {

class SegmentTokenizer {
 public:
  SegmentTokenizer();
  ~SegmentTokenizer();
  SegmentTokenizer(const SegmentTokenizer&) = delete;
  SegmentTokenizer& operator=(const SegmentTokenizer&) = delete;

  // Starts a new segment. Ids stay comparable until the next begin_segment(), which may
  // forget everything once the caches grow past their bound.
  void begin_segment();

  // Appends to *ids the ids of text's tokens, exactly those tokenize_for_bleu() gives.
  void tokenize(std::string_view text, WordTokenizer tokenizer, bool lowercase,
                std::vector<uint32_t>* ids);

  // One more than the largest id given out since the last begin_segment().
  uint32_t id_bound() const { return vocabulary_.size(); }

 private:
  struct ChunkTable;

  uint32_t intern_token(std::string_view token);
  void append_chunk(std::string_view chunk, WordTokenizer tokenizer, std::vector<uint32_t>* ids);
  std::string_view keep(std::string_view bytes);  // a copy that outlives the segment

  TokenInterner vocabulary_;
  std::unique_ptr<ChunkTable> chunks_[3];  // one per WordTokenizer
  std::vector<std::unique_ptr<char[]>> blocks_;
  std::size_t block_used_ = 0;
  std::size_t block_size_ = 0;
  std::string repaired_, lowered_, unescaped_, tokens_;
};

}  // namespace evalkit

#include "evalkit/text/segment_tokenizer.h"

#include <cstring>

#include "evalkit/text/python_lower.h"
#include "evalkit/text/python_whitespace.h"
#include "evalkit/text/tokenizer_13a.h"
#include "evalkit/text/utf8.h"

namespace evalkit {
namespace {

// sacrebleu caches 2^16 tokenized lines; this bounds the chunk cache the same way.
constexpr std::size_t kMaxCachedChunks = 1 << 16;
constexpr std::size_t kBlockBytes = 1 << 16;

}  // namespace

// chunk bytes -> the ids of its tokens, an open-addressing table that grows by doubling.
struct SegmentTokenizer::ChunkTable {
  struct Slot {
    uint64_t hash = 0;
    std::string_view chunk;
    uint32_t ids_begin = 0;
    uint32_t ids_count = 0;
    bool used = false;
  };
  std::vector<Slot> slots = std::vector<Slot>(1024);
  std::vector<uint32_t> ids;
  std::size_t size = 0;

  Slot* find(std::string_view chunk, uint64_t hash) {
    std::size_t mask = slots.size() - 1;
    for (std::size_t i = hash & mask;; i = (i + 1) & mask) {
      Slot& s = slots[i];
      if (!s.used || (s.hash == hash && s.chunk == chunk)) return &s;
    }
  }

  void grow() {
    std::vector<Slot> old(slots.size() * 2);
    old.swap(slots);
    for (const Slot& s : old) {
      if (s.used) *find(s.chunk, s.hash) = s;
    }
  }

  void clear() {
    slots.assign(1024, Slot{});
    ids.clear();
    size = 0;
  }
};

SegmentTokenizer::SegmentTokenizer() {
  for (auto& table : chunks_) table = std::make_unique<ChunkTable>();
  vocabulary_.reset(kMaxCachedChunks);
}

SegmentTokenizer::~SegmentTokenizer() = default;

void SegmentTokenizer::begin_segment() {
  std::size_t cached = 0;
  for (const auto& table : chunks_) cached += table->size;
  if (cached < kMaxCachedChunks && vocabulary_.size() < kMaxCachedChunks) return;
  for (auto& table : chunks_) table->clear();
  vocabulary_.reset(kMaxCachedChunks);
  blocks_.clear();
  block_used_ = block_size_ = 0;
}

std::string_view SegmentTokenizer::keep(std::string_view bytes) {
  if (block_used_ + bytes.size() > block_size_) {
    block_size_ = std::max(kBlockBytes, bytes.size());
    blocks_.push_back(std::make_unique<char[]>(block_size_));
    block_used_ = 0;
  }
  char* at = blocks_.back().get() + block_used_;
  std::memcpy(at, bytes.data(), bytes.size());
  block_used_ += bytes.size();
  return {at, bytes.size()};
}

uint32_t SegmentTokenizer::intern_token(std::string_view token) {
  if (vocabulary_.size() * 2 + 2 >= vocabulary_.capacity()) {
    // Past the table's bound within one segment (a huge text): start a larger table.
    vocabulary_.grow();
  }
  const uint32_t before = vocabulary_.size();
  const uint32_t id = vocabulary_.intern(token);
  if (id == before) vocabulary_.rebind(id, keep(token));  // the view must outlive the text
  return id;
}

void SegmentTokenizer::append_chunk(std::string_view chunk, WordTokenizer tokenizer,
                                    std::vector<uint32_t>* ids) {
  ChunkTable& table = *chunks_[static_cast<int>(tokenizer)];
  const uint64_t hash = token_hash(chunk);
  ChunkTable::Slot* slot = table.find(chunk, hash);
  if (!slot->used) {
    const auto begin = static_cast<uint32_t>(table.ids.size());
    if (tokenizer == WordTokenizer::kNone) {
      table.ids.push_back(intern_token(chunk));
    } else {
      split_13a(chunk, &tokens_);
      std::size_t start = 0;
      while (start < tokens_.size()) {
        std::size_t end = tokens_.find(' ', start);
        if (end == std::string::npos) end = tokens_.size();
        table.ids.push_back(intern_token(std::string_view(tokens_).substr(start, end - start)));
        start = end + 1;
      }
    }
    *slot = ChunkTable::Slot{hash, keep(chunk), begin,
                             static_cast<uint32_t>(table.ids.size() - begin), true};
    if (++table.size * 2 > table.slots.size()) {
      table.grow();
      slot = table.find(chunk, hash);
    }
  }
  ids->insert(ids->end(), table.ids.begin() + slot->ids_begin,
              table.ids.begin() + slot->ids_begin + slot->ids_count);
}

void SegmentTokenizer::tokenize(std::string_view text, WordTokenizer tokenizer, bool lowercase,
                                std::vector<uint32_t>* ids) {
  if (tokenizer == WordTokenizer::kIntl) {
    // intl treats the first and last chunk of a line differently: no chunk cache.
    tokenize_for_bleu(text, tokenizer, lowercase, &tokens_);
    for_each_python_word(tokens_,
                         [&](std::string_view token) { ids->push_back(intern_token(token)); });
    return;
  }
  text = valid_utf8(text, &repaired_);
  if (lowercase) {
    python_lower(text, &lowered_);
    text = lowered_;
  }
  text = python_rstrip(text);
  if (tokenizer == WordTokenizer::k13a) text = unescape_13a(text, &unescaped_);
  for_each_python_word(text, [&](std::string_view chunk) { append_chunk(chunk, tokenizer, ids); });
}

}  // namespace evalkit

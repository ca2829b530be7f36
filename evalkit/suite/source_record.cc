#include "evalkit/suite/source_record.h"

#include <sys/mman.h>

#include <algorithm>
#include <cstring>
#include <new>
#include <string>

namespace evalkit {
namespace {

// Each node is one byte of kind and tag, its mark, then its tag's or text's bytes.
enum Op : uint8_t { kScalar = 0, kNull = 1, kOpenSequence = 2, kOpenMap = 3, kClose = 4 };
enum TagKind : uint8_t { kNoTag = 0, kPlainTag = 1, kQuotedTag = 2, kOtherTag = 3 };

constexpr size_t kChunkBytes = size_t{1} << 20;
constexpr size_t kMaxVarint = 10;

TagKind kind_of(std::string_view tag) {
  if (tag.empty()) return kNoTag;
  if (tag == "?") return kPlainTag;
  if (tag == "!") return kQuotedTag;
  return kOtherTag;
}

uint64_t zigzag(int64_t value) {
  return (static_cast<uint64_t>(value) << 1) ^ static_cast<uint64_t>(value >> 63);
}

int64_t unzigzag(uint64_t value) {
  return static_cast<int64_t>(value >> 1) ^ -static_cast<int64_t>(value & 1);
}

// Reads what SourceRecording wrote, refusing anything cut short.
class RecordReader {
 public:
  explicit RecordReader(std::string_view bytes) : bytes_(bytes) {}
  bool done() const { return at_ == bytes_.size(); }

  bool byte(uint8_t* out) {
    if (at_ >= bytes_.size()) return false;
    *out = static_cast<uint8_t>(bytes_[at_++]);
    return true;
  }

  bool varint(uint64_t* out) {
    uint64_t value = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      uint8_t b = 0;
      if (!byte(&b)) return false;
      value |= uint64_t(b & 0x7F) << shift;
      if ((b & 0x80) == 0) {
        *out = value;
        return true;
      }
    }
    return false;
  }

  bool text(std::string_view* out) {
    uint64_t size = 0;
    if (!varint(&size) || size > bytes_.size() - at_) return false;
    *out = bytes_.substr(at_, size);
    at_ += size;
    return true;
  }

  bool mark(int start_line, SourceMark* out) {
    uint64_t line = 0;
    uint64_t column = 0;
    if (!varint(&line) || !varint(&column)) return false;
    out->line = static_cast<int>(start_line + unzigzag(line));
    out->column = static_cast<int>(unzigzag(column));
    return true;
  }

  bool tag(uint8_t kind, std::string_view* out) {
    switch (kind) {
      case kNoTag:
        *out = "";
        return true;
      case kPlainTag:
        *out = "?";
        return true;
      case kQuotedTag:
        *out = "!";
        return true;
      default:
        return text(out);
    }
  }

 private:
  std::string_view bytes_;
  size_t at_ = 0;
};

}  // namespace

SourceRecording::~SourceRecording() {
  for (const Chunk& chunk : chunks_) ::munmap(chunk.data, chunk.size);
}

char* SourceRecording::room(size_t bytes) {
  if (!chunks_.empty() && chunks_.back().used + bytes <= chunks_.back().size) {
    return chunks_.back().data + chunks_.back().used;
  }
  const size_t partial = chunks_.empty() ? 0 : chunks_.back().used - item_start_;
  const size_t size =
      std::max(kChunkBytes, (2 * (partial + bytes) + kChunkBytes - 1) / kChunkBytes * kChunkBytes);
  void* pages = ::mmap(nullptr, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (pages == MAP_FAILED) throw std::bad_alloc();
  Chunk next{static_cast<char*>(pages), size, partial};
  if (partial > 0) {
    Chunk& last = chunks_.back();
    std::memcpy(next.data, last.data + item_start_, partial);
    last.used = item_start_;
  }
  if (!chunks_.empty() && chunks_.back().used == 0) {
    ::munmap(chunks_.back().data, chunks_.back().size);
    chunks_.pop_back();
  }
  chunks_.push_back(next);
  item_start_ = 0;
  return next.data + next.used;
}

void SourceRecording::put_varint(uint64_t value) {
  char* out = room(kMaxVarint);
  size_t written = 0;
  do {
    uint8_t b = value & 0x7F;
    value >>= 7;
    if (value != 0) b |= 0x80;
    out[written++] = static_cast<char>(b);
  } while (value != 0);
  chunks_.back().used += written;
}

void SourceRecording::put_mark(SourceMark mark) {
  put_varint(zigzag(int64_t{mark.line} - start_line_));
  put_varint(zigzag(mark.column));
}

void SourceRecording::put_text(std::string_view text) {
  put_varint(text.size());
  if (text.empty()) return;
  char* out = room(text.size());
  std::memcpy(out, text.data(), text.size());
  chunks_.back().used += text.size();
}

void SourceRecording::put_tag(std::string_view tag) {
  if (kind_of(tag) == kOtherTag) put_text(tag);
}

void SourceRecording::begin(SourceMark start) {
  start_line_ = start.line;
  item_start_ = chunks_.empty() ? 0 : chunks_.back().used;
}

void SourceRecording::add_scalar(SourceMark mark, std::string_view tag, std::string_view text) {
  put_varint(kScalar | kind_of(tag) << 3);
  put_mark(mark);
  put_tag(tag);
  put_text(text);
}

void SourceRecording::add_null(SourceMark mark) {
  put_varint(kNull);
  put_mark(mark);
}

void SourceRecording::open(SourceNodeType type, SourceMark mark, std::string_view tag) {
  put_varint((type == SourceNodeType::kSequence ? kOpenSequence : kOpenMap) | kind_of(tag) << 3);
  put_mark(mark);
  put_tag(tag);
}

void SourceRecording::close() { put_varint(kClose); }

std::string_view SourceRecording::end() {
  if (chunks_.empty()) return {};
  const Chunk& last = chunks_.back();
  return std::string_view(last.data + item_start_, last.used - item_start_);
}

bool SourceRecording::replay(std::string_view recorded, SourceMark start, SourceDocument* out) {
  size_t holder = 0;
  while (holder < chunks_.size() &&
         !(recorded.data() >= chunks_[holder].data &&
           recorded.data() + recorded.size() <= chunks_[holder].data + chunks_[holder].used)) {
    ++holder;
  }
  if (holder == chunks_.size() || recorded.empty()) return false;
  RecordReader reader(recorded);
  while (!reader.done()) {
    uint8_t code = 0;
    if (!reader.byte(&code)) return false;
    const uint8_t op = code & 7;
    std::string_view tag;
    SourceMark mark;
    if (op != kClose && (!reader.mark(start.line, &mark) || !reader.tag(code >> 3, &tag))) {
      return false;
    }
    switch (op) {
      case kScalar: {
        std::string_view text;
        if (!reader.text(&text)) return false;
        out->add_scalar(mark, tag, std::string(text));
        break;
      }
      case kNull:
        out->add_null(mark);
        break;
      case kOpenSequence:
        out->open(SourceNodeType::kSequence, mark, tag);
        break;
      case kOpenMap:
        out->open(SourceNodeType::kMap, mark, tag);
        break;
      case kClose:
        out->close();
        break;
      default:
        return false;
    }
  }
  // Every map in the chunks before this one has been read, and so has this chunk once its
  // last map is.
  size_t drop = holder;
  const Chunk& holding = chunks_[holder];
  if (recorded.data() + recorded.size() == holding.data + holding.used) ++drop;
  for (size_t i = 0; i < drop; ++i) {
    ::munmap(chunks_.front().data, chunks_.front().size);
    chunks_.pop_front();
  }
  return true;
}

}  // namespace evalkit

// Maps of a suite document kept as compact bytes until they are read. A YAML suite is read in
// one pass; each of its cases is recorded as the nodes it would add to the tree (type, tag,
// position and text), about the size of its text, and built only when the case is parsed
// (expand_deferred). The cases read so far are given back to the system as reading goes, in
// pages of their own, so the tree of every case and the cases built from them are never all
// held at once.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <string_view>

#include "evalkit/suite/source_node.h"

namespace evalkit {

class SourceRecording {
 public:
  SourceRecording() = default;
  ~SourceRecording();
  SourceRecording(const SourceRecording&) = delete;
  SourceRecording& operator=(const SourceRecording&) = delete;

  // Recording one map, from its own opening to its closing, in document order; lines are
  // kept relative to start's (the map's own mark). Throws std::bad_alloc when no pages can be
  // had.
  void begin(SourceMark start);
  void add_scalar(SourceMark mark, std::string_view tag, std::string_view text);
  void add_null(SourceMark mark);
  void open(SourceNodeType type, SourceMark mark, std::string_view tag);
  void close();
  // The map's bytes, valid until replay gives them back.
  std::string_view end();

  // Builds into *out the nodes of a map end() gave (recorded from start), then gives back
  // the pages of every map recorded up to it. Maps are replayed once each, in order, after
  // the last is recorded: false (with nothing built) for one already given back.
  bool replay(std::string_view recorded, SourceMark start, SourceDocument* out);

 private:
  struct Chunk {
    char* data = nullptr;
    size_t size = 0;
    size_t used = 0;
  };
  // Room for bytes more in the last chunk; the map being recorded moves whole to a new chunk
  // when it does not fit, so that every map's bytes are contiguous.
  char* room(size_t bytes);
  void put_varint(uint64_t value);
  void put_mark(SourceMark mark);
  void put_text(std::string_view text);
  void put_tag(std::string_view tag);

  std::deque<Chunk> chunks_;
  size_t item_start_ = 0;  // where the map being recorded starts in the last chunk
  int start_line_ = 0;
};

}  // namespace evalkit

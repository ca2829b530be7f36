// A suite document as read from its text: maps, lists and scalars, each with the position it
// starts at. JSON text is read by a JSON parser and YAML text by a YAML parser into the same
// tree, the one yaml-cpp would build: a JSON text gives the same nodes, tags and positions
// either way. The nodes live in one compact arena owned by SourceDocument; a SourceNode is a
// cheap handle into it, valid while the document lives.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "evalkit/base/page_allocator.h"
#include "evalkit/base/status.h"
#include "evalkit/suite/yaml_expansion.h"

namespace evalkit {

class SourceDocument;
class SourceRecording;

// 0-based line and column (in bytes) where a node starts; -1 when unknown.
struct SourceMark {
  int line = -1;
  int column = -1;
};

enum class SourceNodeType : uint8_t { kUndefined, kNull, kScalar, kSequence, kMap };

struct SourceEntry;
class SourceNodeIterator;

class SourceNode {
 public:
  // A null node, as a default yaml-cpp node is; a key or item that is not there is undefined.
  SourceNode() = default;
  static SourceNode undefined() {
    SourceNode node;
    node.null_ = false;
    return node;
  }

  SourceNodeType type() const;
  bool is_defined() const { return document_ != nullptr || null_; }
  explicit operator bool() const { return is_defined(); }
  bool is_null() const { return type() == SourceNodeType::kNull; }
  bool is_scalar() const { return type() == SourceNodeType::kScalar; }
  bool is_sequence() const { return type() == SourceNodeType::kSequence; }
  bool is_map() const { return type() == SourceNodeType::kMap; }

  // A scalar's text (empty for other nodes).
  const std::string& scalar() const;
  // YAML's tag: "!" for a quoted scalar, "?" for a plain one or a collection, "" for null,
  // else the explicit tag as yaml-cpp spells it.
  std::string_view tag() const;
  SourceMark mark() const;

  // Items of a list or pairs of a map.
  size_t size() const;
  // The value of key in a map (the first, if the key is repeated); undefined if there is none.
  SourceNode operator[](std::string_view key) const;
  // Item index of a list; undefined past its end.
  SourceNode operator[](size_t index) const;

  // Iterates a list's items or a map's pairs, as yaml-cpp does: a list's entries are the
  // items themselves, a map's have `first` (the key) and `second` (the value).
  SourceNodeIterator begin() const;
  SourceNodeIterator end() const;

 private:
  friend class SourceDocument;
  friend class SourceNodeIterator;
  friend SourceNode expand_deferred(const SourceNode& node, SourceDocument* scratch);
  SourceNode(const SourceDocument* document, uint32_t index) : document_(document), index_(index) {}

  const SourceDocument* document_ = nullptr;
  uint32_t index_ = 0;
  bool null_ = true;  // without a document: null (default) or undefined
};

struct SourceEntry : SourceNode {
  SourceEntry() = default;
  SourceEntry(SourceNode item, SourceNode key, SourceNode value)
      : SourceNode(item), first(key), second(value) {}
  SourceNode first;
  SourceNode second;
};

class SourceNodeIterator {
 public:
  SourceNodeIterator(SourceNode parent, size_t position) : parent_(parent), position_(position) {}
  const SourceEntry& operator*() const;
  const SourceEntry* operator->() const { return &**this; }
  SourceNodeIterator& operator++() {
    ++position_;
    return *this;
  }
  bool operator==(const SourceNodeIterator& other) const { return position_ == other.position_; }
  bool operator!=(const SourceNodeIterator& other) const { return position_ != other.position_; }

 private:
  SourceNode parent_;
  size_t position_;
  mutable SourceEntry entry_;  // what operator* returns
};

inline SourceNodeIterator SourceNode::begin() const { return SourceNodeIterator(*this, 0); }
inline SourceNodeIterator SourceNode::end() const { return SourceNodeIterator(*this, size()); }

class SourceDocument {
 public:
  SourceDocument();
  ~SourceDocument();
  SourceDocument(SourceDocument&&) noexcept;
  SourceDocument& operator=(SourceDocument&&) noexcept;

  // The document's root; null when the text holds no document.
  SourceNode root() const { return root_ < nodes_.size() ? node(root_) : SourceNode(); }

  // Building, in document order: a scalar or null is added whole; a list or map is opened,
  // its children added (a map's as key, value, key, value...), then closed. add_alias adds a
  // node already built (a YAML alias shares its anchor's node). Each returns the node's index.
  uint32_t add_scalar(SourceMark mark, std::string_view tag, std::string text);
  uint32_t add_null(SourceMark mark);
  // A map whose text is read only when expand_deferred asks for it; text must outlive the
  // document.
  uint32_t add_deferred_map(SourceMark mark, std::string_view text);
  // A map whose nodes were recorded into recording() (source_record.h), built only when
  // expand_deferred asks for it.
  uint32_t add_recorded_map(SourceMark mark, std::string_view recorded);
  SourceRecording* recording();
  uint32_t open(SourceNodeType type, SourceMark mark, std::string_view tag);
  void close();
  void add_alias(uint32_t index);
  // Drops everything built so far.
  void clear();
  // The same, keeping the room it had, for a document built again and again.
  void reset();
  // Called with a deferred map's text each time expand_deferred has read it into its scratch
  // document. The suite reader reads each case once, in order, so its caller may give back
  // the text of the cases already read.
  void on_deferred_read(std::function<void(std::string_view)> done) {
    deferred_read_ = std::move(done);
  }

 private:
  friend class SourceNode;
  friend class SourceNodeIterator;
  friend SourceNode expand_deferred(const SourceNode& node, SourceDocument* scratch);
  enum class Tag : uint8_t { kNone, kPlain, kQuoted, kOther };
  struct Entry {
    SourceNodeType type = SourceNodeType::kUndefined;
    Tag tag = Tag::kNone;
    bool deferred = false;  // a map kept as text (first: its index in deferred_)
    bool recorded = false;  // a deferred map kept as recorded nodes (in recording_)
    int32_t line = -1;
    int32_t column = -1;
    uint32_t first = 0;  // scalars: index in scalars_; collections: first child in children_
    uint32_t count = 0;  // collections: children (a map's keys and values)
  };

  SourceNode node(uint32_t index) const { return SourceNode(this, index); }
  uint32_t add(Entry entry, std::string_view tag);
  void attach(uint32_t index);

  // In pages of their own: a large suite's tree is dropped before the suite is checked, and
  // its memory goes back to the system rather than staying cached by the allocator.
  PageVector<Entry> nodes_;
  PageVector<uint32_t> children_;
  std::vector<std::string> scalars_;
  PageVector<std::string_view> deferred_;
  std::unique_ptr<SourceRecording> recording_;
  std::function<void(std::string_view)> deferred_read_;
  std::unordered_map<uint32_t, std::string> other_tags_;
  // The collections still open, innermost last: each one's index and where its children
  // start in pending_, which holds the children of all of them.
  std::vector<std::pair<uint32_t, size_t>> open_;
  PageVector<uint32_t> pending_;
  uint32_t root_ = UINT32_MAX;
};

// Reads the first YAML document in text into *out, as yaml-cpp's parser reads it. Errors name
// path:line:column: a syntax error as yaml-cpp words it, or aliases that expand past limits
// (as check_yaml_expansion). libyaml reads the text when it reads it as yaml-cpp does
// (libyaml_source.h), which is about five times faster; yaml-cpp reads the rest.
//
// With defer_case_items, when libyaml reads the text, each block map in the root map's block
// `cases` list is recorded (source_record.h) rather than built, and expand_deferred builds it
// when the case is parsed: the tree is the same, but the text need not be kept and the tree
// of every case is never held at once. A document with an anchor or alias inside such a map
// is read as a whole.
Status read_yaml_source(const std::string& path, std::string_view text, SourceDocument* out,
                        const YamlExpansionLimits& limits = {}, bool defer_case_items = false);

// The same with yaml-cpp alone: the reference the libyaml reader is held to.
Status read_yaml_source_with_yaml_cpp(const std::string& path, const std::string& text,
                                      SourceDocument* out, const YamlExpansionLimits& limits = {});

// Reads text as JSON into *out, giving the tree read_yaml_source would give. False (with *out
// cleared) when text is not a JSON object, nests deeper than JSON readers allow, crosses
// limits, or holds something yaml-cpp reads otherwise (a \u escape of a surrogate): the
// caller then reads it as YAML, which accepts or words the error as before.
//
// With defer_case_items, each map in the root's `cases` list is checked and counted but kept as
// its text (text must then outlive *out): expand_deferred reads it when the case is parsed, so
// the tree of every case is never held at once.
bool read_json_source(std::string_view text, SourceDocument* out,
                      const YamlExpansionLimits& limits = {}, bool defer_case_items = false);

// node itself; for a map read_json_source or read_yaml_source deferred, that map read now into
// *scratch (its previous contents dropped), with the marks it has in the whole text.
SourceNode expand_deferred(const SourceNode& node, SourceDocument* scratch);

// "a string", "a list", "a map", "nothing": what a node is, for type errors.
std::string describe_node(const SourceNode& node);

}  // namespace evalkit

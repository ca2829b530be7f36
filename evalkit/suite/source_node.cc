#include "evalkit/suite/source_node.h"

#include <algorithm>
#include <cstring>
#include <sstream>

#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/exceptions.h>
#include <yaml-cpp/parser.h>

#include "evalkit/base/byte_words.h"
#include "evalkit/base/json_parse.h"
#include "evalkit/suite/libyaml_source.h"
#include "evalkit/suite/source_record.h"

namespace evalkit {

// ---- SourceNode

namespace {
const std::string kNoText;
}  // namespace

SourceNodeType SourceNode::type() const {
  if (document_ == nullptr) return null_ ? SourceNodeType::kNull : SourceNodeType::kUndefined;
  return document_->nodes_[index_].type;
}

const std::string& SourceNode::scalar() const {
  if (!is_scalar()) return kNoText;
  return document_->scalars_[document_->nodes_[index_].first];
}

std::string_view SourceNode::tag() const {
  if (document_ == nullptr) return "";
  switch (document_->nodes_[index_].tag) {
    case SourceDocument::Tag::kNone:
      return "";
    case SourceDocument::Tag::kPlain:
      return "?";
    case SourceDocument::Tag::kQuoted:
      return "!";
    case SourceDocument::Tag::kOther:
      return document_->other_tags_.at(index_);
  }
  return "";
}

SourceMark SourceNode::mark() const {
  if (document_ == nullptr) return {};
  const auto& entry = document_->nodes_[index_];
  return {entry.line, entry.column};
}

size_t SourceNode::size() const {
  if (!is_sequence() && !is_map()) return 0;
  const auto& entry = document_->nodes_[index_];
  return is_map() ? entry.count / 2 : entry.count;
}

SourceNode SourceNode::operator[](std::string_view key) const {
  if (!is_map()) return undefined();
  const auto& entry = document_->nodes_[index_];
  for (uint32_t i = 0; i + 1 < entry.count; i += 2) {
    const SourceNode name = document_->node(document_->children_[entry.first + i]);
    if (name.is_scalar() && name.scalar() == key) {
      return document_->node(document_->children_[entry.first + i + 1]);
    }
  }
  return undefined();
}

SourceNode SourceNode::operator[](size_t index) const {
  if (!is_sequence() || index >= size()) return undefined();
  const auto& entry = document_->nodes_[index_];
  return document_->node(document_->children_[entry.first + index]);
}

const SourceEntry& SourceNodeIterator::operator*() const {
  const SourceDocument* document = parent_.document_;
  const auto& entry = document->nodes_[parent_.index_];
  if (parent_.is_map()) {
    const uint32_t at = entry.first + 2 * static_cast<uint32_t>(position_);
    entry_ = SourceEntry({}, document->node(document->children_[at]),
                         document->node(document->children_[at + 1]));
  } else {
    entry_ = SourceEntry(document->node(document->children_[entry.first + position_]), {}, {});
  }
  return entry_;
}

std::string describe_node(const SourceNode& node) {
  switch (node.type()) {
    case SourceNodeType::kNull:
    case SourceNodeType::kUndefined:
      return "nothing";
    case SourceNodeType::kScalar:
      return "'" + node.scalar() + "'";
    case SourceNodeType::kSequence:
      return "a list";
    case SourceNodeType::kMap:
      return "a map";
  }
  return "something else";
}

// ---- SourceDocument

SourceDocument::SourceDocument() = default;
SourceDocument::~SourceDocument() = default;
SourceDocument::SourceDocument(SourceDocument&&) noexcept = default;
SourceDocument& SourceDocument::operator=(SourceDocument&&) noexcept = default;

uint32_t SourceDocument::add(Entry entry, std::string_view tag) {
  if (tag.empty()) {
    entry.tag = Tag::kNone;
  } else if (tag == "?") {
    entry.tag = Tag::kPlain;
  } else if (tag == "!") {
    entry.tag = Tag::kQuoted;
  } else {
    entry.tag = Tag::kOther;
  }
  const auto index = static_cast<uint32_t>(nodes_.size());
  nodes_.push_back(entry);
  if (entry.tag == Tag::kOther) other_tags_.emplace(index, tag);
  return index;
}

void SourceDocument::attach(uint32_t index) {
  if (open_.empty()) {
    if (root_ == UINT32_MAX) root_ = index;
    return;
  }
  pending_.push_back(index);
}

uint32_t SourceDocument::add_scalar(SourceMark mark, std::string_view tag, std::string text) {
  Entry entry;
  entry.type = SourceNodeType::kScalar;
  entry.line = mark.line;
  entry.column = mark.column;
  entry.first = static_cast<uint32_t>(scalars_.size());
  scalars_.push_back(std::move(text));
  const uint32_t index = add(entry, tag);
  attach(index);
  return index;
}

uint32_t SourceDocument::add_deferred_map(SourceMark mark, std::string_view text) {
  Entry entry;
  entry.type = SourceNodeType::kMap;
  entry.deferred = true;
  entry.line = mark.line;
  entry.column = mark.column;
  entry.first = static_cast<uint32_t>(deferred_.size());
  deferred_.push_back(text);
  const uint32_t index = add(entry, "?");
  attach(index);
  return index;
}

uint32_t SourceDocument::add_recorded_map(SourceMark mark, std::string_view recorded) {
  const uint32_t index = add_deferred_map(mark, recorded);
  nodes_[index].recorded = true;
  return index;
}

SourceRecording* SourceDocument::recording() {
  if (recording_ == nullptr) recording_ = std::make_unique<SourceRecording>();
  return recording_.get();
}

uint32_t SourceDocument::add_null(SourceMark mark) {
  Entry entry;
  entry.type = SourceNodeType::kNull;
  entry.line = mark.line;
  entry.column = mark.column;
  const uint32_t index = add(entry, "");
  attach(index);
  return index;
}

uint32_t SourceDocument::open(SourceNodeType type, SourceMark mark, std::string_view tag) {
  Entry entry;
  entry.type = type;
  entry.line = mark.line;
  entry.column = mark.column;
  const uint32_t index = add(entry, tag);
  attach(index);
  open_.emplace_back(index, pending_.size());
  return index;
}

void SourceDocument::close() {
  if (open_.empty()) return;
  const auto [index, start] = open_.back();
  open_.pop_back();
  nodes_[index].first = static_cast<uint32_t>(children_.size());
  nodes_[index].count = static_cast<uint32_t>(pending_.size() - start);
  children_.insert(children_.end(), pending_.begin() + static_cast<long>(start), pending_.end());
  pending_.resize(start);
}

void SourceDocument::add_alias(uint32_t index) { attach(index); }

void SourceDocument::clear() { *this = SourceDocument(); }

void SourceDocument::reset() {
  nodes_.clear();
  children_.clear();
  scalars_.clear();
  deferred_.clear();
  recording_.reset();
  other_tags_.clear();
  open_.clear();
  pending_.clear();
  root_ = UINT32_MAX;
}

// ---- YAML, through yaml-cpp's events

namespace {

SourceMark mark_of(const YAML::Mark& mark) { return {mark.line, mark.column}; }

// Builds the tree yaml-cpp's own node builder would, counting alias expansion as it goes.
class SourceBuilder : public YAML::EventHandler {
 public:
  SourceBuilder(SourceDocument* document, const YamlExpansionLimits& limits)
      : document_(document), counter_(limits) {}

  const YamlExpansionCounter& counter() const { return counter_; }

  void OnDocumentStart(const YAML::Mark&) override {}
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    counter_.leaf(mark.line, mark.column, anchor, 0);
    remember(anchor, document_->add_null(mark_of(mark)));
  }
  void OnAlias(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    counter_.alias(mark.line, mark.column, anchor);
    const auto it = anchors_.find(anchor);
    if (it != anchors_.end()) document_->add_alias(it->second);
  }
  void OnScalar(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                const std::string& value) override {
    counter_.leaf(mark.line, mark.column, anchor, value.size());
    remember(anchor, document_->add_scalar(mark_of(mark), tag, value));
  }
  void OnSequenceStart(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                       YAML::EmitterStyle::value) override {
    counter_.open(mark.line, mark.column, anchor);
    remember(anchor, document_->open(SourceNodeType::kSequence, mark_of(mark), tag));
  }
  void OnSequenceEnd() override {
    counter_.close();
    document_->close();
  }
  void OnMapStart(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                  YAML::EmitterStyle::value) override {
    counter_.open(mark.line, mark.column, anchor);
    remember(anchor, document_->open(SourceNodeType::kMap, mark_of(mark), tag));
  }
  void OnMapEnd() override {
    counter_.close();
    document_->close();
  }

 private:
  void remember(YAML::anchor_t anchor, uint32_t index) {
    if (anchor != YAML::NullAnchor) anchors_[anchor] = index;
  }

  SourceDocument* document_;
  YamlExpansionCounter counter_;
  std::unordered_map<YAML::anchor_t, uint32_t> anchors_;
};

}  // namespace

Status read_yaml_source(const std::string& path, std::string_view text, SourceDocument* out,
                        const YamlExpansionLimits& limits, bool defer_case_items) {
  // libyaml reads what it reads as yaml-cpp does; yaml-cpp reads the rest and words errors.
  if (read_yaml_source_with_libyaml(text, out, limits, defer_case_items)) return Status::ok();
  return read_yaml_source_with_yaml_cpp(path, std::string(text), out, limits);
}

Status read_yaml_source_with_yaml_cpp(const std::string& path, const std::string& text,
                                      SourceDocument* out, const YamlExpansionLimits& limits) {
  out->clear();
  std::istringstream in(text);
  SourceBuilder builder(out, limits);
  try {
    YAML::Parser parser(in);
    parser.HandleNextDocument(builder);
  } catch (const YamlExpansionCounter::LimitCrossed& crossed) {
    out->clear();
    return builder.counter().error(path, crossed);
  } catch (const YAML::ParserException& e) {
    out->clear();
    return Status::error_at(SourceLocation{path, e.mark.line + 1, e.mark.column + 1}, e.msg);
  } catch (const YAML::Exception& e) {
    out->clear();
    return Status::error_at(SourceLocation{path, e.mark.line + 1, e.mark.column + 1}, e.msg);
  }
  return Status::ok();
}

// ---- JSON

namespace {

// A strict JSON reader (RFC 8259: grammar, escapes, well-formed UTF-8, nothing after the
// root) that builds the tree as it goes, keeping each node's line and byte column (yaml-cpp's
// marks), counted as the text is read. It holds nothing but the tree: a DOM parser's tape and
// index cost ten times the text. Whatever it does not accept, the caller reads as YAML,
// which accepts it or words the error.
class JsonSourceReader {
 public:
  JsonSourceReader(std::string_view text, SourceDocument* out, const YamlExpansionLimits& limits,
                   bool defer_case_items = false)
      : text_(text), out_(out), limits_(limits), defer_case_items_(defer_case_items) {}

  // The root value and nothing after it but whitespace.
  bool read_document() {
    skip_space();
    if (!read_value(1)) return false;
    skip_space();
    return at_ == text_.size();
  }

  // A deferred case item: a map at depth 3, starting at line:column of the whole text.
  bool read_item(SourceMark start) {
    line_ = size_t(start.line);
    column_ = size_t(start.column);
    return read_value(3) && at_ == text_.size();
  }

 private:
  bool read_value(size_t depth) {
    if (depth > kMaxJsonDepth || at_ >= text_.size()) return false;
    const SourceMark mark = here();
    switch (text_[at_]) {
      case '{': {
        if (!count(0)) return false;
        if (building_) out_->open(SourceNodeType::kMap, mark, "?");
        const bool read = read_items('}', [&] {
          if (peek() != '"') return false;
          const SourceMark key_mark = here();
          std::string key;
          if (!read_string(&key)) return false;
          const bool case_list = defer_case_items_ && depth == 1 && key == "cases";
          if (!scalar(key_mark, "!", std::move(key), string_bytes_)) return false;
          skip_space();
          if (peek() != ':') return false;
          advance(1);
          skip_space();
          return case_list && peek() == '[' ? read_case_list(depth + 1) : read_value(depth + 1);
        });
        if (!read) return false;
        if (building_) out_->close();
        return true;
      }
      case '[': {
        if (!count(0)) return false;
        if (building_) out_->open(SourceNodeType::kSequence, mark, "?");
        if (!read_items(']', [&] { return read_value(depth + 1); })) return false;
        if (building_) out_->close();
        return true;
      }
      case '"': {
        std::string text;
        return read_string(&text) && scalar(mark, "!", std::move(text), string_bytes_);
      }
      case 'n':
        if (text_.substr(at_, 4) != "null" || !count(0)) return false;
        advance(4);
        if (building_) out_->add_null(mark);
        return true;
      case 't':
      case 'f': {
        // As written, as yaml-cpp keeps a plain scalar.
        const std::string_view word = text_[at_] == 't' ? "true" : "false";
        if (text_.substr(at_, word.size()) != word) return false;
        advance(word.size());
        return scalar(mark, "?", std::string(word));
      }
      default: {
        // A number, as written ("1.50" stays "1.50", as yaml-cpp keeps a plain scalar).
        const size_t start = at_;
        if (!skip_number()) return false;
        column_ += at_ - start;
        return scalar(mark, "?", std::string(text_.substr(start, at_ - start)));
      }
    }
  }

  // The root's `cases` list: each item that is a map is checked (and counted against the
  // limits) but not built; the tree keeps its text, read when the case is parsed.
  bool read_case_list(size_t depth) {
    if (!count(0)) return false;
    out_->open(SourceNodeType::kSequence, here(), "?");
    const bool read = read_items(']', [&] {
      if (peek() != '{') return read_value(depth + 1);
      const SourceMark mark = here();
      const size_t start = at_;
      building_ = false;
      const bool checked = read_value(depth + 1);
      building_ = true;
      if (checked) out_->add_deferred_map(mark, text_.substr(start, at_ - start));
      return checked;
    });
    if (!read) return false;
    out_->close();
    return true;
  }

  // The items of a list or map from its opening bracket to close, each read by read_item,
  // separated by commas.
  template <typename ReadItem>
  bool read_items(char close, ReadItem read_item) {
    advance(1);
    skip_space();
    if (peek() == close) {
      advance(1);
      return true;
    }
    while (true) {
      if (!read_item()) return false;
      skip_space();
      if (peek() == close) {
        advance(1);
        return true;
      }
      if (peek() != ',') return false;
      advance(1);
      skip_space();
    }
  }

  // JSON's number grammar: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
  bool skip_number() {
    const auto digits = [&] {
      const size_t first = at_;
      while (at_ < text_.size() && text_[at_] >= '0' && text_[at_] <= '9') ++at_;
      return at_ > first;
    };
    if (peek() == '-') ++at_;
    if (peek() == '0') {
      ++at_;
    } else if (!digits()) {
      return false;
    }
    if (peek() == '.') {
      ++at_;
      if (!digits()) return false;
    }
    if (peek() == 'e' || peek() == 'E') {
      ++at_;
      if (peek() == '+' || peek() == '-') ++at_;
      if (!digits()) return false;
    }
    return true;
  }

  // Length of the well-formed UTF-8 sequence of a non-ASCII lead byte at `at` (RFC 3629: no
  // overlong forms, no surrogates, nothing past U+10FFFF); 0 when it is not one.
  size_t utf8_sequence(size_t at) const {
    const auto byte = [&](size_t i) {
      return at + i < text_.size() ? static_cast<unsigned char>(text_[at + i]) : 0u;
    };
    const auto continuation = [&](size_t i, unsigned low = 0x80, unsigned high = 0xBF) {
      return byte(i) >= low && byte(i) <= high;
    };
    const unsigned lead = byte(0);
    if (lead >= 0xC2 && lead <= 0xDF) return continuation(1) ? 2 : 0;
    if (lead == 0xE0) return continuation(1, 0xA0) && continuation(2) ? 3 : 0;
    if (lead == 0xED) return continuation(1, 0x80, 0x9F) && continuation(2) ? 3 : 0;
    if (lead >= 0xE1 && lead <= 0xEF) return continuation(1) && continuation(2) ? 3 : 0;
    if (lead == 0xF0) return continuation(1, 0x90) && continuation(2) && continuation(3) ? 4 : 0;
    if (lead >= 0xF1 && lead <= 0xF3)
      return continuation(1) && continuation(2) && continuation(3) ? 4 : 0;
    if (lead == 0xF4)
      return continuation(1, 0x80, 0x8F) && continuation(2) && continuation(3) ? 4 : 0;
    return 0;
  }

  // A string from its opening quote, unescaped; its bytes must be well-formed UTF-8.
  // string_bytes_ is its unescaped length, built or not.
  bool read_string(std::string* out) {
    advance(1);
    string_bytes_ = 0;
    while (at_ < text_.size()) {
      const size_t run = at_;
      while (at_ < text_.size()) {
        while (at_ + 8 <= text_.size() && plain_ascii8(text_.data() + at_)) at_ += 8;
        if (at_ >= text_.size()) break;
        const auto c = static_cast<unsigned char>(text_[at_]);
        if (c == '"' || c == '\\' || c < 0x20) break;
        if (c < 0x80) {
          ++at_;
          continue;
        }
        const size_t length = utf8_sequence(at_);
        if (length == 0) return false;
        at_ += length;
      }
      if (building_) out->append(text_.data() + run, at_ - run);
      string_bytes_ += at_ - run;
      column_ += at_ - run;
      if (at_ >= text_.size() || static_cast<unsigned char>(text_[at_]) < 0x20) return false;
      if (text_[at_] == '"') {
        advance(1);
        return true;
      }
      if (at_ + 1 >= text_.size()) return false;
      const char escape = text_[at_ + 1];
      advance(2);
      ++string_bytes_;
      switch (escape) {
        case '"': if (building_) out->push_back('"'); break;
        case '\\': if (building_) out->push_back('\\'); break;
        case '/': if (building_) out->push_back('/'); break;
        case 'b': if (building_) out->push_back('\b'); break;
        case 'f': if (building_) out->push_back('\f'); break;
        case 'n': if (building_) out->push_back('\n'); break;
        case 'r': if (building_) out->push_back('\r'); break;
        case 't': if (building_) out->push_back('\t'); break;
        case 'u': {
          // Surrogates never come here: reads_otherwise_as_yaml sends them to yaml-cpp.
          if (at_ + 4 > text_.size()) return false;
          unsigned code = 0;
          for (size_t i = 0; i < 4; ++i) {
            const char c = text_[at_ + i];
            code <<= 4;
            if (c >= '0' && c <= '9') code |= unsigned(c - '0');
            else if (c >= 'a' && c <= 'f') code |= unsigned(c - 'a' + 10);
            else if (c >= 'A' && c <= 'F') code |= unsigned(c - 'A' + 10);
            else return false;
          }
          if (code >= 0xD800 && code <= 0xDFFF) return false;
          advance(4);
          string_bytes_ += code < 0x80 ? 0 : code < 0x800 ? 1 : 2;
          if (building_) append_utf8(code, out);
          break;
        }
        default:
          return false;
      }
    }
    return false;
  }

  // Whether the eight bytes at p are all ASCII that a string holds as it is: no quote,
  // backslash, control character or byte of a multi-byte sequence.
  static bool plain_ascii8(const char* p) {
    using namespace byte_words;
    const uint64_t word = load(p);
    return (high(word) | below(word, 0x20) | equal_to(word, '"') | equal_to(word, '\\')) == 0;
  }

  static void append_utf8(unsigned code, std::string* out) {
    if (code < 0x80) {
      out->push_back(char(code));
    } else if (code < 0x800) {
      out->push_back(char(0xC0 | (code >> 6)));
      out->push_back(char(0x80 | (code & 0x3F)));
    } else {
      out->push_back(char(0xE0 | (code >> 12)));
      out->push_back(char(0x80 | ((code >> 6) & 0x3F)));
      out->push_back(char(0x80 | (code & 0x3F)));
    }
  }

  void skip_space() {
    while (at_ < text_.size()) {
      const char c = text_[at_];
      if (c == '\n') {
        ++line_;
        column_ = 0;
      } else if (c == ' ' || c == '\t' || c == '\r') {
        ++column_;
      } else {
        return;
      }
      ++at_;
    }
  }

  // Moves past bytes that hold no line feed.
  void advance(size_t bytes) {
    at_ += bytes;
    column_ += bytes;
  }

  char peek() const { return at_ < text_.size() ? text_[at_] : '\0'; }
  SourceMark here() const { return {static_cast<int>(line_), static_cast<int>(column_)}; }

  // Counts a node of scalar_bytes against the limits; false once past them.
  bool count(size_t scalar_bytes) {
    ++nodes_;
    bytes_ += scalar_bytes;
    return nodes_ <= limits_.max_nodes && bytes_ <= limits_.max_scalar_bytes;
  }

  bool scalar(SourceMark mark, std::string_view tag, std::string text) {
    const size_t bytes = text.size();
    return scalar(mark, tag, std::move(text), bytes);
  }

  // bytes: the scalar's length, which a string only checked (not built) does not have.
  bool scalar(SourceMark mark, std::string_view tag, std::string text, size_t bytes) {
    if (!count(bytes)) return false;
    if (building_) out_->add_scalar(mark, tag, std::move(text));
    return true;
  }

  std::string_view text_;
  SourceDocument* out_;
  YamlExpansionLimits limits_;
  size_t at_ = 0;
  size_t line_ = 0;
  size_t column_ = 0;
  uint64_t nodes_ = 0;
  uint64_t bytes_ = 0;
  size_t string_bytes_ = 0;
  bool defer_case_items_ = false;
  bool building_ = true;  // false while a deferred item is only checked
};

// Text yaml-cpp reads otherwise than JSON does: a \u escape of a UTF-16 surrogate (JSON
// allows pairs, yaml-cpp refuses them) or a carriage return not followed by a line feed
// (whitespace to JSON, part of a plain scalar to yaml-cpp).
bool reads_otherwise_as_yaml(std::string_view text) {
  for (size_t at = text.find('\r'); at != std::string_view::npos; at = text.find('\r', at + 1)) {
    if (at + 1 == text.size() || text[at + 1] != '\n') return true;
  }
  for (size_t at = text.find("\\u"); at != std::string_view::npos; at = text.find("\\u", at + 2)) {
    if (at + 3 < text.size() && (text[at + 2] == 'd' || text[at + 2] == 'D') &&
        std::string_view("89abAB").find(text[at + 3]) != std::string_view::npos) {
      return true;
    }
  }
  return false;
}

}  // namespace

bool read_json_source(std::string_view text, SourceDocument* out, const YamlExpansionLimits& limits,
                      bool defer_case_items) {
  out->clear();
  const size_t start = text.find_first_not_of(" \t\r\n");
  if (start == std::string_view::npos || text[start] != '{' || reads_otherwise_as_yaml(text))
    return false;
  JsonSourceReader reader(text, out, limits, defer_case_items);
  if (!reader.read_document()) {
    out->clear();
    return false;
  }
  return true;
}

SourceNode expand_deferred(const SourceNode& node, SourceDocument* scratch) {
  if (node.document_ == nullptr) return node;
  const SourceDocument::Entry& entry = node.document_->nodes_[node.index_];
  if (!entry.deferred) return node;
  scratch->reset();
  const std::string_view text = node.document_->deferred_[entry.first];
  if (entry.recorded) {
    // Recorded when the whole text was read; a map is replayed once.
    if (!node.document_->recording_->replay(text, node.mark(), scratch)) scratch->clear();
    return scratch->root();
  }
  // Checked when the whole text was read: reading it again cannot fail.
  JsonSourceReader reader(text, scratch, YamlExpansionLimits{});
  if (!reader.read_item(node.mark())) scratch->clear();
  if (node.document_->deferred_read_) node.document_->deferred_read_(text);
  return scratch->root();
}

}  // namespace evalkit

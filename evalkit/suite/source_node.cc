#include "evalkit/suite/source_node.h"

#include <algorithm>
#include <sstream>

#include <simdjson.h>
#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/exceptions.h>
#include <yaml-cpp/parser.h>

#include "evalkit/base/json_parse.h"

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

Status read_yaml_source(const std::string& path, const std::string& text, SourceDocument* out,
                        const YamlExpansionLimits& limits) {
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

// ---- JSON, through simdjson

namespace {

// Byte offsets to yaml-cpp's marks (lines end at "\n").
class LineIndex {
 public:
  explicit LineIndex(std::string_view text) {
    for (size_t i = 0; i < text.size(); ++i) {
      if (text[i] == '\n') starts_.push_back(i + 1);
    }
  }

  // Offsets arrive in increasing order, so the search starts where the last one ended.
  SourceMark at(size_t offset) {
    while (line_ < starts_.size() && starts_[line_] <= offset) ++line_;
    while (line_ > 0 && starts_[line_ - 1] > offset) --line_;
    const size_t start = line_ == 0 ? 0 : starts_[line_ - 1];
    return {static_cast<int>(line_), static_cast<int>(offset - start)};
  }

 private:
  std::vector<size_t> starts_;  // offset of each line after the first
  size_t line_ = 0;
};

class JsonSourceReader {
 public:
  // text is what the parser reads (positions are offsets into it).
  JsonSourceReader(std::string_view text, SourceDocument* out, const YamlExpansionLimits& limits)
      : text_(text), lines_(text), out_(out), limits_(limits) {}

  bool read(simdjson::ondemand::value& value, size_t depth) {
    if (depth > kMaxJsonDepth) return false;
    const std::string_view token = value.raw_json_token();
    const SourceMark mark = mark_at(token.data());
    simdjson::ondemand::json_type type;
    if (value.type().get(type) != simdjson::SUCCESS) return false;
    switch (type) {
      case simdjson::ondemand::json_type::object: {
        simdjson::ondemand::object object;
        if (value.get_object().get(object) != simdjson::SUCCESS || !count(0)) return false;
        out_->open(SourceNodeType::kMap, mark, "?");
        for (auto field_result : object) {
          simdjson::ondemand::field field;
          if (std::move(field_result).get(field) != simdjson::SUCCESS) return false;
          const char* key_at = field.key().raw() - 1;  // the opening quote
          const std::string_view key = field.unescaped_key();
          if (!scalar(mark_at(key_at), "!", key)) return false;
          if (!read(field.value(), depth + 1)) return false;
        }
        out_->close();
        return true;
      }
      case simdjson::ondemand::json_type::array: {
        simdjson::ondemand::array array;
        if (value.get_array().get(array) != simdjson::SUCCESS || !count(0)) return false;
        out_->open(SourceNodeType::kSequence, mark, "?");
        for (auto item : array) {
          simdjson::ondemand::value element;
          if (std::move(item).get(element) != simdjson::SUCCESS) return false;
          if (!read(element, depth + 1)) return false;
        }
        out_->close();
        return true;
      }
      case simdjson::ondemand::json_type::string: {
        std::string_view text;
        if (value.get_string().get(text) != simdjson::SUCCESS) return false;
        return scalar(mark, "!", text);
      }
      case simdjson::ondemand::json_type::number:
      case simdjson::ondemand::json_type::boolean: {
        // As written, as yaml-cpp keeps a plain scalar ("1.50" stays "1.50"); the grammar is
        // checked by reading it.
        if (type == simdjson::ondemand::json_type::boolean) {
          bool flag = false;
          if (value.get_bool().get(flag) != simdjson::SUCCESS) return false;
        } else {
          double number = 0;
          if (value.get_double().get(number) != simdjson::SUCCESS) return false;
        }
        const size_t end = token.find_first_of(" \t\r\n,]}");
        return scalar(mark, "?", token.substr(0, end));
      }
      case simdjson::ondemand::json_type::null: {
        if (!value.is_null() || !count(0)) return false;
        out_->add_null(mark);
        return true;
      }
    }
    return false;
  }

 private:
  SourceMark mark_at(const char* at) { return lines_.at(static_cast<size_t>(at - text_.data())); }

  // Counts a node of scalar_bytes against the limits; false once past them.
  bool count(size_t scalar_bytes) {
    ++nodes_;
    bytes_ += scalar_bytes;
    return nodes_ <= limits_.max_nodes && bytes_ <= limits_.max_scalar_bytes;
  }

  bool scalar(SourceMark mark, std::string_view tag, std::string_view text) {
    if (!count(text.size())) return false;
    out_->add_scalar(mark, tag, std::string(text));
    return true;
  }

  std::string_view text_;
  LineIndex lines_;
  SourceDocument* out_;
  YamlExpansionLimits limits_;
  uint64_t nodes_ = 0;
  uint64_t bytes_ = 0;
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

bool read_json_source(const std::string& text, SourceDocument* out,
                      const YamlExpansionLimits& limits) {
  out->clear();
  const size_t start = text.find_first_not_of(" \t\r\n");
  if (start == std::string::npos || text[start] != '{' || reads_otherwise_as_yaml(text))
    return false;
  const simdjson::padded_string padded(text);
  {
    // The whole text is checked first: the reader below visits every value, but trailing
    // text after the object is only seen here.
    simdjson::dom::parser checker;
    if (checker.parse(padded).error() != simdjson::SUCCESS) return false;
  }
  simdjson::ondemand::parser parser;
  simdjson::ondemand::document document;
  if (parser.iterate(padded).get(document) != simdjson::SUCCESS) return false;
  simdjson::ondemand::value root;
  if (document.get_value().get(root) != simdjson::SUCCESS) return false;
  JsonSourceReader reader(std::string_view(padded.data(), padded.size()), out, limits);
  if (!reader.read(root, 1)) {
    out->clear();
    return false;
  }
  return true;
}

}  // namespace evalkit

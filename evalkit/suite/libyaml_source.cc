#include "evalkit/suite/libyaml_source.h"

#include <yaml.h>

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <cstring>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "evalkit/base/byte_words.h"
#include "evalkit/base/page_allocator.h"
#include "evalkit/suite/source_record.h"
#include "evalkit/suite/yaml_block_scanner.h"

namespace evalkit {
namespace {

// yaml-cpp refuses nesting past about 500 collections (its parser's depth guard counts each
// several times); well before that, it is left to say so.
constexpr size_t kMaxDepth = 400;

// Holds one libyaml event and frees it.
struct Event {
  yaml_event_t event{};
  bool held = false;
  ~Event() { release(); }
  void release() {
    if (held) yaml_event_delete(&event);
    held = false;
  }
};

struct Parser {
  yaml_parser_t parser{};
  bool ready = false;
  Parser() { ready = yaml_parser_initialize(&parser) != 0; }
  ~Parser() {
    if (ready) yaml_parser_delete(&parser);
  }
  Parser(const Parser&) = delete;
  Parser& operator=(const Parser&) = delete;
};

size_t utf8_length(unsigned char lead) {
  if (lead < 0x80) return 1;
  if (lead < 0xE0) return 2;
  if (lead < 0xF0) return 3;
  return 4;
}

// kNotBlockYaml: the block scanner (yaml_block_scanner.h) left the text to libyaml.
enum class Outcome { kRead, kLeaveToYamlCpp, kReadAsAWhole, kNotBlockYaml };

class LibyamlReader {
 public:
  LibyamlReader(std::string_view text, SourceDocument* out, const YamlExpansionLimits& limits,
                bool defer_case_items)
      : text_(text), out_(out), counter_(limits), defer_case_items_(defer_case_items) {}

  // The events of the block scanner, which gives libyaml's events for the text it reads.
  Outcome read_block_yaml() {
    if (!index_lines()) return Outcome::kLeaveToYamlCpp;
    Step last = Step::kNext;
    try {
      const BlockScan scan = scan_block_yaml(text_, [&](const yaml_event_t& event) {
        last = handle(event);
        return last == Step::kNext;
      });
      if (scan != BlockScan::kStopped) return Outcome::kNotBlockYaml;
    } catch (const YamlExpansionCounter::LimitCrossed&) {
      return Outcome::kLeaveToYamlCpp;
    }
    switch (last) {
      case Step::kDone:
        return Outcome::kRead;
      case Step::kReadAsAWhole:
        return Outcome::kReadAsAWhole;
      default:
        return Outcome::kLeaveToYamlCpp;
    }
  }

  Outcome read() {
    if (!index_lines()) return Outcome::kLeaveToYamlCpp;
    Parser parser;
    if (!parser.ready) return Outcome::kLeaveToYamlCpp;
    yaml_parser_set_input_string(
        &parser.parser, reinterpret_cast<const unsigned char*>(text_.data()), text_.size());
    Event event;
    try {
      while (true) {
        event.release();
        if (yaml_parser_parse(&parser.parser, &event.event) == 0) return Outcome::kLeaveToYamlCpp;
        event.held = true;
        switch (handle(event.event)) {
          case Step::kNext:
            break;
          case Step::kDone:
            return Outcome::kRead;
          case Step::kLeaveToYamlCpp:
            return Outcome::kLeaveToYamlCpp;
          case Step::kReadAsAWhole:
            return Outcome::kReadAsAWhole;
        }
      }
    } catch (const YamlExpansionCounter::LimitCrossed&) {
      return Outcome::kLeaveToYamlCpp;  // yaml-cpp crosses it too, and words where
    }
  }

 private:
  // kReadAsAWhole: a case to record holds an anchor or alias, which a recorded case cannot
  // share with the rest of the tree; the text is to be read again without recording.
  enum class Step { kNext, kDone, kLeaveToYamlCpp, kReadAsAWhole };

  // The tree, or the recording of the case being recorded.
  uint32_t add_scalar(SourceMark mark, std::string_view tag, std::string_view text) {
    if (recording_) {
      out_->recording()->add_scalar(mark, tag, text);
      return 0;
    }
    return out_->add_scalar(mark, tag, std::string(text));
  }
  uint32_t add_null(SourceMark mark) {
    if (recording_) {
      out_->recording()->add_null(mark);
      return 0;
    }
    return out_->add_null(mark);
  }
  uint32_t open(SourceNodeType type, SourceMark mark, std::string_view tag) {
    if (recording_) {
      out_->recording()->open(type, mark, tag);
      return 0;
    }
    return out_->open(type, mark, tag);
  }
  void close() {
    if (recording_) {
      out_->recording()->close();
    } else {
      out_->close();
    }
  }

  // A node directly in the root map is complete: keys and values alternate.
  void root_entry_done() { ++root_entries_; }
  bool at_root_key() const { return depth_ == 1 && root_is_block_map_ && root_entries_ % 2 == 0; }

  // Where each line starts (yaml-cpp and libyaml count the same lines only when every line
  // ends with "\n" or "\r\n"), and whether the text holds what libyaml reads otherwise.
  bool index_lines() {
    if (!text_.empty()) {
      const auto first = static_cast<unsigned char>(text_[0]);
      // UTF-16 or UTF-32 (a byte-order mark or a zero byte first): yaml-cpp's own detection.
      if (first == 0xFF || first == 0xFE || first == 0) return false;
    }
    if (text_.size() >= UINT32_MAX) return false;
    const size_t lines = size_t(std::count(text_.begin(), text_.end(), '\n')) + 1;
    line_starts_.reserve(lines);
    ascii_lines_.assign(lines, true);
    // A UTF-8 byte-order mark is not part of line 0's columns in either parser.
    line_starts_.push_back(text_.substr(0, 3) == "\xEF\xBB\xBF" ? 3 : 0);
    const char* data = text_.data();
    const size_t size = text_.size();
    for (size_t at = 0; at < size; ++at) {
      while (at + 8 <= size && plain_ascii8(data + at)) at += 8;
      if (at >= size) break;
      const char c = data[at];
      if (static_cast<unsigned char>(c) >= 0x80) ascii_lines_[line_starts_.size() - 1] = false;
      if (c == '\n') {
        line_starts_.push_back(static_cast<uint32_t>(at + 1));
      } else if (c == '\r') {
        if (at + 1 == size || data[at + 1] != '\n') return false;
      } else if (c == '\xC2') {
        if (at + 1 < size && data[at + 1] == '\x85') return false;  // NEL: a break to libyaml
      } else if (c == '\xE2') {
        // LS and PS: line breaks to libyaml (YAML 1.1), text to yaml-cpp.
        if (at + 2 < size && data[at + 1] == '\x80' &&
            (data[at + 2] == '\xA8' || data[at + 2] == '\xA9'))
          return false;
      }
    }
    return true;
  }

  // Whether the eight bytes at p are ASCII other than a line feed or carriage return.
  static bool plain_ascii8(const char* p) {
    using namespace byte_words;
    const uint64_t word = load(p);
    return (high(word) | equal_to(word, '\n') | equal_to(word, '\r')) == 0;
  }

  // libyaml counts columns in characters, yaml-cpp in bytes: the same on a line of ASCII.
  // Otherwise marks come in text order, so the walk along a line goes on from the last mark
  // on it (a long flow line is walked once).
  SourceMark mark_of(const yaml_mark_t& mark) {
    if (mark.line >= line_starts_.size()) {
      lost_ = true;
      return {};
    }
    if (ascii_lines_[mark.line]) {
      return {static_cast<int>(mark.line), static_cast<int>(mark.column)};
    }
    const size_t start = line_starts_[mark.line];
    if (mark.line != walked_line_ || mark.column < walked_column_) {
      walked_line_ = mark.line;
      walked_column_ = 0;
      walked_to_ = start;
    }
    for (; walked_column_ < mark.column && walked_to_ < text_.size(); ++walked_column_) {
      walked_to_ += utf8_length(static_cast<unsigned char>(text_[walked_to_]));
    }
    return {static_cast<int>(mark.line), static_cast<int>(walked_to_ - start)};
  }

  static std::string_view text_of(const yaml_char_t* text) {
    return text == nullptr ? std::string_view() : reinterpret_cast<const char*>(text);
  }

  // Whether name, written at offset, ends where yaml-cpp's name ends too: libyaml stops an
  // anchor or alias name at ':' and more (letters, digits, '-' and '_' only), yaml-cpp only at
  // a blank or a flow indicator.
  bool name_ends_alike(size_t offset, std::string_view name) const {
    if (text_.compare(offset, name.size(), name) != 0) return false;
    const size_t end = offset + name.size();
    if (end == text_.size()) return true;
    const char next = text_[end];
    return next == ' ' || next == '\t' || next == '\n' || next == '\r' || next == ',' ||
           next == ']' || next == '}';
  }

  // Whether the anchor of the node at mark (after its tag, if any) is named alike.
  bool anchor_named_alike(SourceMark mark, const yaml_char_t* anchor) const {
    if (anchor == nullptr) return true;
    size_t at = offset_of(mark);
    if (at < text_.size() && text_[at] == '!') {
      while (at < text_.size() && text_[at] != ' ' && text_[at] != '\t' && text_[at] != '\n') ++at;
      while (at < text_.size() && (text_[at] == ' ' || text_[at] == '\t')) ++at;
    }
    return at < text_.size() && text_[at] == '&' && name_ends_alike(at + 1, text_of(anchor));
  }

  // An anchor names the node defined last with it; yaml-cpp numbers them from 1.
  uint64_t define_anchor(const yaml_char_t* name, uint32_t index) {
    if (name == nullptr) return 0;
    const uint64_t id = ++anchor_count_;
    anchors_[std::string(text_of(name))] = {id, index};
    return id;
  }

  // Byte offset of a mark in the text.
  size_t offset_of(SourceMark mark) const {
    return line_starts_[static_cast<size_t>(mark.line)] + static_cast<size_t>(mark.column);
  }

  SourceMark mark_at(size_t offset) const {
    const auto line = std::upper_bound(line_starts_.begin(), line_starts_.end(), offset) - 1;
    return {static_cast<int>(line - line_starts_.begin()), static_cast<int>(offset - *line)};
  }

  // Where yaml-cpp places an empty node: where the token after its indicator (':' or '-')
  // starts. libyaml marks it just after the indicator, or, in a flow map, at the ',' or '}'
  // that follows it; a node missing altogether (a key with no ':') yaml-cpp places elsewhere,
  // and is left to it.
  bool place_empty_node(SourceMark libyaml_mark, SourceMark* mark) const {
    size_t at = offset_of(libyaml_mark);
    size_t before = at;
    while (before > line_starts_[static_cast<size_t>(libyaml_mark.line)] &&
           (text_[before - 1] == ' ' || text_[before - 1] == '\t')) {
      --before;
    }
    if (before == 0) return false;
    const char indicator = text_[before - 1];
    // After '?' (an explicit key left empty), yaml-cpp may read what follows otherwise.
    if (indicator != ':' && indicator != '-') return false;
    bool line_start = false;
    while (at < text_.size()) {
      const char c = text_[at];
      if (c == ' ' || c == '\t' || c == '\r') {
        ++at;
      } else if (c == '\n') {
        ++at;
        line_start = true;
      } else if (c == '#' && (line_start || at == offset_of(libyaml_mark) || text_[at - 1] == ' ' ||
                              text_[at - 1] == '\t')) {
        while (at < text_.size() && text_[at] != '\n') ++at;
      } else {
        break;
      }
    }
    // At the end of a text without a final line feed, yaml-cpp's marks go their own way.
    if (at == text_.size() && text_.back() != '\n') return false;
    *mark = mark_at(at);
    return true;
  }

  // Tags both parsers spell alike: "!", "!name" and "!!name" (as "tag:yaml.org,2002:name"),
  // a name of letters, digits, '-' and '_'. Other handles, verbatim tags and odd characters
  // are left to yaml-cpp.
  static bool plain_tag(std::string_view tag) {
    constexpr std::string_view kSecondary = "tag:yaml.org,2002:";
    std::string_view name;
    if (tag.substr(0, kSecondary.size()) == kSecondary) {
      name = tag.substr(kSecondary.size());
      if (name.empty()) return false;
    } else if (!tag.empty() && tag[0] == '!') {
      name = tag.substr(1);
    } else {
      return false;
    }
    return std::all_of(name.begin(), name.end(), [](char c) {
      return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_';
    });
  }

  // In a flow collection, yaml-cpp ends a plain scalar at '?', and at ':' before a blank or
  // ",]}"; libyaml reads on. A ':' before a letter, digit or '/' ("openai:gpt-4",
  // "file://x") is read alike.
  static bool plain_in_flow_alike(std::string_view value) {
    if (value.find('?') != std::string_view::npos) return false;
    for (size_t at = value.find(':'); at != std::string_view::npos; at = value.find(':', at + 1)) {
      if (at + 1 == value.size()) return false;
      const char next = value[at + 1];
      if (!std::isalnum(static_cast<unsigned char>(next)) && next != '/') return false;
    }
    return true;
  }

  // Whether a line of a plain scalar after its first starts, after its indentation, with a
  // character YAML gives a meaning ("- " ends the scalar to yaml-cpp, not to libyaml).
  bool continuation_starts_with_indicator(size_t first_line, size_t last_line) const {
    for (size_t line = first_line + 1; line <= last_line && line < line_starts_.size(); ++line) {
      size_t at = line_starts_[line];
      while (at < text_.size() && (text_[at] == ' ' || text_[at] == '\t')) ++at;
      if (at < text_.size() && std::strchr("-?:,[]{}#&*!|>'\"%@`", text_[at]) != nullptr)
        return true;
    }
    return false;
  }

  // Whether the block scalar at mark (its anchor and tag first, if any) has a '+' in its
  // header; true too when the header is not where it should be.
  bool keeps_final_breaks(SourceMark mark) const {
    size_t at = offset_of(mark);
    while (at < text_.size() && (text_[at] == '&' || text_[at] == '!')) {
      while (at < text_.size() && text_[at] != ' ' && text_[at] != '\t' && text_[at] != '\n') ++at;
      while (at < text_.size() && (text_[at] == ' ' || text_[at] == '\t')) ++at;
    }
    if (at >= text_.size() || (text_[at] != '>' && text_[at] != '|')) return true;
    for (++at; at < text_.size() && text_[at] != ' ' && text_[at] != '\n' && text_[at] != '\r';
         ++at) {
      if (text_[at] == '+') return true;
    }
    return false;
  }

  // Whether only blanks come before mark on its line.
  bool starts_line(SourceMark mark) const {
    size_t at = offset_of(mark);
    const size_t line_start = line_starts_[static_cast<size_t>(mark.line)];
    while (at > line_start && (text_[at - 1] == ' ' || text_[at - 1] == '\t')) --at;
    return at == line_start;
  }

  // Whether the node at mark follows a '?' in a flow collection: libyaml reads it as an
  // explicit key whatever follows the '?', yaml-cpp only before a blank.
  bool follows_question_mark_in_flow(SourceMark mark) const {
    if (flow_level_ == 0) return false;
    size_t at = offset_of(mark);
    while (at > 0 && (text_[at - 1] == ' ' || text_[at - 1] == '\t')) --at;
    return at > 0 && text_[at - 1] == '?';
  }

  Step handle(const yaml_event_t& event) {
    // Only nodes have marks in the tree (libyaml puts the end of a text without a final line
    // feed on a line of its own).
    SourceMark mark;
    if (event.type == YAML_SCALAR_EVENT || event.type == YAML_ALIAS_EVENT ||
        event.type == YAML_SEQUENCE_START_EVENT || event.type == YAML_MAPPING_START_EVENT) {
      mark = mark_of(event.start_mark);
      if (lost_ || follows_question_mark_in_flow(mark)) return Step::kLeaveToYamlCpp;
      // An item of a block list on a line of its own, after "- " and a line break: libyaml
      // takes it as the item even no further right than the '-', yaml-cpp refuses that.
      if (!open_.empty() && open_.back().sequence && !open_.back().flow && starts_line(mark)) {
        return Step::kLeaveToYamlCpp;
      }
      if (recording_ && holds_anchor_or_alias(event)) return Step::kReadAsAWhole;
    }
    switch (event.type) {
      case YAML_NO_EVENT:
      case YAML_STREAM_START_EVENT:
        return Step::kNext;
      case YAML_STREAM_END_EVENT:
        return Step::kDone;  // no document: a null root, as yaml-cpp
      case YAML_DOCUMENT_START_EVENT:
        if (document_ended_) return Step::kDone;
        // %YAML and %TAG directives: yaml-cpp's own checks and prefixes.
        if (event.data.document_start.version_directive != nullptr ||
            event.data.document_start.tag_directives.start !=
                event.data.document_start.tag_directives.end) {
          return Step::kLeaveToYamlCpp;
        }
        return Step::kNext;
      case YAML_DOCUMENT_END_EVENT:
        // What follows the document must start another (or end the text): yaml-cpp reads on
        // into it, and refuses a first document followed by anything else.
        document_ended_ = true;
        return Step::kNext;
      case YAML_ALIAS_EVENT: {
        if (!name_ends_alike(offset_of(mark) + 1, text_of(event.data.alias.anchor)))
          return Step::kLeaveToYamlCpp;
        const auto it = anchors_.find(std::string(text_of(event.data.alias.anchor)));
        if (it == anchors_.end()) return Step::kLeaveToYamlCpp;  // yaml-cpp refuses it
        counter_.alias(mark.line, mark.column, it->second.first);
        out_->add_alias(it->second.second);
        if (at_root_key()) cases_key_ = false;
        if (depth_ == 1) root_entry_done();
        return Step::kNext;
      }
      case YAML_SCALAR_EVENT: {
        const auto& scalar = event.data.scalar;
        if (!anchor_named_alike(mark, scalar.anchor)) return Step::kLeaveToYamlCpp;
        const std::string_view value(reinterpret_cast<const char*>(scalar.value), scalar.length);
        const std::string_view tag = scalar.tag != nullptr                     ? text_of(scalar.tag)
                                     : scalar.style == YAML_PLAIN_SCALAR_STYLE ? "?"
                                                                               : "!";
        if (scalar.tag != nullptr && !plain_tag(tag)) return Step::kLeaveToYamlCpp;
        // An explicitly tagged empty node ("!", "!!str" with no value): yaml-cpp reads it
        // in ways of its own (a bare "!" is a null without its tag).
        if (scalar.tag != nullptr && value.empty()) return Step::kLeaveToYamlCpp;
        // A tagged scalar over several lines: yaml-cpp may end it at the first line break.
        if (scalar.tag != nullptr && event.end_mark.line > event.start_mark.line)
          return Step::kLeaveToYamlCpp;
        const bool null = tag == "?" && (value.empty() || value == "~" || value == "null" ||
                                         value == "Null" || value == "NULL");
        if (null) {
          SourceMark null_mark = mark;
          if (value.empty() && scalar.anchor == nullptr && !place_empty_node(mark, &null_mark))
            return Step::kLeaveToYamlCpp;
          const uint32_t index = add_null(null_mark);
          counter_.leaf(mark.line, mark.column, define_anchor(scalar.anchor, index), 0);
          if (at_root_key()) cases_key_ = false;
          if (depth_ == 1) root_entry_done();
          return Step::kNext;
        }
        if (flow_level_ > 0 && scalar.style == YAML_PLAIN_SCALAR_STYLE &&
            !plain_in_flow_alike(value)) {
          return Step::kLeaveToYamlCpp;
        }
        if (scalar.style == YAML_PLAIN_SCALAR_STYLE &&
            event.end_mark.line > event.start_mark.line &&
            continuation_starts_with_indicator(event.start_mark.line, event.end_mark.line)) {
          return Step::kLeaveToYamlCpp;
        }
        // "\N" and "\_" are U+0085 and U+00A0 to libyaml, single bytes to yaml-cpp.
        if (scalar.style == YAML_DOUBLE_QUOTED_SCALAR_STYLE &&
            (value.find("\xC2\x85") != std::string_view::npos ||
             value.find("\xC2\xA0") != std::string_view::npos)) {
          return Step::kLeaveToYamlCpp;
        }
        // yaml-cpp refuses an item of a block list that is a block scalar with an anchor or a
        // tag ("- &a |").
        if ((scalar.style == YAML_LITERAL_SCALAR_STYLE ||
             scalar.style == YAML_FOLDED_SCALAR_STYLE) &&
            (scalar.anchor != nullptr || scalar.tag != nullptr) && !open_.empty() &&
            open_.back().sequence && !open_.back().flow) {
          return Step::kLeaveToYamlCpp;
        }
        if (scalar.style == YAML_FOLDED_SCALAR_STYLE && keeps_final_breaks(mark))
          return Step::kLeaveToYamlCpp;  // yaml-cpp keeps fewer of them
        const uint32_t index = add_scalar(mark, tag, value);
        counter_.leaf(mark.line, mark.column, define_anchor(scalar.anchor, index), value.size());
        if (at_root_key()) cases_key_ = value == "cases";
        if (depth_ == 1) root_entry_done();
        return Step::kNext;
      }
      case YAML_SEQUENCE_START_EVENT:
      case YAML_MAPPING_START_EVENT: {
        if (++depth_ > kMaxDepth) return Step::kLeaveToYamlCpp;
        const bool sequence = event.type == YAML_SEQUENCE_START_EVENT;
        const yaml_char_t* anchor =
            sequence ? event.data.sequence_start.anchor : event.data.mapping_start.anchor;
        const yaml_char_t* tag =
            sequence ? event.data.sequence_start.tag : event.data.mapping_start.tag;
        if (!anchor_named_alike(mark, anchor) || (tag != nullptr && !plain_tag(text_of(tag))))
          return Step::kLeaveToYamlCpp;
        const bool flow = sequence ? event.data.sequence_start.style == YAML_FLOW_SEQUENCE_STYLE
                                   : event.data.mapping_start.style == YAML_FLOW_MAPPING_STYLE;
        const bool plain_block = !flow && anchor == nullptr && tag == nullptr;
        // depth_ counts this collection already: 1 is the root, 2 a node in the root map, 3
        // an item of a list there.
        if (depth_ == 1) {
          root_is_block_map_ = !sequence && !flow;
        } else if (depth_ == 2 && root_is_block_map_) {
          // The value of `cases`, a block list, holds the maps to record.
          in_cases_ = root_entries_ % 2 == 1 && cases_key_ && sequence && plain_block;
          if (root_entries_ % 2 == 0) cases_key_ = false;
        } else if (depth_ == 3 && in_cases_ && defer_case_items_ && !sequence && plain_block) {
          recording_ = true;
          recorded_mark_ = mark;
          out_->recording()->begin(mark);
        }
        flow_level_ += flow ? 1 : 0;
        open_.push_back({flow, sequence});
        const uint32_t index = open(sequence ? SourceNodeType::kSequence : SourceNodeType::kMap,
                                    mark, tag != nullptr ? text_of(tag) : "?");
        counter_.open(mark.line, mark.column, define_anchor(anchor, index));
        return Step::kNext;
      }
      case YAML_SEQUENCE_END_EVENT:
      case YAML_MAPPING_END_EVENT:
        --depth_;
        if (!open_.empty()) {
          flow_level_ -= open_.back().flow ? 1 : 0;
          open_.pop_back();
        }
        counter_.close();
        close();
        if (recording_ && depth_ == 2) {
          recording_ = false;
          out_->add_recorded_map(recorded_mark_, out_->recording()->end());
        } else if (depth_ == 1) {
          in_cases_ = false;
          root_entry_done();
        }
        return Step::kNext;
    }
    return Step::kLeaveToYamlCpp;
  }

  static bool holds_anchor_or_alias(const yaml_event_t& event) {
    switch (event.type) {
      case YAML_ALIAS_EVENT:
        return true;
      case YAML_SCALAR_EVENT:
        return event.data.scalar.anchor != nullptr;
      case YAML_SEQUENCE_START_EVENT:
        return event.data.sequence_start.anchor != nullptr;
      case YAML_MAPPING_START_EVENT:
        return event.data.mapping_start.anchor != nullptr;
      default:
        return false;
    }
  }

  std::string_view text_;
  SourceDocument* out_;
  YamlExpansionCounter counter_;
  // Recording the maps of the root's block `cases` list (read_yaml_source).
  bool defer_case_items_ = false;
  bool root_is_block_map_ = false;
  size_t root_entries_ = 0;  // complete keys and values of the root map so far
  bool cases_key_ = false;   // the last key of the root map is `cases`
  bool in_cases_ = false;    // inside the list that is its value
  bool recording_ = false;   // inside a map of that list, being recorded
  SourceMark recorded_mark_;
  PageVector<uint32_t> line_starts_;  // given back as soon as the text is read
  std::vector<bool> ascii_lines_;     // for each line, whether it is ASCII only
  std::unordered_map<std::string, std::pair<uint64_t, uint32_t>> anchors_;
  uint64_t anchor_count_ = 0;
  size_t depth_ = 0;
  bool document_ended_ = false;
  size_t flow_level_ = 0;  // open flow collections
  struct Open {
    bool flow = false;
    bool sequence = false;
  };
  std::vector<Open> open_;  // the collections open, innermost last
  // The last mark converted: its line, its column in characters and its byte offset.
  size_t walked_line_ = SIZE_MAX;
  size_t walked_column_ = 0;
  size_t walked_to_ = 0;
  bool lost_ = false;  // a mark on a line yaml-cpp does not count
};

}  // namespace

bool read_yaml_source_with_libyaml(std::string_view text, SourceDocument* out,
                                   const YamlExpansionLimits& limits, bool defer_case_items,
                                   bool block_scanner) {
  out->clear();
  // A byte order mark past the start: libyaml skips it, yaml-cpp reads it as text.
  if (text.find("\xEF\xBB\xBF", 1) != std::string_view::npos) return false;
  const auto read = [&](bool defer) {
    if (block_scanner) {
      const Outcome outcome = LibyamlReader(text, out, limits, defer).read_block_yaml();
      if (outcome != Outcome::kNotBlockYaml) return outcome;
      out->clear();
    }
    return LibyamlReader(text, out, limits, defer).read();
  };
  Outcome outcome = read(defer_case_items);
  if (outcome == Outcome::kReadAsAWhole) {
    out->clear();
    outcome = read(false);
  }
  if (outcome == Outcome::kRead) return true;
  out->clear();
  return false;
}

}  // namespace evalkit

#include "evalkit/suite/yaml_expansion.h"

#include <algorithm>
#include <sstream>
#include <unordered_map>
#include <vector>

#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/exceptions.h>
#include <yaml-cpp/parser.h>

namespace evalkit {
namespace {

// Feeds yaml-cpp's events to a YamlExpansionCounter.
class ExpansionEvents : public YAML::EventHandler {
 public:
  explicit ExpansionEvents(YamlExpansionCounter* counter) : counter_(counter) {}

  void OnDocumentStart(const YAML::Mark&) override {}
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    counter_->leaf(mark.line, mark.column, anchor, 0);
  }
  void OnAlias(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    counter_->alias(mark.line, mark.column, anchor);
  }
  void OnScalar(const YAML::Mark& mark, const std::string&, YAML::anchor_t anchor,
                const std::string& value) override {
    counter_->leaf(mark.line, mark.column, anchor, value.size());
  }
  void OnSequenceStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t anchor,
                       YAML::EmitterStyle::value) override {
    counter_->open(mark.line, mark.column, anchor);
  }
  void OnSequenceEnd() override { counter_->close(); }
  void OnMapStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t anchor,
                  YAML::EmitterStyle::value) override {
    counter_->open(mark.line, mark.column, anchor);
  }
  void OnMapEnd() override { counter_->close(); }

 private:
  YamlExpansionCounter* counter_;
};

uint64_t saturated_sum(uint64_t a, uint64_t b, uint64_t limit) {
  return std::min(a + std::min(b, limit + 1), limit + 1);
}

}  // namespace

void YamlExpansionCounter::add(int line, int column, Size size) {
  Frame& top = frames_.back();
  top.size.nodes = saturated_sum(top.size.nodes, size.nodes, limits_.max_nodes);
  top.size.bytes = saturated_sum(top.size.bytes, size.bytes, limits_.max_scalar_bytes);
  // A container holds at least what it holds so far, so crossing a limit anywhere inside
  // the document means the document crosses it.
  if (top.size.nodes > limits_.max_nodes || top.size.bytes > limits_.max_scalar_bytes) {
    throw LimitCrossed{line, column};
  }
}

void YamlExpansionCounter::leaf(int line, int column, uint64_t anchor, uint64_t scalar_bytes) {
  const Size size{1, scalar_bytes};
  if (anchor != 0) anchored_[anchor] = size;
  add(line, column, size);
}

void YamlExpansionCounter::alias(int line, int column, uint64_t anchor) {
  const auto it = anchored_.find(anchor);
  add(line, column, it == anchored_.end() ? Size{1, 0} : it->second);
}

void YamlExpansionCounter::open(int line, int column, uint64_t anchor) {
  frames_.push_back({{1, 0}, anchor, line, column});
}

void YamlExpansionCounter::close() {
  if (frames_.size() < 2) return;
  const Frame done = frames_.back();
  frames_.pop_back();
  if (done.anchor != 0) anchored_[done.anchor] = done.size;
  add(done.line, done.column, done.size);
}

Status YamlExpansionCounter::error(const std::string& path, const LimitCrossed& crossed) const {
  return Status::error_at(
      SourceLocation{path, crossed.line + 1, crossed.column + 1},
      "the suite's aliases expand to more than " + std::to_string(limits_.max_nodes) +
          " values or " + std::to_string(limits_.max_scalar_bytes >> 20) +
          " MiB of text (nested '*' aliases multiply: a 'billion laughs' document?)");
}

Status check_yaml_expansion(const std::string& path, const std::string& yaml,
                            const YamlExpansionLimits& limits) {
  std::istringstream in(yaml);
  YamlExpansionCounter counter(limits);
  ExpansionEvents events(&counter);
  try {
    YAML::Parser parser(in);
    parser.HandleNextDocument(events);
  } catch (const YamlExpansionCounter::LimitCrossed& crossed) {
    return counter.error(path, crossed);
  } catch (const YAML::Exception&) {
    return Status::ok();  // the real parse reports it with its position
  }
  return Status::ok();
}

}  // namespace evalkit

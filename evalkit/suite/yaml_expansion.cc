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

struct Size {
  uint64_t nodes = 0;
  uint64_t bytes = 0;
};

// Thrown from the handler to stop parsing once a limit is crossed.
struct LimitCrossed {
  YAML::Mark mark;
};

// Sums, for every node, what it holds once aliases are expanded; an anchored node's
// total is remembered so that each alias to it adds that total.
class ExpansionCounter : public YAML::EventHandler {
 public:
  explicit ExpansionCounter(const YamlExpansionLimits& limits) : limits_(limits) {
    frames_.push_back({});
  }

  Size total() const { return frames_.front().size; }

  void OnDocumentStart(const YAML::Mark&) override {}
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    leaf(mark, anchor, {1, 0});
  }
  void OnAlias(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    auto it = anchored_.find(anchor);
    add(mark, it == anchored_.end() ? Size{1, 0} : it->second);
  }
  void OnScalar(const YAML::Mark& mark, const std::string&, YAML::anchor_t anchor,
                const std::string& value) override {
    leaf(mark, anchor, {1, value.size()});
  }
  void OnSequenceStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t anchor,
                       YAML::EmitterStyle::value) override {
    open(mark, anchor);
  }
  void OnSequenceEnd() override { close(); }
  void OnMapStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t anchor,
                  YAML::EmitterStyle::value) override {
    open(mark, anchor);
  }
  void OnMapEnd() override { close(); }

 private:
  struct Frame {
    Size size;
    YAML::anchor_t anchor = YAML::NullAnchor;
    YAML::Mark mark;
  };

  uint64_t saturated_sum(uint64_t a, uint64_t b, uint64_t limit) const {
    return std::min(a + std::min(b, limit + 1), limit + 1);
  }

  void add(const YAML::Mark& mark, Size size) {
    Frame& top = frames_.back();
    top.size.nodes = saturated_sum(top.size.nodes, size.nodes, limits_.max_nodes);
    top.size.bytes = saturated_sum(top.size.bytes, size.bytes, limits_.max_scalar_bytes);
    // A container holds at least what it holds so far, so crossing a limit anywhere inside
    // the document means the document crosses it.
    if (top.size.nodes > limits_.max_nodes || top.size.bytes > limits_.max_scalar_bytes) {
      throw LimitCrossed{mark};
    }
  }

  void leaf(const YAML::Mark& mark, YAML::anchor_t anchor, Size size) {
    if (anchor != YAML::NullAnchor) anchored_[anchor] = size;
    add(mark, size);
  }

  void open(const YAML::Mark& mark, YAML::anchor_t anchor) {
    frames_.push_back({{1, 0}, anchor, mark});
  }

  void close() {
    if (frames_.size() < 2) return;
    const Frame done = frames_.back();
    frames_.pop_back();
    if (done.anchor != YAML::NullAnchor) anchored_[done.anchor] = done.size;
    add(done.mark, done.size);
  }

  YamlExpansionLimits limits_;
  std::vector<Frame> frames_;
  std::unordered_map<YAML::anchor_t, Size> anchored_;
};

}  // namespace

Status check_yaml_expansion(const std::string& path, const std::string& yaml,
                            const YamlExpansionLimits& limits) {
  std::istringstream in(yaml);
  ExpansionCounter counter(limits);
  try {
    YAML::Parser parser(in);
    parser.HandleNextDocument(counter);
  } catch (const LimitCrossed& crossed) {
    return Status::error_at(
        SourceLocation{path, crossed.mark.line + 1, crossed.mark.column + 1},
        "the suite's aliases expand to more than " + std::to_string(limits.max_nodes) +
            " values or " + std::to_string(limits.max_scalar_bytes >> 20) +
            " MiB of text (nested '*' aliases multiply: a 'billion laughs' document?)");
  } catch (const YAML::Exception&) {
    return Status::ok();  // YAML::Load reports it with its position
  }
  return Status::ok();
}

}  // namespace evalkit

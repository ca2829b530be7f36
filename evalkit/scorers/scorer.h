// The scorer interface: a scorer turns one output (plus expected answers) into a Score.
// Scoring is per trial; aggregation (means, corpus statistics, gates) happens later.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "evalkit/base/status.h"
#include "evalkit/model/model_response.h"

namespace evalkit {

// A scorer as written in a suite: `{type: rouge, variant: rougeL, threshold: 0.4}`.
struct ScorerSpec {
  std::string type;
  nlohmann::json options = nlohmann::json::object();  // every key but type/weight/threshold/name
  double weight = 1.0;
  std::optional<double> threshold;  // pass when score >= threshold (scorer-specific default)
  std::string name;                 // optional display name; defaults to the scorer's metric name
  bool negate = false;              // `negate: true` / `not:`: pass when the scorer would fail
  // `transform:` as written (null for none): the part of the answer scored instead of its
  // text (scorers/answer_transform.h).
  nlohmann::json transform;
  // The suite's folder: relative paths in options (script files, schemas) resolve against it.
  SharedText directory;
  SourceLocation where;             // for error messages
  SourceLocation transform_where;   // of the transform, for its errors
  // Option values written as plain numbers or booleans, as written ("3.10", "1788", "yes"),
  // by JSON pointer ("/value", "/value/0"): a string option given `value: 3.10` reads "3.10".
  std::map<std::string, std::string> scalar_texts;
};

struct ScoreInput {
  std::string_view output;                             // the model's output text
  // The whole answer (tool calls, finish reason, usage, timings); null only where a caller
  // scores bare text (evalkit score, benchmarks).
  const ModelAnswer* answer = nullptr;
  const std::vector<std::string>* expected = nullptr;  // references; may be empty, never null
  const nlohmann::json* vars = nullptr;                // the case's vars; never null
  std::string_view input;  // the rendered prompt (last user message), for judges
  // The tools the request offered, in OpenAI's function format; null when none or unknown.
  const nlohmann::json* tools = nullptr;
  // What the answer cost at its provider's price (USD); unset when the price is unknown.
  std::optional<double> cost_usd;
  // Answers to requests(), in the same order, for model-assisted scorers.
  const std::vector<ModelResponse>* model_responses = nullptr;
};

struct Score {
  std::string name;    // metric name shown in reports and used by gates, e.g. "rougeL"
  std::string type;    // scorer type, e.g. "rouge"
  double value = 0.0;  // in [0, 1]
  bool pass = false;
  bool error = false;     // the scorer could not score (counts as a failure, never as a 0)
  std::string reason;     // "expected 'Paris', got 'paris.'"
  std::string signature;  // settings that produced the value, e.g. "bleu|nrefs:1|tok:13a|..."
  double weight = 1.0;
  // Metric-specific data: sufficient statistics for corpus scores, judge verdicts, etc.
  nlohmann::json details;
};

// A corpus score's sufficient statistics, folded in one output at a time, so a corpus of any
// size is scored in constant memory (`evalkit score --corpus` streams its input through one).
class CorpusStatistics {
 public:
  virtual ~CorpusStatistics() = default;
  // Adds one output as score() sees it; an output score() cannot score adds nothing.
  virtual void add(const ScoreInput& input) = 0;
  // Adds one trial's Score::details; the details of an errored score add nothing.
  virtual void add_details(const nlohmann::json& details) = 0;
  // The corpus-level object, as corpus() returns it for the same outputs.
  virtual nlohmann::json result() const = 0;
};

class Scorer {
 public:
  virtual ~Scorer() = default;

  // The metric name used in reports and gates.
  virtual std::string name() const = 0;
  // The settings signature; two values are comparable only when signatures are equal.
  virtual std::string signature() const { return name(); }

  // Model-assisted scorers list the model calls they need; the runner sends them and passes
  // the answers in ScoreInput::model_responses. Plain scorers need none.
  virtual std::vector<ModelRequest> requests(const ScoreInput&) const { return {}; }

  // Scores one output. Must be thread-safe (called concurrently from TBB workers).
  virtual Score score(const ScoreInput& input) const = 0;

  // Corpus-level score from every trial's Score::details (e.g. corpus BLEU from summed
  // n-gram statistics), as a JSON object with at least "score" on the metric's own scale;
  // null when the metric has no corpus form. By default the details are folded through
  // corpus_statistics().
  virtual nlohmann::json corpus(const std::vector<const nlohmann::json*>& details) const {
    std::unique_ptr<CorpusStatistics> statistics = corpus_statistics();
    if (statistics == nullptr) return nullptr;
    for (const nlohmann::json* one : details) {
      if (one != nullptr) statistics->add_details(*one);
    }
    return statistics->result();
  }

  // Empty statistics to fold outputs into, for metrics whose corpus form is a sum; null for
  // the others (their corpus() needs every trial's details).
  virtual std::unique_ptr<CorpusStatistics> corpus_statistics() const { return nullptr; }
};

// The statistics of a scorer that wraps another (its own references, a transform): an output
// is scored by the wrapper, so it sees what the wrapper changes, and its details are folded
// into the inner metric's statistics.
class WrappedCorpusStatistics final : public CorpusStatistics {
 public:
  WrappedCorpusStatistics(const Scorer& wrapper, std::unique_ptr<CorpusStatistics> inner)
      : wrapper_(wrapper), inner_(std::move(inner)) {}
  void add(const ScoreInput& input) override {
    const Score score = wrapper_.score(input);
    if (!score.error) inner_->add_details(score.details);
  }
  void add_details(const nlohmann::json& details) override { inner_->add_details(details); }
  nlohmann::json result() const override { return inner_->result(); }

  // The wrapper's statistics: null when the inner metric has none.
  static std::unique_ptr<CorpusStatistics> of(const Scorer& wrapper, const Scorer& inner) {
    std::unique_ptr<CorpusStatistics> statistics = inner.corpus_statistics();
    if (statistics == nullptr) return nullptr;
    return std::make_unique<WrappedCorpusStatistics>(wrapper, std::move(statistics));
  }

 private:
  const Scorer& wrapper_;
  std::unique_ptr<CorpusStatistics> inner_;
};

}  // namespace evalkit

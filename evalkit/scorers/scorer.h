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
  std::string directory;
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
  // null when the metric has no corpus form.
  virtual nlohmann::json corpus(const std::vector<const nlohmann::json*>& details) const {
    (void)details;
    return nullptr;
  }
};

}  // namespace evalkit

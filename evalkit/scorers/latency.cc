// latency: the answer came within `max` seconds, in total (from the first send to the whole
// answer, across retries) or to its first token (`of: first_token`, streamed answers only).
// An answer replayed or taken from the cache keeps the latency it was recorded with.
#include <memory>

#include "evalkit/base/number_text.h"
#include "evalkit/scorers/match_scorer.h"
#include "evalkit/scorers/scorer_options.h"

namespace evalkit {
namespace {

class LatencyScorer : public MatchScorer {
 public:
  LatencyScorer(const ScorerSpec& spec, double max_s, bool first_token)
      : MatchScorer(spec, "max_s:" + format_number(max_s) +
                              "|of:" + (first_token ? "first_token" : "total")),
        max_s_(max_s),
        first_token_(first_token) {}

  Score score(const ScoreInput& input) const override {
    if (input.answer == nullptr) return failure("needs the whole answer (its timings)");
    double seconds = input.answer->latency_s;
    const char* what = "latency";
    if (first_token_) {
      if (!input.answer->time_to_first_token_s) {
        return failure(
            "time to first token is measured on streamed answers only (give the "
            "provider 'stream: true')");
      }
      seconds = *input.answer->time_to_first_token_s;
      what = "time to first token";
    }
    const bool within = seconds <= max_s_;
    Score score = verdict(within, std::string(what) + " " + format_number(seconds) + " s" +
                                      (within ? " is within " : " is over ") + "max " +
                                      format_number(max_s_) + " s");
    score.details = {{"seconds", seconds}, {"max_s", max_s_}};
    return score;
  }

 private:
  double max_s_;
  bool first_token_;
};

}  // namespace

std::unique_ptr<Scorer> make_latency_scorer(const ScorerSpec& spec, std::string* error) {
  ScorerOptions options(spec);
  double max_s = 0;
  std::string of = "total";
  const bool has_max = options.get_number("max", &max_s);
  options.get_string("of", &of);
  if (!options.finish(error)) return nullptr;
  if (spec.threshold) {
    *error = "the limit is 'max' in seconds ('threshold' is for scores between 0 and 1)";
    return nullptr;
  }
  if (!has_max || !(max_s > 0)) {
    *error = "option 'max' (seconds, greater than 0) is required, e.g. {type: latency, max: 2.5}";
    return nullptr;
  }
  if (of != "total" && of != "first_token") {
    *error = "option 'of' is 'total' (default) or 'first_token', got '" + of + "'";
    return nullptr;
  }
  return std::make_unique<LatencyScorer>(spec, max_s, of == "first_token");
}

}  // namespace evalkit

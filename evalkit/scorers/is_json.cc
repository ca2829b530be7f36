// is_json: the output parses as JSON, optionally after taking it out of a ``` code fence.
#include <memory>

#include <nlohmann/json.hpp>

#include "evalkit/base/json_parse.h"

#include "evalkit/scorers/match_scorer.h"
#include "evalkit/scorers/scorer_options.h"
#include "evalkit/text/code_fence.h"
#include "evalkit/text/excerpt.h"

namespace evalkit {
namespace {

class IsJsonScorer : public MatchScorer {
 public:
  IsJsonScorer(const ScorerSpec& spec, bool strip_fence)
      : MatchScorer(spec, std::string("fence:") + (strip_fence ? "strip" : "keep")),
        strip_fence_(strip_fence) {}

  Score score(const ScoreInput& input) const override {
    const std::string_view text = strip_fence_ ? strip_code_fence(input.output) : input.output;
    try {
      const nlohmann::json value = parse_json_within_depth(text);
      return verdict(true, std::string("valid JSON ") + value.type_name());
    } catch (const nlohmann::json::parse_error& e) {
      return verdict(false, "not JSON (at byte " + std::to_string(e.byte) +
                                "): " + quoted_excerpt(input.output));
    } catch (const nlohmann::json::exception&) {
      return verdict(false, "not JSON evalkit can read (a number too large?): " +
                                quoted_excerpt(input.output));
    }
  }

 private:
  bool strip_fence_;
};

}  // namespace

std::unique_ptr<Scorer> make_is_json_scorer(const ScorerSpec& spec, std::string* error) {
  ScorerOptions options(spec);
  bool strip_fence = false;
  options.get_bool("strip_code_fence", &strip_fence);
  if (!options.finish(error)) return nullptr;
  return std::make_unique<IsJsonScorer>(spec, strip_fence);
}

}  // namespace evalkit

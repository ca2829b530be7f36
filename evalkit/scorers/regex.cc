// regex: the output contains a match of an ECMAScript regular expression.
#include <memory>
#include <regex>

#include "evalkit/scorers/match_scorer.h"
#include "evalkit/scorers/scorer_options.h"
#include "evalkit/text/excerpt.h"

namespace evalkit {
namespace {

class RegexScorer : public MatchScorer {
 public:
  RegexScorer(const ScorerSpec& spec, const std::string& pattern, bool ignore_case,
              std::regex compiled)
      : MatchScorer(spec, "pattern:" + pattern + "|case:" + (ignore_case ? "ignore" : "exact")),
        pattern_(pattern),
        regex_(std::move(compiled)) {}

  Score score(const ScoreInput& input) const override {
    // A const std::regex may be searched from several threads at once.
    std::match_results<std::string_view::const_iterator> match;
    if (std::regex_search(input.output.begin(), input.output.end(), match, regex_)) {
      return verdict(true, "matched " + quoted_excerpt(match.str()));
    }
    return verdict(false, "expected a match of /" + excerpt(pattern_) + "/, got " +
                              quoted_excerpt(input.output));
  }

 private:
  std::string pattern_;
  std::regex regex_;
};

}  // namespace

std::unique_ptr<Scorer> make_regex_scorer(const ScorerSpec& spec, std::string* error) {
  ScorerOptions options(spec);
  std::string pattern;
  bool ignore_case = false;
  const bool has_pattern = options.get_string("pattern", &pattern);
  options.get_bool("ignore_case", &ignore_case);
  if (!options.finish(error)) return nullptr;
  if (!has_pattern) {
    *error = "option 'pattern' is required";
    return nullptr;
  }
  auto flags = std::regex::ECMAScript | std::regex::optimize;
  if (ignore_case) flags |= std::regex::icase;
  try {
    std::regex compiled(pattern, flags);
    return std::make_unique<RegexScorer>(spec, pattern, ignore_case, std::move(compiled));
  } catch (const std::regex_error& e) {
    *error = "invalid pattern /" + pattern + "/: " + e.what();
    return nullptr;
  }
}

}  // namespace evalkit

#include "evalkit/scorers/needle_scorer.h"

#include <algorithm>

#include "evalkit/text/excerpt.h"

namespace evalkit {
namespace {

// 'a' or 'b' (joiner " or "), at most three needles then "and N more".
std::string join_quoted(const std::vector<std::string>& needles, const std::string& joiner) {
  std::string out;
  const size_t shown = std::min<size_t>(needles.size(), 3);
  for (size_t i = 0; i < shown; ++i) {
    out += (i == 0 ? "" : joiner) + quoted_excerpt(needles[i]);
  }
  if (needles.size() > shown) out += " and " + std::to_string(needles.size() - shown) + " more";
  return out;
}

std::string settings_signature(const NeedleScorer::Settings& settings) {
  return std::string("src:") + (settings.values.empty() ? "expected" : "value") +
         "|mode:" + (settings.require_all ? "all" : "any");
}

}  // namespace

void NeedleScorer::read_settings(ScorerOptions& options, bool allow_mode, Settings* settings) {
  if (options.get_string_list("value", &settings->values) && settings->values.empty()) {
    options.fail("option 'value' is an empty list");
  }
  if (!allow_mode) return;
  std::string mode;
  if (options.get_string("mode", &mode)) {
    if (mode == "all") {
      settings->require_all = true;
    } else if (mode != "any") {
      options.fail("option 'mode' must be 'any' or 'all', not '" + mode + "'");
    }
  }
}

NeedleScorer::NeedleScorer(const ScorerSpec& spec, Settings settings, std::string verb)
    : MatchScorer(spec, settings_signature(settings)),
      settings_(std::move(settings)),
      verb_(std::move(verb)) {}

Score NeedleScorer::score(const ScoreInput& input) const {
  const std::vector<std::string>& needles =
      settings_.values.empty() ? *input.expected : settings_.values;
  if (needles.empty()) return failure("no expected answer and no 'value' option");
  const std::string got = ", got " + quoted_excerpt(input.output);
  if (settings_.require_all) {
    for (const auto& needle : needles) {
      if (!matches(input.output, needle)) {
        return verdict(false, "expected output to " + verb_ + " " + quoted_excerpt(needle) + got);
      }
    }
    return verdict(true, "output does " + verb_ + " " + join_quoted(needles, " and "));
  }
  for (const auto& needle : needles) {
    if (matches(input.output, needle)) {
      return verdict(true, "output does " + verb_ + " " + quoted_excerpt(needle));
    }
  }
  return verdict(false, "expected output to " + verb_ + " " + join_quoted(needles, " or ") + got);
}

}  // namespace evalkit

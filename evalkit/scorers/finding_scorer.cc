#include "evalkit/scorers/finding_scorer.h"

#include <algorithm>

#include "evalkit/base/suggest.h"

namespace evalkit {
namespace {

std::string kinds_signature(const std::vector<std::string>& kinds) {
  if (kinds.empty()) return "kinds:all";
  std::string out = "kinds:";
  for (size_t i = 0; i < kinds.size(); ++i) out += (i ? "," : "") + kinds[i];
  return out;
}

}  // namespace

void FindingScorer::read_kinds(ScorerOptions& options, const std::vector<std::string>& known,
                               std::vector<std::string>* kinds) {
  if (!options.get_string_list("kinds", kinds)) return;
  if (kinds->empty()) options.fail("option 'kinds' is an empty list");
  for (const auto& kind : *kinds) {
    if (std::find(known.begin(), known.end(), kind) == known.end()) {
      std::string list;
      for (const auto& k : known) list += (list.empty() ? "" : ", ") + k;
      options.fail("option 'kinds': '" + kind + "' is not one of " + list +
                   did_you_mean(kind, known));
      return;
    }
  }
}

FindingScorer::FindingScorer(const ScorerSpec& spec, std::vector<std::string> kinds,
                             std::string what)
    : MatchScorer(spec, kinds_signature(kinds)), kinds_(std::move(kinds)), what_(std::move(what)) {}

Score FindingScorer::score(const ScoreInput& input) const {
  const std::vector<Finding> found = find(input.output);
  if (found.empty()) return verdict(true, "no " + what_ + " found");
  std::string reason = "found " + std::to_string(found.size()) + " (";
  nlohmann::json list = nlohmann::json::array();
  for (size_t i = 0; i < found.size(); ++i) {
    const Finding& f = found[i];
    if (i < 3)
      reason +=
          (i ? ", " : "") + f.kind + (f.detail.empty() ? "" : "/" + f.detail) + " " + f.masked;
    nlohmann::json item = {{"kind", f.kind}, {"text", f.masked}, {"offset", f.offset}};
    if (!f.detail.empty()) item["detail"] = f.detail;
    list.push_back(std::move(item));
  }
  if (found.size() > 3) reason += " and " + std::to_string(found.size() - 3) + " more";
  Score score = verdict(false, reason + ")");
  score.details = {{"found", std::move(list)}};
  return score;
}

}  // namespace evalkit

#include "evalkit/scorers/levenshtein.h"

#include <algorithm>
#include <cstdio>
#include <optional>
#include <vector>

#include "evalkit/base/number_text.h"
#include "evalkit/base/suggest.h"
#include "evalkit/scorers/reference_scorer.h"
#include "evalkit/text/levenshtein_distance.h"
#include "evalkit/text/unicode_class.h"
#include "evalkit/text/utf8.h"

namespace evalkit {
namespace {

constexpr double kDefaultThreshold = 0.8;

struct Match {
  size_t distance = 0;
  double similarity = 0.0;
};

class LevenshteinScorer final : public Scorer {
 public:
  LevenshteinScorer(bool lowercase, std::optional<size_t> max_distance, double threshold,
                    double weight, std::string display_name)
      : lowercase_(lowercase),
        max_distance_(max_distance),
        threshold_(threshold),
        weight_(weight),
        name_(display_name.empty() ? "levenshtein" : std::move(display_name)) {}

  std::string name() const override { return name_; }

  std::string signature() const override {
    return std::string("levenshtein|unit:codepoint|lowercase:") + (lowercase_ ? "yes" : "no");
  }

  Score score(const ScoreInput& input) const override {
    const std::string signature_text = signature();
    Score result = start_reference_score(input, {name_, "levenshtein", signature_text, weight_},
                                         "levenshtein needs at least one expected reference");
    if (result.error) return result;
    thread_local std::vector<char32_t> output;
    thread_local std::vector<char32_t> reference;
    decode(input.output, &output);
    std::optional<Match> best;
    for (const std::string& expected : *input.expected) {
      decode(expected, &reference);
      Match match;
      match.distance = levenshtein_distance(output, reference);
      size_t longest = std::max(output.size(), reference.size());
      match.similarity = longest == 0 ? 1.0 : 1.0 - static_cast<double>(match.distance) / longest;
      if (!best || better(match, *best)) best = match;
    }
    result.value = best->similarity;
    result.pass = max_distance_ ? best->distance <= *max_distance_ : result.value >= threshold_;
    result.details = {{"distance", best->distance}, {"similarity", best->similarity}};
    result.reason = "distance " + std::to_string(best->distance) + ", similarity " +
                    format_number(best->similarity) +
                    (max_distance_ ? (result.pass ? " (<= max_distance " : " (> max_distance ") +
                                         std::to_string(*max_distance_) + ")"
                                   : (result.pass ? " (>= threshold " : " (< threshold ") +
                                         format_number(threshold_) + ")");
    return result;
  }

  // The corpus score: the mean similarity and distance over the outputs scored.
  std::unique_ptr<CorpusStatistics> corpus_statistics() const override;

 private:
  void decode(std::string_view text, std::vector<char32_t>* out) const {
    decode_utf8_bytewise(text, out);
    if (lowercase_) {
      for (char32_t& c : *out) c = unicode_lower(c);
    }
  }

  // With max_distance the pass rule is about distance, so the closest reference wins;
  // otherwise the most similar one (they differ when references differ in length).
  bool better(const Match& candidate, const Match& best) const {
    if (max_distance_) {
      if (candidate.distance != best.distance) return candidate.distance < best.distance;
      return candidate.similarity > best.similarity;
    }
    if (candidate.similarity != best.similarity) return candidate.similarity > best.similarity;
    return candidate.distance < best.distance;
  }

  bool lowercase_;
  std::optional<size_t> max_distance_;
  double threshold_;
  double weight_;
  std::string name_;
};

class LevenshteinCorpusStatistics final : public CorpusStatistics {
 public:
  explicit LevenshteinCorpusStatistics(const LevenshteinScorer& scorer) : scorer_(scorer) {}
  void add(const ScoreInput& input) override { add_details(scorer_.score(input).details); }
  void add_details(const nlohmann::json& details) override {
    if (!details.is_object() || !details.contains("similarity")) return;
    similarity_ += details.value("similarity", 0.0);
    distance_ += details.value("distance", 0.0);
    ++count_;
  }
  nlohmann::json result() const override {
    if (count_ == 0) return nullptr;
    return {{"score", similarity_ / count_},
            {"similarity", similarity_ / count_},
            {"distance", distance_ / count_},
            {"count", count_}};
  }

 private:
  const LevenshteinScorer& scorer_;
  double similarity_ = 0;
  double distance_ = 0;
  size_t count_ = 0;
};

std::unique_ptr<CorpusStatistics> LevenshteinScorer::corpus_statistics() const {
  return std::make_unique<LevenshteinCorpusStatistics>(*this);
}

}  // namespace

std::unique_ptr<Scorer> make_levenshtein_scorer(const ScorerSpec& spec, std::string* error) {
  bool lowercase = false;
  std::optional<size_t> max_distance;
  static const std::vector<std::string> kKnownOptions = {"lowercase", "max_distance"};
  if (!spec.options.is_object()) {
    *error = "options must be a mapping";
    return nullptr;
  }
  for (const auto& [key, value] : spec.options.items()) {
    if (key == "lowercase") {
      if (!value.is_boolean()) {
        *error = "option 'lowercase' must be true or false";
        return nullptr;
      }
      lowercase = value.get<bool>();
    } else if (key == "max_distance") {
      if (!value.is_number_integer() || value.get<long long>() < 0) {
        *error = "option 'max_distance' must be a whole number >= 0";
        return nullptr;
      }
      max_distance = value.get<size_t>();
    } else {
      *error = "option '" + key + "' is unknown" + did_you_mean(key, kKnownOptions);
      return nullptr;
    }
  }
  return std::make_unique<LevenshteinScorer>(
      lowercase, max_distance, spec.threshold.value_or(kDefaultThreshold), spec.weight, spec.name);
}

}  // namespace evalkit

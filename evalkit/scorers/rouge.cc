#include "evalkit/scorers/rouge.h"

#include <cctype>
#include <cstdio>
#include <utility>
#include <vector>

#include "evalkit/base/suggest.h"
#include "evalkit/scorers/reference_scorer.h"

namespace evalkit {
namespace {

constexpr double kDefaultThreshold = 0.5;

enum class RougeMeasure { kF, kP, kR };

const char* measure_name(RougeMeasure measure) {
  switch (measure) {
    case RougeMeasure::kP:
      return "p";
    case RougeMeasure::kR:
      return "r";
    case RougeMeasure::kF:
      break;
  }
  return "f";
}

double pick(const RougeScore& score, RougeMeasure measure) {
  switch (measure) {
    case RougeMeasure::kP:
      return score.p;
    case RougeMeasure::kR:
      return score.r;
    case RougeMeasure::kF:
      break;
  }
  return score.f;
}

std::string format_number(double value) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.4f", value);
  return buffer;
}

// rouge-score's BootstrapAggregator reports the mean of p, r and f over the samples as its
// "mid"; evalkit gives the plain means (no resampling) and the chosen measure's mean as
// "score", so the sums of p, r and f and their count are sufficient.
class RougeCorpusStatistics final : public CorpusStatistics {
 public:
  RougeCorpusStatistics(RougeVariant variant, RougeMeasure measure, RougeTextOptions text)
      : variant_(variant), measure_(measure), text_(text) {}

  void add(const ScoreInput& input) override {
    if (input.expected == nullptr || input.expected->empty()) return;  // score() errors
    RougeScore best;
    rouge_score_multi(*input.expected, input.output, text_, std::span(&variant_, 1),
                      std::span(&best, 1));
    sum(best);
  }

  void add_details(const nlohmann::json& details) override {
    if (!details.is_object() || !details.contains("f")) return;  // errored
    sum({details.value("p", 0.0), details.value("r", 0.0), details.value("f", 0.0)});
  }

  nlohmann::json result() const override {
    if (count_ == 0) return nullptr;
    const double n = static_cast<double>(count_);
    const RougeScore mean{sums_.p / n, sums_.r / n, sums_.f / n};
    return {{"score", pick(mean, measure_)},
            {"p", mean.p},
            {"r", mean.r},
            {"f", mean.f},
            {"count", count_}};
  }

 private:
  void sum(const RougeScore& score) {
    sums_.p += score.p;
    sums_.r += score.r;
    sums_.f += score.f;
    ++count_;
  }

  RougeVariant variant_;
  RougeMeasure measure_;
  RougeTextOptions text_;
  RougeScore sums_{0, 0, 0};
  size_t count_ = 0;
};

class RougeScorer final : public Scorer {
 public:
  RougeScorer(RougeVariant variant, RougeMeasure measure, RougeTextOptions text, double threshold,
              double weight, std::string display_name)
      : variant_(variant),
        measure_(measure),
        text_(text),
        threshold_(threshold),
        weight_(weight),
        name_(display_name.empty() ? variant.name() : std::move(display_name)) {}

  std::string name() const override { return name_; }

  std::string signature() const override {
    return variant_.name() + "|stem:" + (text_.stem ? "porter" : "none") +
           "|tok:" + rouge_tokenizer_name(text_.tokenizer) + "|measure:" + measure_name(measure_);
  }

  Score score(const ScoreInput& input) const override {
    const std::string signature_text = signature();
    Score result = start_reference_score(input, {name_, "rouge", signature_text, weight_},
                                         "rouge needs at least one expected reference");
    if (result.error) return result;
    RougeScore best;
    rouge_score_multi(*input.expected, input.output, text_, std::span(&variant_, 1),
                      std::span(&best, 1));
    result.value = pick(best, measure_);
    result.pass = result.value >= threshold_;
    result.details = {{"p", best.p}, {"r", best.r}, {"f", best.f}};
    result.reason = variant_.name() + " " + measure_name(measure_) + " " +
                    format_number(result.value) + (result.pass ? " >= " : " < ") + "threshold " +
                    format_number(threshold_) + " (p " + format_number(best.p) + ", r " +
                    format_number(best.r) + ", f " + format_number(best.f) + ")";
    return result;
  }

  std::unique_ptr<CorpusStatistics> corpus_statistics() const override {
    return std::make_unique<RougeCorpusStatistics>(variant_, measure_, text_);
  }

 private:
  RougeVariant variant_;
  RougeMeasure measure_;
  RougeTextOptions text_;
  double threshold_;
  double weight_;
  std::string name_;
};

bool read_string(const nlohmann::json& value, const char* key, std::string* out,
                 std::string* error) {
  if (!value.is_string()) {
    *error = std::string("option '") + key + "' must be a string";
    return false;
  }
  *out = value.get<std::string>();
  return true;
}

bool parse_measure(const std::string& name, RougeMeasure* out) {
  if (name == "f" || name == "fmeasure") {
    *out = RougeMeasure::kF;
  } else if (name == "p" || name == "precision") {
    *out = RougeMeasure::kP;
  } else if (name == "r" || name == "recall") {
    *out = RougeMeasure::kR;
  } else {
    return false;
  }
  return true;
}

// "rougel" is one edit from both rouge1 and rougeL; a case-only difference is the likelier
// typo, so it is suggested first.
std::string suggest_variant(const std::string& name) {
  const std::vector<std::string> variants = {"rouge1", "rouge2", "rougeL", "rougeLsum"};
  auto lower = [](std::string text) {
    for (char& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return text;
  };
  for (const std::string& variant : variants) {
    if (lower(variant) == lower(name)) return " (did you mean '" + variant + "'?)";
  }
  return did_you_mean(name, variants);
}

}  // namespace

std::unique_ptr<Scorer> make_rouge_scorer(const ScorerSpec& spec, std::string* error) {
  RougeVariant variant;
  RougeMeasure measure = RougeMeasure::kF;
  RougeTextOptions text;
  static const std::vector<std::string> kKnownOptions = {"variant", "measure", "stemmer",
                                                         "use_stemmer", "tokenizer"};
  if (!spec.options.is_object()) {
    *error = "options must be a mapping";
    return nullptr;
  }
  for (const auto& [key, value] : spec.options.items()) {
    std::string text_value;
    if (key == "variant") {
      if (!read_string(value, "variant", &text_value, error)) return nullptr;
      if (!parse_rouge_variant(text_value, &variant)) {
        *error = "variant '" + text_value +
                 "' is unknown: use rouge1, rouge2, rougeN (N >= 1), rougeL or rougeLsum" +
                 suggest_variant(text_value);
        return nullptr;
      }
    } else if (key == "measure") {
      if (!read_string(value, "measure", &text_value, error)) return nullptr;
      if (!parse_measure(text_value, &measure)) {
        *error = "measure '" + text_value + "' is unknown: use f, p or r";
        return nullptr;
      }
    } else if (key == "stemmer") {
      if (value.is_boolean()) {
        text.stem = value.get<bool>();
        continue;
      }
      if (!read_string(value, "stemmer", &text_value, error)) return nullptr;
      if (text_value != "porter" && text_value != "none") {
        *error = "stemmer '" + text_value + "' is unknown: use porter or none";
        return nullptr;
      }
      text.stem = text_value == "porter";
    } else if (key == "use_stemmer") {
      if (!value.is_boolean()) {
        *error = "option 'use_stemmer' must be true or false";
        return nullptr;
      }
      text.stem = value.get<bool>();
    } else if (key == "tokenizer") {
      if (!read_string(value, "tokenizer", &text_value, error)) return nullptr;
      if (!parse_rouge_tokenizer(text_value, &text.tokenizer)) {
        *error = "tokenizer '" + text_value + "' is unknown: use default or unicode";
        return nullptr;
      }
    } else {
      *error = "option '" + key + "' is unknown" + did_you_mean(key, kKnownOptions);
      return nullptr;
    }
  }
  return std::make_unique<RougeScorer>(
      variant, measure, text, spec.threshold.value_or(kDefaultThreshold), spec.weight, spec.name);
}

}  // namespace evalkit

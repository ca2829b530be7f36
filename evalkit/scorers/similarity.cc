#include "evalkit/scorers/similarity.h"

#include <Eigen/Core>

#include <algorithm>
#include <cstdio>

#include "evalkit/base/number_text.h"
#include "evalkit/scorers/scorer_options.h"

namespace evalkit {
namespace {

constexpr double kDefaultThreshold = 0.8;

const char* metric_name(SimilarityMetric metric) {
  switch (metric) {
    case SimilarityMetric::kCosine:
      return "cosine";
    case SimilarityMetric::kDot:
      return "dot";
    case SimilarityMetric::kEuclidean:
      return "euclidean";
  }
  return "cosine";
}

class SimilarityScorer final : public Scorer {
 public:
  SimilarityScorer(std::string provider, SimilarityMetric metric, double threshold, double weight,
                   std::string display_name)
      : provider_(std::move(provider)),
        metric_(metric),
        threshold_(threshold),
        weight_(weight),
        name_(display_name.empty() ? "similarity" : std::move(display_name)) {}

  std::string name() const override { return name_; }

  std::string signature() const override {
    return std::string("similarity|metric:") + metric_name(metric_) + "|provider:" + provider_;
  }

  std::vector<ModelRequest> requests(const ScoreInput& input) const override {
    if (input.expected == nullptr || input.expected->empty()) return {};
    ModelRequest request;
    request.kind = ModelRequest::Kind::kEmbedding;
    request.provider_id = provider_;
    request.inputs.emplace_back(input.output);
    request.inputs.insert(request.inputs.end(), input.expected->begin(), input.expected->end());
    return {std::move(request)};
  }

  Score score(const ScoreInput& input) const override {
    Score result;
    result.name = name_;
    result.type = "similarity";
    result.signature = signature();
    result.weight = weight_;
    const auto fail = [&](std::string reason) {
      result.error = true;
      result.reason = std::move(reason);
      return result;
    };
    if (input.expected == nullptr || input.expected->empty()) {
      return fail("similarity needs at least one expected reference");
    }
    if (input.model_responses == nullptr || input.model_responses->empty()) {
      return fail("no embeddings were returned for the output and references");
    }
    const ModelResponse& response = input.model_responses->front();
    if (!response.ok) return fail("embeddings failed: " + response.error);
    const auto& vectors = response.embeddings;
    if (vectors.size() != input.expected->size() + 1) {
      return fail("expected " + std::to_string(input.expected->size() + 1) + " embeddings, got " +
                  std::to_string(vectors.size()));
    }
    size_t best = 0;
    double best_raw = 0;
    for (size_t i = 1; i < vectors.size(); ++i) {
      if (vectors[i].size() != vectors[0].size() || vectors[0].empty()) {
        return fail("embeddings differ in length (" + std::to_string(vectors[0].size()) + " and " +
                    std::to_string(vectors[i].size()) + ")");
      }
      const double raw = raw_similarity(metric_, vectors[0], vectors[i]);
      if (i == 1 || raw > best_raw) {
        best = i - 1;
        best_raw = raw;
      }
    }
    result.value = similarity_value(metric_, best_raw);
    result.pass = result.value >= threshold_;
    result.details = {
        {"similarity", best_raw}, {"metric", metric_name(metric_)}, {"best_reference", best}};
    result.reason =
        std::string(metric_name(metric_)) + " " + format_number(best_raw) + " with reference " +
        std::to_string(best + 1) + ", score " + format_number(result.value) +
        (result.pass ? " (>= threshold " : " (< threshold ") + format_number(threshold_) + ")";
    return result;
  }

 private:
  std::string provider_;
  SimilarityMetric metric_;
  double threshold_;
  double weight_;
  std::string name_;
};

}  // namespace

bool parse_similarity_metric(const std::string& text, SimilarityMetric* out) {
  for (SimilarityMetric metric :
       {SimilarityMetric::kCosine, SimilarityMetric::kDot, SimilarityMetric::kEuclidean}) {
    if (text == metric_name(metric)) {
      *out = metric;
      return true;
    }
  }
  return false;
}

double raw_similarity(SimilarityMetric metric, const std::vector<float>& a,
                      const std::vector<float>& b) {
  const Eigen::Index n = static_cast<Eigen::Index>(std::min(a.size(), b.size()));
  // Accumulate in double: float sums over thousands of components lose the last digits.
  const Eigen::VectorXd x = Eigen::Map<const Eigen::VectorXf>(a.data(), n).cast<double>();
  const Eigen::VectorXd y = Eigen::Map<const Eigen::VectorXf>(b.data(), n).cast<double>();
  switch (metric) {
    case SimilarityMetric::kDot:
      return x.dot(y);
    case SimilarityMetric::kEuclidean:
      return -(x - y).norm();
    case SimilarityMetric::kCosine:
      break;
  }
  const double norms = x.norm() * y.norm();
  return norms == 0 ? 0.0 : x.dot(y) / norms;
}

double similarity_value(SimilarityMetric metric, double raw) {
  if (metric == SimilarityMetric::kEuclidean) return 1.0 / (1.0 - std::min(raw, 0.0));
  return std::clamp(raw, 0.0, 1.0);
}

std::unique_ptr<Scorer> make_similarity_scorer(const ScorerSpec& spec, std::string* error) {
  ScorerOptions options(spec);
  std::string provider;
  std::string metric_text = "cosine";
  options.get_string("provider", &provider);
  options.get_string("metric", &metric_text);
  SimilarityMetric metric = SimilarityMetric::kCosine;
  if (!parse_similarity_metric(metric_text, &metric)) {
    options.fail("option 'metric' must be cosine, dot or euclidean, got '" + metric_text + "'");
  }
  if (!options.finish(error)) return nullptr;
  if (provider.empty()) {
    *error = "needs an embeddings provider: set 'provider' or the suite's defaults.embedder";
    return nullptr;
  }
  return std::make_unique<SimilarityScorer>(std::move(provider), metric,
                                            spec.threshold.value_or(kDefaultThreshold), spec.weight,
                                            spec.name);
}

}  // namespace evalkit

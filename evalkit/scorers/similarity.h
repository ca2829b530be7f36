// The "similarity" scorer: embeds the output and every reference with an embeddings
// provider and scores the closest reference by cosine, dot product or euclidean distance.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "evalkit/base/status.h"
#include "evalkit/scorers/scorer.h"

namespace evalkit {

enum class SimilarityMetric { kCosine, kDot, kEuclidean };

// Reads "cosine", "dot" or "euclidean"; false for anything else.
bool parse_similarity_metric(const std::string& text, SimilarityMetric* out);

// The raw measure between two vectors of equal length: cosine in [-1, 1] (0 when either
// vector is zero), the dot product, or the negative euclidean distance (higher is closer).
double raw_similarity(SimilarityMetric metric, const std::vector<float>& a,
                      const std::vector<float>& b);

// The raw measure mapped to [0, 1]: cosine and dot are clamped to [0, 1] (for unit vectors,
// which OpenAI-style embeddings are, dot equals cosine); a negative euclidean distance -d
// becomes 1 / (1 + d), so identical vectors score 1 and the score halves at distance 1.
double similarity_value(SimilarityMetric metric, double raw);

// Options: provider (the embeddings provider id; the suite loader fills it from
// defaults.embedder when absent), metric (cosine). Pass means value >= threshold (0.8).
std::unique_ptr<Scorer> make_similarity_scorer(const ScorerSpec& spec, std::string* error);

}  // namespace evalkit

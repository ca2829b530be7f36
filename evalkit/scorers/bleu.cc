#include "evalkit/scorers/bleu.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "evalkit/scorers/option_reader.h"
#include "evalkit/scorers/reference_scorer.h"
#include "evalkit/text/ngram_matcher.h"
#include "evalkit/text/segment_tokenizer.h"

namespace evalkit {
namespace {

constexpr double kDefaultThreshold = 0.3;
constexpr int kMaxSupportedOrder = 9;
// sacrebleu's my_log(0): keeps the sum finite so that exp() gives exactly 0.
constexpr double kLogZero = -9999999999.0;

// Per-thread buffers: a segment reuses them, so counting allocates only while they grow.
struct BleuWorkspace {
  SegmentTokenizer tokenizer;
  // Tokenizer id -> dense id of this segment (kUnseen outside the segment being counted):
  // a direct index, cheaper than hashing each token again.
  std::vector<uint32_t> local_id_of;
  std::vector<uint32_t> segment_tokens;  // tokenizer ids seen in this segment, by dense id
  std::vector<uint32_t> hyp_ids;
  std::vector<uint32_t> ref_ids;
  std::vector<std::size_t> ref_ends;
  std::vector<std::span<const uint32_t>> ref_spans;
  std::vector<int64_t> ref_lens;
  NgramMatcher matcher;
};

constexpr uint32_t kUnseen = UINT32_MAX;

BleuWorkspace& workspace() {
  thread_local BleuWorkspace ws;
  return ws;
}

int64_t closest_ref_len(int64_t hyp_len, const std::vector<int64_t>& ref_lens) {
  int64_t best_diff = -1;
  int64_t best_len = -1;
  for (int64_t len : ref_lens) {
    const int64_t diff = std::llabs(hyp_len - len);
    if (best_diff == -1 || diff < best_diff || (diff == best_diff && len < best_len)) {
      best_diff = diff;
      best_len = len;
    }
  }
  return best_len;
}

const char* smoothing_name(BleuSmoothing smoothing) {
  switch (smoothing) {
    case BleuSmoothing::kNone:
      return "none";
    case BleuSmoothing::kFloor:
      return "floor";
    case BleuSmoothing::kAddK:
      return "add-k";
    case BleuSmoothing::kExp:
      return "exp";
  }
  return "exp";
}

nlohmann::json result_json(const BleuResult& result) {
  return nlohmann::json{{"score", result.score},
                        {"precisions", result.precisions},
                        {"bp", result.bp},
                        {"sys_len", result.statistics.sys_len},
                        {"ref_len", result.statistics.ref_len},
                        {"counts", result.statistics.counts},
                        {"totals", result.statistics.totals}};
}

// Corpus BLEU: every segment's statistics summed, smoothed once (sacrebleu's corpus_score).
class BleuCorpusStatistics final : public CorpusStatistics {
 public:
  explicit BleuCorpusStatistics(const BleuOptions& options) : options_(options) {
    total_.counts.assign(options_.max_order, 0);
    total_.totals.assign(options_.max_order, 0);
  }

  void add(const ScoreInput& input) override {
    if (input.expected == nullptr || input.expected->empty()) return;  // score() errors
    bleu_statistics(input.output, *input.expected, options_, &one_);
    total_.add(one_);
  }

  void add_details(const nlohmann::json& details) override {
    if (!details.is_object() || !details.contains("counts")) return;  // errored
    one_.sys_len = details.at("sys_len").get<int64_t>();
    one_.ref_len = details.at("ref_len").get<int64_t>();
    one_.counts = details.at("counts").get<std::vector<int64_t>>();
    one_.totals = details.at("totals").get<std::vector<int64_t>>();
    if (one_.counts.size() != total_.counts.size()) return;
    total_.add(one_);
  }

  nlohmann::json result() const override {
    return result_json(bleu_from_statistics(total_, options_, /*effective_order=*/false));
  }

 private:
  BleuOptions options_;
  BleuStatistics total_;
  BleuStatistics one_;  // reused between segments
};

class BleuScorer : public Scorer {
 public:
  BleuScorer(const ScorerSpec& spec, const BleuOptions& options)
      : options_(options),
        name_(spec.name.empty() ? "bleu" : spec.name),
        signature_(bleu_signature(options)),
        threshold_(spec.threshold.value_or(kDefaultThreshold)),
        weight_(spec.weight) {}

  std::string name() const override { return name_; }
  std::string signature() const override { return signature_; }

  Score score(const ScoreInput& input) const override {
    Score score = start_reference_score(input, {name_, "bleu", signature_, weight_},
                                        "bleu needs at least one reference (the case's expected)");
    if (score.error) return score;
    const BleuStatistics stats = bleu_statistics(input.output, *input.expected, options_);
    const BleuResult result = bleu_from_statistics(stats, options_, options_.effective_order);
    score.value = std::clamp(result.score / 100.0, 0.0, 1.0);
    score.pass = score.value >= threshold_;
    char reason[96];
    std::snprintf(reason, sizeof reason, "BLEU %.1f %s threshold %.1f", result.score,
                  score.pass ? ">=" : "<", threshold_ * 100.0);
    score.reason = reason;
    score.details = result_json(result);
    score.details["nrefs"] = input.expected->size();
    return score;
  }

  std::unique_ptr<CorpusStatistics> corpus_statistics() const override {
    return std::make_unique<BleuCorpusStatistics>(options_);
  }

 private:
  BleuOptions options_;
  std::string name_;
  std::string signature_;
  double threshold_;
  double weight_;
};

}  // namespace

void BleuStatistics::add(const BleuStatistics& other) {
  sys_len += other.sys_len;
  ref_len += other.ref_len;
  for (std::size_t i = 0; i < counts.size() && i < other.counts.size(); ++i) {
    counts[i] += other.counts[i];
    totals[i] += other.totals[i];
  }
}

bool parse_bleu_options(const nlohmann::json& options, BleuOptions* out, std::string* error) {
  OptionReader reader(
      options, {"tokenize", "lowercase", "smooth", "smooth_value", "max_order", "effective_order"});
  std::string tokenize = word_tokenizer_name(out->tokenizer);
  std::string smooth = smoothing_name(out->smoothing);
  double smooth_value = std::nan("");
  reader.get("tokenize", &tokenize);
  reader.get("lowercase", &out->lowercase);
  reader.get("smooth", &smooth);
  reader.get("smooth_value", &smooth_value);
  reader.get("max_order", &out->max_order);
  reader.get("effective_order", &out->effective_order);
  if (!reader.ok(error)) return false;
  if (!parse_word_tokenizer(tokenize, &out->tokenizer)) {
    *error = "tokenize must be 13a, intl or none, not '" + tokenize + "'";
    return false;
  }
  if (smooth == "exp") {
    out->smoothing = BleuSmoothing::kExp;
  } else if (smooth == "floor") {
    out->smoothing = BleuSmoothing::kFloor;
  } else if (smooth == "add-k") {
    out->smoothing = BleuSmoothing::kAddK;
  } else if (smooth == "none") {
    out->smoothing = BleuSmoothing::kNone;
  } else {
    *error = "smooth must be exp, floor, add-k or none, not '" + smooth + "'";
    return false;
  }
  // sacrebleu's SMOOTH_DEFAULTS: floor 0.1, add-k 1; the others take no value.
  if (out->smoothing == BleuSmoothing::kFloor) {
    out->smooth_value = std::isnan(smooth_value) ? 0.1 : smooth_value;
  } else if (out->smoothing == BleuSmoothing::kAddK) {
    out->smooth_value = std::isnan(smooth_value) ? 1.0 : smooth_value;
  } else if (!std::isnan(smooth_value)) {
    *error = "smooth_value applies only to smooth: floor or add-k";
    return false;
  }
  if (out->smooth_value < 0) {
    *error = "smooth_value must not be negative";
    return false;
  }
  if (out->max_order < 1 || out->max_order > kMaxSupportedOrder) {
    *error = "max_order must be between 1 and " + std::to_string(kMaxSupportedOrder);
    return false;
  }
  return true;
}

BleuStatistics bleu_statistics(std::string_view hypothesis, std::span<const std::string> references,
                               const BleuOptions& options) {
  BleuStatistics stats;
  bleu_statistics(hypothesis, references, options, &stats);
  return stats;
}

void bleu_statistics(std::string_view hypothesis, std::span<const std::string> references,
                     const BleuOptions& options, BleuStatistics* out) {
  BleuWorkspace& ws = workspace();
  ws.tokenizer.begin_segment();
  ws.hyp_ids.clear();
  ws.tokenizer.tokenize(hypothesis, options.tokenizer, options.lowercase, &ws.hyp_ids);
  ws.ref_ids.clear();
  ws.ref_ends.clear();
  ws.ref_lens.clear();
  for (const auto& reference : references) {
    const std::size_t before = ws.ref_ids.size();
    ws.tokenizer.tokenize(reference, options.tokenizer, options.lowercase, &ws.ref_ids);
    ws.ref_ends.push_back(ws.ref_ids.size());
    ws.ref_lens.push_back(static_cast<int64_t>(ws.ref_ids.size() - before));
  }
  // Dense ids keep the matcher's per-id arrays as small as the segment.
  if (ws.local_id_of.size() < ws.tokenizer.id_bound()) {
    ws.local_id_of.resize(ws.tokenizer.id_bound(), kUnseen);
  }
  ws.segment_tokens.clear();
  auto to_local = [&ws](uint32_t& id) {
    uint32_t& local = ws.local_id_of[id];
    if (local == kUnseen) {
      local = static_cast<uint32_t>(ws.segment_tokens.size());
      ws.segment_tokens.push_back(id);
    }
    id = local;
  };
  for (uint32_t& id : ws.hyp_ids) to_local(id);
  for (uint32_t& id : ws.ref_ids) to_local(id);
  const auto local_count = static_cast<uint32_t>(ws.segment_tokens.size());
  for (uint32_t id : ws.segment_tokens) ws.local_id_of[id] = kUnseen;
  ws.ref_spans.clear();
  std::size_t start = 0;
  for (std::size_t end : ws.ref_ends) {
    ws.ref_spans.emplace_back(ws.ref_ids.data() + start, end - start);
    start = end;
  }

  BleuStatistics& stats = *out;
  stats.sys_len = static_cast<int64_t>(ws.hyp_ids.size());
  stats.ref_len = closest_ref_len(stats.sys_len, ws.ref_lens);
  if (stats.ref_len < 0) stats.ref_len = 0;
  stats.counts.assign(options.max_order, 0);
  stats.totals.assign(options.max_order, 0);
  ws.matcher.count_matches(ws.hyp_ids, ws.ref_spans, local_count, options.max_order,
                           stats.counts.data());
  for (int n = 1; n <= options.max_order; ++n) {
    stats.totals[n - 1] = std::max<int64_t>(0, stats.sys_len - n + 1);
  }
}

BleuResult bleu_from_statistics(const BleuStatistics& statistics, const BleuOptions& options,
                                bool effective_order) {
  BleuResult result;
  result.statistics = statistics;
  const int64_t sys_len = statistics.sys_len;
  const int64_t ref_len = statistics.ref_len;
  if (sys_len < ref_len) {
    result.bp = sys_len > 0
                    ? std::exp(1.0 - static_cast<double>(ref_len) / static_cast<double>(sys_len))
                    : 0.0;
  } else {
    result.bp = 1.0;
  }
  const int max_order = static_cast<int>(statistics.counts.size());
  result.precisions.assign(max_order, 0.0);
  // No match at any order scores 0 before smoothing (sacrebleu #141).
  if (std::all_of(statistics.counts.begin(), statistics.counts.end(),
                  [](int64_t c) { return c == 0; })) {
    return result;
  }

  double smooth_mteval = 1.0;
  int eff_order = max_order;
  for (int n = 1; n <= max_order; ++n) {
    double correct = static_cast<double>(statistics.counts[n - 1]);
    double total = static_cast<double>(statistics.totals[n - 1]);
    if (options.smoothing == BleuSmoothing::kAddK && n > 1) {
      correct += options.smooth_value;
      total += options.smooth_value;
    }
    if (total == 0) break;
    if (effective_order) eff_order = n;
    double& precision = result.precisions[n - 1];
    if (correct == 0) {
      if (options.smoothing == BleuSmoothing::kExp) {
        smooth_mteval *= 2;
        precision = 100.0 / (smooth_mteval * total);
      } else if (options.smoothing == BleuSmoothing::kFloor) {
        precision = 100.0 * options.smooth_value / total;
      }
    } else {
      precision = 100.0 * correct / total;
    }
  }

  double log_sum = 0.0;
  for (int n = 0; n < eff_order; ++n) {
    const double p = result.precisions[n];
    log_sum += p == 0.0 ? kLogZero : std::log(p);
  }
  result.score = result.bp * std::exp(log_sum / eff_order);
  return result;
}

std::string bleu_signature(const BleuOptions& options) {
  std::string smooth = smoothing_name(options.smoothing);
  if (options.smoothing == BleuSmoothing::kFloor || options.smoothing == BleuSmoothing::kAddK) {
    char value[32];
    std::snprintf(value, sizeof value, "[%.2f]", options.smooth_value);
    smooth += value;
  }
  std::string signature = "bleu|case:";
  signature += options.lowercase ? "lc" : "mixed";
  signature += options.effective_order ? "|eff:yes" : "|eff:no";
  signature += "|tok:";
  signature += word_tokenizer_name(options.tokenizer);
  signature += "|smooth:" + smooth;
  if (options.max_order != 4) signature += "|order:" + std::to_string(options.max_order);
  signature += "|version:";
  signature += EVALKIT_VERSION;
  return signature;
}

std::unique_ptr<Scorer> make_bleu_scorer(const ScorerSpec& spec, std::string* error) {
  BleuOptions options;
  if (!parse_bleu_options(spec.options, &options, error)) return nullptr;
  return std::make_unique<BleuScorer>(spec, options);
}

}  // namespace evalkit

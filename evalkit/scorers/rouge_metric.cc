#include "evalkit/scorers/rouge_metric.h"

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <vector>

#include "evalkit/text/lcs.h"
#include "evalkit/text/porter_stemmer.h"
#include "evalkit/text/token_id_table.h"

namespace evalkit {
namespace {

constexpr uint32_t kNotStemmedYet = UINT32_MAX;
// The per-thread token table lives across calls (so each word is stemmed once), but is
// emptied between calls when it grows past this, to keep memory flat on huge runs.
constexpr size_t kMaxTokenTableBytes = size_t{64} << 20;

struct TokenizedText {
  std::vector<uint32_t> ids;            // every token, in order
  std::vector<uint32_t> sentence_ends;  // end index in ids of each non-empty line
};

// Everything a thread needs to score, reused from call to call.
struct RougeWorkspace {
  TokenIdTable tokens;
  std::vector<uint32_t> stem_of;  // token id -> id of its stem
  std::string token_scratch;
  std::string stem_scratch;
  TokenizedText prediction;
  TokenizedText target;
  LcsScratch lcs;
  std::vector<int32_t> target_counts;
  std::vector<int32_t> prediction_counts;
  std::vector<uint64_t> target_keys;
  std::vector<uint64_t> prediction_keys;
  std::vector<uint64_t> all_keys;
  std::vector<uint8_t> in_lcs;

  void start_call() {
    if (tokens.memory_bytes() > kMaxTokenTableBytes) {
      tokens.clear();
      stem_of.clear();
    }
  }

  uint32_t token_id(std::string_view token, bool stem) {
    uint32_t id = tokens.intern(token);
    if (!stem || !rouge_should_stem(token)) return id;
    if (stem_of.size() <= id) stem_of.resize(tokens.size(), kNotStemmedYet);
    if (stem_of[id] == kNotStemmedYet) {
      porter_stem(token, &stem_scratch);
      uint32_t stem_id = tokens.intern(stem_scratch);
      stem_of[id] = stem_id;
    }
    return stem_of[id];
  }

  // rouge-score tokenizes the whole text for ROUGE-N/L and each "\n"-separated non-empty
  // line for ROUGE-Lsum; "\n" always separates tokens, so one pass per line gives both.
  void tokenize(std::string_view text, const RougeTextOptions& options, TokenizedText* out) {
    out->ids.clear();
    out->sentence_ends.clear();
    size_t line_start = 0;
    while (line_start <= text.size()) {
      size_t line_end = text.find('\n', line_start);
      if (line_end == std::string_view::npos) line_end = text.size();
      std::string_view line = text.substr(line_start, line_end - line_start);
      if (!line.empty()) {
        RougeTokenCursor cursor(line, options.tokenizer, &token_scratch);
        std::string_view token;
        while (cursor.next(&token)) out->ids.push_back(token_id(token, options.stem));
        out->sentence_ends.push_back(static_cast<uint32_t>(out->ids.size()));
      }
      line_start = line_end + 1;
    }
  }

  void ensure_counts() {
    if (target_counts.size() < tokens.size()) {
      target_counts.resize(tokens.size(), 0);
      prediction_counts.resize(tokens.size(), 0);
    }
  }
};

RougeWorkspace& workspace() {
  thread_local RougeWorkspace instance;
  return instance;
}

double fmeasure(double precision, double recall) {
  return precision + recall > 0 ? 2 * precision * recall / (precision + recall) : 0.0;
}

RougeScore make_score(double matched, double prediction_total, double target_total) {
  RougeScore score;
  score.p = matched / prediction_total;
  score.r = matched / target_total;
  score.f = fmeasure(score.p, score.r);
  return score;
}

// Writes one exact key per n-gram of ids for n = 1 or 2: the token id, or two ids packed
// into 64 bits. Higher orders build on these (see joint_ngram_keys).
void ngram_keys(std::span<const uint32_t> ids, int n, std::vector<uint64_t>* keys) {
  keys->clear();
  if (ids.size() < static_cast<size_t>(n)) return;
  size_t count = ids.size() - n + 1;
  for (size_t i = 0; i < count; ++i) {
    keys->push_back(n == 1 ? ids[i] : (uint64_t{ids[i]} << 32) | ids[i + 1]);
  }
}

// Renumbers both key lists densely (jointly) so that one more token fits in 64 bits.
void rank_jointly(std::vector<uint64_t>* a, std::vector<uint64_t>* b, std::vector<uint64_t>* all) {
  all->assign(a->begin(), a->end());
  all->insert(all->end(), b->begin(), b->end());
  std::sort(all->begin(), all->end());
  all->erase(std::unique(all->begin(), all->end()), all->end());
  for (auto* keys : {a, b}) {
    for (uint64_t& key : *keys) {
      key = static_cast<uint64_t>(std::lower_bound(all->begin(), all->end(), key) - all->begin());
    }
  }
}

// Keys of the n-grams of target and prediction such that equal n-grams get equal keys.
// Beyond bigrams, the (n-1)-gram keys of both texts are renumbered densely together, which
// leaves room to pack one more token id beside them in 64 bits.
void joint_ngram_keys(std::span<const uint32_t> target, std::span<const uint32_t> prediction, int n,
                      RougeWorkspace& ws) {
  int first = std::min(n, 2);
  ngram_keys(target, first, &ws.target_keys);
  ngram_keys(prediction, first, &ws.prediction_keys);
  for (int order = 3; order <= n; ++order) {
    rank_jointly(&ws.target_keys, &ws.prediction_keys, &ws.all_keys);
    if (!ws.target_keys.empty()) ws.target_keys.pop_back();
    for (size_t i = 0; i < ws.target_keys.size(); ++i) {
      ws.target_keys[i] = (ws.target_keys[i] << 32) | target[i + order - 1];
    }
    if (!ws.prediction_keys.empty()) ws.prediction_keys.pop_back();
    for (size_t i = 0; i < ws.prediction_keys.size(); ++i) {
      ws.prediction_keys[i] = (ws.prediction_keys[i] << 32) | prediction[i + order - 1];
    }
  }
}

RougeScore ngram_score(std::span<const uint32_t> target, std::span<const uint32_t> prediction,
                       int n, RougeWorkspace& ws) {
  auto ngram_count = [n](size_t tokens) {
    return tokens >= static_cast<size_t>(n) ? tokens - n + 1 : 0;
  };
  size_t target_total = ngram_count(target.size());
  size_t prediction_total = ngram_count(prediction.size());
  size_t overlap = 0;
  if (target_total > 0 && prediction_total > 0) {
    if (n == 1) {
      // Clipped counts straight from per-id counters.
      ws.ensure_counts();
      for (uint32_t id : target) ++ws.target_counts[id];
      for (uint32_t id : prediction) {
        if (ws.target_counts[id] > 0) {
          --ws.target_counts[id];
          ++overlap;
        }
      }
      for (uint32_t id : target) ws.target_counts[id] = 0;
    } else {
      joint_ngram_keys(target, prediction, n, ws);
      std::sort(ws.target_keys.begin(), ws.target_keys.end());
      std::sort(ws.prediction_keys.begin(), ws.prediction_keys.end());
      auto t = ws.target_keys.begin();
      auto p = ws.prediction_keys.begin();
      while (t != ws.target_keys.end() && p != ws.prediction_keys.end()) {
        if (*t < *p) {
          ++t;
        } else if (*p < *t) {
          ++p;
        } else {
          ++overlap;
          ++t;
          ++p;
        }
      }
    }
  }
  return make_score(static_cast<double>(overlap),
                    static_cast<double>(std::max<size_t>(prediction_total, 1)),
                    static_cast<double>(std::max<size_t>(target_total, 1)));
}

RougeScore lcs_score(std::span<const uint32_t> target, std::span<const uint32_t> prediction,
                     RougeWorkspace& ws) {
  if (target.empty() || prediction.empty()) return {};
  size_t lcs = lcs_length(target, prediction, &ws.lcs);
  return make_score(static_cast<double>(lcs), static_cast<double>(prediction.size()),
                    static_cast<double>(target.size()));
}

// Summary-level LCS (ROUGE-1.5.5's union LCS, as rouge-score implements it): per target
// sentence, the union of its LCS positions against every prediction sentence; a token of
// that union counts while both texts still have an unused occurrence of it.
RougeScore summary_lcs_score(const TokenizedText& target, const TokenizedText& prediction,
                             RougeWorkspace& ws) {
  if (target.ids.empty() || prediction.ids.empty()) return {};
  ws.ensure_counts();
  for (uint32_t id : target.ids) ++ws.target_counts[id];
  for (uint32_t id : prediction.ids) ++ws.prediction_counts[id];
  std::span<const uint32_t> target_ids = target.ids;
  std::span<const uint32_t> prediction_ids = prediction.ids;
  size_t hits = 0;
  uint32_t target_start = 0;
  for (uint32_t target_end : target.sentence_ends) {
    auto sentence = target_ids.subspan(target_start, target_end - target_start);
    target_start = target_end;
    if (sentence.empty()) continue;
    ws.in_lcs.assign(sentence.size(), 0);
    uint32_t prediction_start = 0;
    for (uint32_t prediction_end : prediction.sentence_ends) {
      auto candidate = prediction_ids.subspan(prediction_start, prediction_end - prediction_start);
      prediction_start = prediction_end;
      mark_lcs_positions(sentence, candidate, &ws.lcs, &ws.in_lcs);
    }
    for (size_t i = 0; i < sentence.size(); ++i) {
      if (!ws.in_lcs[i]) continue;
      uint32_t id = sentence[i];
      if (ws.target_counts[id] > 0 && ws.prediction_counts[id] > 0) {
        ++hits;
        --ws.target_counts[id];
        --ws.prediction_counts[id];
      }
    }
  }
  for (uint32_t id : target.ids) ws.target_counts[id] = 0;
  for (uint32_t id : prediction.ids) ws.prediction_counts[id] = 0;
  return make_score(static_cast<double>(hits), static_cast<double>(prediction.ids.size()),
                    static_cast<double>(target.ids.size()));
}

RougeScore score_variant(const RougeVariant& variant, const TokenizedText& target,
                         const TokenizedText& prediction, RougeWorkspace& ws) {
  switch (variant.kind) {
    case RougeVariant::Kind::kNgram:
      return ngram_score(target.ids, prediction.ids, variant.n, ws);
    case RougeVariant::Kind::kLcs:
      return lcs_score(target.ids, prediction.ids, ws);
    case RougeVariant::Kind::kSummaryLcs:
      return summary_lcs_score(target, prediction, ws);
  }
  return {};
}

}  // namespace

std::string RougeVariant::name() const {
  switch (kind) {
    case Kind::kNgram:
      return "rouge" + std::to_string(n);
    case Kind::kLcs:
      return "rougeL";
    case Kind::kSummaryLcs:
      return "rougeLsum";
  }
  return "rouge";
}

bool parse_rouge_variant(std::string_view name, RougeVariant* out) {
  if (name == "rougeL") {
    *out = {RougeVariant::Kind::kLcs, 0};
    return true;
  }
  if (name == "rougeLsum") {
    *out = {RougeVariant::Kind::kSummaryLcs, 0};
    return true;
  }
  if (!name.starts_with("rouge") || name.size() == 5 || name[5] == '0') return false;
  std::string_view digits = name.substr(5);
  int n = 0;
  auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), n);
  if (error != std::errc() || end != digits.data() + digits.size() || n < 1) return false;
  *out = {RougeVariant::Kind::kNgram, n};
  return true;
}

void rouge_score_pair(std::string_view target, std::string_view prediction,
                      const RougeTextOptions& options, std::span<const RougeVariant> variants,
                      std::span<RougeScore> out) {
  RougeWorkspace& ws = workspace();
  ws.start_call();
  ws.tokenize(prediction, options, &ws.prediction);
  ws.tokenize(target, options, &ws.target);
  for (size_t v = 0; v < variants.size(); ++v) {
    out[v] = score_variant(variants[v], ws.target, ws.prediction, ws);
  }
}

void rouge_score_multi(std::span<const std::string> targets, std::string_view prediction,
                       const RougeTextOptions& options, std::span<const RougeVariant> variants,
                       std::span<RougeScore> out) {
  std::fill(out.begin(), out.end(), RougeScore{});
  RougeWorkspace& ws = workspace();
  ws.start_call();
  ws.tokenize(prediction, options, &ws.prediction);
  for (size_t t = 0; t < targets.size(); ++t) {
    ws.tokenize(targets[t], options, &ws.target);
    for (size_t v = 0; v < variants.size(); ++v) {
      RougeScore score = score_variant(variants[v], ws.target, ws.prediction, ws);
      if (t == 0 || score.f > out[v].f) out[v] = score;
    }
  }
}

}  // namespace evalkit

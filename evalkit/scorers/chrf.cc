#include "evalkit/scorers/chrf.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "evalkit/scorers/option_reader.h"
#include "evalkit/scorers/reference_scorer.h"
#include "evalkit/text/key_interner.h"
#include "evalkit/text/ngram_matcher.h"
#include "evalkit/text/python_lower.h"
#include "evalkit/text/python_whitespace.h"
#include "evalkit/text/token_interner.h"
#include "evalkit/text/utf8.h"

namespace evalkit {
namespace {

constexpr double kDefaultThreshold = 0.5;
constexpr int kMaxSupportedOrder = 12;

// Python's string.punctuation.
bool is_ascii_punctuation(char c) {
  return (c >= '!' && c <= '/') || (c >= ':' && c <= '@') || (c >= '[' && c <= '`') ||
         (c >= '{' && c <= '~');
}

// One text's characters (whitespace removed) and chrF++ words, as dense ids shared by the
// hypothesis and its references.
struct SegmentText {
  std::vector<uint32_t> chars;
  std::vector<uint32_t> words;
};

struct ChrfWorkspace {
  std::string repaired;
  std::string lowered;
  KeyInterner char_ids;
  uint32_t ascii_char_ids[128];  // per segment: char_ids of ASCII characters, or kAbsent
  TokenInterner word_ids;
  SegmentText hypothesis;
  std::vector<SegmentText> references;
  NgramMatcher matcher;
  std::vector<int64_t> matches;
  std::vector<int64_t> stats;
};

ChrfWorkspace& workspace() {
  thread_local ChrfWorkspace ws;
  return ws;
}

// Decodes text into ws's character ids; fills words when word n-grams are wanted. The
// interned word views point into *storage, which must outlive the segment.
void read_text(std::string_view text, const ChrfOptions& options, ChrfWorkspace& ws,
               std::string* storage, SegmentText* out) {
  const std::string_view original = text;
  text = valid_utf8(text, &ws.repaired);
  if (options.lowercase) {
    python_lower(text, &ws.lowered);
    text = ws.lowered;
  }
  std::string_view kept = text;
  if (kept.data() != original.data()) {  // the shared buffers are rewritten by the next text
    storage->assign(kept);
    kept = *storage;
  }
  out->chars.clear();
  const auto* bytes = reinterpret_cast<const unsigned char*>(kept.data());
  std::size_t i = 0;
  while (i < kept.size()) {
    const unsigned char byte = bytes[i];
    if (byte < 0x80) {  // most text: no decoding, no hashing after a character's first use
      ++i;
      if ((byte >= 0x09 && byte <= 0x0D) || (byte >= 0x1C && byte <= 0x20)) continue;
      uint32_t& id = ws.ascii_char_ids[byte];
      if (id == KeyInterner::kAbsent) id = ws.char_ids.intern(byte);
      out->chars.push_back(id);
      continue;
    }
    const char32_t cp = decode_utf8_at(kept, &i);
    if (!is_python_whitespace(cp)) out->chars.push_back(ws.char_ids.intern(cp));
  }
  out->words.clear();
  if (options.word_order == 0) return;
  // sacrebleu's _remove_punctuation: a word longer than one character loses one ASCII
  // punctuation mark, the last character if it is one, else the first. Byte tests suffice:
  // a one-character multi-byte word has no ASCII byte at either end.
  for_each_python_word(kept, [&](std::string_view word) {
    if (word.size() == 1) {
      out->words.push_back(ws.word_ids.intern(word));
    } else if (is_ascii_punctuation(word.back())) {
      out->words.push_back(ws.word_ids.intern(word.substr(0, word.size() - 1)));
      out->words.push_back(ws.word_ids.intern(word.substr(word.size() - 1)));
    } else if (is_ascii_punctuation(word.front())) {
      out->words.push_back(ws.word_ids.intern(word.substr(0, 1)));
      out->words.push_back(ws.word_ids.intern(word.substr(1)));
    } else {
      out->words.push_back(ws.word_ids.intern(word));
    }
  });
}

void append_order_stats(std::size_t hyp_len, std::size_t ref_len, int max_order,
                        const int64_t* matches, std::vector<int64_t>* stats) {
  for (int n = 1; n <= max_order; ++n) {
    const auto hyp_count =
        static_cast<int64_t>(hyp_len >= static_cast<std::size_t>(n) ? hyp_len - n + 1 : 0);
    const auto ref_count =
        static_cast<int64_t>(ref_len >= static_cast<std::size_t>(n) ? ref_len - n + 1 : 0);
    stats->push_back(ref_count > 0 ? hyp_count : 0);
    stats->push_back(ref_count);
    stats->push_back(matches[n - 1]);
  }
}

// Corpus chrF: every segment's character and word n-gram statistics summed.
class ChrfCorpusStatistics final : public CorpusStatistics {
 public:
  explicit ChrfCorpusStatistics(const ChrfOptions& options)
      : options_(options), total_(3 * static_cast<std::size_t>(options.order()), 0) {}

  void add(const ScoreInput& input) override {
    if (input.expected == nullptr || input.expected->empty()) return;  // score() errors
    chrf_statistics(input.output, *input.expected, options_, &one_);
    sum(one_);
  }

  void add_details(const nlohmann::json& details) override {
    if (!details.is_object() || !details.contains("stats")) return;  // errored
    sum(details.at("stats").get<std::vector<int64_t>>());
  }

  nlohmann::json result() const override {
    return {{"score", chrf_from_statistics(total_, options_)}, {"stats", total_}};
  }

 private:
  void sum(const std::vector<int64_t>& stats) {
    if (stats.size() != total_.size()) return;
    for (std::size_t i = 0; i < total_.size(); ++i) total_[i] += stats[i];
  }

  ChrfOptions options_;
  std::vector<int64_t> total_;
  std::vector<int64_t> one_;  // reused between segments
};

class ChrfScorer : public Scorer {
 public:
  ChrfScorer(const ScorerSpec& spec, const ChrfOptions& options)
      : options_(options),
        type_name_(options.word_order > 0 ? "chrf++" : "chrf"),
        name_(spec.name.empty() ? type_name_ : spec.name),
        signature_(chrf_signature(options)),
        threshold_(spec.threshold.value_or(kDefaultThreshold)),
        weight_(spec.weight) {}

  std::string name() const override { return name_; }
  std::string signature() const override { return signature_; }

  Score score(const ScoreInput& input) const override {
    Score score = start_reference_score(input, {name_, "chrf", signature_, weight_},
                                        "chrf needs at least one reference (the case's expected)");
    if (score.error) return score;
    const std::vector<int64_t> stats = chrf_statistics(input.output, *input.expected, options_);
    const double value = chrf_from_statistics(stats, options_);
    score.value = std::clamp(value / 100.0, 0.0, 1.0);
    score.pass = score.value >= threshold_;
    char reason[96];
    std::snprintf(reason, sizeof reason, "%s %.1f %s threshold %.1f",
                  options_.word_order > 0 ? "chrF++" : "chrF", value, score.pass ? ">=" : "<",
                  threshold_ * 100.0);
    score.reason = reason;
    score.details = {{"score", value}, {"stats", stats}, {"nrefs", input.expected->size()}};
    return score;
  }

  std::unique_ptr<CorpusStatistics> corpus_statistics() const override {
    return std::make_unique<ChrfCorpusStatistics>(options_);
  }

 private:
  ChrfOptions options_;
  std::string type_name_;
  std::string name_;
  std::string signature_;
  double threshold_;
  double weight_;
};

}  // namespace

bool parse_chrf_options(const nlohmann::json& options, ChrfOptions* out, std::string* error) {
  OptionReader reader(options, {"char_order", "word_order", "beta", "lowercase", "eps_smoothing"});
  reader.get("char_order", &out->char_order);
  reader.get("word_order", &out->word_order);
  reader.get("beta", &out->beta);
  reader.get("lowercase", &out->lowercase);
  reader.get("eps_smoothing", &out->eps_smoothing);
  if (!reader.ok(error)) return false;
  if (out->char_order < 1 || out->char_order > kMaxSupportedOrder) {
    *error = "char_order must be between 1 and " + std::to_string(kMaxSupportedOrder);
    return false;
  }
  if (out->word_order < 0 || out->word_order > kMaxSupportedOrder) {
    *error = "word_order must be between 0 and " + std::to_string(kMaxSupportedOrder);
    return false;
  }
  if (!(out->beta > 0)) {
    *error = "beta must be positive";
    return false;
  }
  return true;
}

std::vector<int64_t> chrf_statistics(std::string_view hypothesis,
                                     std::span<const std::string> references,
                                     const ChrfOptions& options) {
  std::vector<int64_t> stats;
  chrf_statistics(hypothesis, references, options, &stats);
  return stats;
}

void chrf_statistics(std::string_view hypothesis, std::span<const std::string> references,
                     const ChrfOptions& options, std::vector<int64_t>* out) {
  ChrfWorkspace& ws = workspace();
  thread_local std::vector<std::string> texts;
  std::size_t char_budget = hypothesis.size();
  for (const auto& ref : references) char_budget += ref.size();
  if (options.lowercase) char_budget *= 2;  // lowercasing can lengthen text (U+0130)
  ws.char_ids.reset(char_budget);
  std::fill(std::begin(ws.ascii_char_ids), std::end(ws.ascii_char_ids), KeyInterner::kAbsent);
  if (options.word_order > 0) ws.word_ids.reset(char_budget);
  if (texts.size() < references.size() + 1) texts.resize(references.size() + 1);
  if (ws.references.size() < references.size()) ws.references.resize(references.size());
  read_text(hypothesis, options, ws, &texts[0], &ws.hypothesis);
  for (std::size_t r = 0; r < references.size(); ++r) {
    read_text(references[r], options, ws, &texts[r + 1], &ws.references[r]);
  }

  ws.matches.assign(static_cast<std::size_t>(std::max(options.char_order, options.word_order)), 0);
  out->clear();
  double best_score = -1.0;
  for (std::size_t r = 0; r < references.size(); ++r) {
    const SegmentText& ref = ws.references[r];
    ws.stats.clear();
    std::span<const uint32_t> ref_chars = ref.chars;
    ws.matcher.count_matches(ws.hypothesis.chars, std::span(&ref_chars, 1), ws.char_ids.size(),
                             options.char_order, ws.matches.data());
    append_order_stats(ws.hypothesis.chars.size(), ref.chars.size(), options.char_order,
                       ws.matches.data(), &ws.stats);
    if (options.word_order > 0) {
      std::span<const uint32_t> ref_words = ref.words;
      ws.matcher.count_matches(ws.hypothesis.words, std::span(&ref_words, 1), ws.word_ids.size(),
                               options.word_order, ws.matches.data());
      append_order_stats(ws.hypothesis.words.size(), ref.words.size(), options.word_order,
                         ws.matches.data(), &ws.stats);
    }
    const double score = chrf_from_statistics(ws.stats, options);
    if (score > best_score) {
      best_score = score;
      out->assign(ws.stats.begin(), ws.stats.end());
    }
  }
}

double chrf_from_statistics(std::span<const int64_t> statistics, const ChrfOptions& options) {
  constexpr double kEps = 1e-16;
  const double factor = options.beta * options.beta;
  double f_sum = 0.0;
  double avg_precision = 0.0;
  double avg_recall = 0.0;
  int effective_order = 0;
  const std::size_t orders = statistics.size() / 3;
  for (std::size_t i = 0; i < orders; ++i) {
    const auto n_hyp = static_cast<double>(statistics[3 * i]);
    const auto n_ref = static_cast<double>(statistics[3 * i + 1]);
    const auto n_match = static_cast<double>(statistics[3 * i + 2]);
    const double precision = n_hyp > 0 ? n_match / n_hyp : kEps;
    const double recall = n_ref > 0 ? n_match / n_ref : kEps;
    const double denominator = factor * precision + recall;
    f_sum += denominator > 0 ? (1 + factor) * precision * recall / denominator : kEps;
    if (n_hyp > 0 && n_ref > 0) {
      avg_precision += precision;
      avg_recall += recall;
      ++effective_order;
    }
  }
  if (options.eps_smoothing) return 100 * f_sum / static_cast<double>(options.order());
  if (effective_order == 0) return 0.0;
  avg_precision /= effective_order;
  avg_recall /= effective_order;
  if (avg_precision + avg_recall == 0) return 0.0;
  double score = (1 + factor) * avg_precision * avg_recall;
  score /= (factor * avg_precision) + avg_recall;
  return 100 * score;
}

std::string chrf_signature(const ChrfOptions& options) {
  char beta[32];
  std::snprintf(beta, sizeof beta, "%g", options.beta);
  std::string signature = std::string("chrF") + beta + (options.word_order > 0 ? "++" : "");
  signature += options.lowercase ? "|case:lc" : "|case:mixed";
  signature += options.eps_smoothing ? "|eff:no" : "|eff:yes";
  signature += "|nc:" + std::to_string(options.char_order);
  signature += "|nw:" + std::to_string(options.word_order);
  signature += "|space:no|version:";
  signature += EVALKIT_VERSION;
  return signature;
}

std::unique_ptr<Scorer> make_chrf_scorer(const ScorerSpec& spec, std::string* error) {
  ChrfOptions options;
  if (!parse_chrf_options(spec.options, &options, error)) return nullptr;
  return std::make_unique<ChrfScorer>(spec, options);
}

}  // namespace evalkit

// evalkit score METRIC: the text metrics as a filter, so users can check evalkit's numbers
// against the tools they already trust.
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <simdjson.h>

#include "evalkit/base/json_parse.h"
#include "evalkit/cli/commands.h"
#include "evalkit/cli/exit_codes.h"
#include "evalkit/scorers/registry.h"

namespace evalkit::cli {
namespace {

const char* kHelp = R"(Usage: evalkit score METRIC [--OPTION VALUE]... [--corpus]
       evalkit score METRIC --help      that metric's options

Reads JSON lines {"hypothesis": "...", "references": ["..."]} (an "id" is echoed) on stdin and
writes one JSON object per line: "value" (0-1, as gates see it), "pass" (at the metric's default
threshold), "reason" when there is one, and the metric's own fields on the scales the
references print (BLEU and chrF 0-100, ROUGE 0-1). --corpus prints one corpus-level object
instead (bleu, chrf, rouge).

Every scorer that needs no model can be used (exact_match, contains, regex, ...; see
docs/suite-format.md). Text metrics and their options (see docs/metrics.md):
  bleu         --tokenize 13a|intl|none --lowercase true --smooth exp|floor|add-k|none
               --smooth-value X --max-order N --effective-order true|false
  chrf         --char-order 6 --word-order 0|2 --beta 2 --lowercase true
  rouge        --variant rouge1|rouge2|rougeL|rougeLsum (default: all four) --stemmer porter
               --tokenizer default|unicode
  levenshtein  --lowercase true

Examples:
  echo '{"hypothesis":"the cat sat","references":["the cat sat down"]}' | evalkit score bleu
  evalkit score rouge --stemmer porter < pairs.jsonl
  evalkit score bleu --corpus < pairs.jsonl
)";

// "--smooth-value" -> "smooth_value"; values that parse as JSON numbers/booleans become them.
nlohmann::json option_value(const std::string& text) {
  nlohmann::json v = parse_untrusted_json(text);
  if (!v.is_discarded() && (v.is_number() || v.is_boolean())) return v;
  return text;
}

// `evalkit score METRIC --help`: what the metric does and its options.
int print_metric_help(const ScorerKind& kind) {
  std::printf("Usage: evalkit score %s [--OPTION VALUE]...%s\n\n%s: %s\n\nOptions:\n%s\n",
              kind.type,
              std::string(kind.type) == "bleu" || std::string(kind.type) == "chrf" ||
                      std::string(kind.type) == "rouge"
                  ? " [--corpus]"
                  : "",
              kind.type, kind.description,
              kind.options != nullptr ? kind.options : "  (none beyond --threshold X)");
  std::printf("  --threshold X      the value at which \"pass\" is true\n");
  if (kind.model_assisted) {
    std::printf(
        "\n%s needs a model, so it runs only inside a suite (evalkit run); see "
        "docs/judges.md.\n",
        kind.type);
  }
  return exit_code::kPassed;
}

// One stdin line as the scorers see it.
struct ScorePair {
  std::string hypothesis;
  std::vector<std::string> references;
  std::optional<nlohmann::json> id;  // echoed on the output line
};

// A line of {"hypothesis": string, "references": [strings]} or {"reference": string}; strings
// among the references are kept, other values skipped; the last of repeated keys counts.
// False when the line is not such an object.
bool read_pair(std::string_view line, ScorePair* out) {
  nlohmann::json item = parse_untrusted_json(line);
  if (item.is_discarded() || !item.is_object() || !item.contains("hypothesis") ||
      !item["hypothesis"].is_string()) {
    return false;
  }
  out->references.clear();
  if (item.contains("references") && item["references"].is_array()) {
    for (const auto& r : item["references"]) {
      if (r.is_string()) out->references.push_back(r.get<std::string>());
    }
  } else if (item.contains("reference") && item["reference"].is_string()) {
    out->references.push_back(item["reference"].get<std::string>());
  }
  out->hypothesis = item["hypothesis"].get<std::string>();
  out->id.reset();
  if (item.contains("id")) out->id = item["id"];
  return true;
}

// read_pair for corpus mode, where ids are not echoed: simdjson reads a line in place (it
// must be followed by simdjson::SIMDJSON_PADDING readable bytes, as StdinLines' are). False
// when simdjson refuses the line or it is not such an object; read_pair then has the last word.
bool read_pair_fast(simdjson::dom::parser& parser, std::string_view line, ScorePair* out) {
  simdjson::dom::element root;
  if (parser.parse(line.data(), line.size(), false).get(root) != simdjson::SUCCESS) return false;
  simdjson::dom::object object;
  if (root.get_object().get(object) != simdjson::SUCCESS) return false;
  simdjson::dom::element hypothesis, references, reference;
  bool has_hypothesis = false, has_references = false, has_reference = false;
  for (const simdjson::dom::key_value_pair field : object) {
    if (field.key == "hypothesis") {
      hypothesis = field.value;
      has_hypothesis = true;
    } else if (field.key == "references") {
      references = field.value;
      has_references = true;
    } else if (field.key == "reference") {
      reference = field.value;
      has_reference = true;
    }
  }
  std::string_view text;
  if (!has_hypothesis || hypothesis.get_string().get(text) != simdjson::SUCCESS) return false;
  out->hypothesis.assign(text);
  out->references.clear();
  simdjson::dom::array list;
  if (has_references && references.get_array().get(list) == simdjson::SUCCESS) {
    for (const simdjson::dom::element item : list) {
      if (item.get_string().get(text) == simdjson::SUCCESS) out->references.emplace_back(text);
    }
  } else if (has_reference && reference.get_string().get(text) == simdjson::SUCCESS) {
    out->references.emplace_back(text);
  }
  out->id.reset();
  return true;
}

// stdin as lines, read in large blocks rather than through iostreams; each line stays valid
// until the next call, and is followed in memory by simdjson::SIMDJSON_PADDING readable bytes.
class StdinLines {
 public:
  bool next(std::string_view* line) {
    for (;;) {
      const size_t newline = buffer_.find('\n', start_);
      if (newline != std::string::npos && newline < end_) {
        *line = std::string_view(buffer_.data() + start_, newline - start_);
        start_ = newline + 1;
        return true;
      }
      if (eof_) {
        if (start_ >= end_) return false;
        *line = std::string_view(buffer_.data() + start_, end_ - start_);
        start_ = end_;
        return true;
      }
      fill();
    }
  }

 private:
  static constexpr size_t kBlock = 1 << 20;
  static constexpr size_t kPadding = simdjson::SIMDJSON_PADDING;

  void fill() {
    // Keep the unfinished line, then read a block after it.
    buffer_.erase(0, start_);
    end_ -= start_;
    start_ = 0;
    buffer_.resize(end_ + kBlock + kPadding);
    const size_t got = std::fread(buffer_.data() + end_, 1, kBlock, stdin);
    end_ += got;
    std::fill(buffer_.begin() + static_cast<long>(end_), buffer_.end(), '\0');
    if (got == 0) eof_ = true;
  }

  std::string buffer_;
  size_t start_ = 0;
  size_t end_ = 0;  // bytes of buffer_ read from stdin; the rest is padding
  bool eof_ = false;
};

// stdout in large writes.
class OutputBuffer {
 public:
  ~OutputBuffer() { flush(); }
  void line(const std::string& text) {
    text_ += text;
    text_ += '\n';
    if (text_.size() >= (1 << 16)) flush();
  }
  void flush() {
    if (!text_.empty()) std::fwrite(text_.data(), 1, text_.size(), stdout);
    std::fflush(stdout);
    text_.clear();
  }

 private:
  std::string text_;
};

}  // namespace

int score_command(const Args& args) {
  if (args.empty() || args[0] == "--help" || args[0] == "-h") {
    std::fputs(kHelp, stdout);
    return args.empty() ? exit_code::kUsageError : exit_code::kPassed;
  }
  const std::string metric = args[0];
  const ScorerKind* kind = find_scorer_kind(metric);
  for (size_t i = 1; i < args.size(); ++i) {
    if (kind != nullptr && (args[i] == "--help" || args[i] == "-h"))
      return print_metric_help(*kind);
  }
  if (kind != nullptr && kind->model_assisted) {
    std::fprintf(stderr,
                 "evalkit score: %s needs a model provider, so it cannot score from stdin; use it "
                 "in a suite (evalkit run). Run 'evalkit score %s --help' for its options.\n",
                 metric.c_str(), metric.c_str());
    return exit_code::kUsageError;
  }
  nlohmann::json options = nlohmann::json::object();
  bool corpus = false;
  std::optional<double> threshold;
  for (size_t i = 1; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a == "--corpus") {
      corpus = true;
      continue;
    }
    if (a == "--threshold" || a.rfind("--threshold=", 0) == 0) {
      const std::string text = a == "--threshold" && i + 1 < args.size() ? args[++i]
                               : a.size() > 12                           ? a.substr(12)
                                                                         : "";
      char* end = nullptr;
      const double value = std::strtod(text.c_str(), &end);
      if (text.empty() || end == nullptr || *end != '\0') {
        std::fprintf(stderr, "evalkit score: --threshold wants a number, got '%s'\n", text.c_str());
        return exit_code::kUsageError;
      }
      threshold = value;
      continue;
    }
    if (a.rfind("--", 0) != 0) {
      std::fprintf(stderr, "evalkit score: unexpected argument '%s'\n", a.c_str());
      return exit_code::kUsageError;
    }
    std::string key = a.substr(2), value;
    if (const size_t eq = key.find('='); eq != std::string::npos) {
      value = key.substr(eq + 1);
      key = key.substr(0, eq);
    } else if (i + 1 < args.size() && args[i + 1].rfind("--", 0) != 0) {
      value = args[++i];
    } else {
      value = "true";
    }
    for (char& c : key) c = c == '-' ? '_' : c;
    options[key] = option_value(value);
  }
  // ROUGE without a variant reports all four, as rouge-score users expect.
  std::vector<std::string> variants = {""};
  if (metric == "rouge" && !options.contains("variant")) {
    variants = {"rouge1", "rouge2", "rougeL", "rougeLsum"};
  }
  std::vector<std::unique_ptr<Scorer>> scorers;
  for (const auto& variant : variants) {
    ScorerSpec spec;
    spec.type = metric;
    spec.options = options;
    if (!variant.empty()) spec.options["variant"] = variant;
    spec.where.file = "evalkit score";
    spec.threshold = threshold;
    std::unique_ptr<Scorer> scorer;
    if (Status s = make_scorer(spec, &scorer); !s) {
      std::fprintf(stderr, "%s\n", s.message().c_str());
      return exit_code::kUsageError;
    }
    scorers.push_back(std::move(scorer));
  }
  // Corpus mode folds each pair into the metrics' sufficient statistics as it is read, so
  // memory stays flat however long the input; a metric without them keeps every pair's details.
  std::vector<std::unique_ptr<CorpusStatistics>> statistics(scorers.size());
  std::vector<std::vector<nlohmann::json>> details(scorers.size());
  bool every_metric_folds = corpus;
  for (size_t k = 0; k < scorers.size() && corpus; ++k) {
    statistics[k] = scorers[k]->corpus_statistics();
    every_metric_folds = every_metric_folds && statistics[k] != nullptr;
  }
  StdinLines lines;
  OutputBuffer output;
  ScorePair pair;
  simdjson::dom::parser fast_parser;
  // No deeper than the checked parser allows, so nothing it would refuse gets through.
  if (fast_parser.allocate(1 << 16, kMaxJsonDepth) != simdjson::SUCCESS) {
    every_metric_folds = false;
  }
  const nlohmann::json empty_vars = nlohmann::json::object();
  std::string_view line;
  int number = 0;
  while (lines.next(&line)) {
    ++number;
    if (line.find_first_not_of(" \t\r") == std::string_view::npos) continue;
    // Pairs whose id is not echoed take the fast parser; anything it refuses is read again
    // by the checked one, which decides (and words the error) as before.
    if (!(every_metric_folds && read_pair_fast(fast_parser, line, &pair)) &&
        !read_pair(line, &pair)) {
      output.flush();
      std::fprintf(stderr,
                   "stdin:%d: expected {\"hypothesis\": string, \"references\": [strings]}\n",
                   number);
      return exit_code::kUsageError;
    }
    ScoreInput input;
    input.output = pair.hypothesis;
    input.expected = &pair.references;
    input.vars = &empty_vars;
    if (corpus) {
      for (size_t k = 0; k < scorers.size(); ++k) {
        if (statistics[k] != nullptr) {
          statistics[k]->add(input);
        } else {
          details[k].push_back(scorers[k]->score(input).details);
        }
      }
      continue;
    }
    nlohmann::json out = nlohmann::json::object();
    if (pair.id.has_value()) out["id"] = *pair.id;
    for (size_t k = 0; k < scorers.size(); ++k) {
      Score score = scorers[k]->score(input);
      nlohmann::json fields = {{"value", score.value}, {"pass", score.pass}};
      if (score.error) fields["error"] = true;
      if (!score.reason.empty()) fields["reason"] = score.reason;
      if (score.details.is_object()) {
        for (auto& [key, value] : score.details.items()) fields[key] = value;
      }
      if (scorers.size() == 1) {
        for (auto& [key, value] : fields.items()) out[key] = value;
      } else {
        out[scorers[k]->name()] = std::move(fields);
      }
    }
    output.line(out.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
  }
  if (corpus) {
    nlohmann::json out = nlohmann::json::object();
    for (size_t k = 0; k < scorers.size(); ++k) {
      nlohmann::json c;
      if (statistics[k] != nullptr) {
        c = statistics[k]->result();
      } else {
        std::vector<const nlohmann::json*> pointers;
        for (const auto& d : details[k]) pointers.push_back(&d);
        c = scorers[k]->corpus(pointers);
      }
      if (c.is_null()) {
        std::fprintf(stderr, "evalkit score: %s has no corpus-level form\n", metric.c_str());
        return exit_code::kUsageError;
      }
      if (scorers.size() == 1) {
        out = c;
      } else {
        out[scorers[k]->name()] = c;
      }
    }
    out["signature"] = scorers[0]->signature();
    output.line(out.dump());
  }
  output.flush();
  return exit_code::kPassed;
}

}  // namespace evalkit::cli

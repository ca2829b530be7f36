// evalkit score METRIC: the text metrics as a filter, so users can check evalkit's numbers
// against the tools they already trust.
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <memory>
#include <optional>
#include <string>

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
  std::vector<std::vector<nlohmann::json>> details(scorers.size());
  std::string line;
  int number = 0;
  const nlohmann::json empty_vars = nlohmann::json::object();
  while (std::getline(std::cin, line)) {
    ++number;
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    nlohmann::json item = parse_untrusted_json(line);
    if (item.is_discarded() || !item.is_object() || !item.contains("hypothesis") ||
        !item["hypothesis"].is_string()) {
      std::fprintf(stderr, "stdin:%d: expected {\"hypothesis\": string, \"references\": [strings]}\n",
                   number);
      return exit_code::kUsageError;
    }
    std::vector<std::string> references;
    if (item.contains("references") && item["references"].is_array()) {
      for (const auto& r : item["references"]) {
        if (r.is_string()) references.push_back(r.get<std::string>());
      }
    } else if (item.contains("reference") && item["reference"].is_string()) {
      references.push_back(item["reference"].get<std::string>());
    }
    const std::string hypothesis = item["hypothesis"].get<std::string>();
    ScoreInput input;
    input.output = hypothesis;
    input.expected = &references;
    input.vars = &empty_vars;
    nlohmann::json out = nlohmann::json::object();
    if (item.contains("id")) out["id"] = item["id"];
    for (size_t k = 0; k < scorers.size(); ++k) {
      Score score = scorers[k]->score(input);
      if (corpus) {
        details[k].push_back(std::move(score.details));
      } else {
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
    }
    if (!corpus) std::cout << out.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
  }
  if (corpus) {
    nlohmann::json out = nlohmann::json::object();
    for (size_t k = 0; k < scorers.size(); ++k) {
      std::vector<const nlohmann::json*> pointers;
      for (const auto& d : details[k]) pointers.push_back(&d);
      nlohmann::json c = scorers[k]->corpus(pointers);
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
    std::cout << out.dump() << "\n";
  }
  return exit_code::kPassed;
}

}  // namespace evalkit::cli

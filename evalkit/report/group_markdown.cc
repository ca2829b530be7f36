#include "evalkit/report/group_markdown.h"

#include <cmath>
#include <set>

#include "evalkit/base/number_text.h"
#include "evalkit/report/document_fields.h"
#include "evalkit/report/group_fields.h"
#include "evalkit/report/markdown_text.h"
#include "evalkit/report/report_text.h"

namespace evalkit {
namespace {

using nlohmann::json;

std::string verdict_text(const std::string& verdict) {
  if (verdict == "worse") return "❌ worse";
  if (verdict == "better") return "✅ better";
  return md_text(verdict, 40);
}

void add_group_table(const json& groups, std::vector<std::string>* pieces) {
  const json& cells = array_field(groups, "by_cell");
  const json& by_prompt = array_field(groups, "by_prompt");
  const json& by_provider = array_field(groups, "by_provider");
  if (cells.size() < 2) return;
  const std::vector<std::string> metrics = group_metric_names(cells);
  std::string header =
      "### Results by prompt and provider\n\n| Prompt | Provider | Trials | Pass rate | Failed | "
      "Errors |";
  std::string rule = "|---|---|---:|---:|---:|---:|";
  for (const std::string& metric : metrics) {
    header += std::string(" ") + md_text(metric, 40) + " |";
    rule += "---:|";
  }
  header += " Latency p50 / p95 | Tokens | Cost |\n";
  rule += "---:|---:|---:|\n";
  pieces->push_back(header + rule);
  const auto row = [&](const json& group) {
    std::string line = std::string("| ") + md_text(text_field(group, "prompt_id", "(all)"), 40) +
                       " | " + md_text(text_field(group, "provider_id", "(all)"), 40) + " | " +
                       format_thousands(number_field(group, "trials")) + " | " +
                       format_percent(number_field(group, "pass_rate")) + " | " +
                       format_thousands(number_field(group, "failed")) + " | " +
                       format_thousands(number_field(group, "errors")) + " |";
    const json& group_metrics = object_field(group, "metrics");
    for (const std::string& metric : metrics) {
      const json& entry = object_field(group_metrics, metric);
      std::string cell =
          number_field(entry, "n") > 0 ? format_fixed(number_field(entry, "mean"), 3) : "–";
      // A corpus score equal to the mean (Levenshtein's) would only repeat it.
      if (entry.contains("corpus") &&
          std::fabs(number_field(entry, "corpus") - number_field(entry, "mean")) > 1e-9) {
        cell += std::string(" (corpus ") + format_fixed(number_field(entry, "corpus"), 2) + ")";
      }
      line += " " + cell + " |";
    }
    line += std::string(" ") + format_fixed(number_field(group, "latency_p50_s"), 2) + " / " +
            format_fixed(number_field(group, "latency_p95_s"), 2) + " s | " +
            format_thousands(number_field(group, "prompt_tokens") +
                             number_field(group, "completion_tokens")) +
            " | $" + format_fixed(number_field(group, "cost_usd"), 4) + " |\n";
    pieces->push_back(line);
  };
  for (const auto& group : cells) row(group);
  if (by_prompt.size() > 1 && by_provider.size() > 1) {
    for (const auto& group : by_prompt) row(group);
    for (const auto& group : by_provider) row(group);
  }
  pieces->push_back("\n");
}

void add_comparisons(const json& document, const std::string& by,
                     std::vector<std::string>* pieces) {
  const std::vector<const json*> comparisons = group_comparisons_by(document, by);
  if (comparisons.empty()) return;
  const bool by_provider = by == "provider";
  const json& first = *comparisons.front();
  pieces->push_back(
      std::string("### Paired comparisons of ") + (by_provider ? "providers" : "prompts") +
      " within each " + (by_provider ? "prompt" : "provider") + "\n\n_b against a, case by case; " +
      "Holm over " + format_thousands(number_field(first, "family_tests")) + " tests at alpha " +
      format_number(number_field(first, "alpha", 0.05)) +
      "; each interval at the level that matches its adjusted test._\n\n| " +
      (by_provider ? "Prompt" : "Provider") +
      " | a | b | Metric | n | Mean a | Mean b | Δ | CI of Δ (level) | p (Holm) | Verdict | Left "
      "out |\n"
      "|---|---|---|---|---:|---:|---:|---:|---:|---:|---|---|\n");
  for (const json* comparison : comparisons) {
    const json& errored = object_field(*comparison, "errored");
    const json& unpaired = object_field(*comparison, "unpaired");
    std::string left_out = std::string("errors: a ") +
                           format_thousands(number_field(errored, "a")) + ", b " +
                           format_thousands(number_field(errored, "b")) + ", both " +
                           format_thousands(number_field(errored, "both"));
    if (number_field(unpaired, "a") + number_field(unpaired, "b") > 0) {
      left_out += std::string("; one side only: a ") +
                  format_thousands(number_field(unpaired, "a")) + ", b " +
                  format_thousands(number_field(unpaired, "b"));
    }
    bool first_row = true;
    for (const auto& metric : array_field(*comparison, "metrics")) {
      std::string line = first_row
                             ? std::string("| ") + md_text(text_field(*comparison, "within"), 40) +
                                   " | " + md_text(text_field(*comparison, "a"), 40) + " | " +
                                   md_text(text_field(*comparison, "b"), 40) + " | "
                             : std::string("| | | | ");
      line += md_text(text_field(metric, "metric"), 40) + " | " +
              format_thousands(number_field(metric, "n")) + " | ";
      if (metric.contains("p_adjusted")) {
        line += format_fixed(number_field(metric, "a_mean"), 3) + " | " +
                format_fixed(number_field(metric, "b_mean"), 3) + " | " +
                format_signed(number_field(metric, "delta"), 3) + " | [" +
                format_signed(number_field(metric, "ci_low"), 3) + ", " +
                format_signed(number_field(metric, "ci_high"), 3) + "] (" +
                format_fixed(100 * number_field(metric, "ci_level"), 1) + "%) | " +
                format_p_value(number_field(metric, "p_adjusted")) + " | ";
      } else {
        line += "– | – | – | – | – | ";
      }
      line += verdict_text(text_field(metric, "verdict")) + " | " +
              (first_row ? left_out : std::string()) + " |\n";
      first_row = false;
      pieces->push_back(line);
    }
  }
  pieces->push_back("\n");
}

void add_rankings(const json& document, const std::string& by, std::vector<std::string>* pieces) {
  for (const auto& ranking : array_field(document, "rankings")) {
    if (text_field(ranking, "by") != by) continue;
    const bool by_provider = by == "provider";
    pieces->push_back(std::string("### Ranking of ") + (by_provider ? "providers" : "prompts") +
                      " within " + (by_provider ? "prompt " : "provider ") +
                      md_text(text_field(ranking, "within"), 40) +
                      "\n\n_By pass rate; a shared rank means no significant difference._\n\n" +
                      "| Rank | " + (by_provider ? "Provider" : "Prompt") + " | Pass rate | " +
                      format_fixed(100 * number_field(ranking, "ci_level", 0.95), 0) +
                      "% interval | Cases | Significantly better than |\n"
                      "|---:|---|---:|---:|---:|---|\n");
    for (const auto& entry : array_field(ranking, "entries")) {
      const std::string id = text_field(entry, "id");
      std::string beats;
      for (const auto& pair : array_field(ranking, "significant_pairs")) {
        if (pair.size() != 2 || !pair[0].is_string() || pair[0].get<std::string>() != id) continue;
        if (!beats.empty()) beats += ", ";
        beats += md_text(pair[1].is_string() ? pair[1].get<std::string>() : "", 40);
      }
      pieces->push_back(std::string("| ") + format_thousands(number_field(entry, "rank")) + " | " +
                        md_text(id, 40) + " | " + format_percent(number_field(entry, "pass_rate")) +
                        " | [" + format_percent(number_field(entry, "ci_low")) + ", " +
                        format_percent(number_field(entry, "ci_high")) + "] | " +
                        format_thousands(number_field(entry, "cases")) + " | " +
                        (beats.empty() ? "–" : beats) + " |\n");
    }
    pieces->push_back("\n");
  }
}

}  // namespace

std::vector<std::string> group_markdown_pieces(const json& document) {
  std::vector<std::string> pieces;
  if (!document.is_object() || !document.contains("groups")) return pieces;
  add_group_table(object_field(document, "groups"), &pieces);
  for (const std::string by : {"provider", "prompt"}) {
    add_comparisons(document, by, &pieces);
    add_rankings(document, by, &pieces);
  }
  return pieces;
}

}  // namespace evalkit

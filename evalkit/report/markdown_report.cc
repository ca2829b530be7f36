#include "evalkit/report/markdown_report.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include "evalkit/base/files.h"
#include "evalkit/report/document_fields.h"
#include "evalkit/report/group_markdown.h"
#include "evalkit/report/markdown_text.h"
#include "evalkit/report/report_text.h"

namespace evalkit {
namespace {

using nlohmann::json;

std::string optional_fixed(const json& object, const char* key, int decimals) {
  const double value = number_field(object, key, std::nan(""));
  return std::isnan(value) ? "–" : format_fixed(value, decimals);
}

// Collects the report in sections; stops adding once the size budget would be exceeded.
class BoundedMarkdown {
 public:
  explicit BoundedMarkdown(size_t max_bytes) : max_bytes_(max_bytes) {}

  // Appends text when it fits (leaving room for the closing note); false once full.
  bool add(const std::string& text) {
    if (full_) return false;
    if (out_.size() + text.size() + kNote.size() > max_bytes_) {
      full_ = true;
      return false;
    }
    out_ += text;
    return true;
  }

  std::string finish() {
    if (full_ && out_.size() + kNote.size() <= max_bytes_) out_ += kNote;
    return out_;
  }

 private:
  static inline const std::string kNote =
      "\n_Summary cut to fit; see the HTML or JSON report for the rest._\n";
  size_t max_bytes_;
  bool full_ = false;
  std::string out_;
};

std::string headline(const json& document) {
  const json& run = object_field(document, "run");
  const json& summary = object_field(document, "summary");
  const json& comparison = object_field(document, "comparison");
  const int failed = int(number_field(summary, "failed"));
  const int errors = int(number_field(summary, "errors"));
  const std::string verdict = text_field(comparison, "verdict");
  const bool regressed = verdict == "regressed";
  const bool gate_failed = text_field(object_field(document, "gate"), "verdict") == "fail";
  std::string icon = "✅";
  std::string state = "all passed";
  if (failed > 0 || errors > 0) {
    icon = failed > 0 ? "❌" : "⚠️";
    state = std::to_string(failed) + " failed, " + std::to_string(errors) + " errors";
  }
  if (regressed || gate_failed) icon = "❌";
  std::string line =
      "## " + icon + " evalkit: " + md_text(text_field(run, "suite", "run"), 100) + ": " + state;
  if (!comparison.empty()) {
    const std::string baseline = text_field(object_field(comparison, "baseline"), "name");
    line += verdict == "not comparable" ? ", nothing to compare"
            : regressed                 ? ", regressed"
                                        : ", no regression";
    line += " against " + (baseline.empty() ? std::string("the baseline") : md_text(baseline, 60));
  }
  const std::string status = text_field(run, "status", "complete");
  if (status != "complete") {
    line += " (run " + md_text(status, 20) + ": " + md_text(text_field(run, "status_reason"), 100) +
            ")";
  }
  return line + "\n\n";
}

std::string totals(const json& document) {
  const json& run = object_field(document, "run");
  const json& summary = object_field(document, "summary");
  const double tokens =
      number_field(summary, "prompt_tokens") + number_field(summary, "completion_tokens");
  std::string out = "**" + format_thousands(number_field(summary, "passed")) + " / " +
                    format_thousands(number_field(summary, "trials")) + " passed (" +
                    format_percent(number_field(summary, "pass_rate")) + ")** · " +
                    format_thousands(number_field(summary, "failed")) + " failed · " +
                    format_thousands(number_field(summary, "errors")) + " errors · " +
                    format_thousands(tokens) + " tokens · $" +
                    format_fixed(number_field(summary, "cost_usd"), 4) + " · latency p50 " +
                    format_fixed(number_field(summary, "latency_p50_s"), 2) + " s, p95 " +
                    format_fixed(number_field(summary, "latency_p95_s"), 2) + " s\n\n";
  out += "Run " + md_text(text_field(run, "id"), 80);
  const std::string commit = text_field(run, "git_commit");
  if (!commit.empty()) out += " · commit " + md_text(commit.substr(0, 12), 12);
  out += " · evalkit " + md_text(text_field(document, "evalkit_version"), 20) + "\n\n";
  return out;
}

std::string scorer_table(const json& document) {
  const json& scorers = array_field(document, "scorers");
  if (scorers.empty()) return "";
  std::string out =
      "### Scorers\n\n| Scorer | Mean | Pass rate | Corpus | Errors |\n|---|---:|---:|---:|---:|\n";
  for (const auto& scorer : scorers) {
    const json& corpus = object_field(scorer, "corpus");
    out += "| " + md_text(text_field(scorer, "name"), 60) + " | " +
           format_fixed(number_field(scorer, "mean"), 3) + " | " +
           format_percent(number_field(scorer, "pass_rate")) + " | " + optional_fixed(corpus, "score", 2) +
           " | " + format_thousands(number_field(scorer, "errors")) + " |\n";
  }
  return out + "\n";
}

std::string verdict_text(const std::string& verdict) {
  if (verdict == "regressed") return "❌ regressed";
  if (verdict == "improved") return "✅ improved";
  return md_text(verdict, 40);
}

std::string gate_table(const json& comparison) {
  const json& baseline = object_field(comparison, "baseline");
  std::string out = "### Gate against baseline " + md_text(text_field(baseline, "name", "–"), 60) +
                    " (run " + md_text(text_field(baseline, "run_id"), 80) + ")\n\n";
  out +=
      "| Metric | Baseline | Current | Δ | CI of Δ | p (Holm) | Verdict |\n"
      "|---|---:|---:|---:|---:|---:|---|\n";
  for (const auto& metric : array_field(comparison, "metrics")) {
    std::string verdict = verdict_text(text_field(metric, "verdict"));
    const std::string note = text_field(metric, "note");
    if (!note.empty()) verdict += " (" + md_text(note, 80) + ")";
    // Latency in seconds and cost in dollars want a digit more than scores in [0, 1].
    const int digits = bool_field(metric, "rise_is_worse") ? 4 : 3;
    out += "| " + md_text(text_field(metric, "metric"), 60) + " | " +
           format_fixed(number_field(metric, "baseline"), digits) + " | " +
           format_fixed(number_field(metric, "current"), digits) + " | " +
           format_signed(number_field(metric, "delta"), digits) + " | [" +
           format_signed(number_field(metric, "ci_low"), digits) + ", " +
           format_signed(number_field(metric, "ci_high"), digits) + "] | " +
           optional_fixed(metric, "p_adjusted", 3) + " | " + verdict + " |\n";
  }
  return out + "\n";
}

// The cells of a comparison whose pairs span several (prompt, provider) cells.
std::string cell_table(const json& comparison) {
  const json& cells = array_field(comparison, "cells");
  if (cells.empty()) return "";
  std::string out =
      "### Per cell (prompt × provider)\n\n| Cell | Paired | Metric | Baseline | Current | Δ | "
      "p (Holm) | Verdict |\n|---|---:|---|---:|---:|---:|---:|---|\n";
  for (const auto& cell : cells) {
    const std::string name = md_text(text_field(cell, "prompt_id"), 40) + " × " +
                             md_text(text_field(cell, "provider_id"), 40);
    for (const auto& metric : array_field(cell, "metrics")) {
      out += "| " + name + " | " + format_thousands(number_field(cell, "paired")) + " | " +
             md_text(text_field(metric, "metric"), 60) + " | " +
             format_fixed(number_field(metric, "baseline"), 3) + " | " +
             format_fixed(number_field(metric, "current"), 3) + " | " +
             format_signed(number_field(metric, "delta"), 3) + " | " +
             optional_fixed(metric, "p_adjusted", 3) + " | " +
             verdict_text(text_field(metric, "verdict")) + " |\n";
    }
  }
  return out + "\n";
}

// Why the gate failed, when it did: nothing to compare, regressions, floors.
std::string gate_reasons(const json& document) {
  const json& gate = object_field(document, "gate");
  if (text_field(gate, "verdict") != "fail") return "";
  std::string out = "### ❌ Gate failed\n\n";
  for (const auto& reason : array_field(gate, "reasons")) {
    if (reason.is_string()) out += "- " + md_text(reason.get<std::string>(), 300) + "\n";
  }
  return out + "\n";
}

std::string failing_scorers(const json& trial) {
  if (trial_has_error(trial)) return "error: " + md_text(text_field(trial, "error_kind"), 30);
  std::string names;
  for (const auto& score : array_field(trial, "scores")) {
    if (bool_field(score, "pass", true) && !bool_field(score, "error")) continue;
    if (!names.empty()) names += ", ";
    names += md_text(text_field(score, "name"), 40) + " " +
             format_fixed(number_field(score, "value"), 2);
  }
  return names.empty() ? "pass rule" : names;
}

std::string case_cells(const json& key, bool repeats) {
  return "| " + md_text(trial_display_name(key, repeats), 80) + " | " +
         md_text(text_field(key, "prompt_id"), 40) + " | " +
         md_text(text_field(key, "provider_id"), 40) + " | ";
}

void add_failing_cases(BoundedMarkdown* out, const json& document,
                       const MarkdownReportOptions& options) {
  std::vector<const json*> failing;
  for (const auto& trial : array_field(document, "trials")) {
    if (trial_was_skipped(trial) || bool_field(trial, "pass")) continue;
    failing.push_back(&trial);
  }
  if (failing.empty()) return;
  // A bounded document (a large run) holds a sample of its trials, failures first, and says
  // how many failed in all.
  const json& sample = object_field(document, "trial_sample");
  const double failing_total = number_field(sample, "failing", double(failing.size()));
  const size_t shown = std::min(failing.size(), size_t(std::max(0, options.max_cases)));
  out->add("### Failing cases (" + std::to_string(shown) + " of " +
           format_thousands(failing_total) +
           ")\n\n| Case | Prompt | Provider | Failing | Output |\n|---|---|---|---|---|\n");
  const bool repeats = bool_field(sample, "has_repeats", document_has_repeats(document));
  for (size_t i = 0; i < shown; ++i) {
    const json& trial = *failing[i];
    const std::string output = trial_has_error(trial) && text_field(trial, "output").empty()
                                   ? text_field(trial, "error")
                                   : text_field(trial, "output");
    if (!out->add(case_cells(trial, repeats) + failing_scorers(trial) + " | " +
                  md_text(output, options.output_chars) + " |\n")) {
      return;
    }
  }
  out->add("\n");
}

void add_regressed_cases(BoundedMarkdown* out, const json& comparison,
                         const MarkdownReportOptions& options) {
  const json& flipped = array_field(comparison, "flipped");
  if (flipped.empty()) return;
  int regressed = 0;
  for (const auto& flip : flipped) regressed += bool_field(flip, "baseline_pass") ? 1 : 0;
  const size_t shown = std::min(flipped.size(), size_t(std::max(0, options.max_cases)));
  out->add("### Flipped cases (" + std::to_string(shown) + " of " +
           format_thousands(double(flipped.size())) + "; " + std::to_string(regressed) +
           " pass → fail)\n\n| Case | Prompt | Provider | Change | Baseline output | Output |\n"
           "|---|---|---|---|---|---|\n");
  for (size_t i = 0; i < shown; ++i) {
    const json& flip = flipped[i];
    const std::string change =
        bool_field(flip, "baseline_pass") ? "❌ pass → fail" : "✅ fail → pass";
    if (!out->add(case_cells(flip, false) + change + " | " +
                  md_text(text_field(flip, "baseline_output"), options.output_chars) + " | " +
                  md_text(text_field(flip, "current_output"), options.output_chars) + " |\n")) {
      return;
    }
  }
  out->add("\n");
}

}  // namespace

std::string render_markdown_report(const json& document, const MarkdownReportOptions& options) {
  BoundedMarkdown out(options.max_bytes);
  out.add(headline(document));
  out.add(totals(document));
  out.add(gate_reasons(document));
  const json& comparison = object_field(document, "comparison");
  if (!comparison.empty()) {
    out.add(gate_table(comparison));
    out.add(cell_table(comparison));
    add_regressed_cases(&out, comparison, options);
  }
  for (const std::string& piece : group_markdown_pieces(document)) {
    if (!out.add(piece)) break;
  }
  out.add(scorer_table(document));
  add_failing_cases(&out, document, options);
  return out.finish();
}

Status write_markdown_report(const json& document, const std::string& path,
                             const MarkdownReportOptions& options) {
  return write_file_atomic(path, render_markdown_report(document, options));
}

}  // namespace evalkit

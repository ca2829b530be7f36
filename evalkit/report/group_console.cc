#include "evalkit/report/group_console.h"

#include <algorithm>
#include <cmath>
#include <set>
#include <string>
#include <vector>

#include "evalkit/base/number_text.h"
#include "evalkit/report/document_fields.h"
#include "evalkit/report/group_fields.h"
#include "evalkit/report/report_text.h"

namespace evalkit {
namespace {

using nlohmann::json;

// Ids come from suite files and model names: shown on one line, without control characters
// (no terminal escape sequence gets through), cut to a column's width.
std::string console_text(const std::string& raw, size_t max_bytes = 28) {
  std::string text = valid_utf8(single_line(raw));
  for (char& c : text) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = '?';
  }
  return truncate_utf8(text, max_bytes);
}

size_t display_width(const std::string& text) {
  size_t width = 0;
  for (char c : text) width += (static_cast<unsigned char>(c) & 0xC0) != 0x80 ? 1 : 0;
  return width;
}

// A plain text table: columns padded to their widest cell, numbers aligned right.
class TextTable {
 public:
  struct Column {
    std::string header;
    bool right = false;
  };
  explicit TextTable(std::vector<Column> columns) : columns_(std::move(columns)) {}

  void add_row(std::vector<std::string> cells) {
    cells.resize(columns_.size());
    rows_.push_back(std::move(cells));
  }

  void print(std::FILE* out) const {
    std::vector<size_t> widths;
    for (const Column& column : columns_) widths.push_back(display_width(column.header));
    for (const auto& row : rows_) {
      for (size_t i = 0; i < row.size(); ++i)
        widths[i] = std::max(widths[i], display_width(row[i]));
    }
    std::vector<std::string> header;
    for (const Column& column : columns_) header.push_back(column.header);
    print_row(out, header, widths);
    for (const auto& row : rows_) print_row(out, row, widths);
  }

 private:
  void print_row(std::FILE* out, const std::vector<std::string>& cells,
                 const std::vector<size_t>& widths) const {
    std::string line = " ";
    for (size_t i = 0; i < cells.size(); ++i) {
      const std::string padding(widths[i] - display_width(cells[i]), ' ');
      line += ' ';
      line += columns_[i].right ? padding + cells[i] : cells[i] + padding;
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    std::fprintf(out, "%s\n", line.c_str());
  }

  std::vector<Column> columns_;
  std::vector<std::vector<std::string>> rows_;
};

// Whether some group's corpus score of metric says more than its mean (for Levenshtein
// the two are the same number; for BLEU they differ).
bool corpus_differs(const json& groups, const std::string& metric) {
  for (const auto& group : groups) {
    const json& entry = object_field(object_field(group, "metrics"), metric);
    if (entry.contains("corpus") &&
        std::fabs(number_field(entry, "corpus") - number_field(entry, "mean")) > 1e-9) {
      return true;
    }
  }
  return false;
}

void print_group_table(std::FILE* out, const json& groups) {
  const json& cells = array_field(groups, "by_cell");
  const json& by_prompt = array_field(groups, "by_prompt");
  const json& by_provider = array_field(groups, "by_provider");
  if (cells.size() < 2) return;
  std::vector<TextTable::Column> columns = {{"prompt"},         {"provider"},     {"trials", true},
                                            {"passed", true},   {"failed", true}, {"errors", true},
                                            {"pass rate", true}};
  const std::vector<std::string> metrics = group_metric_names(cells);
  std::vector<std::pair<std::string, bool>> metric_columns;  // (metric, corpus)
  for (const std::string& metric : metrics) {
    metric_columns.emplace_back(metric, false);
    if (corpus_differs(cells, metric)) metric_columns.emplace_back(metric, true);
  }
  for (const auto& [metric, corpus] : metric_columns) {
    columns.push_back({console_text(metric, 24) + (corpus ? " corpus" : ""), true});
  }
  for (const char* header : {"p50 s", "p95 s", "tokens", "cost"}) columns.push_back({header, true});
  TextTable table(std::move(columns));
  const auto add = [&](const json& group) {
    std::vector<std::string> row = {console_text(text_field(group, "prompt_id", "(all)")),
                                    console_text(text_field(group, "provider_id", "(all)")),
                                    format_thousands(number_field(group, "trials")),
                                    format_thousands(number_field(group, "passed")),
                                    format_thousands(number_field(group, "failed")),
                                    format_thousands(number_field(group, "errors")),
                                    format_percent(number_field(group, "pass_rate"))};
    const json& group_metrics = object_field(group, "metrics");
    for (const auto& [metric, corpus] : metric_columns) {
      const json& entry = object_field(group_metrics, metric);
      if (corpus) {
        row.push_back(entry.contains("corpus") ? format_fixed(number_field(entry, "corpus"), 2)
                                               : "-");
      } else {
        row.push_back(number_field(entry, "n") > 0 ? format_fixed(number_field(entry, "mean"), 3)
                                                   : "-");
      }
    }
    row.push_back(format_fixed(number_field(group, "latency_p50_s"), 2));
    row.push_back(format_fixed(number_field(group, "latency_p95_s"), 2));
    row.push_back(format_thousands(number_field(group, "prompt_tokens") +
                                   number_field(group, "completion_tokens")));
    row.push_back(std::string("$") + format_fixed(number_field(group, "cost_usd"), 4));
    table.add_row(std::move(row));
  };
  for (const auto& group : cells) add(group);
  // Totals per prompt and per provider only say something new when both vary.
  if (by_prompt.size() > 1 && by_provider.size() > 1) {
    for (const auto& group : by_prompt) add(group);
    for (const auto& group : by_provider) add(group);
  }
  std::fputs("\nResults by prompt and provider:\n", out);
  table.print(out);
}

std::string interval_text(const json& metric) {
  return std::string("[") + format_signed(number_field(metric, "ci_low"), 3) + ", " +
         format_signed(number_field(metric, "ci_high"), 3) + "]";
}

void print_family(std::FILE* out, const json& fields, const std::string& by) {
  const std::vector<const json*> comparisons = group_comparisons_by(fields, by);
  if (comparisons.empty()) return;
  const bool by_provider = by == "provider";
  const json& first = *comparisons.front();
  std::fprintf(out,
               "\nPaired comparisons of %ss within each %s (b against a; Holm over %s tests, "
               "alpha %s):\n",
               by_provider ? "provider" : "prompt", by_provider ? "prompt" : "provider",
               format_thousands(number_field(first, "family_tests")).c_str(),
               format_number(number_field(first, "alpha", 0.05)).c_str());
  TextTable table({{by_provider ? "prompt" : "provider"},
                   {"a"},
                   {"b"},
                   {"metric"},
                   {"n", true},
                   {"a mean", true},
                   {"b mean", true},
                   {"delta", true},
                   {"interval", true},
                   {"level", true},
                   {"p adj", true},
                   {"verdict"}});
  std::vector<std::string> notes;
  for (const json* comparison : comparisons) {
    bool first_row = true;
    const std::string within = console_text(text_field(*comparison, "within"));
    const std::string a = console_text(text_field(*comparison, "a"));
    const std::string b = console_text(text_field(*comparison, "b"));
    for (const auto& metric : array_field(*comparison, "metrics")) {
      std::vector<std::string> row = {first_row ? within : "", first_row ? a : "",
                                      first_row ? b : "",
                                      console_text(text_field(metric, "metric"), 24),
                                      format_thousands(number_field(metric, "n"))};
      first_row = false;
      if (metric.contains("p_adjusted")) {
        row.push_back(format_fixed(number_field(metric, "a_mean"), 3));
        row.push_back(format_fixed(number_field(metric, "b_mean"), 3));
        row.push_back(format_signed(number_field(metric, "delta"), 3));
        row.push_back(interval_text(metric));
        row.push_back(format_fixed(100 * number_field(metric, "ci_level"), 1) + "%");
        row.push_back(format_p_value(number_field(metric, "p_adjusted")));
      } else {
        row.insert(row.end(), {"-", "-", "-", "-", "-", "-"});
      }
      row.push_back(text_field(metric, "verdict"));
      table.add_row(std::move(row));
    }
    const json& errored = object_field(*comparison, "errored");
    const json& unpaired = object_field(*comparison, "unpaired");
    const double left_out =
        number_field(errored, "a") + number_field(errored, "b") + number_field(errored, "both");
    if (left_out > 0) {
      notes.push_back(
          within + ": " + a + " vs " + b + ": " + format_thousands(left_out) +
          " case(s) left out for errors (only a: " + format_thousands(number_field(errored, "a")) +
          ", only b: " + format_thousands(number_field(errored, "b")) +
          ", both: " + format_thousands(number_field(errored, "both")) + ")");
    }
    if (number_field(unpaired, "a") + number_field(unpaired, "b") > 0) {
      notes.push_back(within + ": " + a + " vs " + b + ": cases run on one side only (a: " +
                      format_thousands(number_field(unpaired, "a")) +
                      ", b: " + format_thousands(number_field(unpaired, "b")) + ")");
    }
  }
  table.print(out);
  for (const std::string& note : notes) std::fprintf(out, "  note: %s\n", note.c_str());
}

void print_rankings(std::FILE* out, const json& fields, const std::string& by) {
  for (const auto& ranking : array_field(fields, "rankings")) {
    if (text_field(ranking, "by") != by) continue;
    const bool by_provider = by == "provider";
    std::fprintf(out,
                 "\nRanking of %ss within %s %s by pass rate (%s%% bootstrap intervals; a shared "
                 "rank means no significant difference):\n",
                 by_provider ? "provider" : "prompt", by_provider ? "prompt" : "provider",
                 console_text(text_field(ranking, "within")).c_str(),
                 format_fixed(100 * number_field(ranking, "ci_level", 0.95), 0).c_str());
    TextTable table({{"rank", true},
                     {by_provider ? "provider" : "prompt"},
                     {"pass rate", true},
                     {"interval", true},
                     {"cases", true},
                     {"significantly better than"}});
    for (const auto& entry : array_field(ranking, "entries")) {
      const std::string id = text_field(entry, "id");
      std::string beats;
      for (const auto& pair : array_field(ranking, "significant_pairs")) {
        if (pair.size() != 2 || !pair[0].is_string() || pair[0].get<std::string>() != id) continue;
        if (!beats.empty()) beats += ", ";
        beats += console_text(pair[1].is_string() ? pair[1].get<std::string>() : "");
      }
      table.add_row({format_thousands(number_field(entry, "rank")), console_text(id),
                     format_percent(number_field(entry, "pass_rate")),
                     std::string("[") + format_percent(number_field(entry, "ci_low")) + ", " +
                         format_percent(number_field(entry, "ci_high")) + "]",
                     format_thousands(number_field(entry, "cases")), beats.empty() ? "-" : beats});
    }
    table.print(out);
  }
}

}  // namespace

void print_group_fields(std::FILE* out, const nlohmann::json& fields, const char* only_by) {
  if (!fields.is_object() || !fields.contains("groups")) return;
  print_group_table(out, object_field(fields, "groups"));
  for (const std::string by : {"provider", "prompt"}) {
    if (only_by != nullptr && by != only_by) continue;
    print_family(out, fields, by);
    print_rankings(out, fields, by);
  }
  std::fflush(out);
}

}  // namespace evalkit

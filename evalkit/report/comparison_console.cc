#include "evalkit/report/comparison_console.h"

#include <cmath>
#include <string>

#include "evalkit/base/number_text.h"
#include "evalkit/report/report_text.h"

namespace evalkit {
namespace {

std::string fixed(const std::optional<double>& v, int digits = 4) {
  if (!v) return "-";
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.*f", digits, *v);
  return buffer;
}

std::string percent_level(double level) {
  char buffer[32];
  const double percent = 100 * level;
  // 95%, 97.5%, 98.33%: as many digits as the level needs, at most two decimals.
  if (std::fabs(percent - std::round(percent)) < 1e-9) {
    std::snprintf(buffer, sizeof buffer, "%.0f%%", percent);
  } else if (std::fabs(percent * 10 - std::round(percent * 10)) < 1e-9) {
    std::snprintf(buffer, sizeof buffer, "%.1f%%", percent);
  } else {
    std::snprintf(buffer, sizeof buffer, "%.2f%%", percent);
  }
  return buffer;
}

std::string short_text(const std::string& text) {
  std::string s;
  for (char c : text) s.push_back(c == '\n' || c == '\r' || c == '\t' ? ' ' : c);
  if (s.size() > 100) {
    size_t cut = 100;
    while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xC0) == 0x80) --cut;
    s = s.substr(0, cut) + "…";
  }
  std::string quoted(1, '\'');  // not "'" + ...: GCC 12 warns falsely (-Wrestrict)
  quoted += terminal_safe(s);
  quoted += '\'';
  return quoted;
}

// "q7 (prompt qa, provider model)": both ids shown, so two unpaired lists that differ only in
// a prompt or provider id do not look identical.
std::string case_with_ids(const CaseKey& key) {
  return terminal_safe(key.case_id + " (prompt " + key.prompt_id + ", provider " +
                       key.provider_id + ")");
}

std::string case_name(const CaseKey& key) {
  return terminal_safe(key.prompt_id + "/" + key.case_id);
}

const char* role_of(const MetricComparison& m) {
  if (!m.gated) return "info";
  return m.rule == "threshold" ? "gate/threshold" : "gate";
}

void print_metric_row(std::FILE* out, const MetricComparison& m, const char* indent) {
  std::string interval = "-";
  if (m.ci_low) {  // built by appending: "[" + ... trips a GCC 12 -Wrestrict false alarm
    interval = "[";
    interval += fixed(m.ci_low) + ", " + fixed(m.ci_high) + "]";
  }
  const std::string p = m.p_adjusted ? fixed(m.p_adjusted) : (m.p_value ? fixed(m.p_value) : "-");
  std::fprintf(out, "%s%-16s %-14s %9s %9s %9s  %-21s %9s  %s%s%s\n", indent, m.metric.c_str(),
               role_of(m), fixed(m.baseline).c_str(), fixed(m.current).c_str(),
               fixed(m.delta).c_str(), interval.c_str(), p.c_str(), metric_verdict_name(m.verdict),
               m.note.empty() ? "" : " — ", m.note.c_str());
}

void print_metric_header(std::FILE* out, const char* indent) {
  std::fprintf(out, "%s%-16s %-14s %9s %9s %9s  %-21s %9s  %s\n", indent, "metric", "role",
               "baseline", "current", "delta", "interval", "p", "verdict");
}

void print_pairing(std::FILE* out, const Comparison& c) {
  const Pairing& p = c.pairing;
  std::fprintf(out, "  Paired %lld of the baseline's %lld cases (this run has %lld)",
               static_cast<long long>(p.paired), static_cast<long long>(p.baseline_cases),
               static_cast<long long>(p.current_cases));
  for (const auto& [was, is] : p.prompt_pairs) {
    std::fprintf(out, "; prompt %s paired with %s", was.c_str(), is.c_str());
  }
  std::fputs("\n", out);
  if (!c.not_comparable.empty()) return;  // the verdict lists the changes with the reasons
  for (const std::string& change : c.changes) std::fprintf(out, "  Changed: %s\n", change.c_str());
}

void print_intervals_note(std::FILE* out, const Comparison& c) {
  if (c.family_size == 0) return;
  const double level = 1 - c.alpha / c.family_size;
  std::fprintf(out,
               "  p is Holm-adjusted over the %d gated test%s; their intervals are at %s "
               "(1 - alpha/%d), others' at %s\n",
               c.family_size, c.family_size == 1 ? "" : "s", percent_level(level).c_str(),
               c.family_size, percent_level(1 - c.alpha).c_str());
}

void print_detectable(std::FILE* out, const Comparison& c) {
  bool any = false;
  for (const MetricComparison& m : c.metrics) {
    if (!m.gated || m.rule != "paired" || !m.p_value || m.rise_is_worse) continue;
    if (!any) std::fprintf(out, "  Smallest drop detectable at 80%% power with these cases:");
    std::fprintf(
        out, "%s %s %s", any ? "," : "", m.metric.c_str(),
        m.detectable_drop ? format_number(*m.detectable_drop).c_str() : "none (too few cases)");
    any = true;
  }
  if (any) std::fputs("\n", out);
}

void print_cells(std::FILE* out, const Comparison& c) {
  if (c.cells.empty()) return;
  std::fputs("\nPer cell (prompt x provider):\n", out);
  for (const CellComparison& cell : c.cells) {
    std::string title = cell.prompt_id + " x " + cell.provider_id;
    if (cell.baseline_prompt_id != cell.prompt_id) {
      title += " (baseline prompt " + cell.baseline_prompt_id + ")";
    }
    std::fprintf(out, "  %s: %lld paired%s\n", title.c_str(), static_cast<long long>(cell.paired),
                 cell.regressed ? " — REGRESSED" : "");
    for (const MetricComparison& m : cell.metrics) print_metric_row(out, m, "    ");
  }
}

void print_unpaired(std::FILE* out, const Comparison& c) {
  if (c.only_in_baseline.empty() && c.only_in_current.empty()) return;
  std::fprintf(out, "\nUnpaired cases: %zu only in the baseline, %zu only in this run\n",
               c.only_in_baseline.size(), c.only_in_current.size());
  size_t listed = 0;
  for (const auto& k : c.only_in_baseline) {
    if (listed++ < 5) std::fprintf(out, "  only in baseline: %s\n", case_with_ids(k).c_str());
  }
  if (c.only_in_baseline.size() > 5) {
    std::fprintf(out, "  ... and %zu more only in the baseline\n", c.only_in_baseline.size() - 5);
  }
  listed = 0;
  for (const auto& k : c.only_in_current) {
    if (listed++ < 5) std::fprintf(out, "  only in this run: %s\n", case_with_ids(k).c_str());
  }
  if (c.only_in_current.size() > 5) {
    std::fprintf(out, "  ... and %zu more only in this run\n", c.only_in_current.size() - 5);
  }
}

}  // namespace

void print_comparison(std::FILE* out, const Comparison& c) {
  std::fprintf(out, "\nComparison with %s (run %s), alpha %.3g\n",
               c.baseline_name.empty() ? "run" : ("baseline '" + c.baseline_name + "'").c_str(),
               c.baseline_run_id.c_str(), c.alpha);
  print_pairing(out, c);
  print_intervals_note(out, c);
  print_metric_header(out, "  ");
  for (const auto& m : c.metrics) print_metric_row(out, m, "  ");
  print_detectable(out, c);
  print_cells(out, c);
  size_t shown = 0;
  for (const auto& f : c.flipped) {
    if (!(f.baseline_pass && !f.current_pass)) continue;
    if (shown++ == 0) std::fputs("\nCases that went from pass to fail:\n", out);
    if (shown > 20) continue;
    std::fprintf(out, "  %s\n      baseline: %s\n      current:  %s\n", case_name(f.key).c_str(),
                 short_text(f.baseline_output).c_str(), short_text(f.current_output).c_str());
  }
  if (shown > 20) std::fprintf(out, "  ... and %zu more\n", shown - 20);
  shown = 0;
  for (const auto& d : c.largest_drops) {
    if (d.delta >= 0) continue;
    if (shown++ == 0) std::fputs("\nLargest score drops:\n", out);
    if (shown > 10) continue;
    std::fprintf(out, "  %-12s %s  %.3f -> %.3f (%+.3f)\n      baseline: %s\n      current:  %s\n",
                 d.metric.c_str(), case_name(d.key).c_str(), d.baseline, d.current, d.delta,
                 short_text(d.baseline_output).c_str(), short_text(d.current_output).c_str());
  }
  print_unpaired(out, c);
  std::fflush(out);
}

void print_floors(std::FILE* out, const std::vector<FloorCheck>& floors) {
  if (floors.empty()) return;
  std::fputs("\nFloors:\n", out);
  for (const FloorCheck& floor : floors) {
    std::fprintf(out, "  %-16s %9s  %s %-8s %s%s%s\n", floor.metric.c_str(),
                 fixed(floor.value).c_str(), floor.max ? "max" : "min",
                 format_number(floor.max ? *floor.max : floor.min).c_str(),
                 floor.held ? "held" : (floor.max ? "ABOVE" : "BELOW"),
                 floor.note.empty() ? "" : " — ", floor.note.c_str());
  }
  std::fflush(out);
}

void print_gate_verdict(std::FILE* out, const GateVerdict& verdict) {
  if (verdict.passed) {
    std::fprintf(out, "\nGate: passed (%s)\n",
                 verdict.compared ? "no gated metric regressed" : "floors held; no baseline");
  } else {
    std::fprintf(out, "\nGate: %s\n", verdict.headline.c_str());
    for (const std::string& reason : verdict.reasons) {
      std::fprintf(out, "  %s\n", reason.c_str());
    }
  }
  std::fflush(out);
}

}  // namespace evalkit

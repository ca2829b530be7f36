#include "evalkit/report/comparison_console.h"

#include <string>

#include "evalkit/report/report_text.h"

namespace evalkit {
namespace {

std::string fixed(const std::optional<double>& v, int digits = 4) {
  if (!v) return "-";
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.*f", digits, *v);
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

std::string case_name(const CaseKey& key) {
  return terminal_safe(key.prompt_id + "/" + key.case_id);
}

}  // namespace

void print_comparison(std::FILE* out, const Comparison& c) {
  std::fprintf(out, "\nComparison with %s (run %s), alpha %.3g, Holm-adjusted\n",
               c.baseline_name.empty() ? "run" : ("baseline '" + c.baseline_name + "'").c_str(),
               c.baseline_run_id.c_str(), c.alpha);
  std::fprintf(out, "  %-16s %9s %9s %9s  %-21s %9s  %s\n", "metric", "baseline", "current",
               "delta", "interval", "p (adj)", "verdict");
  for (const auto& m : c.metrics) {
    std::string interval = "-";
    if (m.ci_low) {  // built by appending: "[" + ... trips a GCC 12 -Wrestrict false alarm
      interval = "[";
      interval += fixed(m.ci_low) + ", " + fixed(m.ci_high) + "]";
    }
    std::fprintf(out, "  %-16s %9s %9s %9s  %-21s %9s  %s%s%s\n", m.metric.c_str(),
                 fixed(m.baseline).c_str(), fixed(m.current).c_str(), fixed(m.delta).c_str(),
                 interval.c_str(), fixed(m.p_adjusted, 4).c_str(), metric_verdict_name(m.verdict),
                 m.note.empty() ? "" : " — ", m.note.c_str());
  }
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
  if (!c.only_in_baseline.empty() || !c.only_in_current.empty()) {
    std::fprintf(out, "\nUnpaired cases: %zu only in the baseline, %zu only in this run\n",
                 c.only_in_baseline.size(), c.only_in_current.size());
    size_t listed = 0;
    for (const auto& k : c.only_in_baseline) {
      if (listed++ < 10) std::fprintf(out, "  only in baseline: %s\n", case_name(k).c_str());
    }
    for (const auto& k : c.only_in_current) {
      if (listed++ < 20) std::fprintf(out, "  only in this run: %s\n", case_name(k).c_str());
    }
  }
  std::fprintf(out, "\nGate: %s\n", c.regressed ? "REGRESSED" : "passed (no metric regressed)");
  std::fflush(out);
}

}  // namespace evalkit

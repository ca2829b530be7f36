#include "evalkit/report/junit_report.h"

#include <regex>
#include <string_view>
#include <vector>

#include "evalkit/base/files.h"
#include "evalkit/report/document_fields.h"
#include "evalkit/report/report_text.h"

namespace evalkit {
namespace {

// CI servers keep every byte of every test's output; a long generation would bloat them.
constexpr size_t kMaxSystemOutBytes = 16 * 1024;
constexpr size_t kMaxMessageBytes = 1024;

// Escapes for both attribute values and element text. Tab and newlines are written as
// character references so attribute normalization keeps them.
void append_escaped(std::string* out, std::string_view raw) {
  const std::string text = xml_safe_text(raw);
  for (char c : text) {
    switch (c) {
      case '&':
        *out += "&amp;";
        break;
      case '<':
        *out += "&lt;";
        break;
      case '>':
        *out += "&gt;";
        break;
      case '"':
        *out += "&quot;";
        break;
      case '\'':
        *out += "&apos;";
        break;
      case '\t':
        *out += "&#9;";
        break;
      case '\n':
        *out += "&#10;";
        break;
      case '\r':
        *out += "&#13;";
        break;
      default:
        *out += c;
    }
  }
}

void append_attribute(std::string* out, std::string_view name, std::string_view value) {
  *out += ' ';
  *out += name;
  *out += "=\"";
  append_escaped(out, value);
  *out += '"';
}

// JUnit readers parse timestamp as an ISO 8601 date-time; anything else is left out.
bool is_iso8601_datetime(const std::string& text) {
  static const std::regex pattern(
      R"(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})?)");
  return std::regex_match(text, pattern);
}

std::string seconds(double value) { return format_fixed(value < 0 ? 0 : value, 3); }

std::string failing_scorer_names(const nlohmann::json& trial) {
  std::string names;
  for (const auto& score : array_field(trial, "scores")) {
    if (bool_field(score, "pass", true) && !bool_field(score, "error")) continue;
    if (!names.empty()) names += ", ";
    names += text_field(score, "name", "?");
  }
  return names;
}

// One line per failing scorer: "rougeL = 0.210: reason".
std::string failure_details(const nlohmann::json& trial) {
  std::string details;
  for (const auto& score : array_field(trial, "scores")) {
    if (bool_field(score, "pass", true) && !bool_field(score, "error")) continue;
    details += text_field(score, "name", "?");
    details += bool_field(score, "error") ? " (error)"
                                          : " = " + format_fixed(number_field(score, "value"), 3);
    const std::string reason = text_field(score, "reason");
    if (!reason.empty()) details += ": " + reason;
    details += '\n';
  }
  if (details.empty()) {
    details = "weighted score " + format_fixed(number_field(trial, "weighted_score"), 3) +
              " is below the suite's pass rule\n";
  }
  return details;
}

void append_testcase(std::string* out, const nlohmann::json& trial, const std::string& suite,
                     bool run_has_repeats) {
  *out += "    <testcase";
  append_attribute(
      out, "classname",
      suite + "." + text_field(trial, "prompt_id") + "." + text_field(trial, "provider_id"));
  append_attribute(out, "name", trial_display_name(trial, run_has_repeats));
  append_attribute(out, "time",
                   seconds(number_field(trial, "duration_s", number_field(trial, "latency_s"))));
  *out += ">\n";
  if (trial_was_skipped(trial)) {
    *out += "      <skipped";
    append_attribute(out, "message",
                     truncate_utf8(text_field(trial, "error", "not sent"), kMaxMessageBytes));
    *out += "/>\n";
  } else if (trial_has_error(trial)) {
    *out += "      <error";
    append_attribute(out, "message", truncate_utf8(text_field(trial, "error"), kMaxMessageBytes));
    append_attribute(out, "type", text_field(trial, "error_kind", "error"));
    *out += ">";
    append_escaped(out, text_field(trial, "error"));
    *out += "</error>\n";
  } else if (!bool_field(trial, "pass")) {
    const std::string names = failing_scorer_names(trial);
    *out += "      <failure";
    append_attribute(
        out, "message",
        truncate_utf8(names.empty() ? "pass rule not met" : "failing scorers: " + names,
                      kMaxMessageBytes));
    append_attribute(out, "type", "evalkit.score");
    *out += ">";
    append_escaped(out, truncate_utf8(failure_details(trial), kMaxSystemOutBytes));
    *out += "</failure>\n";
  }
  const std::string output = text_field(trial, "output");
  if (!output.empty()) {
    *out += "      <system-out>";
    append_escaped(out,
                   truncate_utf8(valid_utf8(output), kMaxSystemOutBytes, "\n[output truncated]"));
    *out += "</system-out>\n";
  }
  *out += "    </testcase>\n";
}

struct SuiteCounts {
  int tests = 0, failures = 0, errors = 0, skipped = 0;
  double time = 0;
};

SuiteCounts count_trials(const nlohmann::json& document) {
  SuiteCounts counts;
  for (const auto& trial : array_field(document, "trials")) {
    ++counts.tests;
    if (trial_was_skipped(trial)) {
      ++counts.skipped;
    } else if (trial_has_error(trial)) {
      ++counts.errors;
    } else if (!bool_field(trial, "pass")) {
      ++counts.failures;
    }
  }
  return counts;
}

void append_counts(std::string* out, const SuiteCounts& counts) {
  append_attribute(out, "tests", std::to_string(counts.tests));
  append_attribute(out, "failures", std::to_string(counts.failures));
  append_attribute(out, "errors", std::to_string(counts.errors));
  append_attribute(out, "skipped", std::to_string(counts.skipped));
  append_attribute(out, "time", seconds(counts.time));
}

// The gate's checks as test cases: one per gated metric (over all cells and per cell), one per
// floor, and one for the pairing when the runs had nothing to compare, so a CI test view shows
// which metric (and which prompt x provider cell) failed the gate.
struct GateCase {
  std::string name;
  std::string failure;  // empty when it passed
  std::string details;
};

std::string metric_line(const nlohmann::json& metric) {
  return format_fixed(number_field(metric, "baseline"), 4) + " -> " +
         format_fixed(number_field(metric, "current"), 4) + " (delta " +
         format_fixed(number_field(metric, "delta"), 4) + ", p " +
         format_fixed(number_field(metric, "p_adjusted", number_field(metric, "p_value", 1)), 4) +
         ")";
}

void add_metric_cases(const nlohmann::json& metrics, const std::string& cell,
                      std::vector<GateCase>* cases) {
  for (const auto& metric : metrics) {
    if (!bool_field(metric, "gated")) continue;
    const std::string verdict = text_field(metric, "verdict");
    GateCase c;
    c.name = "gate: " + text_field(metric, "metric") + (cell.empty() ? "" : " [" + cell + "]");
    c.details = verdict + ": " + metric_line(metric);
    const std::string note = text_field(metric, "note");
    if (!note.empty()) c.details += "; " + note;
    if (verdict == "regressed") c.failure = text_field(metric, "metric") + " regressed";
    cases->push_back(std::move(c));
  }
}

std::vector<GateCase> gate_cases(const nlohmann::json& document) {
  std::vector<GateCase> cases;
  const nlohmann::json& comparison = object_field(document, "comparison");
  if (!comparison.empty()) {
    const nlohmann::json& reasons = array_field(comparison, "not_comparable");
    if (!reasons.empty()) {
      GateCase c{"gate: pairing", "nothing to compare with the baseline", ""};
      for (const auto& reason : reasons) {
        if (reason.is_string()) c.details += reason.get<std::string>() + "\n";
      }
      cases.push_back(std::move(c));
    }
    add_metric_cases(array_field(comparison, "metrics"), "", &cases);
    for (const auto& cell : array_field(comparison, "cells")) {
      add_metric_cases(array_field(cell, "metrics"),
                       text_field(cell, "prompt_id") + " x " + text_field(cell, "provider_id"),
                       &cases);
    }
  }
  for (const auto& floor : array_field(object_field(document, "gate"), "floors")) {
    GateCase c;
    const bool ceiling = floor.contains("max");
    c.name = (ceiling ? "ceiling: " : "floor: ") + text_field(floor, "metric");
    c.details = "value " + format_fixed(number_field(floor, "value"), 4) +
                (ceiling ? ", max " : ", min ") +
                format_fixed(number_field(floor, ceiling ? "max" : "min"), 4);
    if (!bool_field(floor, "held")) {
      c.failure = text_field(floor, "metric") +
                  (ceiling ? " is above its ceiling" : " is below its floor");
    }
    cases.push_back(std::move(c));
  }
  return cases;
}

void append_gate_testsuite(std::string* out, const std::string& suite,
                           const std::vector<GateCase>& cases, int id) {
  int failures = 0;
  for (const GateCase& c : cases) failures += c.failure.empty() ? 0 : 1;
  *out += "  <testsuite";
  append_attribute(out, "name", suite + " gate");
  append_attribute(out, "id", std::to_string(id));
  append_attribute(out, "tests", std::to_string(cases.size()));
  append_attribute(out, "failures", std::to_string(failures));
  append_attribute(out, "errors", "0");
  append_attribute(out, "skipped", "0");
  append_attribute(out, "time", "0.000");
  *out += ">\n";
  for (const GateCase& c : cases) {
    *out += "    <testcase";
    append_attribute(out, "classname", suite + ".gate");
    append_attribute(out, "name", c.name);
    append_attribute(out, "time", "0.000");
    *out += ">\n";
    if (!c.failure.empty()) {
      *out += "      <failure";
      append_attribute(out, "message", truncate_utf8(c.failure, kMaxMessageBytes));
      append_attribute(out, "type", "evalkit.gate");
      *out += ">";
      append_escaped(out, truncate_utf8(c.details, kMaxSystemOutBytes));
      *out += "</failure>\n";
    } else {
      *out += "      <system-out>";
      append_escaped(out, truncate_utf8(c.details, kMaxSystemOutBytes));
      *out += "</system-out>\n";
    }
    *out += "    </testcase>\n";
  }
  *out += "  </testsuite>\n";
}

void append_property(std::string* out, std::string_view name, const std::string& value) {
  if (value.empty()) return;
  *out += "      <property";
  append_attribute(out, "name", name);
  append_attribute(out, "value", value);
  *out += "/>\n";
}

// The <testsuite> element up to its first <testcase>.
void append_testsuite_open(std::string* out, const nlohmann::json& document,
                           const SuiteCounts& counts, int id) {
  const nlohmann::json& run = object_field(document, "run");
  const std::string suite = text_field(run, "suite", "evalkit");
  *out += "  <testsuite";
  append_attribute(out, "name", suite);
  append_attribute(out, "id", std::to_string(id));
  append_counts(out, counts);
  const std::string started = text_field(run, "started_at");
  if (is_iso8601_datetime(started)) append_attribute(out, "timestamp", started);
  *out += ">\n    <properties>\n";
  append_property(out, "evalkit.run_id", text_field(run, "id"));
  append_property(out, "evalkit.version", text_field(document, "evalkit_version"));
  append_property(out, "evalkit.status", text_field(run, "status"));
  append_property(out, "evalkit.git_commit", text_field(run, "git_commit"));
  append_property(out, "evalkit.suite_path", text_field(run, "suite_path"));
  const nlohmann::json& comparison = object_field(document, "comparison");
  append_property(out, "evalkit.baseline_run_id",
                  text_field(object_field(comparison, "baseline"), "run_id"));
  append_property(out, "evalkit.verdict", text_field(comparison, "verdict"));
  *out += "    </properties>\n";
}

void append_testsuite(std::string* out, const nlohmann::json& document, const SuiteCounts& counts,
                      int id) {
  append_testsuite_open(out, document, counts, id);
  const std::string suite = text_field(object_field(document, "run"), "suite", "evalkit");
  const bool repeats = document_has_repeats(document);
  for (const auto& trial : array_field(document, "trials")) {
    append_testcase(out, trial, suite, repeats);
  }
  *out += "  </testsuite>\n";
}

// The <testsuites> totals: every suite's trials and gate checks.
void add_to_totals(const SuiteCounts& counts, const std::vector<GateCase>& gate,
                   SuiteCounts* total) {
  total->tests += counts.tests + int(gate.size());
  total->failures += counts.failures;
  for (const GateCase& c : gate) total->failures += c.failure.empty() ? 0 : 1;
  total->errors += counts.errors;
  total->skipped += counts.skipped;
  total->time += counts.time;
}

std::string testsuites_open(const SuiteCounts& total) {
  std::string out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites";
  append_attribute(&out, "name", "evalkit");
  append_counts(&out, total);
  out += ">\n";
  return out;
}

std::string render_documents(const std::vector<const nlohmann::json*>& documents) {
  std::vector<SuiteCounts> suites;
  std::vector<std::vector<GateCase>> gates;
  SuiteCounts total;
  for (const nlohmann::json* document : documents) {
    SuiteCounts counts = count_trials(*document);
    counts.time = number_field(object_field(*document, "run"), "duration_s");
    gates.push_back(gate_cases(*document));
    add_to_totals(counts, gates.back(), &total);
    suites.push_back(counts);
  }
  std::string out = testsuites_open(total);
  int id = 0;
  for (size_t i = 0; i < documents.size(); ++i) {
    append_testsuite(&out, *documents[i], suites[i], id++);
    if (!gates[i].empty()) {
      append_gate_testsuite(
          &out, text_field(object_field(*documents[i], "run"), "suite", "evalkit"), gates[i], id++);
    }
  }
  out += "</testsuites>\n";
  return out;
}

}  // namespace

std::string render_junit_report(const std::vector<nlohmann::json>& documents) {
  std::vector<const nlohmann::json*> pointers;
  for (const auto& document : documents) pointers.push_back(&document);
  return render_documents(pointers);
}

std::string render_junit_report(const nlohmann::json& document) {
  return render_documents({&document});
}

Status write_junit_report(const std::vector<nlohmann::json>& documents, const std::string& path) {
  return write_file_atomic(path, render_junit_report(documents));
}

Status write_junit_report(const nlohmann::json& document, const std::string& path) {
  return write_file_atomic(path, render_junit_report(document));
}

Status write_junit_report(const StreamedDocument& document, const std::string& path) {
  const nlohmann::json& head = document.head;
  SuiteCounts counts;
  counts.tests = int(document.counts.trials);
  counts.failures = int(document.counts.failures);
  counts.errors = int(document.counts.errors);
  counts.skipped = int(document.counts.skipped);
  counts.time = number_field(object_field(head, "run"), "duration_s");
  const std::vector<GateCase> gate = gate_cases(head);
  SuiteCounts total;
  add_to_totals(counts, gate, &total);
  const std::string suite = text_field(object_field(head, "run"), "suite", "evalkit");
  return write_file_streamed(path, [&](const FileSink& sink) -> Status {
    std::string piece = testsuites_open(total);
    append_testsuite_open(&piece, head, counts, 0);
    if (Status s = sink(piece); !s) return s;
    Status read = document.for_each_trial([&](const nlohmann::json& trial) {
      piece.clear();
      append_testcase(&piece, trial, suite, document.counts.has_repeats);
      return sink(piece);
    });
    if (!read) return read;
    piece = "  </testsuite>\n";
    if (!gate.empty()) append_gate_testsuite(&piece, suite, gate, 1);
    piece += "</testsuites>\n";
    return sink(piece);
  });
}

}  // namespace evalkit

// The run document of a run too large to hold (docs/json-report.md, docs/scale.md): its
// bounded parts as one JSON object, and its per-case and per-trial arrays read on demand, one
// element at a time, from the store. The JSON report and JUnit are written from it by
// streaming; the HTML and Markdown reports get a bounded document (every part but the trials,
// and a sample of the trials, failures first).
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "evalkit/base/status.h"
#include "evalkit/run/trial.h"
#include "evalkit/store/annotation_store.h"
#include "evalkit/store/store.h"

namespace evalkit {

// What the reports count over a run's trials, known before any trial is written.
struct TrialCounts {
  int64_t trials = 0;
  int64_t skipped = 0;   // never sent (budget exhausted, run interrupted)
  int64_t errors = 0;    // an infrastructure or scorer error (and sent)
  int64_t failures = 0;  // sent, no error, failed its pass rule
  bool has_repeats = false;

  // Counts one trial of the JSON report (as trial_was_skipped and trial_has_error read it).
  void add(const nlohmann::json& trial);
  // Trials that did not pass: skipped, errored or failed.
  int64_t not_passed() const { return skipped + errors + failures; }
};

struct StreamedDocument {
  using Visitor = std::function<Status(const nlohmann::json& element)>;
  using Source = std::function<Status(const Visitor& visit)>;

  // Every top-level key of the document but "cases" and "trials".
  nlohmann::json head = nlohmann::json::object();
  // The "cases" and "trials" arrays, element by element, in document order. Each may be
  // called more than once; each call reads the elements afresh.
  Source for_each_case;
  Source for_each_trial;
  TrialCounts counts;
};

// A document already in memory as a StreamedDocument (its arrays are read from it, so it
// must outlive the result).
StreamedDocument streamed_document(const nlohmann::json& document);

struct StoredDocumentOptions {
  nlohmann::json comparison = nullptr;                      // the gate's comparison, or null
  // The baseline run whose paired trials fill each trial's "baseline" (empty: none), read
  // from the same store by key as the trials are written.
  std::string baseline_run_id;
  const nlohmann::json* group_fields = nullptr;  // build_group_fields' result, when computed
  const nlohmann::json* gate = nullptr;          // the document's "gate", when it has one
  std::vector<Annotation> annotations;           // attached to their trials
  size_t batch_size = 1024;                      // trials read from the store at a time
};

// The document build_run_document makes for the run's stored trials, byte for byte once
// written, read from the store in one pass now (summary, scorers with their corpus scores
// folded through CorpusStatistics, providers with exact latency percentiles) and on demand
// later (cases, trials). Memory holds a batch of trials and 16 bytes per trial for the
// percentiles. The per-case aggregates stream when each (case, prompt, provider) key's trials
// are contiguous in index order (as the plan and a merge write them); otherwise they, like
// group fields that are not given (a run with several prompts or providers) and a metric
// whose corpus score has no CorpusStatistics, are computed from every trial loaded.
// The store must outlive the result.
Status stored_run_document(Store& store, const RunRecord& run,
                           const StoredDocumentOptions& options, StreamedDocument* out);

// Writes the document as pretty JSON, the bytes write_json_report writes for the same
// document, without holding it (write_file_streamed).
Status write_json_report(const StreamedDocument& document, const std::string& path);

// The document with at most max_trials trials: when the run has more, the trials that did
// not pass (skipped, errored or failed) are kept first, up to max_trials, then passing ones,
// all in index order; the document says so in "trial_sample" ({"trials": all, "shown": kept,
// "not_passed": n, "failing": sent and not passing, "has_repeats": bool}) and leaves out
// "cases". A run within the bound gets
// the whole document, unchanged.
Status bounded_document(const StreamedDocument& document, size_t max_trials,
                        nlohmann::json* out);

// The document with secrets this process knows (register_environment_secrets) redacted in
// its head and in every case and trial as they are read.
StreamedDocument redacted_document(const StreamedDocument& document);

}  // namespace evalkit

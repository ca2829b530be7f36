#include "evalkit/report/run_document_stream.h"

#include <algorithm>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string_view>

#include "evalkit/base/files.h"
#include "evalkit/base/secrets.h"
#include "evalkit/gate/case_aggregate.h"
#include "evalkit/model/error_kind.h"
#include "evalkit/report/document_fields.h"
#include "evalkit/report/group_fields.h"
#include "evalkit/report/run_document.h"
#include "evalkit/run/trial_json.h"

namespace evalkit {
namespace {

using nlohmann::json;

std::string dump(const json& value) {
  return value.dump(2, ' ', false, json::error_handler_t::replace);
}

bool same_case(const TrialResult& a, const CaseKey& key) {
  return a.key.case_id == key.case_id && a.key.prompt_id == key.prompt_id &&
         a.key.provider_id == key.provider_id;
}

// The "cases" array of trials read in index order, each (case, prompt, provider) key's trials
// contiguous: one case at a time, as aggregate_cases computes it.
class CaseStream {
 public:
  CaseStream(const PassRule& rule, const StreamedDocument::Visitor& visit)
      : rule_(rule), visit_(visit) {}

  Status add(const TrialResult& trial) {
    if (open_ && !same_case(trial, key_)) {
      if (Status s = emit(); !s) return s;
    }
    if (!open_) {
      key_ = {trial.key.case_id, trial.key.prompt_id, trial.key.provider_id};
      repeats_ = passes_ = 0;
      score_sum_ = 0;
      open_ = true;
    }
    ++repeats_;
    passes_ += trial.pass && trial.error.empty() ? 1 : 0;
    score_sum_ += trial.weighted_score;
    return Status::ok();
  }

  Status finish() { return open_ ? emit() : Status::ok(); }

 private:
  Status emit() {
    open_ = false;
    CaseAggregate aggregate{.key = key_};
    aggregate.repeats = repeats_;
    aggregate.passes = passes_;
    const int needed = rule_.k_of_n <= 0 ? repeats_ : std::min(rule_.k_of_n, repeats_);
    aggregate.pass = passes_ >= needed;
    aggregate.flaky = passes_ > 0 && passes_ < repeats_;
    aggregate.mean_weighted_score = score_sum_ / repeats_;
    const json one = cases_to_json({aggregate});
    return visit_(one.at(0));
  }

  PassRule rule_;
  const StreamedDocument::Visitor& visit_;
  bool open_ = false;
  CaseKey key_;
  int repeats_ = 0, passes_ = 0;
  double score_sum_ = 0;
};

void count_trial(const TrialResult& t, TrialCounts* counts) {
  ++counts->trials;
  if (t.key.repeat > 0) counts->has_repeats = true;
  if (t.error_kind == error_kind::kBudget || t.error_kind == error_kind::kCancelled) {
    ++counts->skipped;
  } else if (!t.error_kind.empty() || !t.error.empty()) {
    ++counts->errors;
  } else if (!t.pass) {
    ++counts->failures;
  }
}

// Writes the elements of source as a pretty JSON array nested one level in the document
// (its items indented by four spaces), as nlohmann::json::dump(2) writes it.
Status write_array(const StreamedDocument::Source& source, const FileSink& sink) {
  bool first = true;
  std::string piece;
  Status read = source([&](const json& element) {
    piece = first ? "[\n    " : ",\n    ";
    first = false;
    const std::string text = dump(element);
    for (char c : text) {
      piece += c;
      if (c == '\n') piece += "    ";
    }
    return sink(piece);
  });
  if (!read) return read;
  return sink(first ? "[]" : "\n  ]");
}

StreamedDocument::Source redacted(const StreamedDocument::Source& source) {
  return [source](const StreamedDocument::Visitor& visit) {
    return source([&](const json& element) {
      json copy = element;
      redact_secrets_in_place(&copy);
      return visit(copy);
    });
  };
}

}  // namespace

void TrialCounts::add(const json& trial) {
  ++trials;
  if (number_field(trial, "repeat") > 0) has_repeats = true;
  if (trial_was_skipped(trial)) {
    ++skipped;
  } else if (trial_has_error(trial)) {
    ++errors;
  } else if (!bool_field(trial, "pass")) {
    ++failures;
  }
}

StreamedDocument streamed_document(const json& document) {
  StreamedDocument out;
  for (const auto& [key, value] : document.items()) {
    if (key != "cases" && key != "trials") out.head[key] = value;
  }
  const auto source = [&document](const char* key) {
    return [&document, key](const StreamedDocument::Visitor& visit) {
      for (const auto& element : array_field(document, key)) {
        if (Status s = visit(element); !s) return s;
      }
      return Status::ok();
    };
  };
  out.for_each_case = source("cases");
  out.for_each_trial = source("trials");
  for (const auto& trial : array_field(document, "trials")) out.counts.add(trial);
  return out;
}

namespace {

// The baseline run's trials by key, for each trial's "baseline", without holding them: 16
// bytes a trial (the hash of its key and its index), sorted by hash. A trial is read from
// the store when asked for, and its key compared, so a hash shared by two keys never pairs
// the wrong trial; of several trials with one key the last (as BaselineIndex keeps) wins.
class StoredBaseline {
 public:
  Status read(Store& store, const std::string& run_id) {
    run_id_ = run_id;
    Status s = store.for_each_trial_key(run_id, [&](int64_t index, const TrialKey& key) {
      entries_.push_back({hash_of(key), index});
    });
    if (!s) return s;
    std::sort(entries_.begin(), entries_.end());
    return Status::ok();
  }

  bool empty() const { return run_id_.empty(); }

  // (*out)[i] is trials[i]'s baseline object, or null when the baseline has no such trial.
  Status find(Store& store, const std::vector<TrialResult>& trials, std::vector<json>* out) const {
    out->assign(trials.size(), json());
    if (run_id_.empty()) return Status::ok();
    // Candidates: every baseline trial whose key hash matches, latest first.
    std::vector<int64_t> indices;
    std::vector<std::pair<size_t, size_t>> spans;  // per trial: [begin, end) in indices
    for (const TrialResult& t : trials) {
      const uint64_t h = hash_of(t.key);
      auto lo = std::lower_bound(entries_.begin(), entries_.end(), Entry{h, INT64_MIN});
      const size_t begin = indices.size();
      for (auto it = lo; it != entries_.end() && it->hash == h; ++it) indices.push_back(it->index);
      std::reverse(indices.begin() + long(begin), indices.end());
      spans.emplace_back(begin, indices.size());
    }
    if (indices.empty()) return Status::ok();
    std::vector<TrialResult> candidates;
    if (Status s = store.load_trial_briefs(run_id_, indices, &candidates); !s) return s;
    for (size_t i = 0; i < trials.size(); ++i) {
      for (size_t k = spans[i].first; k < spans[i].second; ++k) {
        const TrialResult& b = candidates[k];
        if (b.index >= 0 && b.key.case_id == trials[i].key.case_id &&
            b.key.prompt_id == trials[i].key.prompt_id &&
            b.key.provider_id == trials[i].key.provider_id &&
            b.key.repeat == trials[i].key.repeat) {
          (*out)[i] = baseline_trial_json(b);
          break;
        }
      }
    }
    return Status::ok();
  }

 private:
  struct Entry {
    uint64_t hash;
    int64_t index;
    auto operator<=>(const Entry&) const = default;
  };
  static uint64_t hash_of(const TrialKey& key) {
    const std::hash<std::string_view> hash;
    uint64_t h = hash(key.case_id);
    h = h * 1000003u ^ hash(key.prompt_id);
    h = h * 1000003u ^ hash(key.provider_id);
    return h * 1000003u ^ uint64_t(uint32_t(key.repeat));
  }
  std::string run_id_;
  std::vector<Entry> entries_;
};

}  // namespace

Status stored_run_document(Store& store, const RunRecord& run,
                           const StoredDocumentOptions& options, StreamedDocument* out) {
  out->head = run_head(run);
  out->counts = {};
  RunAggregates aggregates(run);
  aggregates.read_percentiles_from(&store);  // exact, without holding a latency per trial
  // One pass over the trials: the aggregates, the counts, and whether each case key's trials
  // are contiguous (as many runs of equal keys as there are distinct keys).
  int64_t key_runs = 0;
  CaseKey last;
  Status read = store.for_each_trial(run.id, options.batch_size, [&](const TrialResult& t) {
    aggregates.add(t);
    count_trial(t, &out->counts);
    if (key_runs == 0 || !same_case(t, last)) {
      ++key_runs;
      last = {t.key.case_id, t.key.prompt_id, t.key.provider_id};
    }
    return Status::ok();
  });
  if (!read) return read;
  int64_t case_ids = 0, case_keys = 0;
  if (Status s = store.count_cases(run.id, &case_ids, &case_keys); !s) return s;
  if (Status s = aggregates.write(case_ids, &out->head); !s) return s;
  out->head["comparison"] = options.comparison;
  if (options.gate != nullptr) out->head["gate"] = *options.gate;

  json fields = json::object();
  if (options.group_fields != nullptr) {
    fields = *options.group_fields;
  } else if (Status s = build_group_fields(store, run, aggregates.scorers(), &fields); !s) {
    return s;
  }
  for (const auto& [key, value] : fields.items()) out->head[key] = value;

  Store* source = &store;
  const std::string run_id = run.id;
  const size_t batch = options.batch_size;
  const PassRule rule = stored_pass_rule(run);
  if (key_runs == case_keys) {
    out->for_each_case = [source, run_id, batch, rule](const StreamedDocument::Visitor& visit) {
      CaseStream cases(rule, visit);
      Status s = source->for_each_trial(run_id, batch,
                                        [&](const TrialResult& t) { return cases.add(t); });
      return s ? cases.finish() : s;
    };
  } else {
    // A key's trials apart (a run stored out of plan order): the cases need every trial.
    out->for_each_case = [source, run_id, rule](const StreamedDocument::Visitor& visit) {
      std::vector<TrialResult> trials;
      if (Status s = source->load_trials(run_id, &trials); !s) return s;
      for (const auto& one : cases_to_json(aggregate_cases(trials, rule))) {
        if (Status s = visit(one); !s) return s;
      }
      return Status::ok();
    };
  }

  auto baseline = std::make_shared<StoredBaseline>();
  if (!options.baseline_run_id.empty()) {
    if (Status s = baseline->read(store, options.baseline_run_id); !s) return s;
  }
  auto annotations = std::make_shared<std::map<int64_t, json>>();
  for (const Annotation& a : options.annotations) {
    (*annotations)[a.trial_index] = annotation_to_json(a);
  }
  out->for_each_trial = [source, run_id, batch, baseline,
                         annotations](const StreamedDocument::Visitor& visit) {
    // A batch of trials at a time, so that their baseline trials are read together.
    std::vector<TrialResult> pending;
    auto flush = [&]() -> Status {
      std::vector<json> baselines;
      if (Status s = baseline->find(*source, pending, &baselines); !s) return s;
      for (size_t i = 0; i < pending.size(); ++i) {
        json j = trial_to_json(pending[i]);
        if (!baselines[i].is_null()) j["baseline"] = std::move(baselines[i]);
        if (auto it = annotations->find(pending[i].index); it != annotations->end()) {
          j["annotation"] = it->second;
        }
        if (Status s = visit(j); !s) return s;
      }
      pending.clear();
      return Status::ok();
    };
    Status read = source->for_each_trial(run_id, batch, [&](const TrialResult& t) {
      if (baseline->empty()) {
        json j = trial_to_json(t);
        if (auto it = annotations->find(t.index); it != annotations->end()) {
          j["annotation"] = it->second;
        }
        return visit(j);
      }
      pending.push_back(t);
      return pending.size() >= batch ? flush() : Status::ok();
    });
    return read ? flush() : read;
  };
  return Status::ok();
}

Status write_json_report(const StreamedDocument& document, const std::string& path) {
  json head = document.head;
  head["cases"] = json::array();
  head["trials"] = json::array();
  const std::string text = dump(head);
  // Top-level keys are the only lines indented by exactly two spaces.
  const std::string cases_key = "\n  \"cases\": ", trials_key = "\n  \"trials\": ";
  const size_t cases_at = text.find(cases_key + "[]");
  const size_t trials_at = text.find(trials_key + "[]");
  if (cases_at == std::string::npos || trials_at == std::string::npos || trials_at < cases_at) {
    return Status::error("cannot lay out the JSON report of run " +
                         text_field(object_field(document.head, "run"), "id"));
  }
  const size_t cases_end = cases_at + cases_key.size();
  const size_t trials_end = trials_at + trials_key.size();
  return write_file_streamed(path, [&](const FileSink& sink) -> Status {
    if (Status s = sink(std::string_view(text).substr(0, cases_end)); !s) return s;
    if (Status s = write_array(document.for_each_case, sink); !s) return s;
    if (Status s = sink(std::string_view(text).substr(cases_end + 2, trials_end - cases_end - 2));
        !s) {
      return s;
    }
    if (Status s = write_array(document.for_each_trial, sink); !s) return s;
    return sink(text.substr(trials_end + 2) + "\n");
  });
}

Status bounded_document(const StreamedDocument& document, size_t max_trials, json* out) {
  *out = document.head;
  const TrialCounts& counts = document.counts;
  if (counts.trials <= int64_t(max_trials)) {
    json cases = json::array(), trials = json::array();
    if (Status s = document.for_each_case([&](const json& c) {
          cases.push_back(c);
          return Status::ok();
        });
        !s) {
      return s;
    }
    if (Status s = document.for_each_trial([&](const json& t) {
          trials.push_back(t);
          return Status::ok();
        });
        !s) {
      return s;
    }
    (*out)["cases"] = std::move(cases);
    (*out)["trials"] = std::move(trials);
    return Status::ok();
  }
  // The trials that did not pass first, then passing ones, each in index order.
  const int64_t not_passed = counts.not_passed();
  const size_t failing_kept = size_t(std::min<int64_t>(not_passed, int64_t(max_trials)));
  const size_t passing_kept = max_trials - failing_kept;
  std::vector<json> failing, passing;
  int64_t failing_sent = 0;
  Status read = document.for_each_trial([&](const json& t) {
    const bool passed = bool_field(t, "pass") && !trial_has_error(t) && !trial_was_skipped(t);
    if (!trial_was_skipped(t) && !bool_field(t, "pass")) ++failing_sent;
    if (!passed && failing.size() < failing_kept) failing.push_back(t);
    if (passed && passing.size() < passing_kept) passing.push_back(t);
    return Status::ok();
  });
  if (!read) return read;
  json trials = json::array();
  size_t f = 0, p = 0;
  while (f < failing.size() || p < passing.size()) {
    const bool take_failing =
        p == passing.size() ||
        (f < failing.size() &&
         number_field(failing[f], "index") < number_field(passing[p], "index"));
    trials.push_back(std::move(take_failing ? failing[f++] : passing[p++]));
  }
  (*out)["trial_sample"] = {{"trials", counts.trials},
                            {"shown", trials.size()},
                            {"not_passed", not_passed},
                            {"failing", failing_sent},
                            {"has_repeats", counts.has_repeats}};
  (*out)["trials"] = std::move(trials);
  return Status::ok();
}

StreamedDocument redacted_document(const StreamedDocument& document) {
  StreamedDocument out = document;
  redact_secrets_in_place(&out.head);
  out.for_each_case = redacted(document.for_each_case);
  out.for_each_trial = redacted(document.for_each_trial);
  return out;
}

}  // namespace evalkit

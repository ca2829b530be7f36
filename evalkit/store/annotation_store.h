// Reviewer annotations kept with a run: a person's pass/fail verdict on a trial and a
// comment, read back from the HTML report's export by `evalkit annotate import`. They never
// change a trial's own result or the gate; reports show them beside it.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "evalkit/base/status.h"
#include "evalkit/store/store.h"

namespace evalkit {

struct Annotation {
  int64_t trial_index = 0;
  std::string verdict;  // "pass", "fail", or "" (a comment without an override)
  std::string comment;
  std::string author;
  std::string updated_at;  // as the reviewer's browser recorded it (ISO 8601)
};

// Stores `annotations` for run_id (replacing any of the same trials) and removes those of
// the trials in `cleared`, all in one transaction: either every change is stored or none.
Status write_annotations(Store& store, const std::string& run_id,
                         const std::vector<Annotation>& annotations,
                         const std::vector<int64_t>& cleared);

// The run's annotations, by trial index.
Status load_annotations(Store& store, const std::string& run_id, std::vector<Annotation>* out);

// The run document's form of one annotation: {"verdict": "pass"|"fail"|null, "comment",
// "author", "updated_at"}.
nlohmann::json annotation_to_json(const Annotation& annotation);

// Adds "annotation" to each trial of a run document (docs/json-report.md) that has one.
void attach_annotations(const std::vector<Annotation>& annotations, nlohmann::json* document);

}  // namespace evalkit

// The reviews file the HTML report exports ("Export reviews") and `evalkit annotate import`
// reads: {"format": "evalkit-annotations", "version": 1, "run_id", "annotations": [{
// "trial_index", "case_id", "prompt_id", "provider_id", "repeat", "verdict": "pass"|"fail"|null,
// "comment", "author"?, "updated_at"}]}. It comes from a browser, so it is untrusted input:
// sizes are capped and every field is checked.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "evalkit/base/status.h"
#include "evalkit/run/trial.h"
#include "evalkit/store/annotation_store.h"

namespace evalkit {

inline constexpr size_t kMaxAnnotationFileBytes = size_t(64) << 20;
inline constexpr size_t kMaxAnnotationCommentBytes = 10000;
inline constexpr size_t kMaxAnnotationAuthorBytes = 200;

struct AnnotationEntry {
  Annotation annotation;
  bool cleared = false;  // no verdict and no comment: remove the stored annotation
  // The trial the reviewer saw, checked against the stored trial of the same index.
  std::string case_id, prompt_id, provider_id;
  int64_t repeat = -1;  // -1 when the file does not say
};

struct AnnotationFile {
  std::string run_id;
  std::vector<AnnotationEntry> entries;
};

// Parses and checks text (the file's contents); errors start with `path` and name the
// entry and field ("reviews.json: annotations[3].verdict: expected \"pass\", \"fail\" or
// null"), or the line and column of a JSON syntax error. Comments are cut to valid UTF-8.
Status parse_annotation_file(const std::string& text, const std::string& path, AnnotationFile* out);

// Checks that each entry names a trial of the run, the same one the reviewer saw.
Status match_annotation_trials(const AnnotationFile& file, const std::string& path,
                               const std::vector<TrialResult>& trials);

}  // namespace evalkit

// Walks a suite's cases in the order of `cases:`, inline cases and dataset rows alike, one
// at a time: dataset rows are read from their files as the walk reaches them, with their
// entry's defaults applied and model scorers completed, so no walk holds every case.
#pragma once

#include <functional>
#include <memory>
#include <vector>

#include "evalkit/base/status.h"
#include "evalkit/suite/suite.h"

namespace evalkit {

class DatasetRows;

class CaseCursor {
 public:
  // suite must outlive the cursor (and every inline case handed out).
  explicit CaseCursor(const Suite& suite);
  ~CaseCursor();
  CaseCursor(const CaseCursor&) = delete;
  CaseCursor& operator=(const CaseCursor&) = delete;

  // The next case, or false at the end or on an error (then status() says what). An inline
  // case is the suite's own (not owned); a dataset row is owned by the pointer, and freed
  // with its last copy. A dataset file changed since the suite loaded is an error.
  bool next(std::shared_ptr<const CaseConfig>* out);
  const Status& status() const { return status_; }

 private:
  bool fail(Status status);
  bool finish_dataset(const DatasetSource& source);

  const Suite& suite_;
  size_t segment_ = 0;
  size_t in_segment_ = 0;
  std::unique_ptr<DatasetRows> rows_;
  Status status_;
};

// Calls visit on every case in order; stops at the first error (the cursor's or visit's).
Status for_each_case(const Suite& suite, const std::function<Status(const CaseConfig&)>& visit);

// Every case of suite, in order, held: for tests and small tools, not for runs.
std::vector<CaseConfig> all_cases(const Suite& suite);

// Adds a dataset entry's defaults to one of its rows: the row's own vars, prompt and
// timeout win; labels and scorers are appended.
void apply_dataset_defaults(const DatasetSource& source, CaseConfig* row);

}  // namespace evalkit

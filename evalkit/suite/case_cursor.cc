#include "evalkit/suite/case_cursor.h"

#include "evalkit/suite/dataset_reader.h"

namespace evalkit {

void apply_dataset_defaults(const DatasetSource& source, CaseConfig* row) {
  for (const auto& [name, value] : source.vars.items()) {
    if (!row->vars.contains(name)) row->vars[name] = value;
  }
  row->labels.insert(row->labels.end(), source.labels.begin(), source.labels.end());
  row->scorers.insert(row->scorers.end(), source.scorers.begin(), source.scorers.end());
  if (!row->prompt) row->prompt = source.prompt;
  if (!row->timeout_s) row->timeout_s = source.timeout_s;
}

CaseCursor::CaseCursor(const Suite& suite) : suite_(suite) {}

CaseCursor::~CaseCursor() = default;

bool CaseCursor::fail(Status status) {
  status_ = std::move(status);
  rows_.reset();
  segment_ = suite_.case_segments.size();
  return false;
}

namespace {

Status changed_after_loading(const DatasetSource& source, const std::string& detail) {
  return Status::error("dataset file " + source.path + " changed after the suite was loaded (" +
                       detail + "); load the suite again to use the new version");
}

}  // namespace

bool CaseCursor::finish_dataset(const DatasetSource& source) {
  if (in_segment_ != source.rows) {
    return fail(changed_after_loading(source, "it had " + std::to_string(source.rows) +
                                                  " cases, now " + std::to_string(in_segment_)));
  }
  if (rows_->sha256() != source.sha256) {
    return fail(changed_after_loading(source, "its SHA-256 differs"));
  }
  rows_.reset();
  return true;
}

bool CaseCursor::next(std::shared_ptr<const CaseConfig>* out) {
  while (segment_ < suite_.case_segments.size()) {
    const CaseSegment& segment = suite_.case_segments[segment_];
    if (!segment.dataset) {
      if (in_segment_ < segment.count) {
        const CaseConfig& config = suite_.inline_cases[segment.first + in_segment_++];
        *out = std::shared_ptr<const CaseConfig>(std::shared_ptr<const CaseConfig>(), &config);
        return true;
      }
    } else {
      const DatasetSource& source = suite_.datasets[segment.first];
      if (!rows_) {
        if (source.file->changed()) return fail(changed_after_loading(source, "it was written"));
        if (Status s = DatasetRows::open(source.file, &rows_); !s) return fail(s);
      }
      auto config = std::make_shared<CaseConfig>();
      bool end = false;
      if (Status s = rows_->next(config.get(), &end); !s) {
        if (source.file->changed()) return fail(changed_after_loading(source, s.message()));
        return fail(s);
      }
      if (!end) {
        for (auto& spec : config->scorers) complete_model_scorer(suite_, &spec);
        apply_dataset_defaults(source, config.get());
        ++in_segment_;
        *out = std::move(config);
        return true;
      }
      if (!finish_dataset(source)) return false;
    }
    ++segment_;
    in_segment_ = 0;
  }
  return false;
}

Status for_each_case(const Suite& suite, const std::function<Status(const CaseConfig&)>& visit) {
  CaseCursor cursor(suite);
  std::shared_ptr<const CaseConfig> config;
  while (cursor.next(&config)) {
    if (Status s = visit(*config); !s) return s;
  }
  return cursor.status();
}

std::vector<CaseConfig> all_cases(const Suite& suite) {
  std::vector<CaseConfig> cases;
  (void)for_each_case(suite, [&](const CaseConfig& config) {
    cases.push_back(config);
    return Status::ok();
  });
  return cases;
}

}  // namespace evalkit

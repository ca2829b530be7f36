#include "evalkit/base/json_parse.h"
#include "evalkit/cli/run_document_import.h"

#include "evalkit/base/files.h"
#include "evalkit/base/secrets.h"
#include "evalkit/run/trial_json.h"

namespace evalkit::cli {

Status run_from_document(const nlohmann::json& doc, const std::string& origin, RunRecord* run,
                         std::vector<TrialResult>* trials) {
  if (!doc.is_object() || !doc.contains("run") || !doc.contains("trials") ||
      !doc["run"].is_object() || !doc["trials"].is_array()) {
    return Status::error(origin + " is not an evalkit JSON report");
  }
  const auto& r = doc["run"];
  run->id = r.value("id", "");
  run->suite = r.value("suite", "");
  run->suite_path = r.value("suite_path", "");
  run->suite_hash = r.value("suite_hash", "");
  run->description = r.value("description", "");
  run->started_at = r.value("started_at", "");
  run->finished_at = r.value("finished_at", "");
  run->duration_s = r.value("duration_s", 0.0);
  run->status = r.value("status", "complete");
  run->status_reason = r.value("status_reason", "");
  run->git_commit = r.value("git_commit", "");
  run->command_line = r.value("command_line", "");
  run->providers = redact_provider_urls(r.value("providers", nlohmann::json::array()));
  run->scorers = r.value("scorer_specs", nlohmann::json::array());
  run->config = r.value("config", nlohmann::json::object());
  run->planned_trials = r.value("planned_trials", int64_t(doc["trials"].size()));
  trials->assign(doc["trials"].size(), TrialResult{});
  for (size_t i = 0; i < trials->size(); ++i) {
    if (Status s = trial_from_json(doc["trials"][i], &(*trials)[i]); !s) {
      return Status::error(origin + ": " + s.message());
    }
  }
  return Status::ok();
}

Status read_run_document(const std::string& path, RunRecord* run,
                         std::vector<TrialResult>* trials) {
  std::string text;
  if (Status s = read_file(path, &text); !s) return s;
  const nlohmann::json doc = parse_untrusted_json(text);
  if (doc.is_discarded()) return Status::error(path + " is not JSON");
  return run_from_document(doc, path, run, trials);
}

Status store_imported_run(Store& store, const RunRecord& run,
                          const std::vector<TrialResult>& trials) {
  RunRecord existing;
  if (store.load_run(run.id, &existing).is_ok()) return Status::ok();
  if (Status s = store.create_run(run); !s) return s;
  if (Status s = store.write_trials(run.id, trials); !s) return s;
  return store.finish_run(run.id, run.status, run.status_reason, run.finished_at, run.duration_s);
}

}  // namespace evalkit::cli

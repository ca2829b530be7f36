#include "evalkit/cli/run_document_import.h"
#include "evalkit/base/json_parse.h"

#include <cstdio>
#include <memory>

#include "evalkit/base/files.h"
#include "evalkit/base/secrets.h"
#include "evalkit/run/trial_json.h"

namespace evalkit::cli {

namespace {

// The run of a report's "run" object; planned_trials falls back to planned_fallback.
void run_from_json(const nlohmann::json& r, int64_t planned_fallback, RunRecord* run) {
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
  run->planned_trials = r.value("planned_trials", planned_fallback);
}

// Thrown from the parser's callback to stop reading.
struct StopReading {
  Status status;
};

}  // namespace

Status run_from_document(const nlohmann::json& doc, const std::string& origin, RunRecord* run,
                         std::vector<TrialResult>* trials) {
  if (!doc.is_object() || !doc.contains("run") || !doc.contains("trials") ||
      !doc["run"].is_object() || !doc["trials"].is_array()) {
    return Status::error(origin + " is not an evalkit JSON report");
  }
  run_from_json(doc["run"], int64_t(doc["trials"].size()), run);
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

Status stream_run_document(const std::string& path,
                           const std::function<Status(const RunRecord&)>& on_run,
                           const std::function<Status(TrialResult)>& on_trial,
                           int64_t* trial_count) {
  using Event = nlohmann::json::parse_event_t;
  const auto close = [](std::FILE* file) { std::fclose(file); };
  const std::unique_ptr<std::FILE, decltype(close)> in(std::fopen(path.c_str(), "rb"), close);
  if (!in) return Status::error("cannot read " + path);
  const auto stop = [](Status status) { throw StopReading{std::move(status)}; };
  std::string key;  // the top-level key whose value is being read
  bool object = false, have_run = false, have_trials = false, in_trials = false;
  int64_t count = 0;
  std::vector<TrialResult> early;  // trials read before the run
  RunRecord run;
  const auto deliver = [&](TrialResult trial) {
    if (Status s = on_trial(std::move(trial)); !s) stop(s);
  };
  const nlohmann::json::parser_callback_t callback = [&](int depth, Event event,
                                                         nlohmann::json& parsed) -> bool {
    if ((event == Event::object_start || event == Event::array_start) &&
        depth >= int(kMaxJsonDepth)) {
      stop(Status::error(path + " is not JSON: nested deeper than " +
                         std::to_string(kMaxJsonDepth) + " levels"));
    }
    if (depth == 0) {
      if (event == Event::object_start) object = true;
      return true;
    }
    if (depth == 1 && event == Event::key) {
      key = parsed.get<std::string>();
      return true;
    }
    if (depth == 1 && event == Event::array_start && key == "trials") {
      in_trials = have_trials = true;
      return true;
    }
    if (in_trials && depth == 2 &&
        (event == Event::object_end || event == Event::array_end || event == Event::value)) {
      TrialResult trial;
      if (Status s = trial_from_json(parsed, &trial); !s)
        stop(Status::error(path + ": " + s.message()));
      ++count;
      if (have_run) {
        deliver(std::move(trial));
      } else {
        early.push_back(std::move(trial));
      }
      return false;  // read: it leaves the document at once
    }
    if (depth == 2 && key != "run" &&
        (event == Event::object_end || event == Event::array_end || event == Event::value)) {
      return false;  // an element of another top-level value (the per-case list): not kept
    }
    if (depth == 1 &&
        (event == Event::object_end || event == Event::array_end || event == Event::value)) {
      if (key == "trials") in_trials = false;
      if (key == "run" && event == Event::object_end) {
        run_from_json(parsed, -1, &run);
        have_run = true;
        if (Status s = on_run(run); !s) stop(s);
        for (TrialResult& trial : early) deliver(std::move(trial));
        early.clear();
      }
      return false;  // only the run and the trials are read; nothing else is kept
    }
    return true;
  };
  try {
    // What is left of the document (nothing but its empty shell) is not needed.
    const nlohmann::json rest = nlohmann::json::parse(in.get(), callback);
    (void)rest;
  } catch (const StopReading& stopped) {
    return stopped.status;
  } catch (const nlohmann::json::exception&) {
    return Status::error(path + " is not JSON");
  }
  if (!object || !have_run || !have_trials) {
    return Status::error(path + " is not an evalkit JSON report");
  }
  *trial_count = count;
  return Status::ok();
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

// The SQLite store: runs, their trials and scores, and named baselines. Every finished
// trial is written within moments (batched transactions, WAL), so a killed run loses
// nothing that had finished.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "evalkit/base/status.h"
#include "evalkit/run/trial.h"

struct sqlite3;

namespace evalkit {

struct RunRecord {
  std::string id;
  std::string suite;
  std::string suite_path;
  std::string suite_hash;
  std::string description;
  std::string started_at;   // ISO 8601 UTC
  std::string finished_at;  // empty while running
  double duration_s = 0;
  std::string status;  // running | complete | incomplete | interrupted
  std::string status_reason;
  std::string git_commit;
  std::string command_line;
  nlohmann::json providers = nlohmann::json::array();  // [{id, type, model, base_url}]
  nlohmann::json scorers = nlohmann::json::array();    // the suite's scorer specs, for corpus scores
  nlohmann::json config = nlohmann::json::object();    // alpha, gate, pass rule, repeat, filters
  int64_t planned_trials = 0;
  int64_t finished_trials = 0;  // filled when loading
  int64_t passed_trials = 0;    // filled when loading
  int64_t errored_trials = 0;   // filled when loading: trials with an error (model or scorer)
};

struct BaselineRecord {
  std::string name;
  std::string run_id;
  std::string suite;
  std::string created_at;
};

class Store {
 public:
  Store() = default;
  ~Store();
  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;

  enum class Access {
    kReadWrite,  // run, baseline save/import, merge: may create and write
    kRead,       // runs, report, compare, baseline list/show/export: only read
  };
  // Opens (creating if needed, with parent folders) the database at path. With
  // Access::kRead an existing database that this process cannot write (a read-only file,
  // folder or file system) is opened read-only, or immutable when SQLite cannot keep its
  // WAL index beside it; then trials only in an uncheckpointed -wal file are not seen, and
  // a warning says so.
  Status open(const std::string& path, Access access = Access::kReadWrite);
  bool read_only() const { return read_only_; }
  const std::string& path() const { return path_; }

  Status create_run(const RunRecord& run);
  Status finish_run(const std::string& run_id, const std::string& status,
                    const std::string& reason, const std::string& finished_at, double duration_s);
  // Writes trials in one transaction. A trial index already stored for the run is an error
  // (a resumed run never writes a trial twice).
  Status write_trials(const std::string& run_id, const std::vector<TrialResult>& trials);

  // Rewrites the stored record of run.id (every column), as a merge does once its inputs are read.
  Status update_run(const RunRecord& run);
  // Removes a run with its trials and scores (a merge that failed half way).
  Status delete_run(const std::string& run_id);
  // Finds two trials of run_id with one (case, prompt, provider, repeat) key; *found says
  // whether there are any, *first and *second receive their indices.
  Status find_duplicate_trial(const std::string& run_id, bool* found, TrialKey* key,
                              int64_t* first, int64_t* second);
  // Renumbers the trials (and their scores) of run_id 0, 1, ... in the order of their keys:
  // case, prompt, provider, repeat (bytewise, as std::string compares).
  Status renumber_trials_by_key(const std::string& run_id);

  // Resolves "last", a full id, or a unique id prefix; suite narrows "last".
  Status resolve_run_id(const std::string& ref, const std::string& suite, std::string* run_id);
  Status load_run(const std::string& run_id, RunRecord* run);
  Status list_runs(const std::string& suite, int limit, std::vector<RunRecord>* runs);
  Status load_trials(const std::string& run_id, std::vector<TrialResult>* trials);
  // Reads the run's trials (with their scores) in index order, batch_size at a time, and
  // hands each to visit; memory holds one batch, never the whole run. A visit that returns
  // an error stops the reading and the error is returned.
  Status for_each_trial(const std::string& run_id, size_t batch_size,
                        const std::function<Status(const TrialResult&)>& visit);
  // for_each_trial with only what the gate reads of a trial: index, key, pass, error and
  // error_kind, weighted_score, the answer's latency, tokens, cost, and each score's name,
  // type, value, pass, error, signature and weight (no vars, request, output, reason or
  // details), so that reading a run's outcomes parses no JSON.
  Status for_each_trial_outcome(const std::string& run_id, size_t batch_size,
                                const std::function<Status(const TrialResult&)>& visit);
  // The same trials in key order: by case id, prompt id and provider id (byte order, as
  // std::string compares), then trial index, so that a case's repeats come one after another
  // and each case can be folded and let go. SQLite sorts the run (spilling to disk), so
  // nothing the size of the run is held.
  Status for_each_trial_outcome_by_key(const std::string& run_id,
                                       const std::function<Status(const TrialResult&)>& visit);
  // The distinct prompt ids of the run's stored trials.
  Status prompt_ids(const std::string& run_id, std::set<std::string>* prompts);
  // The answer text of the run's trials at these indices (absent ones are left out).
  Status trial_outputs(const std::string& run_id, const std::vector<int64_t>& indices,
                       std::map<int64_t, std::string>* outputs);
  // Each stored trial's index and key, in index order.
  Status for_each_trial_key(const std::string& run_id,
                            const std::function<void(int64_t index, const TrialKey& key)>& visit);
  // The trials at these indices, each with its index, key, answer text, pass, weighted_score
  // and each score's name and value (in their order); (*trials)[i] is the trial at
  // indices[i], or has index -1 when the run has no trial there.
  Status load_trial_briefs(const std::string& run_id, const std::vector<int64_t>& indices,
                           std::vector<TrialResult>* trials);
  // How many distinct case ids, and distinct (case, prompt, provider) keys, the run's
  // stored trials have, counted in SQL.
  Status count_cases(const std::string& run_id, int64_t* case_ids, int64_t* case_keys);
  // The q-quantile (0 to 1) of the latencies of the run's trials, linear between the two
  // nearest ranks (as percentile() over the same values), 0 when there are none; SQLite sorts
  // them (spilling to disk), so nothing the size of the run is held. provider_id: only that
  // provider's trials (empty: every trial); answered_only: only trials without an error or
  // with a latency.
  Status latency_quantile(const std::string& run_id, const std::string& provider_id,
                          bool answered_only, double q, double* value);
  Status finished_trial_indices(const std::string& run_id, std::set<int64_t>* indices);
  // The same as one bit a trial: (*done)[i] for each stored index i (the vector grows to the
  // largest), and *count the number of stored trials.
  Status finished_trial_bits(const std::string& run_id, std::vector<bool>* done, int64_t* count);
  // Whether the run's stored trials span more than one (prompt, provider) pair, read
  // without loading the trials.
  Status has_several_groups(const std::string& run_id, bool* several);

  Status save_baseline(const std::string& name, const std::string& run_id);
  Status find_baseline(const std::string& name, BaselineRecord* baseline);
  Status list_baselines(std::vector<BaselineRecord>* baselines);
  Status remove_baseline(const std::string& name);

  sqlite3* handle() { return db_; }

 private:
  Status exec(const std::string& sql);
  Status migrate();  // brings a store written by an older evalkit up to this schema
  Status open_read_only(const std::string& path);
  sqlite3* db_ = nullptr;
  std::string path_;
  bool read_only_ = false;
};

// Current UTC time as ISO 8601 ("2026-11-23T11:30:00Z").
std::string utc_now_iso8601();

}  // namespace evalkit

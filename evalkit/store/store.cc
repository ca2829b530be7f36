#include "evalkit/base/json_parse.h"
#include "evalkit/store/store.h"

#include <sqlite3.h>

#include <unistd.h>

#include <cctype>
#include <cstdio>
#include <ctime>
#include <limits>
#include <algorithm>
#include <filesystem>

namespace evalkit {
namespace {

constexpr int kSchemaVersion = 2;

const char* kSchema = R"sql(
CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE IF NOT EXISTS runs(
  id TEXT PRIMARY KEY, suite TEXT NOT NULL, suite_path TEXT, suite_hash TEXT, description TEXT,
  started_at TEXT NOT NULL, finished_at TEXT, duration_s REAL, status TEXT NOT NULL,
  status_reason TEXT, git_commit TEXT, command_line TEXT, providers_json TEXT,
  scorers_json TEXT, config_json TEXT, planned_trials INTEGER);
CREATE INDEX IF NOT EXISTS runs_by_suite ON runs(suite, started_at);
CREATE TABLE IF NOT EXISTS trials(
  run_id TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE, trial_index INTEGER NOT NULL,
  case_id TEXT NOT NULL, prompt_id TEXT NOT NULL, provider_id TEXT NOT NULL, repeat INTEGER NOT NULL,
  labels_json TEXT, vars_json TEXT, expected_json TEXT, request_json TEXT, output TEXT,
  finish_reason TEXT, error TEXT, error_kind TEXT, latency_s REAL, duration_s REAL,
  prompt_tokens INTEGER, completion_tokens INTEGER, cost_usd REAL, attempts INTEGER,
  cached INTEGER, pass INTEGER, weighted_score REAL, answer_json TEXT,
  PRIMARY KEY(run_id, trial_index));
CREATE TABLE IF NOT EXISTS scores(
  run_id TEXT NOT NULL, trial_index INTEGER NOT NULL, position INTEGER NOT NULL,
  name TEXT NOT NULL, type TEXT, value REAL, pass INTEGER, error INTEGER, reason TEXT,
  signature TEXT, weight REAL, details_json TEXT,
  PRIMARY KEY(run_id, trial_index, position));
CREATE TABLE IF NOT EXISTS baselines(
  name TEXT PRIMARY KEY, run_id TEXT NOT NULL, suite TEXT, created_at TEXT);
CREATE TABLE IF NOT EXISTS annotations(
  run_id TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE, trial_index INTEGER NOT NULL,
  verdict TEXT, comment TEXT, author TEXT, updated_at TEXT,
  PRIMARY KEY(run_id, trial_index));
)sql";

// A prepared statement that finalizes itself.
class Statement {
 public:
  Statement(sqlite3* db, const char* sql) : db_(db) {
    if (sqlite3_prepare_v2(db, sql, -1, &stmt_, nullptr) != SQLITE_OK) stmt_ = nullptr;
  }
  ~Statement() { sqlite3_finalize(stmt_); }
  bool ok() const { return stmt_ != nullptr; }
  sqlite3_stmt* handle() const { return stmt_; }
  std::string error() const { return sqlite3_errmsg(db_); }
  void bind(int i, const std::string& v) {
    sqlite3_bind_text(stmt_, i, v.data(), int(v.size()), SQLITE_TRANSIENT);
  }
  void bind(int i, int64_t v) { sqlite3_bind_int64(stmt_, i, v); }
  void bind(int i, int v) { sqlite3_bind_int64(stmt_, i, v); }
  void bind(int i, double v) { sqlite3_bind_double(stmt_, i, v); }
  void bind(int i, bool v) { sqlite3_bind_int(stmt_, i, v ? 1 : 0); }
  int step() { return sqlite3_step(stmt_); }
  void reset() {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
  }
  std::string text(int col) const {
    const unsigned char* p = sqlite3_column_text(stmt_, col);
    return p ? std::string(reinterpret_cast<const char*>(p), size_t(sqlite3_column_bytes(stmt_, col)))
             : std::string();
  }
  int64_t integer(int col) const { return sqlite3_column_int64(stmt_, col); }
  double real(int col) const { return sqlite3_column_double(stmt_, col); }
  nlohmann::json json(int col, nlohmann::json fallback) const {
    const std::string t = text(col);
    if (t.empty()) return fallback;
    nlohmann::json v = parse_untrusted_json(t);
    return v.is_discarded() ? fallback : v;
  }

 private:
  sqlite3* db_;
  sqlite3_stmt* stmt_ = nullptr;
};

std::string dump(const nlohmann::json& v) {
  return v.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

// What a trial's answer holds beyond the text, finish reason and latency columns: tool calls,
// stream timings, the text before a prompt's transform, and the answer's own tokens when scorer calls added to the trial's. Empty
// for a plain text answer, so most rows store NULL.
nlohmann::json answer_extras(const TrialResult& trial) {
  const ModelAnswer& a = trial.answer;
  nlohmann::json extras = nlohmann::json::object();
  if (!a.tool_calls.empty() || a.streamed || a.raw_text || a.prompt_tokens != trial.prompt_tokens ||
      a.completion_tokens != trial.completion_tokens) {
    extras = answer_to_json(a);
    extras.erase("text");
    extras.erase("finish_reason");
    extras.erase("latency_s");
  }
  return extras;
}

void read_answer_extras(const nlohmann::json& extras, TrialResult* trial) {
  trial->answer.prompt_tokens = trial->prompt_tokens;
  trial->answer.completion_tokens = trial->completion_tokens;
  if (!extras.is_object() || extras.empty()) return;
  ModelAnswer& a = trial->answer;
  const std::string text = std::move(a.text), finish_reason = std::move(a.finish_reason);
  const double latency_s = a.latency_s;
  answer_from_json(extras, &a);
  a.text = text;
  a.finish_reason = finish_reason;
  a.latency_s = latency_s;
}

const char* kRunColumns =
    "id, suite, suite_path, suite_hash, description, started_at, finished_at, duration_s, "
    "status, status_reason, git_commit, command_line, providers_json, scorers_json, "
    "config_json, planned_trials, "
    "(SELECT COUNT(*) FROM trials t WHERE t.run_id = runs.id), "
    "(SELECT COUNT(*) FROM trials t WHERE t.run_id = runs.id AND t.pass = 1), "
    "(SELECT COUNT(*) FROM trials t WHERE t.run_id = runs.id AND COALESCE(t.error, '') != '')";

RunRecord read_run(const Statement& s) {
  RunRecord r;
  r.id = s.text(0);
  r.suite = s.text(1);
  r.suite_path = s.text(2);
  r.suite_hash = s.text(3);
  r.description = s.text(4);
  r.started_at = s.text(5);
  r.finished_at = s.text(6);
  r.duration_s = s.real(7);
  r.status = s.text(8);
  r.status_reason = s.text(9);
  r.git_commit = s.text(10);
  r.command_line = s.text(11);
  r.providers = s.json(12, nlohmann::json::array());
  r.scorers = s.json(13, nlohmann::json::array());
  r.config = s.json(14, nlohmann::json::object());
  r.planned_trials = s.integer(15);
  r.finished_trials = s.integer(16);
  r.passed_trials = s.integer(17);
  r.errored_trials = s.integer(18);
  return r;
}

}  // namespace

std::string utc_now_iso8601() {
  std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  char buffer[32];
  std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buffer;
}

Store::~Store() {
  if (db_ != nullptr) sqlite3_close(db_);
}

Status Store::exec(const std::string& sql) {
  char* message = nullptr;
  if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &message) != SQLITE_OK) {
    std::string text = message ? message : "unknown error";
    sqlite3_free(message);
    return Status::error("database " + path_ + ": " + text);
  }
  return Status::ok();
}

Status Store::open(const std::string& path, Access access) {
  path_ = path;
  std::error_code ec;
  const std::filesystem::path p(path);
  if (access == Access::kRead && std::filesystem::is_regular_file(p, ec)) {
    // SQLite in WAL mode writes beside the database (-wal, -shm) even to read it.
    const std::string folder = p.has_parent_path() ? p.parent_path().string() : ".";
    if (::access(path.c_str(), W_OK) != 0 || ::access(folder.c_str(), W_OK) != 0) {
      return open_read_only(path);
    }
  }
  if (p.has_parent_path()) std::filesystem::create_directories(p.parent_path(), ec);
  if (sqlite3_open_v2(path.c_str(), &db_,
                      SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX,
                      nullptr) != SQLITE_OK) {
    return Status::error("cannot open database " + path + ": " +
                         (db_ ? sqlite3_errmsg(db_) : "out of memory"));
  }
  sqlite3_busy_timeout(db_, 10000);
  if (Status s = exec("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
                      "PRAGMA foreign_keys=ON;");
      !s) {
    return s;
  }
  if (Status s = exec(kSchema); !s) return s;
  return migrate();
}

Status Store::open_read_only(const std::string& path) {
  read_only_ = true;
  const auto readable = [this] {
    return sqlite3_exec(db_, "SELECT count(*) FROM sqlite_master", nullptr, nullptr, nullptr) ==
           SQLITE_OK;
  };
  // Read-only works when the WAL index (-shm) exists or can be made; otherwise only
  // immutable mode, which reads the main file alone, can open it.
  if (sqlite3_open_v2(path.c_str(), &db_, SQLITE_OPEN_READONLY | SQLITE_OPEN_FULLMUTEX, nullptr) ==
          SQLITE_OK &&
      readable()) {
    return Status::ok();
  }
  sqlite3_close(db_);
  db_ = nullptr;
  std::string uri = "file:";
  for (unsigned char c : std::filesystem::absolute(path).string()) {
    if (std::isalnum(c) || c == '/' || c == '.' || c == '-' || c == '_') {
      uri += char(c);
    } else {
      char escaped[4];
      std::snprintf(escaped, sizeof escaped, "%%%02X", c);
      uri += escaped;
    }
  }
  uri += "?immutable=1";
  if (sqlite3_open_v2(uri.c_str(), &db_,
                      SQLITE_OPEN_READONLY | SQLITE_OPEN_URI | SQLITE_OPEN_FULLMUTEX,
                      nullptr) != SQLITE_OK ||
      !readable()) {
    return Status::error("cannot read database " + path +
                         " (read-only): " + (db_ ? sqlite3_errmsg(db_) : "out of memory"));
  }
  std::error_code ec;
  if (std::filesystem::file_size(path + "-wal", ec) > 0 && !ec) {
    std::fprintf(stderr,
                 "evalkit: %s is read-only and has a -wal file; trials written since its last "
                 "checkpoint are not visible\n",
                 path.c_str());
  }
  return Status::ok();
}

Status Store::migrate() {
  // Version 1 stores lack trials.answer_json (tool calls, stream timings).
  bool has_answer = false;
  Statement columns(db_, "PRAGMA table_info(trials)");
  while (columns.ok() && columns.step() == SQLITE_ROW) {
    if (columns.text(1) == "answer_json") has_answer = true;
  }
  if (!has_answer) {
    if (Status s = exec("ALTER TABLE trials ADD COLUMN answer_json TEXT"); !s) return s;
  }
  return exec("INSERT OR REPLACE INTO meta(key, value) VALUES('schema_version', '" +
              std::to_string(kSchemaVersion) + "')");
}

Status Store::create_run(const RunRecord& run) {
  Statement s(db_,
              "INSERT INTO runs(id, suite, suite_path, suite_hash, description, started_at, "
              "finished_at, duration_s, status, status_reason, git_commit, command_line, "
              "providers_json, scorers_json, config_json, planned_trials) "
              "VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
  if (!s.ok()) return Status::error("database: " + s.error());
  s.bind(1, run.id);
  s.bind(2, run.suite);
  s.bind(3, run.suite_path);
  s.bind(4, run.suite_hash);
  s.bind(5, run.description);
  s.bind(6, run.started_at);
  s.bind(7, run.finished_at);
  s.bind(8, run.duration_s);
  s.bind(9, run.status);
  s.bind(10, run.status_reason);
  s.bind(11, run.git_commit);
  s.bind(12, run.command_line);
  s.bind(13, dump(run.providers));
  s.bind(14, dump(run.scorers));
  s.bind(15, dump(run.config));
  s.bind(16, run.planned_trials);
  if (s.step() != SQLITE_DONE) return Status::error("database: cannot create run: " + s.error());
  return Status::ok();
}

Status Store::finish_run(const std::string& run_id, const std::string& status,
                         const std::string& reason, const std::string& finished_at,
                         double duration_s) {
  Statement s(db_,
              "UPDATE runs SET status=?, status_reason=?, finished_at=?, duration_s=? WHERE id=?");
  s.bind(1, status);
  s.bind(2, reason);
  s.bind(3, finished_at);
  s.bind(4, duration_s);
  s.bind(5, run_id);
  if (s.step() != SQLITE_DONE) return Status::error("database: cannot finish run: " + s.error());
  return Status::ok();
}

Status Store::write_trials(const std::string& run_id, const std::vector<TrialResult>& trials) {
  if (Status st = exec("BEGIN IMMEDIATE"); !st) return st;
  Statement t(db_,
              "INSERT INTO trials(run_id, trial_index, case_id, prompt_id, provider_id, repeat, "
              "labels_json, vars_json, expected_json, request_json, output, finish_reason, "
              "error, error_kind, latency_s, duration_s, prompt_tokens, completion_tokens, "
              "cost_usd, attempts, cached, pass, weighted_score, answer_json) "
              "VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
  Statement sc(db_,
               "INSERT INTO scores(run_id, trial_index, position, name, type, value, pass, error, "
               "reason, signature, weight, details_json) VALUES(?,?,?,?,?,?,?,?,?,?,?,?)");
  if (!t.ok() || !sc.ok()) {
    exec("ROLLBACK");
    return Status::error("database: " + t.error());
  }
  for (const auto& trial : trials) {
    t.bind(1, run_id);
    t.bind(2, trial.index);
    t.bind(3, trial.key.case_id);
    t.bind(4, trial.key.prompt_id);
    t.bind(5, trial.key.provider_id);
    t.bind(6, trial.key.repeat);
    t.bind(7, dump(trial.labels));
    t.bind(8, dump(trial.vars));
    t.bind(9, dump(trial.expected));
    t.bind(10, dump(trial.request));
    t.bind(11, trial.answer.text);
    t.bind(12, trial.answer.finish_reason);
    t.bind(13, trial.error);
    t.bind(14, trial.error_kind);
    t.bind(15, trial.answer.latency_s);
    t.bind(16, trial.duration_s);
    t.bind(17, trial.prompt_tokens);
    t.bind(18, trial.completion_tokens);
    t.bind(19, trial.cost_usd);
    t.bind(20, trial.attempts);
    t.bind(21, trial.cached);
    t.bind(22, trial.pass);
    t.bind(23, trial.weighted_score);
    if (const nlohmann::json extras = answer_extras(trial); !extras.empty()) {
      t.bind(24, dump(extras));
    }
    if (t.step() != SQLITE_DONE) {
      const std::string why = t.error();
      exec("ROLLBACK");
      return Status::error("database: cannot write trial " + std::to_string(trial.index) + ": " +
                           why);
    }
    t.reset();
    for (size_t i = 0; i < trial.scores.size(); ++i) {
      const Score& score = trial.scores[i];
      sc.bind(1, run_id);
      sc.bind(2, trial.index);
      sc.bind(3, int64_t(i));
      sc.bind(4, score.name);
      sc.bind(5, score.type);
      sc.bind(6, score.value);
      sc.bind(7, score.pass);
      sc.bind(8, score.error);
      sc.bind(9, score.reason);
      sc.bind(10, score.signature);
      sc.bind(11, score.weight);
      sc.bind(12, score.details.is_null() ? std::string() : dump(score.details));
      if (sc.step() != SQLITE_DONE) {
        const std::string why = sc.error();
        exec("ROLLBACK");
        return Status::error("database: cannot write score: " + why);
      }
      sc.reset();
    }
  }
  return exec("COMMIT");
}

Status Store::update_run(const RunRecord& run) {
  Statement s(db_,
              "UPDATE runs SET suite=?, suite_path=?, suite_hash=?, description=?, started_at=?, "
              "finished_at=?, duration_s=?, status=?, status_reason=?, git_commit=?, "
              "command_line=?, providers_json=?, scorers_json=?, config_json=?, planned_trials=? "
              "WHERE id=?");
  if (!s.ok()) return Status::error("database: " + s.error());
  s.bind(1, run.suite);
  s.bind(2, run.suite_path);
  s.bind(3, run.suite_hash);
  s.bind(4, run.description);
  s.bind(5, run.started_at);
  s.bind(6, run.finished_at);
  s.bind(7, run.duration_s);
  s.bind(8, run.status);
  s.bind(9, run.status_reason);
  s.bind(10, run.git_commit);
  s.bind(11, run.command_line);
  s.bind(12, dump(run.providers));
  s.bind(13, dump(run.scorers));
  s.bind(14, dump(run.config));
  s.bind(15, run.planned_trials);
  s.bind(16, run.id);
  if (s.step() != SQLITE_DONE) return Status::error("database: cannot update run: " + s.error());
  return Status::ok();
}

Status Store::delete_run(const std::string& run_id) {
  if (Status st = exec("BEGIN IMMEDIATE"); !st) return st;
  for (const char* sql :
       {"DELETE FROM scores WHERE run_id=?", "DELETE FROM annotations WHERE run_id=?",
        "DELETE FROM trials WHERE run_id=?", "DELETE FROM runs WHERE id=?"}) {
    Statement s(db_, sql);
    s.bind(1, run_id);
    if (!s.ok() || s.step() != SQLITE_DONE) {
      const std::string why = s.error();
      exec("ROLLBACK");
      return Status::error("database: cannot remove run " + run_id + ": " + why);
    }
  }
  return exec("COMMIT");
}

Status Store::find_duplicate_trial(const std::string& run_id, bool* found, TrialKey* key,
                                   int64_t* first, int64_t* second) {
  Statement s(db_,
              "SELECT case_id, prompt_id, provider_id, repeat, MIN(trial_index), "
              "MAX(trial_index) FROM trials WHERE run_id=? "
              "GROUP BY case_id, prompt_id, provider_id, repeat HAVING COUNT(*) > 1 LIMIT 1");
  if (!s.ok()) return Status::error("database: " + s.error());
  s.bind(1, run_id);
  const int step = s.step();
  if (step != SQLITE_ROW && step != SQLITE_DONE) return Status::error("database: " + s.error());
  *found = step == SQLITE_ROW;
  if (*found) {
    *key = {s.text(0), s.text(1), s.text(2), int(s.integer(3))};
    *first = s.integer(4);
    *second = s.integer(5);
  }
  return Status::ok();
}

Status Store::renumber_trials_by_key(const std::string& run_id) {
  if (Status st = exec("BEGIN IMMEDIATE"); !st) return st;
  // Through negative indices, so no two rows of the run share an index half way.
  const char* steps[] = {
      "CREATE TEMP TABLE IF NOT EXISTS trial_order(old INTEGER PRIMARY KEY, new INTEGER)",
      "DELETE FROM temp.trial_order",
      "INSERT INTO temp.trial_order(old, new) SELECT trial_index, ROW_NUMBER() OVER (ORDER BY "
      "case_id, prompt_id, provider_id, repeat) - 1 FROM trials WHERE run_id=?1",
      "UPDATE trials SET trial_index = -1 - (SELECT new FROM temp.trial_order WHERE old = "
      "trials.trial_index) WHERE run_id=?1",
      "UPDATE scores SET trial_index = -1 - (SELECT new FROM temp.trial_order WHERE old = "
      "scores.trial_index) WHERE run_id=?1",
      "UPDATE trials SET trial_index = -1 - trial_index WHERE run_id=?1",
      "UPDATE scores SET trial_index = -1 - trial_index WHERE run_id=?1",
      "DELETE FROM temp.trial_order"};
  for (const char* sql : steps) {
    Statement s(db_, sql);
    if (s.ok() && sqlite3_bind_parameter_count(s.handle()) > 0) s.bind(1, run_id);
    if (!s.ok() || s.step() != SQLITE_DONE) {
      const std::string why = s.ok() ? s.error() : sqlite3_errmsg(db_);
      exec("ROLLBACK");
      return Status::error("database: cannot order the trials of run " + run_id + ": " + why);
    }
  }
  return exec("COMMIT");
}

Status Store::resolve_run_id(const std::string& ref, const std::string& suite,
                             std::string* run_id) {
  if (ref == "last" || ref.empty()) {
    Statement s(db_, suite.empty()
                         ? "SELECT id FROM runs ORDER BY started_at DESC, rowid DESC LIMIT 1"
                         : "SELECT id FROM runs WHERE suite=? ORDER BY started_at DESC, rowid DESC "
                           "LIMIT 1");
    if (!suite.empty()) s.bind(1, suite);
    if (s.step() != SQLITE_ROW) {
      return Status::error("no runs" + (suite.empty() ? std::string() : " of suite '" + suite + "'") +
                           " in " + path_);
    }
    *run_id = s.text(0);
    return Status::ok();
  }
  Statement s(db_, "SELECT id FROM runs WHERE id=? OR id LIKE ? || '%' ORDER BY id LIMIT 2");
  s.bind(1, ref);
  s.bind(2, ref);
  std::vector<std::string> found;
  while (s.step() == SQLITE_ROW) found.push_back(s.text(0));
  if (found.empty()) return Status::error("no run '" + ref + "' in " + path_);
  if (found.size() > 1 && found[0] != ref) {
    return Status::error("run id '" + ref + "' is ambiguous (" + found[0] + ", " + found[1] + ", ...)");
  }
  *run_id = found[0];
  return Status::ok();
}

Status Store::load_run(const std::string& run_id, RunRecord* run) {
  Statement s(db_, (std::string("SELECT ") + kRunColumns + " FROM runs WHERE id=?").c_str());
  s.bind(1, run_id);
  if (s.step() != SQLITE_ROW) return Status::error("no run '" + run_id + "' in " + path_);
  *run = read_run(s);
  return Status::ok();
}

Status Store::list_runs(const std::string& suite, int limit, std::vector<RunRecord>* runs) {
  std::string sql = std::string("SELECT ") + kRunColumns + " FROM runs";
  if (!suite.empty()) sql += " WHERE suite=?";
  sql += " ORDER BY started_at DESC, rowid DESC LIMIT ?";
  Statement s(db_, sql.c_str());
  int i = 1;
  if (!suite.empty()) s.bind(i++, suite);
  s.bind(i, int64_t(limit));
  while (s.step() == SQLITE_ROW) runs->push_back(read_run(s));
  return Status::ok();
}

Status Store::load_trials(const std::string& run_id, std::vector<TrialResult>* trials) {
  return for_each_trial(run_id, 4096, [&](const TrialResult& trial) {
    trials->push_back(trial);
    return Status::ok();
  });
}

namespace {

// Reads a run's trials batch_size at a time in index order: trial_sql (run_id, after,
// limit; its first column the trial index) gives the trials, score_sql (run_id, first,
// last index; its first column the trial index) their scores in order; read_trial and
// read_score fill one of each from a row. Each batch is read whole before visit sees it.
Status read_trial_batches(sqlite3* db, const std::string& run_id, size_t batch_size,
                          const char* trial_sql, const char* score_sql,
                          const std::function<void(const Statement&, TrialResult*)>& read_trial,
                          const std::function<void(const Statement&, Score*)>& read_score,
                          const std::function<Status(const TrialResult&)>& visit) {
  Statement t(db, trial_sql);
  Statement s(db, score_sql);
  if (!t.ok() || !s.ok()) return Status::error("database: " + t.error());
  batch_size = std::max<size_t>(1, batch_size);
  std::vector<TrialResult> batch;
  std::unordered_map<int64_t, size_t> position;
  int64_t after = std::numeric_limits<int64_t>::min();
  while (true) {
    batch.clear();
    position.clear();
    t.reset();
    t.bind(1, run_id);
    t.bind(2, after);
    t.bind(3, int64_t(batch_size));
    int rc;
    while ((rc = t.step()) == SQLITE_ROW) {
      TrialResult r;
      r.index = t.integer(0);
      read_trial(t, &r);
      position[r.index] = batch.size();
      batch.push_back(std::move(r));
    }
    if (rc != SQLITE_DONE) return Status::error("database: " + t.error());
    if (batch.empty()) return Status::ok();
    s.reset();
    s.bind(1, run_id);
    s.bind(2, batch.front().index);
    s.bind(3, batch.back().index);
    while ((rc = s.step()) == SQLITE_ROW) {
      auto it = position.find(s.integer(0));
      if (it == position.end()) continue;
      Score score;
      read_score(s, &score);
      batch[it->second].scores.push_back(std::move(score));
    }
    if (rc != SQLITE_DONE) return Status::error("database: " + s.error());
    for (const TrialResult& trial : batch) {
      if (Status v = visit(trial); !v) return v;
    }
    if (batch.size() < batch_size) return Status::ok();
    after = batch.back().index;
  }
}

}  // namespace

Status Store::for_each_trial(const std::string& run_id, size_t batch_size,
                             const std::function<Status(const TrialResult&)>& visit) {
  return read_trial_batches(
      db_, run_id, batch_size,
      "SELECT trial_index, case_id, prompt_id, provider_id, repeat, labels_json, "
      "vars_json, expected_json, request_json, output, finish_reason, error, error_kind, "
      "latency_s, duration_s, prompt_tokens, completion_tokens, cost_usd, attempts, "
      "cached, pass, weighted_score, answer_json FROM trials WHERE run_id=? "
      "AND trial_index > ? ORDER BY trial_index LIMIT ?",
      "SELECT trial_index, name, type, value, pass, error, reason, signature, weight, "
      "details_json FROM scores WHERE run_id=? AND trial_index BETWEEN ? AND ? "
      "ORDER BY trial_index, position",
      [](const Statement& t, TrialResult* r) {
        r->key = {t.text(1), t.text(2), t.text(3), int(t.integer(4))};
        r->labels = t.json(5, nlohmann::json::array()).get<std::vector<std::string>>();
        r->vars = t.json(6, nlohmann::json::object());
        r->expected = t.json(7, nlohmann::json::array()).get<std::vector<std::string>>();
        r->request = t.json(8, nlohmann::json::object());
        r->answer.text = t.text(9);
        r->answer.finish_reason = t.text(10);
        r->error = t.text(11);
        r->error_kind = t.text(12);
        r->answer.latency_s = t.real(13);
        r->duration_s = t.real(14);
        r->prompt_tokens = t.integer(15);
        r->completion_tokens = t.integer(16);
        r->cost_usd = t.real(17);
        r->attempts = int(t.integer(18));
        r->cached = t.integer(19) != 0;
        r->pass = t.integer(20) != 0;
        r->weighted_score = t.real(21);
        read_answer_extras(t.json(22, nlohmann::json::object()), r);
      },
      [](const Statement& s, Score* score) {
        score->name = s.text(1);
        score->type = s.text(2);
        score->value = s.real(3);
        score->pass = s.integer(4) != 0;
        score->error = s.integer(5) != 0;
        score->reason = s.text(6);
        score->signature = s.text(7);
        score->weight = s.real(8);
        score->details = s.json(9, nullptr);
      },
      visit);
}

namespace {

// What the gate reads of a trial, from columns 1 to 13: case_id, prompt_id, provider_id,
// repeat, error, error_kind, latency_s, duration_s, prompt_tokens, completion_tokens,
// cost_usd, pass, weighted_score.
void read_trial_outcome(const Statement& t, TrialResult* r) {
  r->key = {t.text(1), t.text(2), t.text(3), int(t.integer(4))};
  r->error = t.text(5);
  r->error_kind = t.text(6);
  r->answer.latency_s = t.real(7);
  r->duration_s = t.real(8);
  r->prompt_tokens = t.integer(9);
  r->completion_tokens = t.integer(10);
  r->answer.prompt_tokens = r->prompt_tokens;
  r->answer.completion_tokens = r->completion_tokens;
  r->cost_usd = t.real(11);
  r->pass = t.integer(12) != 0;
  r->weighted_score = t.real(13);
}

// What the gate reads of a score, from seven columns starting at `first`: name, type, value,
// pass, error, signature, weight.
void read_score_outcome(const Statement& s, int first, Score* score) {
  score->name = s.text(first);
  score->type = s.text(first + 1);
  score->value = s.real(first + 2);
  score->pass = s.integer(first + 3) != 0;
  score->error = s.integer(first + 4) != 0;
  score->signature = s.text(first + 5);
  score->weight = s.real(first + 6);
}

}  // namespace

Status Store::for_each_trial_outcome(const std::string& run_id, size_t batch_size,
                                     const std::function<Status(const TrialResult&)>& visit) {
  return read_trial_batches(
      db_, run_id, batch_size,
      "SELECT trial_index, case_id, prompt_id, provider_id, repeat, error, error_kind, "
      "latency_s, duration_s, prompt_tokens, completion_tokens, cost_usd, pass, "
      "weighted_score FROM trials WHERE run_id=? AND trial_index > ? "
      "ORDER BY trial_index LIMIT ?",
      "SELECT trial_index, name, type, value, pass, error, signature, weight "
      "FROM scores WHERE run_id=? AND trial_index BETWEEN ? AND ? "
      "ORDER BY trial_index, position",
      read_trial_outcome, [](const Statement& s, Score* score) { read_score_outcome(s, 1, score); },
      visit);
}

Status Store::for_each_trial_outcome_by_key(
    const std::string& run_id, const std::function<Status(const TrialResult&)>& visit) {
  Statement s(db_,
              "SELECT t.trial_index, t.case_id, t.prompt_id, t.provider_id, t.repeat, t.error, "
              "t.error_kind, t.latency_s, t.duration_s, t.prompt_tokens, t.completion_tokens, "
              "t.cost_usd, t.pass, t.weighted_score, s.position, s.name, s.type, s.value, "
              "s.pass, s.error, s.signature, s.weight FROM trials t LEFT JOIN scores s "
              "ON s.run_id = t.run_id AND s.trial_index = t.trial_index WHERE t.run_id=? "
              "ORDER BY t.case_id, t.prompt_id, t.provider_id, t.trial_index, s.position");
  if (!s.ok()) return Status::error("database: " + s.error());
  s.bind(1, run_id);
  TrialResult trial;
  bool holding = false;
  int rc;
  while ((rc = s.step()) == SQLITE_ROW) {
    const int64_t index = s.integer(0);
    if (!holding || index != trial.index) {
      if (holding) {
        if (Status v = visit(trial); !v) return v;
      }
      trial = TrialResult{};
      holding = true;
      trial.index = index;
      read_trial_outcome(s, &trial);
    }
    if (sqlite3_column_type(s.handle(), 14) == SQLITE_NULL) continue;  // no score
    read_score_outcome(s, 15, &trial.scores.emplace_back());
  }
  if (rc != SQLITE_DONE) return Status::error("database: " + s.error());
  if (holding) return visit(trial);
  return Status::ok();
}

Status Store::prompt_ids(const std::string& run_id, std::set<std::string>* prompts) {
  Statement s(db_, "SELECT DISTINCT prompt_id FROM trials WHERE run_id=?");
  if (!s.ok()) return Status::error("database: " + s.error());
  s.bind(1, run_id);
  int rc;
  while ((rc = s.step()) == SQLITE_ROW) prompts->insert(s.text(0));
  if (rc != SQLITE_DONE) return Status::error("database: " + s.error());
  return Status::ok();
}

Status Store::trial_outputs(const std::string& run_id, const std::vector<int64_t>& indices,
                            std::map<int64_t, std::string>* outputs) {
  Statement s(db_, "SELECT output FROM trials WHERE run_id=? AND trial_index=?");
  if (!s.ok()) return Status::error("database: " + s.error());
  for (const int64_t index : indices) {
    s.reset();
    s.bind(1, run_id);
    s.bind(2, index);
    const int rc = s.step();
    if (rc == SQLITE_ROW) {
      (*outputs)[index] = s.text(0);
    } else if (rc != SQLITE_DONE) {
      return Status::error("database: " + s.error());
    }
  }
  return Status::ok();
}

Status Store::for_each_trial_key(
    const std::string& run_id,
    const std::function<void(int64_t index, const TrialKey& key)>& visit) {
  Statement s(db_,
              "SELECT trial_index, case_id, prompt_id, provider_id, repeat FROM trials "
              "WHERE run_id=? ORDER BY trial_index");
  if (!s.ok()) return Status::error("database: " + s.error());
  s.bind(1, run_id);
  int rc;
  TrialKey key;
  while ((rc = s.step()) == SQLITE_ROW) {
    key.case_id = s.text(1);
    key.prompt_id = s.text(2);
    key.provider_id = s.text(3);
    key.repeat = int(s.integer(4));
    visit(s.integer(0), key);
  }
  if (rc != SQLITE_DONE) return Status::error("database: " + s.error());
  return Status::ok();
}

Status Store::load_trial_briefs(const std::string& run_id, const std::vector<int64_t>& indices,
                                std::vector<TrialResult>* trials) {
  Statement t(db_,
              "SELECT case_id, prompt_id, provider_id, repeat, output, pass, weighted_score "
              "FROM trials WHERE run_id=? AND trial_index=?");
  Statement s(db_,
              "SELECT name, value FROM scores WHERE run_id=? AND trial_index=? ORDER BY position");
  if (!t.ok() || !s.ok()) return Status::error("database: " + t.error());
  trials->assign(indices.size(), TrialResult{});
  for (size_t i = 0; i < indices.size(); ++i) {
    TrialResult& trial = (*trials)[i];
    t.reset();
    t.bind(1, run_id);
    t.bind(2, indices[i]);
    const int rc = t.step();
    if (rc != SQLITE_ROW) {
      if (rc != SQLITE_DONE) return Status::error("database: " + t.error());
      trial.index = -1;
      continue;
    }
    trial.index = indices[i];
    trial.key = {t.text(0), t.text(1), t.text(2), int(t.integer(3))};
    trial.answer.text = t.text(4);
    trial.pass = t.integer(5) != 0;
    trial.weighted_score = t.real(6);
    s.reset();
    s.bind(1, run_id);
    s.bind(2, indices[i]);
    int src;
    while ((src = s.step()) == SQLITE_ROW) {
      Score score;
      score.name = s.text(0);
      score.value = s.real(1);
      trial.scores.push_back(std::move(score));
    }
    if (src != SQLITE_DONE) return Status::error("database: " + s.error());
  }
  return Status::ok();
}

Status Store::count_cases(const std::string& run_id, int64_t* case_ids, int64_t* case_keys) {
  Statement s(db_,
              "SELECT (SELECT COUNT(DISTINCT case_id) FROM trials WHERE run_id=?1), "
              "(SELECT COUNT(*) FROM (SELECT DISTINCT case_id, prompt_id, provider_id FROM "
              "trials WHERE run_id=?1))");
  if (!s.ok()) return Status::error("database: " + s.error());
  s.bind(1, run_id);
  if (s.step() != SQLITE_ROW) return Status::error("database: " + s.error());
  *case_ids = s.integer(0);
  *case_keys = s.integer(1);
  return Status::ok();
}

Status Store::latency_quantile(const std::string& run_id, const std::string& provider_id,
                               bool answered_only, double q, double* value) {
  std::string where = "run_id=?1";
  if (!provider_id.empty()) where += " AND provider_id=?2";
  if (answered_only) where += " AND (COALESCE(error, '') = '' OR COALESCE(latency_s, 0) > 0)";
  const std::string count_sql = "SELECT COUNT(*) FROM trials WHERE " + where;
  Statement count(db_, count_sql.c_str());
  if (!count.ok()) return Status::error("database: " + count.error());
  count.bind(1, run_id);
  if (!provider_id.empty()) count.bind(2, provider_id);
  if (count.step() != SQLITE_ROW) return Status::error("database: " + count.error());
  const int64_t n = count.integer(0);
  *value = 0;
  if (n == 0) return Status::ok();
  const double position = q * double(n - 1);
  const auto lower = static_cast<int64_t>(position);
  const std::string pick_sql = "SELECT COALESCE(latency_s, 0) AS latency FROM trials WHERE " +
                               where + " ORDER BY latency LIMIT 2 OFFSET ?3";
  Statement pick(db_, pick_sql.c_str());
  if (!pick.ok()) return Status::error("database: " + pick.error());
  pick.bind(1, run_id);
  if (!provider_id.empty()) pick.bind(2, provider_id);
  pick.bind(3, lower);
  if (pick.step() != SQLITE_ROW) return Status::error("database: " + pick.error());
  const double low = pick.real(0);
  const double high = lower + 1 < n && pick.step() == SQLITE_ROW ? pick.real(0) : low;
  *value = low + (high - low) * (position - double(lower));
  return Status::ok();
}

Status Store::finished_trial_bits(const std::string& run_id, std::vector<bool>* done,
                                  int64_t* count) {
  Statement s(db_, "SELECT trial_index FROM trials WHERE run_id=?");
  if (!s.ok()) return Status::error("database: " + s.error());
  s.bind(1, run_id);
  *count = 0;
  int rc;
  while ((rc = s.step()) == SQLITE_ROW) {
    ++*count;  // (run_id, trial_index) is the key: each index once
    const int64_t index = s.integer(0);
    if (index < 0) continue;
    if (size_t(index) >= done->size()) done->resize(size_t(index) + 1, false);
    (*done)[size_t(index)] = true;
  }
  if (rc != SQLITE_DONE) return Status::error("database: " + s.error());
  return Status::ok();
}

Status Store::finished_trial_indices(const std::string& run_id, std::set<int64_t>* indices) {
  Statement s(db_, "SELECT trial_index FROM trials WHERE run_id=?");
  s.bind(1, run_id);
  while (s.step() == SQLITE_ROW) indices->insert(s.integer(0));
  return Status::ok();
}

Status Store::has_several_groups(const std::string& run_id, bool* several) {
  Statement s(db_,
              "SELECT COUNT(*) FROM (SELECT DISTINCT prompt_id, provider_id FROM trials "
              "WHERE run_id=? LIMIT 2)");
  if (!s.ok()) return Status::error("database: " + s.error());
  s.bind(1, run_id);
  if (s.step() != SQLITE_ROW) return Status::error("database: " + s.error());
  *several = s.integer(0) > 1;
  return Status::ok();
}

Status Store::save_baseline(const std::string& name, const std::string& run_id) {
  RunRecord run;
  if (Status st = load_run(run_id, &run); !st) return st;
  Statement s(db_,
              "INSERT INTO baselines(name, run_id, suite, created_at) VALUES(?,?,?,?) "
              "ON CONFLICT(name) DO UPDATE SET run_id=excluded.run_id, suite=excluded.suite, "
              "created_at=excluded.created_at");
  s.bind(1, name);
  s.bind(2, run_id);
  s.bind(3, run.suite);
  s.bind(4, utc_now_iso8601());
  if (s.step() != SQLITE_DONE) return Status::error("database: cannot save baseline: " + s.error());
  return Status::ok();
}

Status Store::find_baseline(const std::string& name, BaselineRecord* baseline) {
  Statement s(db_, "SELECT name, run_id, suite, created_at FROM baselines WHERE name=?");
  s.bind(1, name);
  if (s.step() != SQLITE_ROW) return Status::error("no baseline '" + name + "' in " + path_);
  *baseline = {s.text(0), s.text(1), s.text(2), s.text(3)};
  return Status::ok();
}

Status Store::list_baselines(std::vector<BaselineRecord>* baselines) {
  Statement s(db_, "SELECT name, run_id, suite, created_at FROM baselines ORDER BY name");
  while (s.step() == SQLITE_ROW) baselines->push_back({s.text(0), s.text(1), s.text(2), s.text(3)});
  return Status::ok();
}

Status Store::remove_baseline(const std::string& name) {
  Statement s(db_, "DELETE FROM baselines WHERE name=?");
  s.bind(1, name);
  if (s.step() != SQLITE_DONE) return Status::error("database: " + s.error());
  if (sqlite3_changes(db_) == 0) return Status::error("no baseline '" + name + "' in " + path_);
  return Status::ok();
}

}  // namespace evalkit

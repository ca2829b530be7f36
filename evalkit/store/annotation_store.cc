#include "evalkit/store/annotation_store.h"

#include <sqlite3.h>

#include <map>

namespace evalkit {
namespace {

// One statement, finalized on scope exit.
struct Prepared {
  Prepared(sqlite3* db, const char* sql) { sqlite3_prepare_v2(db, sql, -1, &stmt, nullptr); }
  ~Prepared() { sqlite3_finalize(stmt); }
  Prepared(const Prepared&) = delete;
  Prepared& operator=(const Prepared&) = delete;
  void text(int i, const std::string& v) {
    sqlite3_bind_text(stmt, i, v.data(), int(v.size()), SQLITE_TRANSIENT);
  }
  std::string column_text(int col) const {
    const unsigned char* p = sqlite3_column_text(stmt, col);
    return p ? std::string(reinterpret_cast<const char*>(p),
                           size_t(sqlite3_column_bytes(stmt, col)))
             : std::string();
  }
  sqlite3_stmt* stmt = nullptr;
};

Status database_error(Store& store, const std::string& what) {
  return Status::error("database " + store.path() + ": " + what + ": " +
                       sqlite3_errmsg(store.handle()));
}

}  // namespace

Status write_annotations(Store& store, const std::string& run_id,
                         const std::vector<Annotation>& annotations,
                         const std::vector<int64_t>& cleared) {
  sqlite3* db = store.handle();
  if (sqlite3_exec(db, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr) != SQLITE_OK) {
    return database_error(store, "cannot start a transaction");
  }
  const auto rollback = [&](const std::string& what) {
    Status s = database_error(store, what);
    sqlite3_exec(db, "ROLLBACK", nullptr, nullptr, nullptr);
    return s;
  };
  {
    Prepared remove(db, "DELETE FROM annotations WHERE run_id = ?1 AND trial_index = ?2");
    Prepared upsert(db,
                    "INSERT OR REPLACE INTO annotations(run_id, trial_index, verdict, comment, "
                    "author, updated_at) VALUES(?1, ?2, ?3, ?4, ?5, ?6)");
    if (remove.stmt == nullptr || upsert.stmt == nullptr) return rollback("cannot prepare");
    for (int64_t index : cleared) {
      remove.text(1, run_id);
      sqlite3_bind_int64(remove.stmt, 2, index);
      if (sqlite3_step(remove.stmt) != SQLITE_DONE) return rollback("cannot remove an annotation");
      sqlite3_reset(remove.stmt);
    }
    for (const Annotation& a : annotations) {
      upsert.text(1, run_id);
      sqlite3_bind_int64(upsert.stmt, 2, a.trial_index);
      if (a.verdict.empty()) {
        sqlite3_bind_null(upsert.stmt, 3);
      } else {
        upsert.text(3, a.verdict);
      }
      upsert.text(4, a.comment);
      upsert.text(5, a.author);
      upsert.text(6, a.updated_at);
      if (sqlite3_step(upsert.stmt) != SQLITE_DONE) return rollback("cannot store an annotation");
      sqlite3_reset(upsert.stmt);
    }
  }
  if (sqlite3_exec(db, "COMMIT", nullptr, nullptr, nullptr) != SQLITE_OK) {
    return rollback("cannot commit the annotations");
  }
  return Status::ok();
}

Status load_annotations(Store& store, const std::string& run_id, std::vector<Annotation>* out) {
  out->clear();
  Prepared query(store.handle(),
                 "SELECT trial_index, verdict, comment, author, updated_at FROM annotations "
                 "WHERE run_id = ?1 ORDER BY trial_index");
  if (query.stmt == nullptr) return database_error(store, "cannot read annotations");
  query.text(1, run_id);
  while (sqlite3_step(query.stmt) == SQLITE_ROW) {
    Annotation a;
    a.trial_index = sqlite3_column_int64(query.stmt, 0);
    a.verdict = query.column_text(1);
    a.comment = query.column_text(2);
    a.author = query.column_text(3);
    a.updated_at = query.column_text(4);
    out->push_back(std::move(a));
  }
  return Status::ok();
}

nlohmann::json annotation_to_json(const Annotation& annotation) {
  return {{"verdict", annotation.verdict.empty() ? nlohmann::json(nullptr)
                                                 : nlohmann::json(annotation.verdict)},
          {"comment", annotation.comment},
          {"author", annotation.author},
          {"updated_at", annotation.updated_at}};
}

void attach_annotations(const std::vector<Annotation>& annotations, nlohmann::json* document) {
  if (annotations.empty() || !document->contains("trials")) return;
  std::map<int64_t, const Annotation*> by_index;
  for (const Annotation& a : annotations) by_index[a.trial_index] = &a;
  for (auto& trial : (*document)["trials"]) {
    const auto index = trial.find("index");
    if (index == trial.end() || !index->is_number_integer()) continue;
    const auto it = by_index.find(index->get<int64_t>());
    if (it != by_index.end()) trial["annotation"] = annotation_to_json(*it->second);
  }
}

}  // namespace evalkit

#include "evalkit/providers/embedding_cache.h"

#include <cstring>

#include "evalkit/base/hash.h"

namespace evalkit {

EmbeddingCache::~EmbeddingCache() {
  flush();
  sqlite3_finalize(select_);
  sqlite3_finalize(insert_);
  if (db_ != nullptr) sqlite3_close(db_);
}

Status EmbeddingCache::open(const std::string& path) {
  if (sqlite3_open_v2(path.c_str(), &db_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr) !=
      SQLITE_OK) {
    std::string message = "cannot open embedding cache " + path + ": " + sqlite3_errmsg(db_);
    sqlite3_close(db_);
    db_ = nullptr;
    return Status::error(message);
  }
  // Short waits only: a put runs on the I/O thread and must not stall the network while the
  // trial writer holds the write lock.
  sqlite3_busy_timeout(db_, 50);
  // synchronous=NORMAL: a cache may lose its last entries on a power cut (they cost a request
  // again), so commits need no fsync of their own.
  const char* schema =
      "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"
      "CREATE TABLE IF NOT EXISTS embeddings_cache(key TEXT PRIMARY KEY, vector BLOB NOT NULL);";
  char* error = nullptr;
  if (sqlite3_exec(db_, schema, nullptr, nullptr, &error) != SQLITE_OK) {
    std::string message = std::string("cannot create embeddings_cache in ") + path + ": " +
                          (error ? error : "unknown error");
    sqlite3_free(error);
    return Status::error(message);
  }
  if (sqlite3_prepare_v2(db_, "SELECT vector FROM embeddings_cache WHERE key = ?", -1, &select_,
                         nullptr) != SQLITE_OK ||
      sqlite3_prepare_v2(db_, "INSERT OR REPLACE INTO embeddings_cache(key, vector) VALUES(?, ?)",
                         -1, &insert_, nullptr) != SQLITE_OK) {
    return Status::error(std::string("embedding cache: ") + sqlite3_errmsg(db_));
  }
  return Status::ok();
}

std::string EmbeddingCache::key(const std::string& model, const std::string& base_url,
                                int dimensions, const std::string& text) {
  return sha256_hex(model + "\n" + base_url + "\n" + std::to_string(dimensions) + "\n" +
                    sha256_hex(text));
}

std::optional<std::vector<float>> EmbeddingCache::find(const std::string& key) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (select_ == nullptr) return std::nullopt;
  if (const auto it = pending_.find(key); it != pending_.end()) return it->second;
  sqlite3_bind_text(select_, 1, key.data(), static_cast<int>(key.size()), SQLITE_STATIC);
  std::optional<std::vector<float>> found;
  if (sqlite3_step(select_) == SQLITE_ROW) {
    const int bytes = sqlite3_column_bytes(select_, 0);
    if (bytes > 0 && bytes % sizeof(float) == 0) {
      std::vector<float> vector(bytes / sizeof(float));
      std::memcpy(vector.data(), sqlite3_column_blob(select_, 0), bytes);
      found = std::move(vector);
    }
  }
  sqlite3_reset(select_);
  sqlite3_clear_bindings(select_);
  return found;
}

void EmbeddingCache::put(const std::string& key, const std::vector<float>& vector) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (insert_ == nullptr || vector.empty()) return;
  pending_.insert_or_assign(key, vector);
  if (pending_.size() >= write_at_) write_pending_locked();
}

size_t EmbeddingCache::write_attempts() {
  std::lock_guard<std::mutex> lock(mutex_);
  return write_attempts_;
}

void EmbeddingCache::flush() {
  std::lock_guard<std::mutex> lock(mutex_);
  write_pending_locked();
}

void EmbeddingCache::write_pending_locked() {
  if (pending_.empty() || insert_ == nullptr) return;
  // One transaction for the batch. While another connection holds the write lock (the trial
  // writer), the batch waits for kFlushEvery more puts; past a bound it is dropped (best
  // effort: a lost entry costs a request, never a wrong answer).
  ++write_attempts_;
  if (sqlite3_exec(db_, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr) != SQLITE_OK) {
    write_at_ = pending_.size() + kFlushEvery;
    if (pending_.size() >= 4 * kFlushEvery) {
      pending_.clear();
      write_at_ = kFlushEvery;
    }
    return;
  }
  write_at_ = kFlushEvery;
  for (const auto& [key, vector] : pending_) {
    sqlite3_bind_text(insert_, 1, key.data(), static_cast<int>(key.size()), SQLITE_STATIC);
    sqlite3_bind_blob(insert_, 2, vector.data(), static_cast<int>(vector.size() * sizeof(float)),
                      SQLITE_STATIC);
    const int step = sqlite3_step(insert_);
    sqlite3_reset(insert_);
    sqlite3_clear_bindings(insert_);
    if (step != SQLITE_DONE) break;
  }
  if (sqlite3_exec(db_, "COMMIT", nullptr, nullptr, nullptr) != SQLITE_OK) {
    sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
  }
  pending_.clear();
}

}  // namespace evalkit

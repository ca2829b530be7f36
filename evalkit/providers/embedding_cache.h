// Embeddings already computed, kept in the run database (table embeddings_cache) so a text
// is embedded once per (model, base URL, dimensions) across runs.
#pragma once

#include <sqlite3.h>

#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "evalkit/base/status.h"

namespace evalkit {

class EmbeddingCache {
 public:
  EmbeddingCache() = default;
  ~EmbeddingCache();
  EmbeddingCache(const EmbeddingCache&) = delete;
  EmbeddingCache& operator=(const EmbeddingCache&) = delete;

  // Opens (creating the table if needed) the SQLite file at path; other connections may use
  // the same file at once (WAL).
  Status open(const std::string& path);

  // The cache key of text embedded by model at base_url with dimensions (0 = model default).
  static std::string key(const std::string& model, const std::string& base_url, int dimensions,
                         const std::string& text);

  // The stored vector for key, if any. Thread-safe.
  std::optional<std::vector<float>> find(const std::string& key);

  // Stores vector under key. Best effort: a busy or failing database only loses the entry,
  // because a cache miss costs a request, never a wrong answer. Thread-safe. Entries are
  // written kFlushEvery at a time, in one transaction (one WAL commit instead of one per
  // vector); find() sees them before they are written, and the destructor writes the rest.
  void put(const std::string& key, const std::vector<float>& vector);

  // Writes the entries put since the last write. Thread-safe.
  void flush();

  static constexpr size_t kFlushEvery = 256;

  // Transactions begun so far (each waits at most the short busy timeout when another
  // connection holds the write lock). Thread-safe.
  size_t write_attempts();

 private:
  void write_pending_locked();

  std::mutex mutex_;
  std::unordered_map<std::string, std::vector<float>> pending_;
  // A batch the database refused (busy) is tried again once kFlushEvery more have come.
  size_t write_at_ = kFlushEvery;
  size_t write_attempts_ = 0;
  sqlite3* db_ = nullptr;
  sqlite3_stmt* select_ = nullptr;
  sqlite3_stmt* insert_ = nullptr;
};

}  // namespace evalkit

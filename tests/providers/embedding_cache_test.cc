// The embedding cache in the run database: vectors put are found at once, written in batches
// (one transaction each), kept across runs, and a busy database never stalls or loses more
// than the cache promises.
#include "evalkit/providers/embedding_cache.h"

#include <sqlite3.h>
#include <unistd.h>

#include <filesystem>
#include <string>

#include <gtest/gtest.h>

namespace evalkit {
namespace {

class EmbeddingCacheTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("evalkit-embedding-cache-" + std::to_string(getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    path_ = (dir_ / "evalkit.db").string();
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  // Rows in embeddings_cache, read through a connection of its own.
  int stored_rows() const {
    sqlite3* db = nullptr;
    int rows = -1;
    if (sqlite3_open_v2(path_.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK) {
      sqlite3_stmt* count = nullptr;
      if (sqlite3_prepare_v2(db, "SELECT count(*) FROM embeddings_cache", -1, &count, nullptr) ==
              SQLITE_OK &&
          sqlite3_step(count) == SQLITE_ROW) {
        rows = sqlite3_column_int(count, 0);
      }
      sqlite3_finalize(count);
    }
    sqlite3_close(db);
    return rows;
  }

  static std::string key_of(int i) {
    return EmbeddingCache::key("fake-embedding", "http://127.0.0.1:1", 3, "text " + std::to_string(i));
  }

  std::filesystem::path dir_;
  std::string path_;
};

TEST_F(EmbeddingCacheTest, VectorsAreFoundAtOnceAndWrittenInBatches) {
  EmbeddingCache cache;
  ASSERT_TRUE(cache.open(path_));
  const int below_batch = int(EmbeddingCache::kFlushEvery) - 1;
  for (int i = 0; i < below_batch; ++i) cache.put(key_of(i), {float(i), 1.0f, 2.0f});
  // Not written yet (one transaction per batch), but found.
  EXPECT_EQ(stored_rows(), 0);
  const auto found = cache.find(key_of(7));
  ASSERT_TRUE(found.has_value());
  EXPECT_EQ(*found, (std::vector<float>{7.0f, 1.0f, 2.0f}));
  EXPECT_FALSE(cache.find(key_of(below_batch)).has_value());
  // The put that fills the batch writes all of it.
  cache.put(key_of(below_batch), {1.0f});
  EXPECT_EQ(stored_rows(), int(EmbeddingCache::kFlushEvery));
}

TEST_F(EmbeddingCacheTest, WhatIsLeftIsWrittenWhenTheCacheCloses) {
  {
    EmbeddingCache cache;
    ASSERT_TRUE(cache.open(path_));
    for (int i = 0; i < 5; ++i) cache.put(key_of(i), {float(i)});
  }
  EXPECT_EQ(stored_rows(), 5);
  EmbeddingCache reopened;
  ASSERT_TRUE(reopened.open(path_));
  const auto found = reopened.find(key_of(3));
  ASSERT_TRUE(found.has_value());
  EXPECT_EQ(*found, std::vector<float>{3.0f});
}

TEST_F(EmbeddingCacheTest, ABusyDatabaseDelaysTheBatchWithoutLosingIt) {
  EmbeddingCache cache;
  ASSERT_TRUE(cache.open(path_));
  // Another connection (the trial writer) holds the write lock.
  sqlite3* writer = nullptr;
  ASSERT_EQ(sqlite3_open(path_.c_str(), &writer), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(writer, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr), SQLITE_OK);
  const int puts = int(EmbeddingCache::kFlushEvery) * 2;
  for (int i = 0; i < puts; ++i) cache.put(key_of(i), {float(i)});
  EXPECT_EQ(stored_rows(), 0);
  // Tried once per batch's worth of puts, not once per put: each try may wait the busy
  // timeout on the network thread.
  EXPECT_EQ(cache.write_attempts(), 2u);
  EXPECT_TRUE(cache.find(key_of(puts - 1)).has_value());
  ASSERT_EQ(sqlite3_exec(writer, "COMMIT", nullptr, nullptr, nullptr), SQLITE_OK);
  sqlite3_close(writer);
  cache.flush();
  EXPECT_EQ(stored_rows(), puts);
  EXPECT_EQ(cache.write_attempts(), 3u);
}

}  // namespace
}  // namespace evalkit

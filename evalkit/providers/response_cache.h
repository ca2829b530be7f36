// The response cache: successful model answers kept in SQLite (a table beside the runs, in the
// same database file) and served again for the same request to the same endpoint. A decorator
// over any Provider, so providers themselves know nothing of caching.
#pragma once

#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <utility>

#include "evalkit/base/status.h"
#include "evalkit/providers/provider.h"

struct sqlite3;

namespace evalkit {

// off: never read or write. on: answer from the cache when it can, store live answers.
// refresh: never read, store (replace) every live answer.
enum class CacheMode { kOff, kOn, kRefresh };

// Parses "on", "off" or "refresh".
bool parse_cache_mode(const std::string& text, CacheMode* mode);

// The key an answer is cached under: a canonical hash of everything that decides it at one
// endpoint (provider type, base URL, model, merged params, messages or embedding inputs).
// Credentials and provider ids are not part of it.
std::string response_cache_key(const std::string& provider_type, const std::string& base_url,
                               const std::string& model, const ModelRequest& request,
                               const nlohmann::json& merged_params);

// The endpoint a provider's answers come from, as the cache key names it: the base URL
// (suite, else OPENAI_BASE_URL, else OpenAI's) or, for exec providers, the command line.
std::string cache_endpoint(const ProviderConfig& config, const ProviderEnvironment& environment);

// The table. Lookups are synchronous (an indexed read); stores are queued and written by a
// background thread in batched transactions, so the network thread never waits on disk.
class ResponseCache {
 public:
  ResponseCache() = default;
  // Writes everything stored so far, then closes.
  ~ResponseCache();
  ResponseCache(const ResponseCache&) = delete;
  ResponseCache& operator=(const ResponseCache&) = delete;

  // Opens db_path (its own connection; the store may hold another) and creates the table.
  Status open(const std::string& db_path);

  // The stored answer for key, marked cached (attempts 0; latency and tokens as recorded).
  std::optional<ModelResponse> find(const std::string& key);
  // Queues response (which must be ok) to be stored under key, replacing any earlier answer.
  void store(const std::string& key, const ModelResponse& response);
  // Blocks until every queued answer is written; returns the first write error.
  Status flush();

  long long hits() const;
  long long misses() const;

 private:
  void write_loop();
  Status write_batch(std::deque<std::pair<std::string, std::string>>* batch);

  sqlite3* db_ = nullptr;
  std::mutex db_mutex_;  // one statement at a time on the connection
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::condition_variable written_;
  std::deque<std::pair<std::string, std::string>> queue_;  // key, response JSON
  size_t queued_ = 0;
  size_t done_ = 0;
  bool stopping_ = false;
  Status error_;
  long long hits_ = 0;
  long long misses_ = 0;
  std::thread thread_;
};

// Wraps inner with the cache in mode (not kOff). A null inner answers every miss with a
// replay_miss error: that is --replay-strict for a provider that would need the network.
std::unique_ptr<Provider> make_caching_provider(const ProviderConfig& config, std::string endpoint,
                                                std::unique_ptr<Provider> inner,
                                                ResponseCache* cache, CacheMode mode);

}  // namespace evalkit

#include "evalkit/providers/response_cache.h"
#include "evalkit/base/json_parse.h"

#include <sqlite3.h>

#include <cstdlib>

#include "evalkit/base/hash.h"
#include "evalkit/base/secrets.h"

namespace evalkit {
namespace {

constexpr const char* kSchema =
    "CREATE TABLE IF NOT EXISTS response_cache(key TEXT PRIMARY KEY, response_json TEXT NOT NULL, "
    "created_at INTEGER NOT NULL)";

nlohmann::json response_to_json(const ModelResponse& r) {
  nlohmann::json j = answer_to_json(r);
  j["http_status"] = r.http_status;
  if (!r.embeddings.empty()) j["embeddings"] = r.embeddings;
  redact_secrets_in_place(&j);  // an endpoint may echo a key inside an answer
  return j;
}

bool response_from_json(const nlohmann::json& j, ModelResponse* r) {
  if (!j.is_object()) return false;
  try {
    answer_from_json(j, r);
    r->http_status = j.value("http_status", 0);
    if (j.contains("embeddings"))
      r->embeddings = j["embeddings"].get<std::vector<std::vector<float>>>();
  } catch (const nlohmann::json::exception&) {
    return false;  // a row written by something else: treat as a miss
  }
  r->ok = true;
  r->cached = true;
  r->attempts = 0;
  return true;
}

class CachingProvider : public Provider {
 public:
  CachingProvider(const ProviderConfig& config, std::string endpoint,
                  std::unique_ptr<Provider> inner, ResponseCache* cache, CacheMode mode)
      : config_(config),
        endpoint_(std::move(endpoint)),
        inner_(std::move(inner)),
        cache_(cache),
        mode_(mode) {}

  const ProviderConfig& config() const override { return config_; }

  void send(const ModelRequest& request, Callback done) override {
    const nlohmann::json params = merge_params(config_.params, request.params);
    std::string key = response_cache_key(config_.type, endpoint_, config_.model, request, params);
    if (mode_ == CacheMode::kOn) {
      if (std::optional<ModelResponse> hit = cache_->find(key)) {
        done(std::move(*hit));
        return;
      }
    }
    if (!inner_) {
      ModelResponse miss;
      miss.error_kind = error_kind::kReplayMiss;
      miss.error = "no cached response for this request (key " + key.substr(0, 12) +
                   ") and --replay-strict forbids network calls";
      done(std::move(miss));
      return;
    }
    ResponseCache* cache = cache_;
    inner_->send(request,
                 [cache, key = std::move(key), done = std::move(done)](ModelResponse response) {
                   // Only live answers are stored: errors are never cached, and a replayed answer
                   // is already kept elsewhere.
                   if (response.ok && !response.cached) cache->store(key, response);
                   done(std::move(response));
                 });
  }

 private:
  ProviderConfig config_;
  std::string endpoint_;
  std::unique_ptr<Provider> inner_;
  ResponseCache* cache_;
  CacheMode mode_;
};

}  // namespace

bool parse_cache_mode(const std::string& text, CacheMode* mode) {
  if (text == "off") {
    *mode = CacheMode::kOff;
  } else if (text == "on") {
    *mode = CacheMode::kOn;
  } else if (text == "refresh") {
    *mode = CacheMode::kRefresh;
  } else {
    return false;
  }
  return true;
}

std::string response_cache_key(const std::string& provider_type, const std::string& base_url,
                               const std::string& model, const ModelRequest& request,
                               const nlohmann::json& merged_params) {
  nlohmann::json key = {
      {"type", provider_type}, {"base_url", base_url}, {"model", model}, {"params", merged_params}};
  if (request.kind == ModelRequest::Kind::kEmbedding) {
    key["input"] = request.inputs;
  } else {
    key.update(chat_request_identity(request));
    // A script provider is the team's own code: it sees the case's vars, so they decide the
    // answer as much as the messages do.
    if (provider_type == "script") key["vars"] = request.vars;
  }
  return canonical_json_hash(key);
}

std::string cache_endpoint(const ProviderConfig& config, const ProviderEnvironment& environment) {
  if (config.type == "exec" || config.type == "script") {
    std::string line;
    for (const auto& word : config.command) line += (line.empty() ? "" : " ") + word;
    // A script provider given as a promptfoo-style file is named by that file.
    for (const char* key : {"python", "javascript"}) {
      if (config.extra.contains(key)) line += std::string(key) + ":" + config.extra.value(key, "");
    }
    if (config.type == "script") line = config.directory + "|" + line;
    return line;
  }
  const auto env = [&](const char* name) -> std::string {
    std::optional<std::string> value;
    if (environment.getenv) {
      value = environment.getenv(name);
    } else if (const char* v = std::getenv(name)) {
      value = v;
    }
    return value.value_or("");
  };
  // What decides the answer beyond the request; never a header or query value (secrets).
  if (config.type == "http") return config.http.method + " " + config.http.url;
  if (config.type == "bedrock") {
    std::string region = config.region.empty() ? env("AWS_REGION") : config.region;
    if (region.empty()) region = env("AWS_DEFAULT_REGION");
    return (config.base_url.empty() ? "bedrock-runtime" : config.base_url) + " " + region;
  }
  if (config.type == "azure-openai") {
    const std::string endpoint =
        config.base_url.empty() ? env("AZURE_OPENAI_ENDPOINT") : config.base_url;
    return endpoint + " deployment=" + config.deployment + " api-version=" + config.api_version;
  }
  if (!config.base_url.empty()) return config.base_url;
  if (config.type == "anthropic-messages") {
    const std::string from_env = env("ANTHROPIC_BASE_URL");
    return from_env.empty() ? "https://api.anthropic.com" : from_env;
  }
  const std::string from_env = env("OPENAI_BASE_URL");
  if (!from_env.empty()) return from_env;
  return "https://api.openai.com/v1";
}

ResponseCache::~ResponseCache() {
  if (thread_.joinable()) {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      stopping_ = true;
    }
    wake_.notify_one();
    thread_.join();
  }
  sqlite3_close(db_);
}

Status ResponseCache::open(const std::string& db_path) {
  if (sqlite3_open_v2(db_path.c_str(), &db_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr) !=
      SQLITE_OK) {
    return Status::error("cannot open the response cache in " + db_path + ": " +
                         sqlite3_errmsg(db_));
  }
  // The store writes trials through its own connection; wait for its lock rather than fail.
  sqlite3_busy_timeout(db_, 10000);
  char* message = nullptr;
  const std::string setup =
      std::string("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; ") + kSchema;
  if (sqlite3_exec(db_, setup.c_str(), nullptr, nullptr, &message) != SQLITE_OK) {
    Status s = Status::error("cannot create the response cache in " + db_path + ": " +
                             (message ? message : "unknown error"));
    sqlite3_free(message);
    return s;
  }
  thread_ = std::thread([this] { write_loop(); });
  return Status::ok();
}

std::optional<ModelResponse> ResponseCache::find(const std::string& key) {
  std::optional<ModelResponse> found;
  {
    std::lock_guard<std::mutex> lock(db_mutex_);
    sqlite3_stmt* stmt = nullptr;
    if (sqlite3_prepare_v2(db_, "SELECT response_json FROM response_cache WHERE key=?", -1, &stmt,
                           nullptr) == SQLITE_OK) {
      sqlite3_bind_text(stmt, 1, key.data(), int(key.size()), SQLITE_TRANSIENT);
      if (sqlite3_step(stmt) == SQLITE_ROW) {
        const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0));
        const nlohmann::json j = parse_untrusted_json(text ? text : "");
        ModelResponse response;
        if (response_from_json(j, &response)) found = std::move(response);
      }
    }
    sqlite3_finalize(stmt);
  }
  std::lock_guard<std::mutex> lock(mutex_);
  ++(found ? hits_ : misses_);
  return found;
}

void ResponseCache::store(const std::string& key, const ModelResponse& response) {
  std::string json =
      response_to_json(response).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  {
    std::lock_guard<std::mutex> lock(mutex_);
    queue_.emplace_back(key, std::move(json));
    ++queued_;
  }
  wake_.notify_one();
}

Status ResponseCache::flush() {
  std::unique_lock<std::mutex> lock(mutex_);
  const size_t target = queued_;
  wake_.notify_one();
  written_.wait(lock, [&] { return done_ >= target || !thread_.joinable(); });
  return error_;
}

long long ResponseCache::hits() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return hits_;
}

long long ResponseCache::misses() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return misses_;
}

void ResponseCache::write_loop() {
  std::unique_lock<std::mutex> lock(mutex_);
  for (;;) {
    wake_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
    if (queue_.empty() && stopping_) return;
    std::deque<std::pair<std::string, std::string>> batch;
    batch.swap(queue_);
    lock.unlock();
    Status s = write_batch(&batch);
    lock.lock();
    if (!s && error_.is_ok()) error_ = s;
    done_ += batch.size();
    written_.notify_all();
  }
}

Status ResponseCache::write_batch(std::deque<std::pair<std::string, std::string>>* batch) {
  std::lock_guard<std::mutex> lock(db_mutex_);
  sqlite3_exec(db_, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr);
  sqlite3_stmt* stmt = nullptr;
  Status status;
  if (sqlite3_prepare_v2(db_,
                         "INSERT OR REPLACE INTO response_cache(key, response_json, created_at) "
                         "VALUES(?, ?, strftime('%s','now'))",
                         -1, &stmt, nullptr) != SQLITE_OK) {
    status = Status::error(std::string("response cache: ") + sqlite3_errmsg(db_));
  } else {
    for (const auto& [key, json] : *batch) {
      sqlite3_bind_text(stmt, 1, key.data(), int(key.size()), SQLITE_TRANSIENT);
      sqlite3_bind_text(stmt, 2, json.data(), int(json.size()), SQLITE_TRANSIENT);
      if (sqlite3_step(stmt) != SQLITE_DONE && status.is_ok()) {
        status = Status::error(std::string("response cache: ") + sqlite3_errmsg(db_));
      }
      sqlite3_reset(stmt);
    }
  }
  sqlite3_finalize(stmt);
  sqlite3_exec(db_, status.is_ok() ? "COMMIT" : "ROLLBACK", nullptr, nullptr, nullptr);
  return status;
}

std::unique_ptr<Provider> make_caching_provider(const ProviderConfig& config, std::string endpoint,
                                                std::unique_ptr<Provider> inner,
                                                ResponseCache* cache, CacheMode mode) {
  return std::make_unique<CachingProvider>(config, std::move(endpoint), std::move(inner), cache,
                                           mode);
}

}  // namespace evalkit

// Replay files: recorded model responses keyed by replay_key(), one JSON object per line.
//   {"key": "...", "model": "...", "messages": [...], "params": {...},
//    "response": {"text": "...", "finish_reason": "stop", "prompt_tokens": 12,
//                 "completion_tokens": 3, "latency_s": 0.41}}
// An embedding request records its texts and vectors instead:
//   {"key": "...", "model": "...", "input": ["..."], "params": {...},
//    "response": {"embeddings": [[0.1, ...]], "prompt_tokens": 8, "latency_s": 0.05}}
#pragma once

#include <mutex>
#include <string>
#include <unordered_map>

#include "evalkit/base/status.h"
#include "evalkit/model/model_response.h"

namespace evalkit {

// Appends responses to a replay file as they arrive (thread-safe; each line flushed, so a
// killed run keeps what it recorded). Never writes headers or keys.
class ResponseRecorder {
 public:
  ~ResponseRecorder();
  Status open(const std::string& path);
  void record(const std::string& key, const std::string& model, const ModelRequest& request,
              const nlohmann::json& params, const ModelResponse& response);
  // The first write error (a full disk): recording stopped there, and the line it was
  // writing was removed so the file ends with a whole line. OK while every write succeeded.
  Status status() const;
  size_t recorded() const;

 private:
  mutable std::mutex mutex_;
  int fd_ = -1;
  std::string path_;
  size_t recorded_ = 0;
  Status error_;
};

// A loaded replay file.
class ReplayBook {
 public:
  // Loads path; a malformed line is an error naming path:line.
  Status load(const std::string& path);
  // The recorded response for key, or null.
  const ModelResponse* find(const std::string& key) const;
  size_t size() const { return responses_.size(); }

 private:
  std::unordered_map<std::string, ModelResponse> responses_;
};

}  // namespace evalkit

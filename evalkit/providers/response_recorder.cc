#include "evalkit/providers/response_recorder.h"
#include "evalkit/base/json_parse.h"
#include "evalkit/base/secrets.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>

namespace evalkit {
namespace {

// A recorded "embeddings" value: an array of arrays of numbers.
Status read_embeddings(const nlohmann::json& value, std::vector<std::vector<float>>* out) {
  if (!value.is_array()) return Status::error("\"embeddings\" must be an array of arrays");
  for (size_t i = 0; i < value.size(); ++i) {
    const auto& vector = value[i];
    if (!vector.is_array()) {
      return Status::error("\"embeddings\"[" + std::to_string(i) + "] must be an array of numbers");
    }
    std::vector<float>& target = out->emplace_back();
    target.reserve(vector.size());
    for (const auto& component : vector) {
      if (!component.is_number()) {
        return Status::error("\"embeddings\"[" + std::to_string(i) + "] holds a non-number");
      }
      target.push_back(component.get<float>());
    }
  }
  return Status::ok();
}

}  // namespace

ResponseRecorder::~ResponseRecorder() {
  if (fd_ >= 0) close(fd_);
}

Status ResponseRecorder::open(const std::string& path) {
  path_ = path;
  fd_ = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (fd_ < 0) {
    return Status::error("cannot open record file " + path + ": " + std::strerror(errno));
  }
  return Status::ok();
}

Status ResponseRecorder::status() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return error_;
}

size_t ResponseRecorder::recorded() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return recorded_;
}

void ResponseRecorder::record(const std::string& key, const std::string& model,
                              const ModelRequest& request, const nlohmann::json& params,
                              const ModelResponse& response) {
  nlohmann::json line = {{"key", key}, {"model", model}, {"params", params}};
  if (request.kind == ModelRequest::Kind::kEmbedding) {
    line["input"] = request.inputs;
    line["response"] = {{"embeddings", response.embeddings},
                        {"prompt_tokens", response.prompt_tokens},
                        {"latency_s", response.latency_s}};
  } else {
    line.update(chat_request_identity(request));
    line["response"] = answer_to_json(response);
  }
  redact_secrets_in_place(&line);  // an endpoint may echo a key inside an answer
  const std::string text =
      line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
  std::lock_guard<std::mutex> lock(mutex_);
  if (fd_ < 0 || !error_) return;
  const off_t before = lseek(fd_, 0, SEEK_END);
  size_t done = 0;
  int error = 0;
  while (done < text.size()) {
    const ssize_t n = write(fd_, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      error = n < 0 ? errno : ENOSPC;
      break;
    }
    done += size_t(n);
  }
  if (done == text.size()) {
    ++recorded_;
    return;
  }
  // Drop what part of the line reached the file, so a replay never meets a cut line.
  const bool cut = before < 0 || ftruncate(fd_, before) != 0;
  error_ = Status::error("writing record file " + path_ + " failed after " +
                         std::to_string(recorded_) + " answers (" + std::strerror(error) +
                         "); recording stopped" + (cut ? " and its last line is cut" : ""));
}

Status ReplayBook::load(const std::string& path) {
  std::ifstream in(path);
  if (!in) return Status::error("cannot read replay file " + path + ": " + std::strerror(errno));
  std::string line;
  int number = 0;
  while (std::getline(in, line)) {
    ++number;
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    const auto where = SourceLocation{path, number, 0};
    nlohmann::json value = parse_untrusted_json(line);
    if (value.is_discarded() || !value.is_object()) {
      // getline met the end of the file before a line end: the last line is cut.
      return Status::error_at(where, in.eof() ? "not a JSON object: the file's last line is cut "
                                                "(a recording that was interrupted, or a full "
                                                "disk?); remove that line or record again"
                                              : "not a JSON object");
    }
    if (!value.contains("key") || !value["key"].is_string() || !value.contains("response") ||
        !value["response"].is_object()) {
      return Status::error_at(where, "expected {\"key\": string, \"response\": object}");
    }
    const auto& r = value["response"];
    ModelResponse response;
    response.ok = true;
    response.cached = true;
    response.finish_reason = "stop";
    answer_from_json(r, &response);
    if (r.contains("embeddings")) {
      if (Status s = read_embeddings(r["embeddings"], &response.embeddings); !s) {
        return Status::error_at(where, s.message());
      }
    }
    responses_[value["key"].get<std::string>()] = std::move(response);
  }
  return Status::ok();
}

const ModelResponse* ReplayBook::find(const std::string& key) const {
  auto it = responses_.find(key);
  return it == responses_.end() ? nullptr : &it->second;
}

}  // namespace evalkit

#include "evalkit/providers/response_recorder.h"
#include "evalkit/base/json_parse.h"

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
  if (file_ != nullptr) std::fclose(file_);
}

Status ResponseRecorder::open(const std::string& path) {
  file_ = std::fopen(path.c_str(), "a");
  if (file_ == nullptr) return Status::error("cannot open record file " + path);
  return Status::ok();
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
  const std::string text =
      line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
  std::lock_guard<std::mutex> lock(mutex_);
  if (file_ == nullptr) return;
  std::fwrite(text.data(), 1, text.size(), file_);
  std::fflush(file_);
}

Status ReplayBook::load(const std::string& path) {
  std::ifstream in(path);
  if (!in) return Status::error("cannot read replay file " + path);
  std::string line;
  int number = 0;
  while (std::getline(in, line)) {
    ++number;
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    const auto where = SourceLocation{path, number, 0};
    nlohmann::json value = parse_untrusted_json(line);
    if (value.is_discarded() || !value.is_object()) {
      return Status::error_at(where, "not a JSON object");
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

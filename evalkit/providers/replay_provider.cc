#include "evalkit/providers/replay_provider.h"

#include "evalkit/providers/response_recorder.h"

namespace evalkit {
namespace {

class ReplayProvider : public Provider {
 public:
  ReplayProvider(const ProviderConfig& config, ReplayBook book)
      : config_(config), book_(std::move(book)) {}

  const ProviderConfig& config() const override { return config_; }

  void send(const ModelRequest& request, Callback done) override {
    const std::string key = replay_key(config_.model, request, replay_params(config_, request));
    const ModelResponse* recorded = book_.find(key);
    const bool embedding = request.kind == ModelRequest::Kind::kEmbedding;
    if (recorded != nullptr &&
        (!embedding || recorded->embeddings.size() == request.inputs.size())) {
      done(*recorded);
      return;
    }
    ModelResponse miss;
    if (recorded != nullptr) {
      miss.error_kind = error_kind::kMalformed;
      miss.error = "the recorded answer in " + config_.responses_file + " (key " +
                   key.substr(0, 12) + ") holds " + std::to_string(recorded->embeddings.size()) +
                   " embeddings for " + std::to_string(request.inputs.size()) + " inputs";
      done(std::move(miss));
      return;
    }
    miss.error_kind = error_kind::kReplayMiss;
    miss.error = "no recorded response for this request in " + config_.responses_file + " (key " +
                 key.substr(0, 12) + "); record one with --record";
    done(std::move(miss));
  }

 private:
  ProviderConfig config_;
  ReplayBook book_;
};

}  // namespace

Status make_replay_provider(const ProviderConfig& config, std::unique_ptr<Provider>* out) {
  if (config.responses_file.empty()) {
    return Status::error_at(config.where, "provider '" + config.id + "' needs a responses file");
  }
  ReplayBook book;
  if (Status s = book.load(config.responses_file); !s) return s;
  *out = std::make_unique<ReplayProvider>(config, std::move(book));
  return Status::ok();
}

}  // namespace evalkit

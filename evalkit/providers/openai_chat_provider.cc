#include "evalkit/providers/openai_chat_provider.h"

#include "evalkit/providers/response_recorder.h"
#include "evalkit/providers/retrying_sender.h"

namespace evalkit {
namespace {

std::string snippet(const std::string& body) {
  std::string s = body.substr(0, 200);
  for (char& c : s) {
    if (static_cast<unsigned char>(c) < 0x20) c = ' ';
  }
  return body.size() > 200 ? s + "…" : s;
}

// The server's own error message when the body is an OpenAI-style error object.
std::string server_message(const std::string& body) {
  nlohmann::json value = nlohmann::json::parse(body, nullptr, false);
  if (value.is_object() && value.contains("error")) {
    const auto& e = value["error"];
    if (e.is_object() && e.contains("message") && e["message"].is_string()) {
      return e["message"].get<std::string>();
    }
    if (e.is_string()) return e.get<std::string>();
  }
  return snippet(body);
}

class OpenAIChatProvider : public Provider {
 public:
  OpenAIChatProvider(const ProviderConfig& config, const ProviderEnvironment& environment,
                     std::string base_url, std::string api_key)
      : config_(config),
        environment_(environment),
        url_(std::move(base_url)),
        api_key_(std::move(api_key)) {
    while (!url_.empty() && url_.back() == '/') url_.pop_back();
    url_ += "/chat/completions";
    policy_.max_attempts = config.max_attempts;
    policy_.deadline_s = config.deadline_s;
    environment_.http->set_pool_limit(config.id, config.concurrency);
  }

  const ProviderConfig& config() const override { return config_; }

  void send(const ModelRequest& request, Callback done) override {
    nlohmann::json params = merge_params(config_.params, request.params);
    nlohmann::json body = params;
    body["model"] = config_.model;
    nlohmann::json messages = nlohmann::json::array();
    for (const auto& m : request.messages) {
      messages.push_back({{"role", m.role}, {"content", m.content}});
    }
    body["messages"] = std::move(messages);
    HttpRequest http;
    http.url = url_;
    http.pool = config_.id;
    http.timeout_s = config_.timeout_s;
    http.headers = {"Content-Type: application/json"};
    if (!api_key_.empty()) http.headers.push_back("Authorization: Bearer " + api_key_);
    http.body = body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    std::string key;
    if (environment_.recorder != nullptr) key = replay_key(config_.model, request, params);
    send_with_retries(
        *environment_.http, std::move(http), policy_, environment_.counters,
        [this, request, params, key, done = std::move(done)](SendOutcome outcome) {
          ModelResponse response = to_response(outcome);
          if (response.ok && environment_.recorder != nullptr) {
            environment_.recorder->record(key, config_.model, request, params, response);
          }
          done(std::move(response));
        });
  }

 private:
  ModelResponse to_response(const SendOutcome& outcome) const {
    ModelResponse response;
    response.attempts = outcome.attempts;
    response.latency_s = outcome.total_s;
    const HttpResponse& http = outcome.response;
    response.http_status = http.status;
    const std::string tries = outcome.attempts > 1
                                  ? " (after " + std::to_string(outcome.attempts) + " attempts)"
                                  : "";
    if (!http.transport_error.empty()) {
      response.error_kind =
          http.timed_out ? error_kind::kTimeout
                         : (http.body_too_large ? error_kind::kMalformed : error_kind::kConnect);
      response.error = http.transport_error + tries;
    } else if (http.status < 200 || http.status >= 300) {
      response.error_kind =
          (http.status == 429 || http.status >= 500) ? error_kind::kServer : error_kind::kHttp;
      response.error = "HTTP " + std::to_string(http.status) + ": " + server_message(http.body) + tries;
    } else {
      parse_chat_completion(http.body, &response);
    }
    if (!response.ok && environment_.counters) environment_.counters->count_error(response.error_kind);
    response.error = redact(std::move(response.error), api_key_);
    return response;
  }

  ProviderConfig config_;
  ProviderEnvironment environment_;
  std::string url_;
  std::string api_key_;
  RetryPolicy policy_;
};

}  // namespace

void parse_chat_completion(const std::string& body, ModelResponse* response) {
  const auto malformed = [&](const std::string& what) {
    response->ok = false;
    response->error_kind = error_kind::kMalformed;
    response->error = "malformed response: " + what;
  };
  nlohmann::json value = nlohmann::json::parse(body, nullptr, false);
  if (value.is_discarded()) return malformed("not valid JSON: " + snippet(body));
  if (!value.is_object()) return malformed("expected a JSON object");
  if (!value.contains("choices") || !value["choices"].is_array() || value["choices"].empty()) {
    return malformed("no 'choices' array");
  }
  const auto& choice = value["choices"][0];
  if (!choice.is_object() || !choice.contains("message") || !choice["message"].is_object()) {
    return malformed("choices[0] has no 'message' object");
  }
  const auto& message = choice["message"];
  if (message.contains("content") && !message["content"].is_null()) {
    if (!message["content"].is_string()) return malformed("message.content is not a string");
    response->text = message["content"].get<std::string>();
  }
  if (choice.contains("finish_reason") && choice["finish_reason"].is_string()) {
    response->finish_reason = choice["finish_reason"].get<std::string>();
  }
  if (value.contains("usage") && value["usage"].is_object()) {
    const auto& usage = value["usage"];
    if (usage.contains("prompt_tokens") && usage["prompt_tokens"].is_number_integer()) {
      response->prompt_tokens = usage["prompt_tokens"].get<int64_t>();
    }
    if (usage.contains("completion_tokens") && usage["completion_tokens"].is_number_integer()) {
      response->completion_tokens = usage["completion_tokens"].get<int64_t>();
    }
  }
  response->ok = true;
}

std::unique_ptr<Provider> make_openai_chat_provider(const ProviderConfig& config,
                                                    const ProviderEnvironment& environment,
                                                    std::string base_url, std::string api_key) {
  return std::make_unique<OpenAIChatProvider>(config, environment, std::move(base_url),
                                              std::move(api_key));
}

}  // namespace evalkit

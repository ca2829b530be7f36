#include "evalkit/base/json_parse.h"
#include "evalkit/providers/openai_chat_provider.h"

#include "evalkit/providers/openai_endpoint.h"
#include "evalkit/providers/response_recorder.h"
#include "evalkit/providers/retrying_sender.h"

namespace evalkit {
namespace {

class OpenAIChatProvider : public Provider {
 public:
  OpenAIChatProvider(const ProviderConfig& config, const ProviderEnvironment& environment,
                     std::string base_url, std::string api_key)
      : config_(config),
        environment_(environment),
        url_(openai_endpoint_url(std::move(base_url), "/chat/completions")),
        api_key_(std::move(api_key)),
        policy_(retry_policy_for(config)) {
    apply_rate_limits(*environment_.http, config);
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
    HttpRequest http = openai_post(config_, url_, api_key_, body);
    const double estimate = http.estimated_tokens;
    std::string key;
    if (environment_.recorder != nullptr) key = replay_key(config_.model, request, params);
    send_with_retries(*environment_.http, std::move(http), policy_, environment_.counters,
                      [this, request, params, key, estimate,
                       done = std::move(done)](SendOutcome outcome) {
                        ModelResponse response = to_response(outcome);
                        correct_token_estimate(*environment_.http, config_, estimate, response);
                        if (response.ok && environment_.recorder != nullptr) {
                          environment_.recorder->record(key, config_.model, request, params,
                                                        response);
                        }
                        done(std::move(response));
                      });
  }

 private:
  ModelResponse to_response(const SendOutcome& outcome) const {
    ModelResponse response;
    if (read_openai_outcome(outcome, &response)) {
      parse_chat_completion(outcome.response.body, &response);
    }
    explain_endpoint_failure(config_, url_, !api_key_.empty(), &response);
    settle_openai_response(&response, environment_.counters, api_key_);
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
  nlohmann::json value = parse_untrusted_json(body);
  if (value.is_discarded()) return malformed("not valid JSON: " + body_snippet(body));
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

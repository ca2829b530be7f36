#include "evalkit/providers/provider.h"

#include <cstdlib>

#include "evalkit/base/hash.h"
#include "evalkit/base/number_text.h"
#include "evalkit/base/secrets.h"
#include "evalkit/providers/anthropic_messages_provider.h"
#include "evalkit/providers/azure_openai_provider.h"
#include "evalkit/providers/bedrock_converse_provider.h"
#include "evalkit/providers/exec_provider.h"
#include "evalkit/providers/http_provider.h"
#include "evalkit/providers/openai_chat_provider.h"
#include "evalkit/providers/openai_embeddings_provider.h"
#include "evalkit/providers/replay_provider.h"
#include "evalkit/providers/script_provider.h"

namespace evalkit {

nlohmann::json merge_params(const nlohmann::json& provider_params,
                            const nlohmann::json& overrides) {
  nlohmann::json merged = provider_params.is_object() ? provider_params : nlohmann::json::object();
  if (overrides.is_object()) {
    for (const auto& [k, v] : overrides.items()) merged[k] = v;
  }
  return merged;
}

nlohmann::json replay_params(const ProviderConfig& config, const ModelRequest& request) {
  nlohmann::json params = merge_params(config.params, request.params);
  if (request.kind == ModelRequest::Kind::kEmbedding && config.dimensions) {
    params["dimensions"] = *config.dimensions;
  }
  return params;
}

std::string replay_key(const std::string& model, const ModelRequest& request,
                       const nlohmann::json& merged_params) {
  nlohmann::json key = chat_request_identity(request);
  key["model"] = model;
  key["params"] = merged_params;
  if (request.kind == ModelRequest::Kind::kEmbedding) {
    key = {{"model", model}, {"input", request.inputs}, {"params", merged_params}};
  }
  return canonical_json_hash(key);
}

std::string redact(std::string text, const std::string& secret) {
  text = redact_secrets(std::move(text));
  if (secret.size() < 4) return text;
  for (size_t at = text.find(secret); at != std::string::npos; at = text.find(secret, at)) {
    text.replace(at, secret.size(), kRedactedMark);
  }
  return text;
}

void explain_endpoint_failure(const ProviderConfig& config, const std::string& url, bool key_set,
                              ModelResponse* response) {
  if (response->ok || response->error.empty()) return;
  const std::string where = "provider '" + config.id + "' at " + redact_url(url);
  const std::string base_url_source = config.base_url.empty()
                                          ? "OPENAI_BASE_URL (the suite sets no base_url)"
                                          : "the provider's base_url in the suite";
  const std::string key_env = config.api_key_env.empty() ? "OPENAI_API_KEY" : config.api_key_env;
  std::string hint;
  if (response->error_kind == error_kind::kConnect) {
    response->error = where + " could not be reached: " + response->error;
    hint = "check " + base_url_source + " and that the server is running";
  } else if (response->error_kind == error_kind::kTimeout) {
    response->error = where + ": " + response->error;
    hint = "the server did not answer within the provider's timeout (" +
           format_number(config.timeout_s) + " s); raise 'timeout' or check the server";
  } else {
    response->error = where + ": " + response->error;
    if (response->http_status == 401 || response->http_status == 403) {
      hint = "check the key in " + key_env +
             (key_set ? " (it is set; is it the key for this endpoint?)" : " (it is not set)");
    } else if (response->http_status == 404) {
      hint = "check the model name '" + config.model + "' and the URL's path (" + base_url_source +
             "; OpenAI-compatible servers usually end it in /v1)";
    }
  }
  if (!hint.empty()) response->error += ". Likely fix: " + hint;
}

Status make_provider(const ProviderConfig& config, const ProviderEnvironment& environment,
                     std::unique_ptr<Provider>* out) {
  auto getenv = environment.getenv ? environment.getenv
                                   : [](const std::string& name) -> std::optional<std::string> {
    const char* v = std::getenv(name.c_str());
    return v ? std::optional<std::string>(v) : std::nullopt;
  };
  if (config.type == "replay") return make_replay_provider(config, out);
  if (config.type == "exec") {
    if (config.command.empty()) {
      return Status::error_at(config.where, "exec provider '" + config.id + "' needs a command");
    }
    *out = make_exec_provider(config);
    return Status::ok();
  }
  if (config.type == "script") return make_script_provider(config, out);
  const bool openai = config.type == "openai-chat" || config.type == "openai-embeddings";
  std::string base_url = config.base_url;
  if (openai && base_url.empty()) base_url = getenv("OPENAI_BASE_URL").value_or("");
  // An openai-* provider with no endpoint at all answers from its responses file; any
  // provider does under --replay-strict.
  if (((openai && base_url.empty()) || environment.replay_strict) &&
      !config.responses_file.empty()) {
    return make_replay_provider(config, out);
  }
  if (environment.replay_strict) {
    return Status::error_at(config.where, "provider '" + config.id +
                                              "' has no responses file and --replay-strict "
                                              "forbids network calls");
  }
  if (openai && base_url.empty()) base_url = "https://api.openai.com/v1";
  if (!base_url.empty()) {
    if (base_url.rfind("http://", 0) != 0 && base_url.rfind("https://", 0) != 0) {
      // OPENAI_BASE_URL is not checked by the suite loader; file:// or gopher:// would
      // read local files or talk to any port.
      return Status::error_at(config.where, "provider '" + config.id + "': base URL '" +
                                                redact_url(base_url) +
                                                "' must start with http:// or https:// (check "
                                                "base_url or OPENAI_BASE_URL)");
    }
    register_url_secrets(base_url);
  }
  std::string api_key;
  if (!config.api_key_env.empty()) {
    if (Status s = register_secret(config.api_key_env, getenv(config.api_key_env).value_or(""),
                                   &api_key);
        !s) {
      return Status::error_at(config.where, "provider '" + config.id + "': " + s.message());
    }
  }
  if (openai) {
    return config.type == "openai-chat"
               ? make_openai_chat_provider(config, environment, getenv, base_url, api_key, out)
               : make_openai_embeddings_provider(config, environment, getenv, base_url, api_key,
                                                 out);
  }
  if (config.type == "azure-openai") {
    return make_azure_openai_provider(config, environment, getenv, out);
  }
  if (config.type == "anthropic-messages") {
    return make_anthropic_messages_provider(config, environment, getenv, out);
  }
  if (config.type == "bedrock") {
    return make_bedrock_converse_provider(config, environment, getenv, out);
  }
  if (config.type == "http") return make_http_provider(config, environment, getenv, out);
  return Status::error_at(config.where, "provider type '" + config.type + "' is not supported");
}

}  // namespace evalkit

#include "evalkit/base/secrets.h"
#include "evalkit/providers/azure_openai_provider.h"

#include "evalkit/providers/endpoint_params.h"
#include "evalkit/providers/openai_chat_provider.h"
#include "evalkit/providers/protocol_provider.h"

namespace evalkit {

std::string azure_chat_url(const std::string& endpoint, const std::string& deployment) {
  return openai_endpoint_url(
      endpoint, "/openai/deployments/" + percent_encode(deployment) + "/chat/completions");
}

Status make_azure_openai_provider(const ProviderConfig& config,
                                  const ProviderEnvironment& environment, const EnvLookup& getenv,
                                  std::unique_ptr<Provider>* out) {
  std::string endpoint_url = config.base_url;
  if (endpoint_url.empty()) endpoint_url = getenv("AZURE_OPENAI_ENDPOINT").value_or("");
  if (endpoint_url.empty()) {
    return Status::error_at(config.where,
                            "azure-openai provider '" + config.id +
                                "' needs the resource endpoint: give 'base_url' (like "
                                "https://NAME.openai.azure.com) or set AZURE_OPENAI_ENDPOINT");
  }
  if (endpoint_url.rfind("http://", 0) != 0 && endpoint_url.rfind("https://", 0) != 0) {
    return Status::error_at(config.where, "azure-openai provider '" + config.id +
                                              "': the endpoint must start with https://");
  }
  register_url_secrets(endpoint_url);
  std::string api_key;
  if (Status s = register_secret(config.api_key_env, getenv(config.api_key_env).value_or(""),
                                 &api_key);
      !s) {
    return Status::error_at(config.where, "provider '" + config.id + "': " + s.message());
  }
  ProviderConfig with_version = config;
  const std::string version =
      config.api_version.empty() ? kDefaultAzureApiVersion : config.api_version;
  with_version.query.insert(with_version.query.begin(), SecretParam{"api-version", version});
  OpenAIEndpoint endpoint;
  if (Status s = make_openai_endpoint(with_version, getenv,
                                      azure_chat_url(endpoint_url, config.deployment), "",
                                      "api-key", api_key, &endpoint);
      !s) {
    return s;
  }
  // The api-version is no secret; every other value is.
  std::vector<std::string> secrets;
  for (const auto& secret : endpoint.secrets) {
    if (secret != version) secrets.push_back(secret);
  }
  endpoint.secrets = secrets;
  *out = make_protocol_provider(config, environment,
                                make_openai_chat_protocol(config, std::move(endpoint), false),
                                std::move(secrets));
  return Status::ok();
}

}  // namespace evalkit

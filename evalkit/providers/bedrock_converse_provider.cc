#include "evalkit/providers/bedrock_converse_provider.h"

#include <cctype>

#include "evalkit/base/json_parse.h"
#include "evalkit/base/secrets.h"
#include "evalkit/http/aws_sigv4.h"
#include "evalkit/providers/endpoint_params.h"
#include "evalkit/providers/openai_endpoint.h"
#include "evalkit/providers/protocol_provider.h"
#include "evalkit/providers/untrusted_fields.h"

namespace evalkit {
namespace {

void fail_malformed(ModelResponse* response, const std::string& what) {
  response->ok = false;
  response->error_kind = error_kind::kMalformed;
  response->error = "malformed response: " + what;
}

nlohmann::json content_blocks(const ChatMessage& m) {
  nlohmann::json blocks = nlohmann::json::array();
  if (m.role == "tool") {
    nlohmann::json result = nlohmann::json::object();
    result["toolUseId"] = m.tool_call_id;
    result["content"] = nlohmann::json::array();
    result["content"].push_back({{"text", m.content}});
    nlohmann::json block = nlohmann::json::object();
    block["toolResult"] = std::move(result);
    blocks.push_back(std::move(block));
    return blocks;
  }
  if (!m.content.empty()) blocks.push_back({{"text", m.content}});
  for (const auto& call : m.tool_calls) {
    nlohmann::json use = nlohmann::json::object();
    use["toolUseId"] = call.id;
    use["name"] = call.name;
    use["input"] =
        call.arguments.is_object() ? call.arguments : nlohmann::json{{"value", call.arguments}};
    nlohmann::json block = nlohmann::json::object();
    block["toolUse"] = std::move(use);
    blocks.push_back(std::move(block));
  }
  return blocks;
}

nlohmann::json tool_specs(const nlohmann::json& tools) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& tool : tools) {
    const auto& function = tool.contains("function") ? tool["function"] : tool;
    nlohmann::json spec = {{"name", function.value("name", "")}};
    if (function.contains("description")) spec["description"] = function["description"];
    spec["inputSchema"] = {
        {"json",
         function.contains("parameters") && function["parameters"].is_object()
             ? function["parameters"]
             : nlohmann::json{{"type", "object"}, {"properties", nlohmann::json::object()}}}};
    out.push_back({{"toolSpec", std::move(spec)}});
  }
  return out;
}

class BedrockConverseProtocol : public WireProtocol {
 public:
  BedrockConverseProtocol(std::string url, std::string host, std::string path,
                          std::vector<std::pair<std::string, std::string>> headers,
                          AwsCredentials credentials, std::string region,
                          std::function<std::time_t()> clock)
      : url_(std::move(url)),
        host_(std::move(host)),
        path_(std::move(path)),
        headers_(std::move(headers)),
        credentials_(std::move(credentials)),
        region_(std::move(region)),
        clock_(std::move(clock)) {}

  Status encode(const ModelRequest& request, const nlohmann::json& params,
                HttpRequest* http) const override {
    http->url = url_;
    http->body = bedrock_converse_body(request, params)
                     .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    AwsSignedRequest signing;
    signing.method = "POST";
    signing.host = host_;
    signing.path = path_;
    signing.headers = headers_;
    signing.body = http->body;
    http->headers = {"Host: " + host_};
    for (const auto& [name, value] : headers_) http->headers.push_back(name + ": " + value);
    for (auto& header : aws_sigv4_headers(signing, credentials_, region_, "bedrock", clock_())) {
      http->headers.push_back(std::move(header));
    }
    return Status::ok();
  }

  void decode(const HttpResponse& http, ModelResponse* response) const override {
    parse_bedrock_converse(http.body, response);
  }

 private:
  std::string url_;
  std::string host_;
  std::string path_;
  std::vector<std::pair<std::string, std::string>> headers_;
  AwsCredentials credentials_;
  std::string region_;
  std::function<std::time_t()> clock_;
};

// The Host header a URL implies: its authority without user info, and without a default port.
bool host_of(const std::string& url, std::string* host, std::string* path) {
  const size_t scheme_end = url.find("://");
  if (scheme_end == std::string::npos) return false;
  const bool https = url.compare(0, scheme_end, "https") == 0;
  const size_t start = scheme_end + 3;
  const size_t end = url.find_first_of("/?#", start);
  std::string authority =
      url.substr(start, end == std::string::npos ? std::string::npos : end - start);
  if (const size_t at = authority.rfind('@'); at != std::string::npos) authority.erase(0, at + 1);
  const std::string default_port = https ? ":443" : ":80";
  if (authority.size() > default_port.size() &&
      authority.compare(authority.size() - default_port.size(), default_port.size(),
                        default_port) == 0) {
    authority.resize(authority.size() - default_port.size());
  }
  *host = authority;
  *path = end == std::string::npos || url[end] != '/' ? "" : url.substr(end);
  return !authority.empty();
}

}  // namespace

std::string bedrock_converse_path(const std::string& model_id) {
  return "/model/" + percent_encode(model_id) + "/converse";
}

nlohmann::json bedrock_converse_body(const ModelRequest& request, const nlohmann::json& params) {
  nlohmann::json body = nlohmann::json::object();
  nlohmann::json inference = nlohmann::json::object();
  nlohmann::json additional = nlohmann::json::object();
  for (const auto& [key, value] : params.items()) {
    if (key == "max_tokens" || key == "max_completion_tokens" || key == "maxTokens") {
      inference["maxTokens"] = value;
    } else if (key == "temperature") {
      inference["temperature"] = value;
    } else if (key == "top_p" || key == "topP") {
      inference["topP"] = value;
    } else if (key == "stop" || key == "stopSequences") {
      inference["stopSequences"] = value.is_string() ? nlohmann::json::array({value}) : value;
    } else if (key == "seed" || key == "n" || key == "logprobs" || key == "top_logprobs" ||
               key == "frequency_penalty" || key == "presence_penalty" ||
               key == "response_format" || key == "parallel_tool_calls" || key == "user") {
      continue;
    } else {
      additional[key] = value;  // top_k and other model-specific fields
    }
  }
  nlohmann::json system = nlohmann::json::array();
  nlohmann::json messages = nlohmann::json::array();
  bool tool_blocks = false;
  for (const auto& m : request.messages) {
    if (m.role == "system") {
      system.push_back({{"text", m.content}});
      continue;
    }
    tool_blocks = tool_blocks || m.role == "tool" || !m.tool_calls.empty();
    const std::string role = m.role == "assistant" ? "assistant" : "user";
    nlohmann::json blocks = content_blocks(m);
    if (blocks.empty()) blocks.push_back({{"text", ""}});
    if (!messages.empty() && messages.back()["role"] == role) {
      for (auto& block : blocks) messages.back()["content"].push_back(std::move(block));
    } else {
      messages.push_back({{"role", role}, {"content", std::move(blocks)}});
    }
  }
  body["messages"] = std::move(messages);
  if (!system.empty()) body["system"] = std::move(system);
  if (!inference.empty()) body["inferenceConfig"] = std::move(inference);
  if (!additional.empty()) body["additionalModelRequestFields"] = std::move(additional);
  const bool has_tools = request.tools.is_array() && !request.tools.empty();
  const bool none = request.tool_choice == "none";
  if (has_tools && (!none || tool_blocks)) {
    nlohmann::json config = {{"tools", tool_specs(request.tools)}};
    const auto& choice = request.tool_choice;
    if (choice == "auto") {
      config["toolChoice"] = {{"auto", nlohmann::json::object()}};
    } else if (choice == "required") {
      config["toolChoice"] = {{"any", nlohmann::json::object()}};
    } else if (choice.is_object() && choice.contains("function")) {
      config["toolChoice"] = {{"tool", {{"name", choice["function"].value("name", "")}}}};
    }
    body["toolConfig"] = std::move(config);
  }
  return body;
}

void parse_bedrock_converse(const std::string& body, ModelResponse* response) {
  const nlohmann::json value = parse_untrusted_json(body);
  if (value.is_discarded())
    return fail_malformed(response, "not valid JSON: " + body_snippet(body));
  if (!value.is_object() || !value.contains("output") || !value["output"].is_object() ||
      !value["output"].contains("message") || !value["output"]["message"].is_object()) {
    return fail_malformed(response, "no 'output.message' object");
  }
  const auto& message = value["output"]["message"];
  if (!message.contains("content") || !message["content"].is_array()) {
    return fail_malformed(response, "output.message has no 'content' array");
  }
  for (const auto& block : message["content"]) {
    if (!block.is_object()) return fail_malformed(response, "a content block is not an object");
    if (block.contains("text")) {
      if (!block["text"].is_string())
        return fail_malformed(response, "a text block is not a string");
      response->text += block["text"].get<std::string>();
    } else if (block.contains("toolUse")) {
      const auto& use = block["toolUse"];
      if (!use.is_object() || !use.contains("name") || !use["name"].is_string()) {
        return fail_malformed(response, "a toolUse block has no 'name'");
      }
      ToolCall call;
      call.id = text_field(use, "toolUseId");
      call.name = use["name"].get<std::string>();
      call.arguments = use.contains("input") ? use["input"] : nlohmann::json::object();
      response->tool_calls.push_back(std::move(call));
    }
    // reasoningContent and other blocks are not part of the answer.
  }
  if (value.contains("stopReason") && value["stopReason"].is_string()) {
    response->finish_reason = value["stopReason"].get<std::string>();
  }
  if (value.contains("usage") && value["usage"].is_object()) {
    const auto& usage = value["usage"];
    if (usage.contains("inputTokens") && usage["inputTokens"].is_number_integer()) {
      response->prompt_tokens = usage["inputTokens"].get<int64_t>();
    }
    if (usage.contains("outputTokens") && usage["outputTokens"].is_number_integer()) {
      response->completion_tokens = usage["outputTokens"].get<int64_t>();
    }
  }
  response->ok = true;
}

Status make_bedrock_converse_provider(const ProviderConfig& config,
                                      const ProviderEnvironment& environment,
                                      const EnvLookup& getenv, std::unique_ptr<Provider>* out,
                                      std::function<std::time_t()> clock) {
  std::string region = config.region;
  if (region.empty()) region = getenv("AWS_REGION").value_or("");
  if (region.empty()) region = getenv("AWS_DEFAULT_REGION").value_or("");
  if (region.empty()) {
    return Status::error_at(config.where, "bedrock provider '" + config.id +
                                              "' needs a region: give 'region' or set AWS_REGION");
  }
  AwsCredentials credentials;
  credentials.access_key_id = getenv("AWS_ACCESS_KEY_ID").value_or("");
  credentials.secret_access_key = getenv("AWS_SECRET_ACCESS_KEY").value_or("");
  credentials.session_token = getenv("AWS_SESSION_TOKEN").value_or("");
  // The keys are sent (the access key id and the session token in headers) or used to sign;
  // an endpoint that echoes them, whole or cut, never gets them into a file or a message.
  for (auto [name, value] : {std::pair{"AWS_ACCESS_KEY_ID", &credentials.access_key_id},
                             std::pair{"AWS_SECRET_ACCESS_KEY", &credentials.secret_access_key},
                             std::pair{"AWS_SESSION_TOKEN", &credentials.session_token}}) {
    if (Status s = register_secret(name, *value, value); !s) {
      return Status::error_at(config.where, "bedrock provider '" + config.id + "': " + s.message());
    }
  }
  if (credentials.access_key_id.empty() || credentials.secret_access_key.empty()) {
    return Status::error_at(config.where, "bedrock provider '" + config.id +
                                              "' needs AWS credentials: set AWS_ACCESS_KEY_ID and "
                                              "AWS_SECRET_ACCESS_KEY (and AWS_SESSION_TOKEN for "
                                              "temporary ones)");
  }
  // The region becomes part of the default host name: a hostile one ("evil.example#") must
  // not move the signed request (and the session token) to another host.
  for (char c : region) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-') {
      return Status::error_at(config.where, "bedrock provider '" + config.id + "': region '" +
                                                region + "' is not a region name (like us-east-1)");
    }
  }
  std::string endpoint = config.base_url;
  if (endpoint.empty()) endpoint = "https://bedrock-runtime." + region + ".amazonaws.com";
  while (!endpoint.empty() && endpoint.back() == '/') endpoint.pop_back();
  std::string host, base_path;
  if (!host_of(endpoint, &host, &base_path)) {
    return Status::error_at(config.where, "bedrock provider '" + config.id +
                                              "': cannot read a host from the endpoint URL");
  }
  const std::string path = base_path + bedrock_converse_path(config.model);
  std::vector<std::pair<std::string, std::string>> headers = {{"Content-Type", "application/json"},
                                                              {"Accept", "application/json"}};
  std::vector<std::string> secrets = {credentials.secret_access_key, credentials.access_key_id};
  if (!credentials.session_token.empty()) secrets.push_back(credentials.session_token);
  if (!clock) clock = [] { return std::time(nullptr); };
  *out = make_protocol_provider(
      config, environment,
      std::make_unique<BedrockConverseProtocol>(
          endpoint.substr(0, endpoint.size() - base_path.size()) + path, host, path,
          std::move(headers), std::move(credentials), region, std::move(clock)),
      std::move(secrets));
  return Status::ok();
}

}  // namespace evalkit

#include "evalkit/base/secrets.h"
#include "evalkit/providers/anthropic_messages_provider.h"

#include <map>
#include <optional>

#include "evalkit/base/json_parse.h"
#include "evalkit/http/server_sent_events.h"
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

// Tool arguments are an object for the API; anything else (a model's non-JSON text) is kept
// under "value" rather than lost.
nlohmann::json tool_input(const nlohmann::json& arguments) {
  if (arguments.is_object()) return arguments;
  return {{"value", arguments}};
}

// The content blocks of one turn.
nlohmann::json turn_blocks(const ChatMessage& m) {
  nlohmann::json blocks = nlohmann::json::array();
  if (m.role == "tool") {
    blocks.push_back(
        {{"type", "tool_result"}, {"tool_use_id", m.tool_call_id}, {"content", m.content}});
    return blocks;
  }
  if (!m.content.empty()) blocks.push_back({{"type", "text"}, {"text", m.content}});
  for (const auto& call : m.tool_calls) {
    blocks.push_back({{"type", "tool_use"},
                      {"id", call.id},
                      {"name", call.name},
                      {"input", tool_input(call.arguments)}});
  }
  return blocks;
}

nlohmann::json anthropic_tools(const nlohmann::json& tools) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& tool : tools) {
    const auto& function = tool.contains("function") ? tool["function"] : tool;
    nlohmann::json converted = {{"name", function.value("name", "")}};
    if (function.contains("description")) converted["description"] = function["description"];
    converted["input_schema"] =
        function.contains("parameters") && function["parameters"].is_object()
            ? function["parameters"]
            : nlohmann::json{{"type", "object"}, {"properties", nlohmann::json::object()}};
    out.push_back(std::move(converted));
  }
  return out;
}

nlohmann::json anthropic_tool_choice(const nlohmann::json& choice) {
  if (choice == "auto") return {{"type", "auto"}};
  if (choice == "required") return {{"type", "any"}};
  if (choice == "none") return {{"type", "none"}};
  if (choice.is_object() && choice.contains("function") && choice["function"].is_object()) {
    return {{"type", "tool"}, {"name", choice["function"].value("name", "")}};
  }
  return nullptr;
}

void read_usage(const nlohmann::json& usage, ModelResponse* response) {
  if (!usage.is_object()) return;
  int64_t input = 0;
  bool has_input = false;
  for (const char* key :
       {"input_tokens", "cache_creation_input_tokens", "cache_read_input_tokens"}) {
    if (usage.contains(key) && usage[key].is_number_integer()) {
      input += usage[key].get<int64_t>();
      has_input = true;
    }
  }
  if (has_input) response->prompt_tokens = input;
  if (usage.contains("output_tokens") && usage["output_tokens"].is_number_integer()) {
    response->completion_tokens = usage["output_tokens"].get<int64_t>();
  }
}

// The error event's explanation: {"type": "error", "error": {"type", "message"}}.
std::string stream_error(const nlohmann::json& event) {
  const nlohmann::json& error = event.contains("error") ? event["error"] : event;
  std::string type = text_field(error, "type");
  std::string message = text_field(error, "message");
  return type.empty() ? message : type + ": " + message;
}

class AnthropicMessagesProtocol : public WireProtocol {
 public:
  AnthropicMessagesProtocol(const ProviderConfig& config, std::string url,
                            std::vector<std::string> headers)
      : model_(config.model),
        stream_(config.stream),
        url_(std::move(url)),
        headers_(std::move(headers)) {}

  Status encode(const ModelRequest& request, const nlohmann::json& params,
                HttpRequest* http) const override {
    http->url = url_;
    http->headers = headers_;
    http->body = anthropic_messages_body(request, params, model_, stream_)
                     .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    http->timestamp_body = stream_;
    return Status::ok();
  }

  void decode(const HttpResponse& http, ModelResponse* response) const override {
    if (stream_ && http.content_type.find("application/json") == std::string::npos) {
      parse_anthropic_stream(http, response);
    } else {
      parse_anthropic_message(http.body, response);
    }
  }

 private:
  std::string model_;
  bool stream_;
  std::string url_;
  std::vector<std::string> headers_;
};

// Most content blocks one streamed answer may open.
constexpr size_t kMaxStreamBlocks = 10000;

struct PartialBlock {
  std::string type;
  std::string text;
  std::string id;
  std::string name;
  std::string input_json;
  nlohmann::json input;  // a tool_use block's input as content_block_start gave it
};

}  // namespace

nlohmann::json anthropic_messages_body(const ModelRequest& request, const nlohmann::json& params,
                                       const std::string& model, bool stream) {
  nlohmann::json body = nlohmann::json::object();
  body["model"] = model;
  for (const auto& [key, value] : params.items()) {
    if (key == "stop") {
      body["stop_sequences"] = value.is_string() ? nlohmann::json::array({value}) : value;
    } else if (key == "max_completion_tokens") {
      body["max_tokens"] = value;
    } else if (key == "seed" || key == "n" || key == "logprobs" || key == "top_logprobs" ||
               key == "frequency_penalty" || key == "presence_penalty" ||
               key == "response_format" || key == "parallel_tool_calls" || key == "user") {
      continue;  // OpenAI's alone; the Messages API refuses unknown fields
    } else {
      body[key] = value;
    }
  }
  if (!body.contains("max_tokens")) body["max_tokens"] = kDefaultAnthropicMaxTokens;
  std::string system;
  nlohmann::json messages = nlohmann::json::array();
  for (const auto& m : request.messages) {
    if (m.role == "system") {
      if (!system.empty()) system += "\n\n";
      system += m.content;
      continue;
    }
    const std::string role = m.role == "assistant" ? "assistant" : "user";
    nlohmann::json blocks = turn_blocks(m);
    if (blocks.empty()) blocks.push_back({{"type", "text"}, {"text", ""}});
    // Consecutive turns on the same side become one message; tool results lead it.
    if (!messages.empty() && messages.back()["role"] == role) {
      auto& content = messages.back()["content"];
      if (content.is_string()) {
        content = nlohmann::json::array({{{"type", "text"}, {"text", content.get<std::string>()}}});
      }
      for (auto& block : blocks) content.push_back(std::move(block));
      continue;
    }
    const bool plain = blocks.size() == 1 && blocks[0]["type"] == "text";
    messages.push_back({{"role", role}, {"content", plain ? blocks[0]["text"] : blocks}});
  }
  if (!system.empty()) body["system"] = system;
  body["messages"] = std::move(messages);
  const bool has_tools = request.tools.is_array() && !request.tools.empty();
  if (has_tools) {
    body["tools"] = anthropic_tools(request.tools);
    nlohmann::json choice = anthropic_tool_choice(request.tool_choice);
    if (params.contains("parallel_tool_calls") && params["parallel_tool_calls"] == false) {
      if (choice.is_null()) choice = {{"type", "auto"}};
      if (choice["type"] != "none") choice["disable_parallel_tool_use"] = true;
    }
    if (!choice.is_null()) body["tool_choice"] = std::move(choice);
  }
  if (stream) body["stream"] = true;
  return body;
}

void parse_anthropic_message(const std::string& body, ModelResponse* response) {
  const nlohmann::json value = parse_untrusted_json(body);
  if (value.is_discarded())
    return fail_malformed(response, "not valid JSON: " + body_snippet(body));
  if (!value.is_object()) return fail_malformed(response, "expected a JSON object");
  if (text_field(value, "type") == "error") {
    response->ok = false;
    response->error_kind = error_kind::kServer;
    response->error = "the endpoint answered with an error: " + stream_error(value);
    return;
  }
  if (!value.contains("content") || !value["content"].is_array()) {
    return fail_malformed(response, "no 'content' array");
  }
  for (const auto& block : value["content"]) {
    if (!block.is_object()) return fail_malformed(response, "a content block is not an object");
    const std::string type = text_field(block, "type");
    if (type == "text") {
      if (!block.contains("text") || !block["text"].is_string()) {
        return fail_malformed(response, "a text block has no 'text' string");
      }
      response->text += block["text"].get<std::string>();
    } else if (type == "tool_use") {
      ToolCall call;
      call.id = text_field(block, "id");
      if (!block.contains("name") || !block["name"].is_string()) {
        return fail_malformed(response, "a tool_use block has no 'name'");
      }
      call.name = block["name"].get<std::string>();
      call.arguments = block.contains("input") ? block["input"] : nlohmann::json::object();
      response->tool_calls.push_back(std::move(call));
    }
    // thinking, redacted_thinking and server tool blocks are not part of the answer.
  }
  if (value.contains("stop_reason") && value["stop_reason"].is_string()) {
    response->finish_reason = value["stop_reason"].get<std::string>();
  }
  if (value.contains("usage")) read_usage(value["usage"], response);
  response->ok = true;
}

void parse_anthropic_stream(const HttpResponse& http, ModelResponse* response) {
  std::map<int64_t, PartialBlock> blocks;
  bool stopped = false;
  std::optional<size_t> first_token_end;
  for (const auto& event : parse_server_sent_events(http.body)) {
    const nlohmann::json data = parse_untrusted_json(event.data);
    if (!data.is_object()) {
      return fail_malformed(response,
                            "a stream event is not a JSON object: " + body_snippet(event.data));
    }
    const std::string type = text_field(data, "type", event.event);
    if (type == "error") {
      response->ok = false;
      response->error_kind = error_kind::kServer;
      response->error = "the stream ended in an error: " + stream_error(data);
      return;
    }
    if (type == "message_start") {
      if (data.contains("message") && data["message"].is_object() &&
          data["message"].contains("usage")) {
        read_usage(data["message"]["usage"], response);
      }
    } else if (type == "content_block_start") {
      const int64_t index = integer_field(data, "index", int64_t(blocks.size()));
      if (!data.contains("content_block") || !data["content_block"].is_object()) {
        return fail_malformed(response, "content_block_start without a content_block");
      }
      // A real answer has a handful of blocks; a flood of them is a hostile stream.
      if (blocks.size() >= kMaxStreamBlocks && blocks.count(index) == 0) {
        return fail_malformed(response, "the stream opened more than " +
                                            std::to_string(kMaxStreamBlocks) + " content blocks");
      }
      const auto& start = data["content_block"];
      PartialBlock& block = blocks[index];
      block.type = text_field(start, "type");
      if (block.type == "text" && start.contains("text") && start["text"].is_string()) {
        block.text = start["text"].get<std::string>();
      } else if (block.type == "tool_use") {
        block.id = text_field(start, "id");
        block.name = text_field(start, "name");
        if (start.contains("input")) block.input = start["input"];
        if (!first_token_end) first_token_end = event.end_offset;
      }
    } else if (type == "content_block_delta") {
      const int64_t index = integer_field(data, "index", 0);
      auto it = blocks.find(index);
      if (it == blocks.end() || !data.contains("delta") || !data["delta"].is_object()) {
        return fail_malformed(response, "content_block_delta for a block that never started");
      }
      const auto& delta = data["delta"];
      const std::string delta_type = text_field(delta, "type");
      if (delta_type == "text_delta" && delta.contains("text") && delta["text"].is_string()) {
        const std::string& piece = delta["text"].get_ref<const std::string&>();
        if (!piece.empty() && !first_token_end) first_token_end = event.end_offset;
        it->second.text += piece;
      } else if (delta_type == "input_json_delta" && delta.contains("partial_json") &&
                 delta["partial_json"].is_string()) {
        it->second.input_json += delta["partial_json"].get<std::string>();
      }
    } else if (type == "message_delta") {
      if (data.contains("delta") && data["delta"].is_object() &&
          data["delta"].contains("stop_reason") && data["delta"]["stop_reason"].is_string()) {
        response->finish_reason = data["delta"]["stop_reason"].get<std::string>();
      }
      // Counts here are cumulative; input counts appear in newer API versions only.
      if (data.contains("usage")) read_usage(data["usage"], response);
    } else if (type == "message_stop") {
      stopped = true;
      break;
    }
  }
  if (!stopped) return fail_malformed(response, "the stream ended before message_stop");
  for (auto& [index, block] : blocks) {
    if (block.type == "text") {
      response->text += block.text;
    } else if (block.type == "tool_use") {
      ToolCall call;
      call.id = std::move(block.id);
      call.name = std::move(block.name);
      if (!block.input_json.empty()) {
        call.arguments = tool_arguments_from_text(block.input_json);
      } else if (block.input.is_object()) {
        call.arguments = block.input;
      }
      response->tool_calls.push_back(std::move(call));
    }
  }
  response->streamed = true;
  if (first_token_end) {
    response->time_to_first_token_s = arrival_time_s(http.arrivals, *first_token_end - 1);
  }
  response->ok = true;
}

Status make_anthropic_messages_provider(const ProviderConfig& config,
                                        const ProviderEnvironment& environment,
                                        const EnvLookup& getenv, std::unique_ptr<Provider>* out) {
  std::string base_url = config.base_url;
  if (base_url.empty()) {
    base_url = getenv("ANTHROPIC_BASE_URL").value_or("");
    // The suite's base_url was checked when the suite loaded; the environment's is checked
    // here, and its credentials are redacted wherever they echo.
    if (!base_url.empty() && base_url.rfind("http://", 0) != 0 &&
        base_url.rfind("https://", 0) != 0) {
      return Status::error_at(config.where, "provider '" + config.id + "': base URL '" +
                                                redact_url(base_url) +
                                                "' must start with http:// or https:// (check "
                                                "ANTHROPIC_BASE_URL)");
    }
    register_url_secrets(base_url);
  }
  if (base_url.empty()) base_url = "https://api.anthropic.com";
  while (!base_url.empty() && base_url.back() == '/') base_url.pop_back();
  // Both https://api.anthropic.com and https://api.anthropic.com/v1 are common spellings.
  const bool has_version_path =
      base_url.size() >= 3 && base_url.substr(base_url.size() - 3) == "/v1";
  EndpointParams params;
  if (Status s = resolve_endpoint_params(config, getenv, &params); !s) return s;
  const std::string url =
      with_query(base_url + (has_version_path ? "/messages" : "/v1/messages"), params.query);
  std::string api_key;
  if (Status s = register_secret(config.api_key_env, getenv(config.api_key_env).value_or(""),
                                 &api_key);
      !s) {
    return Status::error_at(config.where, "provider '" + config.id + "': " + s.message());
  }
  std::vector<std::string> headers = {"Content-Type: application/json"};
  if (!api_key.empty() && !has_header(params.headers, "x-api-key") &&
      !has_header(params.headers, "Authorization")) {
    headers.push_back("x-api-key: " + api_key);
  }
  if (!has_header(params.headers, "anthropic-version")) {
    headers.push_back("anthropic-version: " + (config.anthropic_version.empty()
                                                   ? std::string(kDefaultAnthropicVersion)
                                                   : config.anthropic_version));
  }
  headers.insert(headers.end(), params.headers.begin(), params.headers.end());
  std::vector<std::string> secrets = std::move(params.secrets);
  if (!api_key.empty()) secrets.push_back(api_key);
  *out = make_protocol_provider(
      config, environment,
      std::make_unique<AnthropicMessagesProtocol>(config, url, std::move(headers)),
      std::move(secrets));
  return Status::ok();
}

}  // namespace evalkit

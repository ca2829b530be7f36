#include "evalkit/providers/openai_chat_provider.h"

#include <map>
#include <optional>

#include "evalkit/base/json_parse.h"
#include "evalkit/http/server_sent_events.h"
#include "evalkit/providers/protocol_provider.h"

namespace evalkit {
namespace {

void fail_malformed(ModelResponse* response, const std::string& what) {
  response->ok = false;
  response->error_kind = error_kind::kMalformed;
  response->error = "malformed response: " + what;
}

// OpenAI sends arguments as a JSON text; a call whose arguments were not JSON keeps its text.
std::string arguments_text(const nlohmann::json& arguments) {
  if (arguments.is_string()) return arguments.get<std::string>();
  return arguments.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

nlohmann::json openai_message(const ChatMessage& m) {
  nlohmann::json j = {{"role", m.role}};
  if (m.role == "tool") {
    j["tool_call_id"] = m.tool_call_id;
    j["content"] = m.content;
    return j;
  }
  if (m.role == "assistant" && !m.tool_calls.empty()) {
    j["content"] = m.content.empty() ? nlohmann::json(nullptr) : nlohmann::json(m.content);
    nlohmann::json calls = nlohmann::json::array();
    for (const auto& call : m.tool_calls) {
      calls.push_back(
          {{"id", call.id},
           {"type", "function"},
           {"function", {{"name", call.name}, {"arguments", arguments_text(call.arguments)}}}});
    }
    j["tool_calls"] = std::move(calls);
    return j;
  }
  j["content"] = m.content;
  if (!m.name.empty()) j["name"] = m.name;
  return j;
}

void read_usage(const nlohmann::json& value, ModelResponse* response) {
  if (!value.contains("usage") || !value["usage"].is_object()) return;
  const auto& usage = value["usage"];
  if (usage.contains("prompt_tokens") && usage["prompt_tokens"].is_number_integer()) {
    response->prompt_tokens = usage["prompt_tokens"].get<int64_t>();
  }
  if (usage.contains("completion_tokens") && usage["completion_tokens"].is_number_integer()) {
    response->completion_tokens = usage["completion_tokens"].get<int64_t>();
  }
}

class OpenAIChatProtocol : public WireProtocol {
 public:
  OpenAIChatProtocol(const ProviderConfig& config, OpenAIEndpoint endpoint, bool send_model)
      : model_(send_model ? config.model : ""),
        stream_(config.stream),
        endpoint_(std::move(endpoint)) {}

  Status encode(const ModelRequest& request, const nlohmann::json& params,
                HttpRequest* http) const override {
    http->url = endpoint_.url;
    http->headers = endpoint_.headers;
    http->body = openai_chat_body(request, params, model_, stream_)
                     .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    http->timestamp_body = stream_;
    return Status::ok();
  }

  void decode(const HttpResponse& http, ModelResponse* response) const override {
    // A server that ignores "stream" answers with one JSON body; read it as such.
    if (stream_ && http.content_type.find("application/json") == std::string::npos) {
      parse_chat_completion_stream(http, response);
    } else {
      parse_chat_completion(http.body, response);
    }
  }

 private:
  std::string model_;
  bool stream_;
  OpenAIEndpoint endpoint_;
};

// One tool call being assembled from stream fragments.
struct PartialCall {
  std::string id;
  std::string name;
  std::string arguments;
};

}  // namespace

nlohmann::json openai_chat_body(const ModelRequest& request, const nlohmann::json& params,
                                const std::string& model, bool stream) {
  nlohmann::json body = params;
  if (!model.empty()) body["model"] = model;
  nlohmann::json messages = nlohmann::json::array();
  for (const auto& m : request.messages) messages.push_back(openai_message(m));
  body["messages"] = std::move(messages);
  const bool has_tools = request.tools.is_array() && !request.tools.empty();
  if (has_tools) body["tools"] = request.tools;
  // A tool_choice without tools is refused by OpenAI.
  if (has_tools && !request.tool_choice.is_null()) body["tool_choice"] = request.tool_choice;
  if (stream) {
    body["stream"] = true;
    body["stream_options"] = {{"include_usage", true}};
  }
  return body;
}

void parse_chat_completion(const std::string& body, ModelResponse* response) {
  nlohmann::json value = parse_untrusted_json(body);
  if (value.is_discarded())
    return fail_malformed(response, "not valid JSON: " + body_snippet(body));
  if (!value.is_object()) return fail_malformed(response, "expected a JSON object");
  if (!value.contains("choices") || !value["choices"].is_array() || value["choices"].empty()) {
    return fail_malformed(response, "no 'choices' array");
  }
  const auto& choice = value["choices"][0];
  if (!choice.is_object() || !choice.contains("message") || !choice["message"].is_object()) {
    return fail_malformed(response, "choices[0] has no 'message' object");
  }
  const auto& message = choice["message"];
  if (message.contains("content") && !message["content"].is_null()) {
    if (!message["content"].is_string()) {
      return fail_malformed(response, "message.content is not a string");
    }
    response->text = message["content"].get<std::string>();
  }
  if (message.contains("tool_calls") && !message["tool_calls"].is_null()) {
    if (!message["tool_calls"].is_array()) {
      return fail_malformed(response, "message.tool_calls is not an array");
    }
    for (const auto& item : message["tool_calls"]) {
      ToolCall call;
      if (!tool_call_from_json(item, &call)) {
        return fail_malformed(response, "a tool call has no function name");
      }
      response->tool_calls.push_back(std::move(call));
    }
  }
  if (choice.contains("finish_reason") && choice["finish_reason"].is_string()) {
    response->finish_reason = choice["finish_reason"].get<std::string>();
  }
  read_usage(value, response);
  response->ok = true;
}

void parse_chat_completion_stream(const HttpResponse& http, ModelResponse* response) {
  std::map<int64_t, PartialCall> calls;  // by the stream's call index
  bool done = false;
  std::optional<size_t> first_token_end;
  for (const auto& event : parse_server_sent_events(http.body)) {
    if (event.data == "[DONE]") {
      done = true;
      break;
    }
    const nlohmann::json chunk = parse_untrusted_json(event.data);
    if (!chunk.is_object()) {
      return fail_malformed(response,
                            "a stream event is not a JSON object: " + body_snippet(event.data));
    }
    if (chunk.contains("error")) {
      response->ok = false;
      response->error_kind = error_kind::kServer;
      response->error = "the stream ended in an error: " + endpoint_error_message(event.data);
      return;
    }
    read_usage(chunk, response);
    if (!chunk.contains("choices") || !chunk["choices"].is_array() || chunk["choices"].empty()) {
      continue;  // the usage chunk, or a keep-alive
    }
    const auto& choice = chunk["choices"][0];
    if (!choice.is_object()) return fail_malformed(response, "a stream choice is not an object");
    if (choice.contains("delta") && choice["delta"].is_object()) {
      const auto& delta = choice["delta"];
      if (delta.contains("content") && !delta["content"].is_null()) {
        if (!delta["content"].is_string()) {
          return fail_malformed(response, "delta.content is not a string");
        }
        const std::string& piece = delta["content"].get_ref<const std::string&>();
        if (!piece.empty() && !first_token_end) first_token_end = event.end_offset;
        response->text += piece;
      }
      if (delta.contains("tool_calls") && delta["tool_calls"].is_array()) {
        for (size_t i = 0; i < delta["tool_calls"].size(); ++i) {
          const auto& fragment = delta["tool_calls"][i];
          if (!fragment.is_object())
            return fail_malformed(response, "a tool call delta is not an object");
          const int64_t index = fragment.contains("index") && fragment["index"].is_number_integer()
                                    ? fragment["index"].get<int64_t>()
                                    : int64_t(i);
          PartialCall& call = calls[index];
          if (fragment.contains("id") && fragment["id"].is_string()) call.id = fragment["id"];
          if (fragment.contains("function") && fragment["function"].is_object()) {
            const auto& function = fragment["function"];
            if (function.contains("name") && function["name"].is_string()) {
              call.name += function["name"].get<std::string>();
            }
            if (function.contains("arguments") && function["arguments"].is_string()) {
              call.arguments += function["arguments"].get<std::string>();
            }
          }
          if (!first_token_end) first_token_end = event.end_offset;
        }
      }
    }
    if (choice.contains("finish_reason") && choice["finish_reason"].is_string()) {
      response->finish_reason = choice["finish_reason"].get<std::string>();
    }
  }
  if (!done && response->finish_reason.empty()) {
    return fail_malformed(response, "the stream ended before the answer was complete");
  }
  for (auto& [index, partial] : calls) {
    if (partial.name.empty()) return fail_malformed(response, "a streamed tool call has no name");
    ToolCall call;
    call.id = std::move(partial.id);
    call.name = std::move(partial.name);
    call.arguments = tool_arguments_from_text(partial.arguments);
    response->tool_calls.push_back(std::move(call));
  }
  response->streamed = true;
  if (first_token_end) {
    response->time_to_first_token_s = arrival_time_s(http.arrivals, *first_token_end - 1);
  }
  response->ok = true;
}

std::unique_ptr<WireProtocol> make_openai_chat_protocol(const ProviderConfig& config,
                                                        OpenAIEndpoint endpoint, bool send_model) {
  return std::make_unique<OpenAIChatProtocol>(config, std::move(endpoint), send_model);
}

Status make_openai_chat_provider(const ProviderConfig& config,
                                 const ProviderEnvironment& environment, const EnvLookup& getenv,
                                 const std::string& base_url, const std::string& api_key,
                                 std::unique_ptr<Provider>* out) {
  OpenAIEndpoint endpoint;
  if (Status s = make_openai_endpoint(config, getenv, base_url, "/chat/completions",
                                      "Authorization", api_key, &endpoint);
      !s) {
    return s;
  }
  std::vector<std::string> secrets = endpoint.secrets;
  *out = make_protocol_provider(config, environment,
                                make_openai_chat_protocol(config, std::move(endpoint), true),
                                std::move(secrets));
  return Status::ok();
}

}  // namespace evalkit

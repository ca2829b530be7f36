#include "evalkit/providers/http_provider.h"

#include "evalkit/base/json_parse.h"
#include "evalkit/base/json_path.h"
#include "evalkit/base/secrets.h"
#include "evalkit/providers/endpoint_params.h"
#include "evalkit/providers/openai_endpoint.h"
#include "evalkit/providers/protocol_provider.h"
#include "evalkit/suite/template.h"

namespace evalkit {
namespace {

void fail_malformed(ModelResponse* response, const std::string& what) {
  response->ok = false;
  response->error_kind = error_kind::kMalformed;
  response->error = "malformed response: " + what;
}

// The name inside a string that is exactly one placeholder ("{{ messages }}"), or "".
std::string sole_placeholder(const std::string& text) {
  const size_t first = text.find_first_not_of(" \t");
  const size_t last = text.find_last_not_of(" \t");
  if (first == std::string::npos || text.compare(first, 2, "{{") != 0 || last < first + 3 ||
      text.compare(last - 1, 2, "}}") != 0) {
    return "";
  }
  const std::string inner = text.substr(first + 2, last - first - 3);
  if (inner.find("{{") != std::string::npos || inner.find("}}") != std::string::npos) return "";
  const size_t begin = inner.find_first_not_of(" \t");
  const size_t end = inner.find_last_not_of(" \t");
  return begin == std::string::npos ? "" : inner.substr(begin, end - begin + 1);
}

// A value shown as text: strings as they are, everything else as compact JSON.
std::string as_text(const nlohmann::json& value) {
  if (value.is_string()) return value.get<std::string>();
  return value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

// The URL with each {{placeholder}} replaced by its value, percent-encoded.
Status render_url(const std::string& url, const nlohmann::json& context, std::string* out) {
  nlohmann::json encoded = nlohmann::json::object();
  for (const auto& name : template_variables(url)) {
    const nlohmann::json* value = find_template_variable(context, name);
    if (value == nullptr)
      return Status::error("the url uses {{" + name + "}}, which the case lacks");
    // Dotted names become nested objects again so render_template finds them.
    nlohmann::json* at = &encoded;
    size_t start = 0;
    while (true) {
      const size_t dot = name.find('.', start);
      const std::string step =
          name.substr(start, dot == std::string::npos ? std::string::npos : dot - start);
      if (dot == std::string::npos) {
        (*at)[step] = percent_encode(as_text(*value));
        break;
      }
      at = &(*at)[step];
      start = dot + 1;
    }
  }
  return render_template(url, encoded, out);
}

class HttpProtocol : public WireProtocol {
 public:
  HttpProtocol(const ProviderConfig& config, std::vector<std::string> headers, std::string query)
      : config_(config.http), headers_(std::move(headers)), query_(std::move(query)) {}

  Status encode(const ModelRequest& request, const nlohmann::json& params,
                HttpRequest* http) const override {
    nlohmann::json context = http_template_context(request);
    context["params"] = params;
    std::string url;
    if (Status s = render_url(config_.url, context, &url); !s) return s;
    http->url = with_query(std::move(url), query_);
    http->method = config_.method;
    http->headers = headers_;
    if (config_.method != "GET" && !config_.body.is_null()) {
      nlohmann::json body;
      if (Status s = render_json_template(config_.body, context, &body); !s) {
        return Status::error("body: " + s.message());
      }
      http->body = body.is_string()
                       ? body.get<std::string>()
                       : body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    }
    return Status::ok();
  }

  void decode(const HttpResponse& http, ModelResponse* response) const override {
    read_http_answer(config_.paths, http.body, response);
  }

  bool is_error_status(int status) const override {
    if (config_.error_statuses.empty()) return status < 200 || status >= 300;
    for (const auto& [low, high] : config_.error_statuses) {
      if (status >= low && status <= high) return true;
    }
    return false;
  }

 private:
  HttpEndpointConfig config_;
  std::vector<std::string> headers_;
  std::string query_;
};

}  // namespace

nlohmann::json http_template_context(const ModelRequest& request) {
  nlohmann::json context = request.vars.is_object() ? request.vars : nlohmann::json::object();
  std::string prompt, system;
  for (const auto& m : request.messages) {
    if (m.role == "user") prompt = m.content;
    if (m.role == "system") system += (system.empty() ? "" : "\n\n") + m.content;
  }
  context["prompt"] = prompt;
  context["system"] = system;
  context["messages"] = chat_messages_to_json(request.messages);
  context["tools"] = request.tools;
  context["vars"] = request.vars.is_object() ? request.vars : nlohmann::json::object();
  return context;
}

Status render_json_template(const nlohmann::json& body, const nlohmann::json& context,
                            nlohmann::json* out) {
  if (body.is_string()) {
    const std::string text = body.get<std::string>();
    const std::string name = sole_placeholder(text);
    if (!name.empty()) {
      const nlohmann::json* value = find_template_variable(context, name);
      if (value == nullptr) return Status::error("{{" + name + "}} is not a variable of the case");
      *out = *value;
      return Status::ok();
    }
    std::string rendered;
    if (Status s = render_template(text, context, &rendered); !s) return s;
    *out = rendered;
    return Status::ok();
  }
  if (body.is_array()) {
    *out = nlohmann::json::array();
    for (const auto& item : body) {
      nlohmann::json rendered;
      if (Status s = render_json_template(item, context, &rendered); !s) return s;
      out->push_back(std::move(rendered));
    }
    return Status::ok();
  }
  if (body.is_object()) {
    *out = nlohmann::json::object();
    for (const auto& [key, item] : body.items()) {
      std::string rendered_key;
      if (Status s = render_template(key, context, &rendered_key); !s) return s;
      nlohmann::json rendered;
      if (Status s = render_json_template(item, context, &rendered); !s) return s;
      (*out)[rendered_key] = std::move(rendered);
    }
    return Status::ok();
  }
  *out = body;
  return Status::ok();
}

void read_http_answer(const HttpAnswerPaths& paths, const std::string& body,
                      ModelResponse* response) {
  const nlohmann::json value = parse_untrusted_json(body);
  if (value.is_discarded())
    return fail_malformed(response, "not valid JSON: " + body_snippet(body));
  if (!paths.error.empty()) {
    const nlohmann::json* error = find_json_path(value, paths.error);
    if (error != nullptr && !error->is_null() && *error != false && *error != "") {
      const nlohmann::json* message =
          error->is_object() ? find_json_path(*error, "message") : nullptr;
      response->ok = false;
      response->error_kind = error_kind::kHttp;
      response->error = "the endpoint reported an error: " +
                        body_snippet(as_text(message != nullptr ? *message : *error));
      return;
    }
  }
  const nlohmann::json* text = find_json_path(value, paths.output);
  if (text == nullptr || text->is_null()) {
    return fail_malformed(response, "no answer at '" + paths.output + "' in " + body_snippet(body));
  }
  response->text = as_text(*text);
  const auto read_count = [&](const std::string& path, int64_t* out) {
    if (path.empty()) return;
    const nlohmann::json* count = find_json_path(value, path);
    if (count == nullptr || !count->is_number()) return;
    // A count out of int64's range (1e300 from a hostile endpoint) is no count.
    const double number = count->get<double>();
    if (number > -9.2e18 && number < 9.2e18) *out = int64_t(number);
  };
  read_count(paths.prompt_tokens, &response->prompt_tokens);
  read_count(paths.completion_tokens, &response->completion_tokens);
  if (!paths.tool_calls.empty()) {
    const nlohmann::json* calls = find_json_path(value, paths.tool_calls);
    if (calls != nullptr && !calls->is_null()) {
      if (!calls->is_array()) {
        return fail_malformed(response, "'" + paths.tool_calls + "' is not a list of tool calls");
      }
      for (const auto& item : *calls) {
        ToolCall call;
        if (!tool_call_from_json(item, &call)) {
          return fail_malformed(response, "a tool call at '" + paths.tool_calls + "' has no name");
        }
        if (call.arguments.is_string()) {
          call.arguments = tool_arguments_from_text(call.arguments.get<std::string>());
        }
        response->tool_calls.push_back(std::move(call));
      }
    }
  }
  if (!paths.finish_reason.empty()) {
    const nlohmann::json* finish = find_json_path(value, paths.finish_reason);
    if (finish != nullptr && finish->is_string())
      response->finish_reason = finish->get<std::string>();
  }
  response->ok = true;
}

Status make_http_provider(const ProviderConfig& config, const ProviderEnvironment& environment,
                          const EnvLookup& getenv, std::unique_ptr<Provider>* out) {
  EndpointParams params;
  if (Status s = resolve_endpoint_params(config, getenv, &params); !s) return s;
  // Credentials written into the url itself (user:password@, ?api_key=...) are redacted
  // wherever an endpoint echoes them, as a base_url's are.
  register_url_secrets(config.http.url);
  std::vector<std::string> headers;
  if (config.http.method != "GET" && !has_header(params.headers, "Content-Type")) {
    headers.push_back("Content-Type: application/json");
  }
  headers.insert(headers.end(), params.headers.begin(), params.headers.end());
  std::vector<std::string> secrets = std::move(params.secrets);
  *out = make_protocol_provider(
      config, environment,
      std::make_unique<HttpProtocol>(config, std::move(headers), std::move(params.query)),
      std::move(secrets));
  return Status::ok();
}

}  // namespace evalkit

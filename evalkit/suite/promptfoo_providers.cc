#include "evalkit/base/secrets.h"
#include "evalkit/suite/promptfoo_providers.h"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <regex>
#include <set>

#include "evalkit/base/files.h"
#include "evalkit/suite/suite_keys.h"

namespace evalkit::promptfoo {
namespace {

// promptfoo's OpenAI-compatible services, with the base URLs their documentation gives.
constexpr CompatibleService kServices[] = {
    {"openrouter", "https://openrouter.ai/api/v1", "OPENROUTER_API_KEY"},
    {"groq", "https://api.groq.com/openai/v1", "GROQ_API_KEY"},
    {"mistral", "https://api.mistral.ai/v1", "MISTRAL_API_KEY"},
    {"deepseek", "https://api.deepseek.com/v1", "DEEPSEEK_API_KEY"},
    {"perplexity", "https://api.perplexity.ai", "PERPLEXITY_API_KEY"},
    {"cerebras", "https://api.cerebras.ai/v1", "CEREBRAS_API_KEY"},
    {"ollama", "http://localhost:11434/v1", ""},
    {"togetherai", "https://api.together.xyz/v1", "TOGETHER_API_KEY"},
    {"together", "https://api.together.xyz/v1", "TOGETHER_API_KEY"},
    {"fireworks", "https://api.fireworks.ai/inference/v1", "FIREWORKS_API_KEY"},
    {"xai", "https://api.x.ai/v1", "XAI_API_KEY"},
    {"google", "https://generativelanguage.googleapis.com/v1beta/openai", "GEMINI_API_KEY"},
    {"hyperbolic", "https://api.hyperbolic.xyz/v1", "HYPERBOLIC_API_KEY"},
    {"github", "https://models.github.ai/inference", "GITHUB_TOKEN"},
    {"lmstudio", "http://localhost:1234/v1", ""},
    {"localai", "http://localhost:8080/v1", ""},
    {"litellm", "http://0.0.0.0:4000", "LITELLM_API_KEY"},
    {"huggingface", "https://router.huggingface.co/v1", "HF_TOKEN"},  // `chat:` models only
};

// OpenAI chat request parameters carried into `params` as they are.
const std::set<std::string>& chat_params() {
  static const std::set<std::string> params = {"temperature",
                                               "max_tokens",
                                               "max_completion_tokens",
                                               "top_p",
                                               "seed",
                                               "stop",
                                               "presence_penalty",
                                               "frequency_penalty",
                                               "response_format",
                                               "tools",
                                               "tool_choice",
                                               "parallel_tool_calls",
                                               "reasoning_effort",
                                               "logit_bias",
                                               "logprobs",
                                               "top_logprobs",
                                               "user",
                                               "verbosity",
                                               "service_tier",
                                               "store",
                                               "metadata",
                                               "modalities",
                                               "top_k",
                                               "repetition_penalty",
                                               "min_p",
                                               "safe_prompt",
                                               "random_seed"};
  return params;
}

bool has_provider_key(const std::string& key) {
  const auto& keys = suite_keys::provider();
  return std::find(keys.begin(), keys.end(), key) != keys.end();
}

std::string env_base_url(const std::string& prefix, const std::string& url) {
  std::string name;
  for (char c : prefix)
    name += std::isalnum(static_cast<unsigned char>(c)) ? char(std::toupper(c)) : '_';
  return "${" + name + "_BASE_URL:-" + url + "}";
}

bool has_provider_type(const std::string& type) {
  const auto& types = suite_keys::provider_types();
  return std::find(types.begin(), types.end(), type) != types.end();
}

// The code file of promptfoo's custom providers (`python:x.py`, `file://x.py:fn`,
// `file://x.js`), or "".
std::string code_provider_file(const std::string& ref) {
  std::string file;
  if (ref.rfind("python:", 0) == 0) {
    file = ref.substr(7);
  } else if (ref.rfind("file://", 0) == 0) {
    file = ref.substr(7);
  } else {
    return "";
  }
  const size_t colon = file.find(':', 2);
  const std::string ext = extension_of(colon == std::string::npos ? file : file.substr(0, colon));
  static const std::set<std::string> kCode = {".py", ".js", ".mjs", ".cjs", ".ts", ".mts"};
  return kCode.count(ext) ? file : "";
}

// A value that may be `file://x.json` or `.yaml`: the file's content as JSON.
bool load_value(const YAML::Node& node, ImportContext& context, Json* out) {
  if (node.IsScalar() && node.Scalar().rfind("file://", 0) == 0) {
    const std::string path = context.resolve(node.Scalar());
    YAML::Node loaded;
    if (Status s = context.load_yaml(path, &loaded); !s) {
      context.dropped(node, "'" + node.Scalar() + "' cannot be read: " + s.message());
      return false;
    }
    ImportContext::FileScope scope(&context, path);
    *out = context.value(loaded);
    return true;
  }
  *out = context.value(node);
  return true;
}

// `config:` of an OpenAI-like provider into *provider (base_url, api_key_env, params).
void convert_openai_config(const YAML::Node& config, const std::string& ref, bool ollama,
                           ImportContext& context, Json* provider) {
  if (!config || !config.IsMap()) return;
  Json params = provider->contains("params") ? (*provider)["params"] : Json::object();
  for (const auto& item : config) {
    const std::string key = item.first.as<std::string>("");
    const YAML::Node& value = item.second;
    if (key == "apiBaseUrl" || key == "apiHost" || key == "baseUrl" || key == "basePath") {
      std::string url = value.as<std::string>("");
      if (key == "apiHost") url = "https://" + url + "/v1";
      if (url.rfind("http://", 0) != 0 && url.rfind("https://", 0) != 0) {
        context.dropped(item.first,
                        "provider '" + ref + "': " + key + " '" + url + "' is not an http(s) URL");
        continue;
      }
      (*provider)["base_url"] = url;
    } else if (key == "apiKeyEnvar") {
      (*provider)["api_key_env"] = value.as<std::string>("");
    } else if (key == "apiKey") {
      static const std::regex kEnvRef(
          R"(^\s*(\{\{\s*env\.([A-Za-z_][A-Za-z0-9_]*)\s*\}\}|\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?)\s*$)");
      std::smatch m;
      const std::string text = value.as<std::string>("");
      if (std::regex_match(text, m, kEnvRef)) {
        (*provider)["api_key_env"] = m[2].matched ? m[2].str() : m[3].str();
      } else {
        context.dropped(item.first, "provider '" + ref +
                                        "': a literal apiKey is never written to a suite; set "
                                        "api_key_env to the variable that holds it");
      }
    } else if (key == "headers" && has_provider_key("headers")) {
      (*provider)["headers"] = context.value(value);
    } else if (key == "passthrough" && value.IsMap()) {
      for (const auto& extra : value) {
        params[extra.first.as<std::string>("")] = context.value(extra.second);
      }
    } else if (key == "max_output_tokens" || key == "maxTokens") {
      params["max_tokens"] = context.value(value);
    } else if (key == "topP" || key == "presencePenalty" || key == "frequencyPenalty") {
      const std::string snake = key == "topP"              ? "top_p"
                                : key == "presencePenalty" ? "presence_penalty"
                                                           : "frequency_penalty";
      params[snake] = context.value(value);
    } else if (ollama && key == "num_predict") {
      params["max_tokens"] = context.value(value);
      context.changed(item.first, "provider '" + ref +
                                      "': Ollama's num_predict is sent as max_tokens to its "
                                      "OpenAI-compatible API");
    } else if (chat_params().count(key)) {
      Json loaded;
      if (!load_value(value, context, &loaded)) continue;
      params[key] = loaded;
    } else {
      context.dropped(item.first, "provider '" + ref + "': config '" + key + "' is not converted");
    }
  }
  if (!params.empty()) (*provider)["params"] = params;
}

std::string prefix_of(const std::string& ref) { return ref.substr(0, ref.find(':')); }

// "chat:model", "embedding:model", "model" after a service prefix.
std::string split_kind(const std::string& rest, std::string* kind) {
  static const char* kKinds[] = {"chat",      "completion", "embedding", "embeddings", "responses",
                                 "assistant", "realtime",   "image",     "text"};
  for (const char* k : kKinds) {
    const std::string prefix = std::string(k) + ":";
    if (rest.rfind(prefix, 0) == 0) {
      *kind = k;
      return rest.substr(prefix.size());
    }
  }
  *kind = "chat";
  return rest;
}

// `{{ env.NAME }}` (promptfoo's way of reading the environment) as `${NAME}`.
std::string env_references(const std::string& text) {
  static const std::regex kEnv(R"(\{\{\s*env\.([A-Za-z_][A-Za-z0-9_]*)\s*\}\})");
  return std::regex_replace(text, kEnv, "$${$1}");
}

Json env_references(const Json& value) {
  if (value.is_string()) return env_references(value.get<std::string>());
  Json out = value;
  if (out.is_object() || out.is_array()) {
    for (auto& item : out) item = env_references(item);
  }
  return out;
}

// Anthropic's tools ({name, description, input_schema}) in OpenAI's function form.
Json openai_tools(const Json& tools) {
  if (!tools.is_array()) return tools;
  Json out = Json::array();
  for (const auto& tool : tools) {
    if (tool.is_object() && tool.contains("input_schema")) {
      Json function = {{"name", tool.value("name", "")}};
      if (tool.contains("description")) function["description"] = tool["description"];
      function["parameters"] = tool["input_schema"];
      out.push_back({{"type", "function"}, {"function", function}});
    } else {
      out.push_back(tool);
    }
  }
  return out;
}

// promptfoo's transformResponse as an http provider's `output` path, when it is a plain path
// (`json.data.answer`, `json.choices[0].message.content`); "" for JavaScript.
std::string response_path(const std::string& transform) {
  static const std::regex kPath(R"(^\s*json((\.[A-Za-z_$][A-Za-z0-9_$]*)|(\[[0-9]+\]))*\s*$)");
  static const std::regex kWhole(R"(^\s*(json|JSON\.stringify\(\s*json\s*\))\s*$)");
  if (std::regex_match(transform, kWhole)) return "json";
  if (!std::regex_match(transform, kPath)) return "";
  std::string out;
  for (char c : transform) {
    if (c == '[') {
      out += '.';
    } else if (c != ']' && c != ' ' && c != '\t') {
      out += c;
    }
  }
  return out;
}

// Anthropic, Azure OpenAI, Bedrock and HTTP providers, when this evalkit has them. True when
// converted; false with out->provider left empty when prefix is none of them, or with
// out->provider set (and a note) when it is one of them but cannot be converted.
bool convert_protocol(const std::string& prefix, const std::string& rest, const std::string& ref,
                      const YAML::Node& where, const YAML::Node& config, ImportContext& context,
                      ConvertedProvider* out) {
  Json& provider = out->provider;
  const bool url_id = ref.rfind("http://", 0) == 0 || ref.rfind("https://", 0) == 0;
  std::string type;
  if (prefix == "anthropic") type = "anthropic-messages";
  if (prefix == "azure" || prefix == "azureopenai") type = "azure-openai";
  if (prefix == "bedrock") type = "bedrock";
  if (ref == "http" || ref == "https" || url_id) type = "http";
  if (type.empty()) return false;
  const auto fail = [&](const std::string& why) {
    provider = {{"type", type}};
    context.dropped(where, "provider '" + ref + "' is not converted: " + why);
    return false;
  };
  if (!has_provider_type(type)) return fail("this evalkit has no " + type + " provider");
  Json params = Json::object();
  provider = {{"type", type}};
  const auto map = [&](const std::map<std::string, std::string>& keys) {
    for (const auto& item : config) {
      const std::string key = item.first.as<std::string>("");
      const Json value = env_references(context.value(item.second));
      const auto it = keys.find(key);
      if (it == keys.end()) {
        context.dropped(item.first, "provider '" + ref + "': config '" + key + "' is not converted");
      } else if (it->second.rfind("params.", 0) == 0) {
        params[it->second.substr(7)] = value;
      } else if (!it->second.empty()) {
        provider[it->second] = value;
      }
    }
  };
  const bool has_config = config && config.IsMap();
  if (type == "anthropic-messages") {
    std::string kind;
    const std::string model = split_kind(rest, &kind);
    if (kind != "chat" && kind != "messages") return fail("only the Messages API is converted");
    const std::string name = rest.rfind("messages:", 0) == 0 ? rest.substr(9) : model;
    if (name.empty() || name.find("agent-sdk") != std::string::npos ||
        name.find("claude-code") != std::string::npos) {
      return fail("agents and Claude Code are not a model evalkit can call");
    }
    provider["model"] = name;
    out->name = name;
    if (has_config) {
      map({{"temperature", "params.temperature"}, {"max_tokens", "params.max_tokens"},
           {"top_p", "params.top_p"}, {"top_k", "params.top_k"}, {"stop", "params.stop"},
           {"thinking", "params.thinking"}, {"tools", "tools"}, {"tool_choice", "tool_choice"},
           {"headers", "headers"}, {"apiKeyEnvar", "api_key_env"}, {"apiBaseUrl", "base_url"}});
    }
    if (provider.contains("tools")) provider["tools"] = openai_tools(provider["tools"]);
    if (provider.contains("tool_choice") && provider["tool_choice"].is_object()) {
      const Json choice = provider["tool_choice"];
      const std::string kind_of = choice.value("type", "auto");
      provider["tool_choice"] = kind_of == "any"    ? Json("required")
                                : kind_of == "tool" ? Json(choice.value("name", ""))
                                : kind_of == "none" ? Json("none")
                                                    : Json("auto");
    }
  } else if (type == "azure-openai") {
    std::string kind;
    const std::string deployment = split_kind(rest, &kind);
    if (kind != "chat" || deployment.empty()) return fail("only Azure chat deployments are converted");
    provider["deployment"] = env_references(deployment);
    out->name = deployment;
    if (has_config) {
      for (const auto& item : config) {
        if (item.first.as<std::string>("") == "apiHost") {
          provider["base_url"] = "https://" + env_references(item.second.as<std::string>(""));
        }
      }
      std::map<std::string, std::string> keys = {
          {"apiHost", ""},           {"apiBaseUrl", "base_url"}, {"apiVersion", "api_version"},
          {"apiKeyEnvar", "api_key_env"}, {"headers", "headers"},   {"tools", "tools"},
          {"tool_choice", "tool_choice"}};
      for (const auto& param : chat_params()) {
        if (param != "tools" && param != "tool_choice") keys[param] = "params." + param;
      }
      map(keys);
    }
  } else if (type == "bedrock") {
    std::string model = rest.rfind("converse:", 0) == 0 ? rest.substr(9) : rest;
    if (model.empty() || rest.rfind("agents:", 0) == 0 || rest.rfind("kb:", 0) == 0 ||
        rest.rfind("completion:", 0) == 0 || rest.rfind("embedding", 0) == 0) {
      return fail("only Bedrock models through Converse are converted");
    }
    provider["model"] = model;
    out->name = model;
    if (has_config) {
      map({{"region", "region"}, {"endpoint", "base_url"}, {"temperature", "params.temperature"},
           {"max_tokens", "params.max_tokens"}, {"maxTokens", "params.max_tokens"},
           {"top_p", "params.top_p"}, {"topP", "params.top_p"}, {"top_k", "params.top_k"},
           {"topK", "params.top_k"}, {"stop", "params.stop"}, {"tools", "tools"},
           {"tool_choice", "tool_choice"}});
    }
  } else {
    std::string url = url_id ? ref : "";
    std::string output;
    if (has_config) {
      for (const auto& item : config) {
        const std::string key = item.first.as<std::string>("");
        if (key == "url") url = item.second.as<std::string>("");
        if (key == "transformResponse" || key == "transform") {
          if (!item.second.IsScalar() || (output = response_path(item.second.Scalar())).empty()) {
            return fail("its " + key + " is JavaScript; give the http provider an 'output' path");
          }
        }
        if (key == "body") {
          Json body = context.value(item.second);
          if (body.is_string()) {
            const Json parsed = Json::parse(body.get<std::string>(), nullptr, false);
            if (parsed.is_discarded() || !(parsed.is_object() || parsed.is_array())) {
              return fail("its body is not JSON");
            }
            body = parsed;
          }
          std::string problem;
          std::string text = body.dump(-1, ' ', false, Json::error_handler_t::replace);
          std::string converted;
          if (!evalkit_template(text, &converted, &problem)) return fail("its body " + problem);
          provider["body"] = Json::parse(converted, nullptr, false);
        }
      }
      map({{"url", ""}, {"method", "method"}, {"headers", "headers"}, {"queryParams", "query"},
           {"body", ""}, {"transformResponse", ""}, {"transform", ""}});
    }
    if (url.empty()) return fail("it has no url");
    provider["url"] = env_references(url);
    if (!output.empty()) provider["output"] = output;
    out->name = config && config["label"] ? config["label"].as<std::string>("") : "http";
  }
  if (!params.empty()) provider["params"] = params;
  return true;
}

bool convert_id(const std::string& ref, const YAML::Node& where, const YAML::Node& config,
                ImportContext& context, ConvertedProvider* out) {
  Json& provider = out->provider;
  provider = Json::object();
  if (prefix_of(ref) == "adaline") {
    // promptfoo's Adaline gateway wraps another provider: "adaline:openai:chat:gpt-4o-mini".
    const std::string inner = ref.substr(8);
    context.changed(where, "provider '" + ref + "' calls '" + inner +
                               "' directly, without the Adaline gateway");
    return convert_id(inner, where, config, context, out);
  }
  if (ref == "echo") {
    provider["type"] = "exec";
    provider["command"] = "cat";
    out->name = "echo";
    context.changed(where,
                    "provider 'echo' becomes an exec provider running 'cat', which "
                    "answers with the last user message of the prompt");
    return true;
  }
  const size_t colon = ref.find(':');
  const std::string prefix = colon == std::string::npos ? ref : ref.substr(0, colon);
  std::string rest = colon == std::string::npos ? "" : ref.substr(colon + 1);
  if (ref == "openai" || ref == "openai:chat") {
    // promptfoo's default OpenAI chat model.
    rest = "gpt-4.1-mini";
    context.changed(where, "provider '" + ref +
                               "' names no model: promptfoo's default, "
                               "gpt-4.1-mini, is written");
  }
  std::string kind;
  const std::string model = split_kind(rest, &kind);
  CompatibleService service{};
  const bool openai = prefix == "openai";
  const bool compatible = find_compatible_service(prefix, &service) &&
                          (prefix != "huggingface" || rest.rfind("chat:", 0) == 0);
  if ((openai || compatible) && !model.empty()) {
    if (kind == "embedding" || kind == "embeddings") {
      provider["type"] = "openai-embeddings";
      out->embeddings = true;
    } else if (kind == "chat" || (prefix == "ollama" && kind == "completion") ||
               (openai && kind == "responses")) {
      provider["type"] = "openai-chat";
      if (kind == "completion") {
        context.changed(where, "provider '" + ref +
                                   "': Ollama's completion API becomes its OpenAI-compatible "
                                   "chat API");
      } else if (kind == "responses") {
        context.changed(where, "provider '" + ref +
                                   "': OpenAI's Responses API becomes the Chat Completions API "
                                   "(same model; max_output_tokens is sent as max_tokens)");
      }
    } else {
      context.dropped(where, "provider '" + ref + "': the " + kind +
                                 " API is not converted (evalkit speaks the chat completions "
                                 "and embeddings APIs)");
      return false;
    }
    provider["model"] = model;
    out->name = model;
    if (compatible) {
      provider["base_url"] = env_base_url(prefix, service.base_url);
      provider["api_key_env"] =
          *service.key_env ? service.key_env : std::string(std::string(prefix) + "_API_KEY");
      std::string& key_env = provider["api_key_env"].get_ref<std::string&>();
      std::transform(key_env.begin(), key_env.end(), key_env.begin(),
                     [](unsigned char c) { return char(std::toupper(c)); });
    }
    convert_openai_config(config, ref, prefix == "ollama", context, &provider);
    return true;
  }
  if (prefix == "vertex" && model.rfind("gemini", 0) == 0) {
    provider["type"] = "openai-chat";
    provider["model"] = "google/" + model;
    provider["base_url"] =
        "${VERTEX_BASE_URL:-https://us-central1-aiplatform.googleapis.com/v1/projects/"
        "PROJECT_ID/locations/us-central1/endpoints/openapi}";
    provider["api_key_env"] = "VERTEX_ACCESS_TOKEN";
    out->name = model;
    context.changed(where, "provider '" + ref +
                               "' becomes Vertex AI's OpenAI-compatible endpoint: set "
                               "VERTEX_BASE_URL to your project's endpoint and "
                               "VERTEX_ACCESS_TOKEN (gcloud auth print-access-token)");
    convert_openai_config(config, ref, false, context, &provider);
    return true;
  }
  if (const std::string code = code_provider_file(ref); !code.empty()) {
    if (!has_provider_type("script")) {
      context.dropped(where, "provider '" + ref +
                                 "' is not converted: custom provider code needs evalkit's "
                                 "script provider");
      return false;
    }
    std::string file = code, function;
    const size_t colon = file.find(':', 2);
    if (colon != std::string::npos) {
      function = file.substr(colon);
      file = file.substr(0, colon);
    }
    const std::string ext = extension_of(file);
    if (ext == ".ts" || ext == ".mts") {
      context.dropped(where, "provider '" + ref +
                                 "' is TypeScript, which evalkit's script provider does not run");
      return false;
    }
    provider["type"] = "script";
    provider[ext == ".py" ? "python" : "javascript"] =
        "file://" + context.suite_relative(context.resolve(file)) + function;
    if (config && config.IsMap()) provider["config"] = context.value(config);
    out->name = std::filesystem::path(file).stem().string();
    return true;
  }
  if (convert_protocol(prefix, rest, ref, where, config, context, out)) return true;
  if (!out->provider.empty()) return false;  // noted by convert_protocol
  std::string why = "evalkit has no equivalent provider";
  if (prefix == "python" || prefix == "file" || prefix == "exec" || prefix == "golang") {
    why = "custom provider code needs evalkit's script provider";
  } else if (prefix == "anthropic" || prefix == "azure" || prefix == "azureopenai" ||
             prefix == "bedrock" || prefix == "http" || prefix == "https") {
    why = "this evalkit has no " + prefix + " provider";
  }
  context.dropped(where, "provider '" + ref + "' is not converted: " + why);
  return false;
}

}  // namespace

bool find_compatible_service(const std::string& prefix, CompatibleService* out) {
  for (const auto& service : kServices) {
    if (prefix == service.prefix) {
      *out = service;
      return true;
    }
  }
  return false;
}

// Credentials in a URL (user:password@, ?api-key=) are never written to a suite.
void strip_url_credentials(const YAML::Node& node, ImportContext& context, ConvertedProvider* out) {
  for (const char* key : {"base_url", "url"}) {  // an http provider's endpoint is its url
    const auto url = out->provider.find(key);
    if (url == out->provider.end() || !url->is_string()) continue;
    const std::string text = url->get<std::string>();
    const std::string redacted = redact_url(text);
    if (redacted == text) continue;
    *url = redacted;
    context.changed(node, "provider '" + out->name +
                              "': credentials in the URL are never written to a suite; they were "
                              "left out (send them in a header from the environment)");
  }
}

// A header or query value that holds a credential written into the config itself (not read
// from the environment) is never copied into the suite either: evalkit writes that file.
void strip_literal_credentials(const YAML::Node& node, ImportContext& context,
                               ConvertedProvider* out) {
  for (const char* key : {"headers", "query"}) {
    const auto map = out->provider.find(key);
    if (map == out->provider.end() || !map->is_object()) continue;
    std::vector<std::string> literal;
    for (const auto& [name, value] : map->items()) {
      std::string lower;
      for (char c : name) lower += char(std::tolower(static_cast<unsigned char>(c)));
      const bool credential = looks_like_secret_name(name) || lower == "authorization" ||
                              lower == "proxy-authorization" || lower == "cookie";
      const std::string text = value.is_string() ? value.get<std::string>() : value.dump();
      if (credential && text.find("${") == std::string::npos) literal.push_back(name);
    }
    for (const auto& name : literal) {
      map->erase(name);
      context.changed(node, "provider '" + out->name + "': " + key + " '" + name +
                                "' holds a credential written into the config; it is never "
                                "written to a suite and was left out (read it from the "
                                "environment: '" +
                                name + ": ${YOUR_VARIABLE}')");
    }
    if (map->empty()) out->provider.erase(map);
  }
}

bool convert_provider(const YAML::Node& node, ImportContext& context, ConvertedProvider* out) {
  *out = ConvertedProvider();
  if (node.IsScalar()) {
    if (!convert_id(node.Scalar(), node, YAML::Node(), context, out)) return false;
    strip_url_credentials(node, context, out);
    strip_literal_credentials(node, context, out);
    return true;
  }
  if (!node.IsMap()) {
    context.dropped(node, "a provider is a string or a map");
    return false;
  }
  YAML::Node options = node;
  std::string ref = node["id"] ? node["id"].as<std::string>("") : "";
  if (ref.empty() && node.size() == 1) {
    // {"openai:gpt-4": {config: ...}}
    ref = node.begin()->first.as<std::string>("");
    options.reset(node.begin()->second);
    if (!options.IsMap()) options.reset(YAML::Node(YAML::NodeType::Map));
  }
  if (ref.empty()) {
    context.dropped(node, "provider without an 'id'");
    return false;
  }
  if (ref.rfind("file://", 0) == 0 &&
      (extension_of(ref) == ".yaml" || extension_of(ref) == ".yml" ||
       extension_of(ref) == ".json")) {
    const std::string path = context.resolve(ref);
    YAML::Node loaded;
    if (Status s = context.load_yaml(path, &loaded); !s) {
      context.dropped(node, "provider file '" + ref + "' cannot be read: " + s.message());
      return false;
    }
    ImportContext::FileScope scope(&context, path);
    return convert_provider(loaded, context, out);
  }
  const YAML::Node id_node = node["id"] ? node["id"] : node;
  if (!convert_id(ref, id_node, options["config"], context, out)) return false;
  strip_url_credentials(id_node, context, out);
  strip_literal_credentials(id_node, context, out);
  for (const auto& item : options) {
    const std::string key = item.first.as<std::string>("");
    if (key == "id" || key == "config") continue;
    if (key == "label") {
      out->name = item.second.as<std::string>("");
    } else if (key == "prompts") {
      if (item.second.IsSequence()) {
        for (const auto& p : item.second) out->prompt_labels.push_back(p.as<std::string>(""));
      } else {
        out->prompt_labels.push_back(item.second.as<std::string>(""));
      }
    } else {
      context.dropped(item.first, "provider '" + ref + "': '" + key + "' is not converted");
    }
  }
  return true;
}

bool convert_grader(const YAML::Node& node, bool want_embeddings, ImportContext& context,
                    ConvertedProvider* out) {
  if (node.IsMap() && (node["text"] || node["embedding"])) {
    const YAML::Node part = want_embeddings ? node["embedding"] : node["text"];
    if (!part) return false;
    return convert_grader(part, want_embeddings, context, out);
  }
  if (!convert_provider(node, context, out)) return false;
  if (out->embeddings != want_embeddings) {
    context.dropped(node, std::string("grader is not ") +
                              (want_embeddings ? "an embeddings model" : "a chat model") +
                              " where one is needed");
    return false;
  }
  return true;
}

}  // namespace evalkit::promptfoo

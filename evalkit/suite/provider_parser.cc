#include "evalkit/suite/provider_parser.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <sstream>

#include "evalkit/base/secrets.h"
#include "evalkit/base/suggest.h"
#include "evalkit/suite/case_parser.h"
#include "evalkit/suite/env_expansion.h"
#include "evalkit/suite/http_provider_parser.h"
#include "evalkit/suite/message_parser.h"
#include "evalkit/suite/suite_keys.h"
#include "evalkit/worker/script_source.h"

namespace evalkit {
namespace {

// The request parameters every OpenAI-compatible endpoint reads, checked before any paid call:
// a non-numeric max_tokens or a temperature outside [0, 2] would fail every request.
Status check_params(const YAML::Node& node, const YamlReader& reader,
                    const nlohmann::json& params) {
  struct Range {
    const char* name;
    double low, high;
    bool integer;
  };
  static const Range kRanges[] = {{"max_tokens", 1, 1e9, true},
                                  {"max_completion_tokens", 1, 1e9, true},
                                  {"temperature", 0, 2, false},
                                  {"top_p", 0, 1, false},
                                  {"presence_penalty", -2, 2, false},
                                  {"frequency_penalty", -2, 2, false},
                                  {"n", 1, 128, true},
                                  {"seed", -9.3e18, 9.3e18, true}};
  for (const Range& range : kRanges) {
    const auto it = params.find(range.name);
    if (it == params.end() || it->is_null()) continue;
    const YAML::Node at = node[range.name] ? node[range.name] : node;
    // ${VAR} expansions arrive as text: "256" is read as the number it spells.
    double value = 0;
    bool number = it->is_number();
    bool integer = it->is_number_integer();
    if (number) {
      value = it->get<double>();
    } else if (it->is_string()) {
      const std::string text = it->get<std::string>();
      char* end = nullptr;
      value = std::strtod(text.c_str(), &end);
      number = !text.empty() && end != nullptr && *end == '\0';
      integer = number && text.find_first_of(".eE") == std::string::npos;
    }
    if (!number || (range.integer && !integer) || value < range.low || value > range.high) {
      char bounds[96];
      std::snprintf(bounds, sizeof bounds,
                    range.integer ? "an integer from %.0f to %.0f" : "a number from %g to %g",
                    range.low, range.high);
      std::string what = std::string("'") + range.name + "' in params must be " +
                         (std::string(range.name) == "seed" ? std::string("an integer") : bounds) +
                         ", got " + it->dump();
      return reader.error_at(at, what);
    }
  }
  return Status::ok();
}

// Keys that only make sense for some provider types.
struct TypeOnlyKey {
  const char* key;
  std::vector<std::string> types;
};

const std::vector<TypeOnlyKey>& type_only_keys() {
  const std::vector<std::string> network = {"openai-chat",        "openai-embeddings",
                                            "azure-openai",       "anthropic-messages",
                                            "bedrock",            "http"};
  const std::vector<std::string> chat_apis = {"openai-chat", "azure-openai", "anthropic-messages",
                                              "bedrock"};
  std::vector<std::string> replayable = network;
  replayable.push_back("replay");
  std::vector<std::string> tool_users = chat_apis;
  tool_users.push_back("replay");
  static const std::vector<TypeOnlyKey> keys = {
      {"batch_size", {"openai-embeddings"}},
      {"dimensions", {"openai-embeddings"}},
      {"responses", replayable},
      {"command", {"exec", "script"}},
      {"python", {"script"}},
      {"javascript", {"script"}},
      {"interpreter", {"script"}},
      {"config", {"script"}},
      {"workers", {"script"}},
      {"base_url", {"openai-chat", "openai-embeddings", "azure-openai", "anthropic-messages",
                    "bedrock"}},
      {"adaptive_concurrency", network},
      {"api_key_env", {"openai-chat", "openai-embeddings", "azure-openai", "anthropic-messages"}},
      {"headers", {"openai-chat", "openai-embeddings", "azure-openai", "anthropic-messages",
                   "http"}},
      {"query", {"openai-chat", "openai-embeddings", "azure-openai", "http"}},
      {"stream", {"openai-chat", "azure-openai", "anthropic-messages"}},
      {"tools", tool_users},
      {"tool_choice", tool_users},
      {"deployment", {"azure-openai"}},
      {"api_version", {"azure-openai"}},
      {"anthropic_version", {"anthropic-messages"}},
      {"region", {"bedrock"}},
      {"url", {"http"}},
      {"method", {"http"}},
      {"body", {"http"}},
      {"output", {"http"}},
      {"usage", {"http"}},
      {"tool_calls", {"http"}},
      {"finish_reason", {"http"}},
      {"error", {"http"}},
      {"error_status", {"http"}},
  };
  return keys;
}

// The environment variable a type reads its API key from when the suite names none.
std::string default_api_key_env(const std::string& type) {
  if (type == "anthropic-messages") return "ANTHROPIC_API_KEY";
  if (type == "azure-openai") return "AZURE_OPENAI_API_KEY";
  if (type.rfind("openai-", 0) == 0) return "OPENAI_API_KEY";
  return "";
}

Status read_positive(const YamlReader& reader, const YAML::Node& node, const std::string& what,
                     double* out) {
  if (Status s = reader.read_number(node, what, out); !s) return s;
  if (*out <= 0) return reader.error_at(node, "'" + what + "' must be greater than 0");
  return Status::ok();
}

Status read_at_least(const YamlReader& reader, const YAML::Node& node, const std::string& what,
                     int minimum, int* out) {
  if (Status s = reader.read_int(node, what, out); !s) return s;
  if (*out < minimum) {
    return reader.error_at(node, "'" + what + "' must be at least " + std::to_string(minimum));
  }
  return Status::ok();
}

Status read_command(const YamlReader& reader, const YAML::Node& node,
                    std::vector<std::string>* out) {
  if (node.IsScalar()) {
    // The string form splits on whitespace and does no shell quoting; the list form is for
    // arguments that contain spaces.
    std::string text;
    if (Status s = reader.read_string(node, "command", &text); !s) return s;
    std::istringstream words(text);
    std::string word;
    while (words >> word) out->push_back(word);
  } else if (Status s = reader.read_strings(node, "command", out); !s) {
    return s;
  }
  if (out->empty() || (*out)[0].empty()) return reader.error_at(node, "'command' is empty");
  return Status::ok();
}

// price: {input: USD per 1M prompt tokens, output: USD per 1M completion tokens}
Status read_price(const YamlReader& reader, const YAML::Node& node, TokenPrice* out) {
  if (!node.IsMap()) {
    return reader.error_at(node,
                           "expected a map {input: USD, output: USD} (per million tokens) "
                           "for 'price', got " +
                               describe_node(node));
  }
  bool has_input = false, has_output = false;
  for (const auto& entry : node) {
    const std::string name = entry.first.Scalar();
    if (name != "input" && name != "output") {
      return reader.error_at(entry.first, "'price' takes 'input' and 'output', not '" + name + "'");
    }
    double& value = name == "input" ? out->input_per_million : out->output_per_million;
    if (Status s = reader.read_number(entry.second, "price." + name, &value); !s) return s;
    if (value < 0)
      return reader.error_at(entry.second, "'price." + name + "' must not be negative");
    (name == "input" ? has_input : has_output) = true;
  }
  if (!has_input || !has_output) {
    return reader.error_at(node,
                           "'price' needs both 'input' and 'output' (USD per million tokens)");
  }
  return Status::ok();
}

Status parse_provider(const YAML::Node& node, const YamlReader& reader,
                      const std::string& directory, ProviderConfig* out) {
  if (node.IsMap() && node["api_key"]) {
    return reader.error_at(node["api_key"],
                           "a suite never holds an API key: name the environment variable that "
                           "holds it with 'api_key_env'");
  }
  std::vector<std::pair<YAML::Node, YAML::Node>> entries;
  if (Status s = reader.entries(node, suite_keys::provider(), "provider", &entries); !s) return s;
  out->where = reader.where(node);
  out->directory = directory;
  YAML::Node type_node, tool_choice_node;
  bool has_tool_choice = false;
  for (const auto& [key, value] : entries) {
    const std::string& name = key.Scalar();
    const YAML::Node& at = value;
    Status status;
    if (name == "id") {
      status = reader.read_string(at, "id", &out->id);
    } else if (name == "type") {
      type_node = at;
      status = reader.read_string(at, "type", &out->type);
    } else if (name == "model") {
      status = reader.read_string(at, "model", &out->model);
    } else if (name == "base_url") {
      status = reader.read_string(at, "base_url", &out->base_url);
      // Empty (e.g. "${OPENAI_BASE_URL:-}" unset) means: OPENAI_BASE_URL, else the replay
      // responses file when there is one, else OpenAI's URL.
      if (status && !out->base_url.empty() && out->base_url.rfind("http://", 0) != 0 &&
          out->base_url.rfind("https://", 0) != 0) {
        status = reader.error_at(at, "'base_url' must start with http:// or https://, got '" +
                                         redact_url(out->base_url) + "'");
      }
    } else if (name == "api_key_env") {
      status = reader.read_literal(at, "api_key_env", &out->api_key_env);
      if (status && !is_env_name(out->api_key_env)) {
        status = reader.error_at(at,
                                 "'api_key_env' names an environment variable (like "
                                 "OPENAI_API_KEY), got '" +
                                     out->api_key_env + "'");
      }
    } else if (name == "params") {
      if (!value.IsMap()) {
        return reader.error_at(at, "expected a map for 'params', got " + describe_node(value));
      }
      status = reader.read_json(value, &out->params);
      for (auto it = value.begin(); status && it != value.end(); ++it) {
        // A key in params is sent in the request body and written to the store and reports.
        if (looks_like_secret_name(it->first.Scalar())) {
          status = reader.error_at(
              it->first, "'params." + it->first.Scalar() +
                             "' would write a secret into the suite, the store and every "
                             "report; name the environment variable that holds the key with "
                             "'api_key_env'");
        }
      }
      if (status) status = check_params(value, reader, out->params);
    } else if (name == "concurrency") {
      status = read_at_least(reader, at, name, 1, &out->concurrency);
    } else if (name == "adaptive_concurrency") {
      nlohmann::json flag;
      status = reader.read_json(at, &flag);
      if (status && !flag.is_boolean()) {
        status = reader.error_at(at, "expected true or false for 'adaptive_concurrency', got " +
                                         describe_node(at));
      }
      if (status) out->adaptive_concurrency = flag.get<bool>();
    } else if (name == "timeout") {
      status = read_positive(reader, at, name, &out->timeout_s);
    } else if (name == "max_attempts") {
      status = read_at_least(reader, at, name, 1, &out->max_attempts);
    } else if (name == "deadline") {
      status = read_positive(reader, at, name, &out->deadline_s);
    } else if (name == "requests_per_minute" || name == "tokens_per_minute") {
      double& limit =
          name == "requests_per_minute" ? out->requests_per_minute : out->tokens_per_minute;
      status = reader.read_number(at, name, &limit);
      if (status && limit < 0) status = reader.error_at(at, "'" + name + "' must not be negative");
    } else if (name == "batch_size") {
      status = read_at_least(reader, at, name, 1, &out->batch_size);
    } else if (name == "dimensions") {
      int dimensions = 0;
      status = read_at_least(reader, at, name, 1, &dimensions);
      out->dimensions = dimensions;
    } else if (name == "responses") {
      std::string file;
      status = reader.read_string(at, "responses", &file);
      if (status) status = reader.resolve_path(at, directory, file, &out->responses_file);
    } else if (name == "command") {
      status = read_command(reader, at, &out->command);
    } else if (name == "python" || name == "javascript") {
      std::string code;
      status = reader.read_string(at, name, &code);
      out->extra[name] = code;
    } else if (name == "interpreter") {
      std::vector<std::string> argv;
      status = read_command(reader, at, &argv);
      out->extra[name] = argv;
    } else if (name == "config") {
      nlohmann::json config;
      status = reader.read_json(value, &config);
      out->extra[name] = config;
    } else if (name == "workers") {
      int workers = 0;
      status = read_at_least(reader, at, name, 1, &workers);
      out->extra[name] = workers;
    } else if (name == "price") {
      TokenPrice price;
      status = read_price(reader, at, &price);
      out->price = price;
    } else if (name == "prompts") {
      status = reader.read_strings(at, "prompts", &out->prompts);
    } else if (name == "headers" || name == "query") {
      status = parse_secret_params(at, reader, name, name == "headers" ? &out->headers : &out->query);
    } else if (name == "stream") {
      nlohmann::json flag;
      status = reader.read_json(at, &flag);
      if (status && !flag.is_boolean()) {
        status = reader.error_at(at, "expected true or false for 'stream', got " + describe_node(at));
      }
      if (status) out->stream = flag.get<bool>();
    } else if (name == "tools") {
      status = parse_tools(at, reader, &out->tools);
    } else if (name == "tool_choice") {
      tool_choice_node = at;
      has_tool_choice = true;
    } else if (name == "deployment" || name == "api_version" || name == "anthropic_version" ||
               name == "region") {
      std::string* field = name == "deployment"    ? &out->deployment
                           : name == "api_version" ? &out->api_version
                           : name == "region"      ? &out->region
                                                   : &out->anthropic_version;
      status = reader.read_string(at, name, field);
      if (status && field->empty()) status = reader.error_at(at, "'" + name + "' is empty");
    } else {
      bool handled = false;
      status = parse_http_endpoint_key(name, at, reader, &out->http, &handled);
    }
    if (!status) return status;
  }
  if (has_tool_choice) {
    if (Status s = parse_tool_choice(tool_choice_node, reader, out->tools, &out->tool_choice); !s) {
      return s;
    }
  }
  // A `stream` in params would change the answer's wire format behind the parser's back.
  if (out->params.contains("stream")) {
    if (out->params["stream"].is_boolean()) out->stream = out->params["stream"].get<bool>();
    out->params.erase("stream");
  }
  if (out->id.empty()) return reader.error_at(node, "provider has no 'id'");
  if (out->type.empty()) {
    return reader.error_at(node, "provider '" + out->id +
                                     "' has no 'type' (one of openai-chat, "
                                     "openai-embeddings, azure-openai, anthropic-messages, "
                                     "bedrock, http, replay, exec)");
  }
  const auto& types = suite_keys::provider_types();
  if (std::find(types.begin(), types.end(), out->type) == types.end()) {
    return reader.error_at(
        type_node, "provider type '" + out->type + "' is unknown" + did_you_mean(out->type, types));
  }
  for (const auto& [key, value] : entries) {
    for (const auto& rule : type_only_keys()) {
      if (key.Scalar() == rule.key &&
          std::find(rule.types.begin(), rule.types.end(), out->type) == rule.types.end()) {
        return reader.error_at(key, "'" + key.Scalar() + "' does not apply to " + out->type +
                                        " provider '" + out->id + "'");
      }
    }
  }
  const bool needs_model = out->type.rfind("openai-", 0) == 0 ||
                           out->type == "anthropic-messages" || out->type == "bedrock";
  if (needs_model && out->model.empty()) {
    return reader.error_at(node, "provider '" + out->id + "' (" + out->type + ") needs a 'model'");
  }
  if (out->api_key_env.empty()) out->api_key_env = default_api_key_env(out->type);
  if (out->type == "azure-openai") {
    if (out->deployment.empty()) out->deployment = out->model;
    if (out->deployment.empty()) {
      return reader.error_at(node, "azure-openai provider '" + out->id +
                                       "' needs a 'deployment' (or a 'model' named like it)");
    }
  }
  if (out->type == "http") {
    if (out->http.url.empty()) {
      return reader.error_at(node, "http provider '" + out->id + "' needs a 'url'");
    }
    if (out->http.paths.output.empty()) {
      return reader.error_at(node, "http provider '" + out->id +
                                       "' needs 'output': where the answer's text is in the "
                                       "response (like json.answer.text or /answer/text)");
    }
    if (out->stream) {
      return reader.error_at(node, "http provider '" + out->id + "' cannot stream");
    }
  }
  if (out->type == "replay" && out->responses_file.empty()) {
    return reader.error_at(
        node, "replay provider '" + out->id + "' needs 'responses' (a recorded responses file)");
  }
  if (out->type == "exec" && out->command.empty()) {
    return reader.error_at(node, "exec provider '" + out->id + "' needs a 'command'");
  }
  if (out->type == "script") {
    // Checked now (no process is started) so that `validate` catches a missing interpreter
    // or file.
    ScriptSource source;
    std::string error;
    if (!make_script_source(script_options(out->extra, out->command, directory), &source,
                            &error)) {
      return reader.error_at(node, "script provider '" + out->id + "': " + error);
    }
  }
  return Status::ok();
}

}  // namespace

Status parse_providers(const YAML::Node& node, const YamlReader& reader,
                       const std::string& directory, std::vector<ProviderConfig>* out) {
  if (!node.IsSequence()) {
    return reader.error_at(
        node, "expected a list of providers for 'providers', got " + describe_node(node));
  }
  for (const auto& item : node) {
    ProviderConfig provider;
    if (Status s = parse_provider(item, reader, directory, &provider); !s) return s;
    out->push_back(std::move(provider));
  }
  return Status::ok();
}

}  // namespace evalkit

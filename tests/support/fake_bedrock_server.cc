#include "tests/support/fake_bedrock_server.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <map>
#include <mutex>
#include <set>
#include <sstream>

#include "tests/support/fake_model_turns.h"

namespace evalkit::testing {
namespace {

using ordered_json = nlohmann::ordered_json;

// The server's own SigV4 arithmetic, written apart from evalkit's signer so the two check
// each other.
std::string hex(const unsigned char* bytes, size_t size) {
  std::ostringstream out;
  static const char kHex[] = "0123456789abcdef";
  for (size_t i = 0; i < size; ++i) out << kHex[bytes[i] >> 4] << kHex[bytes[i] & 15];
  return out.str();
}

std::string sha256(const std::string& data) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  EVP_Digest(data.data(), data.size(), digest, &size, EVP_sha256(), nullptr);
  return hex(digest, size);
}

std::string hmac(const std::string& key, const std::string& data) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  HMAC(EVP_sha256(), key.data(), int(key.size()),
       reinterpret_cast<const unsigned char*>(data.data()), data.size(), digest, &size);
  return std::string(reinterpret_cast<const char*>(digest), size);
}

// AWS's UriEncode(): every byte but A-Z a-z 0-9 - _ . ~ as %XX (upper-case hex).
std::string aws_encode(const std::string& text) {
  std::string out;
  char buffer[4];
  for (unsigned char c : text) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += char(c);
    } else {
      std::snprintf(buffer, sizeof buffer, "%%%02X", c);
      out += buffer;
    }
  }
  return out;
}

std::string aws_decode(const std::string& text) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '%' && i + 2 < text.size() &&
        std::isxdigit(static_cast<unsigned char>(text[i + 1])) &&
        std::isxdigit(static_cast<unsigned char>(text[i + 2]))) {
      out += char(std::stoi(text.substr(i + 1, 2), nullptr, 16));
      i += 2;
    } else {
      out += text[i];
    }
  }
  return out;
}

std::vector<std::string> split(const std::string& text, char separator) {
  std::vector<std::string> parts;
  std::string part;
  std::istringstream in(text);
  while (std::getline(in, part, separator)) parts.push_back(part);
  if (!text.empty() && text.back() == separator) parts.push_back("");
  return parts;
}

std::string trim(const std::string& text) {
  const size_t first = text.find_first_not_of(" \t");
  if (first == std::string::npos) return "";
  return text.substr(first, text.find_last_not_of(" \t") - first + 1);
}

HttpResponse aws_error(int status, const std::string& type, const std::string& message) {
  HttpResponse response;
  response.status = status;
  response.headers.emplace_back("x-amzn-ErrorType",
                                type + ":http://internal.amazon.com/coral/com.amazon.bedrock/");
  response.body = ordered_json{{"message", message}}.dump();
  return response;
}

std::time_t parse_amz_date(const std::string& text) {
  std::tm tm{};
  if (text.size() != 16 || strptime(text.c_str(), "%Y%m%dT%H%M%SZ", &tm) == nullptr) return -1;
  return timegm(&tm);
}

}  // namespace

std::string bedrock_signature_problem(const HttpRequest& request,
                                      const FakeBedrockServerOptions& options, std::time_t now) {
  const std::string* authorization = request.header("Authorization");
  if (authorization == nullptr) return "Missing Authentication Token";
  const std::string prefix = "AWS4-HMAC-SHA256 ";
  if (authorization->rfind(prefix, 0) != 0)
    return "Authorization header requires 'AWS4-HMAC-SHA256'";
  std::map<std::string, std::string> fields;
  for (const auto& part : split(authorization->substr(prefix.size()), ',')) {
    const std::string field = trim(part);
    const size_t equals = field.find('=');
    if (equals != std::string::npos) fields[field.substr(0, equals)] = field.substr(equals + 1);
  }
  for (const char* name : {"Credential", "SignedHeaders", "Signature"}) {
    if (fields.count(name) == 0) {
      return std::string("Authorization header requires '") + name + "' parameter.";
    }
  }
  const std::vector<std::string> scope = split(fields["Credential"], '/');
  if (scope.size() != 5 || scope[4] != "aws4_request")
    return "Credential should be scoped correctly";
  if (scope[0] != options.access_key_id)
    return "The security token included in the request is invalid.";
  const std::string* date_header = request.header("x-amz-date");
  if (date_header == nullptr) return "Missing x-amz-date";
  const std::time_t signed_at = parse_amz_date(*date_header);
  if (signed_at < 0) return "Invalid X-Amz-Date";
  if (std::llabs(static_cast<long long>(now - signed_at)) > 15 * 60) {
    return "Signature expired: " + *date_header + " is not within 15 minutes of now";
  }
  if (scope[1] != date_header->substr(0, 8)) return "Credential should be scoped to a valid date";
  if (scope[2] != options.region) {
    return "Credential should be scoped to a valid region, not '" + scope[2] + "'.";
  }
  if (scope[3] != "bedrock") return "Credential should be scoped to correct service: 'bedrock'.";
  const std::vector<std::string> signed_headers = split(fields["SignedHeaders"], ';');
  for (const char* required : {"host", "x-amz-date"}) {
    if (std::find(signed_headers.begin(), signed_headers.end(), required) == signed_headers.end()) {
      return std::string("SignedHeaders must include ") + required;
    }
  }
  if (!options.session_token.empty()) {
    const std::string* token = request.header("x-amz-security-token");
    if (token == nullptr || *token != options.session_token) {
      return "The security token included in the request is invalid.";
    }
  }
  // The canonical request, from what arrived.
  std::string canonical_uri;
  const std::vector<std::string> segments = split(request.path, '/');
  for (size_t i = 0; i < segments.size(); ++i) {
    if (i > 0) canonical_uri += '/';
    canonical_uri += aws_encode(segments[i]);
  }
  if (canonical_uri.empty()) canonical_uri = "/";
  std::vector<std::pair<std::string, std::string>> query;
  const size_t mark = request.target.find('?');
  if (mark != std::string::npos) {
    for (const auto& pair : split(request.target.substr(mark + 1), '&')) {
      if (pair.empty()) continue;
      const size_t equals = pair.find('=');
      query.emplace_back(
          aws_encode(aws_decode(pair.substr(0, equals))),
          equals == std::string::npos ? "" : aws_encode(aws_decode(pair.substr(equals + 1))));
    }
  }
  std::sort(query.begin(), query.end());
  std::string canonical_query;
  for (const auto& [name, value] : query) {
    canonical_query += (canonical_query.empty() ? "" : "&") + name + "=" + value;
  }
  std::string canonical_headers;
  for (const auto& name : signed_headers) {
    std::string joined;
    bool found = false;
    for (const auto& [header, value] : request.headers) {
      std::string lower = header;
      std::transform(lower.begin(), lower.end(), lower.begin(), ::tolower);
      if (lower != name) continue;
      std::string collapsed;
      for (char c : trim(value)) {
        if (c == ' ' && !collapsed.empty() && collapsed.back() == ' ') continue;
        collapsed += c;
      }
      joined += (found ? "," : "") + collapsed;
      found = true;
    }
    if (!found) return "SignedHeaders names '" + name + "', which the request does not carry";
    canonical_headers += name + ":" + joined + "\n";
  }
  const std::string canonical_request = request.method + "\n" + canonical_uri + "\n" +
                                        canonical_query + "\n" + canonical_headers + "\n" +
                                        fields["SignedHeaders"] + "\n" + sha256(request.body);
  const std::string string_to_sign = "AWS4-HMAC-SHA256\n" + *date_header + "\n" + scope[1] + "/" +
                                     scope[2] + "/" + scope[3] + "/aws4_request\n" +
                                     sha256(canonical_request);
  std::string key = hmac("AWS4" + options.secret_access_key, scope[1]);
  key = hmac(key, scope[2]);
  key = hmac(key, scope[3]);
  key = hmac(key, "aws4_request");
  const std::string expected = hmac(key, string_to_sign);
  if (hex(reinterpret_cast<const unsigned char*>(expected.data()), expected.size()) !=
      fields["Signature"]) {
    return "The request signature we calculated does not match the signature you provided. "
           "Check your AWS Secret Access Key and signing method. Consult the service "
           "documentation for details.\n\nThe Canonical String for this request should have "
           "been\n'" +
           canonical_request + "'";
  }
  return "";
}

std::string converse_request_problem(const nlohmann::json& body) {
  static const std::set<std::string> known = {"messages",
                                              "system",
                                              "inferenceConfig",
                                              "toolConfig",
                                              "guardrailConfig",
                                              "additionalModelRequestFields",
                                              "additionalModelResponseFieldPaths",
                                              "promptVariables",
                                              "requestMetadata",
                                              "performanceConfig"};
  if (!body.is_object())
    return "Malformed input request, please reformat your input and try again.";
  for (const auto& [key, value] : body.items()) {
    if (known.count(key) == 0)
      return "Malformed input request: extraneous key [" + key + "] is not permitted";
  }
  if (!body.contains("messages") || !body["messages"].is_array() || body["messages"].empty()) {
    return "The model returned the following errors: messages: at least one message is required";
  }
  if (body.contains("inferenceConfig")) {
    for (const auto& [key, value] : body["inferenceConfig"].items()) {
      if (key != "maxTokens" && key != "temperature" && key != "topP" && key != "stopSequences") {
        return "Malformed input request: extraneous key [" + key + "] is not permitted";
      }
    }
  }
  bool tool_blocks = false;
  std::set<std::string> open_ids;
  const auto& messages = body["messages"];
  for (size_t i = 0; i < messages.size(); ++i) {
    const auto& message = messages[i];
    const std::string role = message.value("role", "");
    if (role != "user" && role != "assistant") {
      return "Value at 'messages." + std::to_string(i + 1) +
             ".member.role' failed to satisfy constraint";
    }
    if (i == 0 && role != "user") return "A conversation must start with a user message.";
    if (i > 0 && messages[i - 1].value("role", "") == role) {
      return "A conversation must alternate between user and assistant roles.";
    }
    if (!message.contains("content") || !message["content"].is_array() ||
        message["content"].empty()) {
      return "The content field in the Message object at messages." + std::to_string(i) +
             " is empty.";
    }
    std::set<std::string> used, answered;
    for (const auto& block : message["content"]) {
      if (!block.is_object() || block.size() != 1) return "Malformed content block";
      if (block.contains("text")) {
        if (!block["text"].is_string() || block["text"].get<std::string>().empty()) {
          return "The text field in the ContentBlock object is blank.";
        }
      } else if (block.contains("toolUse")) {
        tool_blocks = true;
        if (role != "assistant") return "toolUse blocks belong to assistant messages";
        const auto& use = block["toolUse"];
        if (!use.contains("toolUseId") || !use.contains("name") || !use.contains("input") ||
            !use["input"].is_object()) {
          return "Malformed toolUse block";
        }
        used.insert(use["toolUseId"].get<std::string>());
      } else if (block.contains("toolResult")) {
        tool_blocks = true;
        const auto& result = block["toolResult"];
        const std::string id = result.value("toolUseId", "");
        if (open_ids.count(id) == 0) {
          return "The toolResult block " + id +
                 " does not match a toolUse block of the previous turn.";
        }
        if (!result.contains("content") || !result["content"].is_array())
          return "Malformed toolResult block";
        answered.insert(id);
      } else {
        return "Unsupported content block " + block.begin().key();
      }
    }
    for (const auto& id : open_ids) {
      if (answered.count(id) == 0) {
        return "Expected toolResult blocks at messages." + std::to_string(i) +
               ".content for the following Ids: " + id;
      }
    }
    open_ids = used;
  }
  if (tool_blocks && !body.contains("toolConfig")) {
    return "The toolConfig field must be defined when using toolUse and toolResult content blocks.";
  }
  if (body.contains("toolConfig")) {
    const auto& config = body["toolConfig"];
    if (!config.contains("tools") || !config["tools"].is_array() || config["tools"].empty()) {
      return "toolConfig.tools must not be empty";
    }
    for (const auto& tool : config["tools"]) {
      if (!tool.contains("toolSpec") || !tool["toolSpec"].contains("name") ||
          !tool["toolSpec"].contains("inputSchema") ||
          !tool["toolSpec"]["inputSchema"].contains("json")) {
        return "Malformed toolSpec: name and inputSchema.json are required";
      }
    }
    if (config.contains("toolChoice")) {
      const auto& choice = config["toolChoice"];
      if (!choice.is_object() || choice.size() != 1 ||
          !(choice.contains("auto") || choice.contains("any") || choice.contains("tool"))) {
        return "Malformed toolChoice";
      }
    }
  }
  return "";
}

class FakeBedrockServer::Handler : public HttpHandler {
 public:
  explicit Handler(FakeBedrockServerOptions options) : options_(std::move(options)) {}

  HttpReply handle(HttpRequest& request) override {
    {
      std::lock_guard lock(mutex_);
      log_.push_back({request.method, request.path, request.headers, request.body, request.target});
    }
    HttpReply reply{answer(request)};
    reply.delay = std::chrono::milliseconds(options_.latency_ms);
    return reply;
  }

  HttpResponse reject(int status, std::string_view message) override {
    return aws_error(status, "ValidationException", std::string(message));
  }

  std::vector<ReceivedRequest> log() const {
    std::lock_guard lock(mutex_);
    return log_;
  }
  uint64_t signature_failures() const {
    std::lock_guard lock(mutex_);
    return signature_failures_;
  }

 private:
  HttpResponse answer(const HttpRequest& request) {
    const std::string prefix = "/model/";
    const std::string suffix = "/converse";
    if (request.method != "POST" || request.path.rfind(prefix, 0) != 0 ||
        request.path.size() <= prefix.size() + suffix.size() ||
        request.path.compare(request.path.size() - suffix.size(), suffix.size(), suffix) != 0) {
      return aws_error(404, "UnknownOperationException", "Unknown operation");
    }
    if (std::string problem = bedrock_signature_problem(request, options_, std::time(nullptr));
        !problem.empty()) {
      std::lock_guard lock(mutex_);
      ++signature_failures_;
      return aws_error(403, "InvalidSignatureException", problem);
    }
    if (throttled_ < options_.throttled_first) {
      ++throttled_;
      return aws_error(429, "ThrottlingException",
                       "Too many requests, please wait before trying again.");
    }
    const std::string model = aws_decode(
        request.path.substr(prefix.size(), request.path.size() - prefix.size() - suffix.size()));
    const nlohmann::json body = nlohmann::json::parse(request.body, nullptr, false);
    if (body.is_discarded())
      return aws_error(400, "ValidationException",
                       "Malformed input request, please reformat your input and try again.");
    if (std::string problem = converse_request_problem(body); !problem.empty()) {
      return aws_error(400, "ValidationException", problem);
    }
    FakeConversation conversation;
    size_t input_words = 0;
    for (const auto& message : body["messages"]) {
      if (message["role"] != "user") continue;
      conversation.trailing_tool_results.clear();
      std::string text;
      for (const auto& block : message["content"]) {
        if (block.contains("text")) text += block["text"].get<std::string>();
        if (block.contains("toolResult")) {
          std::string result;
          for (const auto& part : block["toolResult"]["content"]) {
            if (part.contains("text")) result += part["text"].get<std::string>();
            if (part.contains("json")) result += part["json"].dump();
          }
          conversation.trailing_tool_results.push_back(result);
        }
      }
      input_words += std::count(text.begin(), text.end(), ' ') + 1;
      if (!text.empty()) conversation.last_user_text = text;
    }
    if (body.contains("toolConfig")) {
      for (const auto& tool : body["toolConfig"]["tools"]) {
        conversation.tool_names.push_back(tool["toolSpec"]["name"]);
      }
      const auto& config = body["toolConfig"];
      if (config.contains("toolChoice")) {
        if (config["toolChoice"].contains("any")) conversation.tool_mode = FakeToolMode::kRequired;
        if (config["toolChoice"].contains("tool")) {
          conversation.tool_mode = FakeToolMode::kNamed;
          conversation.forced_tool = config["toolChoice"]["tool"]["name"];
        }
      }
    }
    const FakeTurn turn = decide_fake_turn(conversation, "tooluse_fake_", ++answers_);
    ordered_json content = ordered_json::array();
    if (!turn.text.empty()) content.push_back({{"text", turn.text}});
    size_t output_words =
        turn.text.empty() ? 0 : std::count(turn.text.begin(), turn.text.end(), ' ') + 1;
    for (const auto& call : turn.calls) {
      content.push_back(
          {{"toolUse", {{"toolUseId", call.id}, {"name", call.name}, {"input", call.arguments}}}});
      output_words += 3;
    }
    HttpResponse response;
    response.body = ordered_json{
        {"output", {{"message", {{"role", "assistant"}, {"content", content}}}}},
        {"stopReason", turn.calls.empty() ? "end_turn" : "tool_use"},
        {"usage",
         {{"inputTokens", input_words},
          {"outputTokens", output_words},
          {"totalTokens", input_words + output_words}}},
        {"metrics", {{"latencyMs", options_.latency_ms}}},
        {"modelId",
         model}}.dump();
    return response;
  }

  FakeBedrockServerOptions options_;
  int throttled_ = 0;     // I/O thread only
  uint64_t answers_ = 0;  // I/O thread only
  mutable std::mutex mutex_;
  std::vector<ReceivedRequest> log_;
  uint64_t signature_failures_ = 0;
};

FakeBedrockServer::FakeBedrockServer(FakeBedrockServerOptions options)
    : handler_(std::make_unique<Handler>(std::move(options))),
      http_(std::make_unique<EventLoopHttpServer>(0, *handler_)) {}

FakeBedrockServer::~FakeBedrockServer() { stop(); }

std::string FakeBedrockServer::base_url() const {
  return "http://127.0.0.1:" + std::to_string(http_->port());
}
std::vector<ReceivedRequest> FakeBedrockServer::request_log() const { return handler_->log(); }
uint64_t FakeBedrockServer::signature_failures() const { return handler_->signature_failures(); }
void FakeBedrockServer::stop() { http_->stop(); }

}  // namespace evalkit::testing

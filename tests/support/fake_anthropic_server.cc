#include "tests/support/fake_anthropic_server.h"

#include <algorithm>
#include <set>

#include "tests/support/fake_model_turns.h"

namespace evalkit::testing {
namespace {

using ordered_json = nlohmann::ordered_json;

HttpResponse anthropic_error(int status, const std::string& type, const std::string& message) {
  HttpResponse response;
  response.status = status;
  response.body =
      ordered_json{{"type", "error"}, {"error", {{"type", type}, {"message", message}}}}.dump();
  return response;
}

size_t words(const std::string& text) {
  size_t n = 0;
  bool in_word = false;
  for (char c : text) {
    const bool space = c == ' ' || c == '\n' || c == '\t';
    if (!space && !in_word) ++n;
    in_word = !space;
  }
  return n;
}

// The text of a content value: a string, or the text blocks of a block array.
std::string text_of(const nlohmann::json& content) {
  if (content.is_string()) return content.get<std::string>();
  std::string text;
  if (content.is_array()) {
    for (const auto& block : content) {
      if (block.is_object() && block.value("type", "") == "text" && block.contains("text") &&
          block["text"].is_string()) {
        text += block["text"].get<std::string>();
      }
    }
  }
  return text;
}

const std::set<std::string>& known_fields() {
  static const std::set<std::string> fields = {
      "model",    "messages",       "max_tokens", "system",     "temperature", "top_p",
      "top_k",    "stop_sequences", "stream",     "tools",      "tool_choice", "metadata",
      "thinking", "service_tier",   "container",  "mcp_servers"};
  return fields;
}

std::string check_blocks(const nlohmann::json& content, const std::string& where,
                         const std::string& role, std::set<std::string>* tool_use_ids,
                         const std::set<std::string>& open_ids,
                         std::set<std::string>* answered_ids) {
  if (content.is_string()) return "";
  if (!content.is_array()) return where + ".content: Input should be a valid list";
  for (size_t j = 0; j < content.size(); ++j) {
    const auto& block = content[j];
    const std::string at = where + ".content." + std::to_string(j);
    if (!block.is_object() || !block.contains("type")) return at + ".type: Field required";
    const std::string type = block["type"].get<std::string>();
    if (type == "text") {
      if (!block.contains("text") || !block["text"].is_string())
        return at + ".text: Field required";
      if (block["text"].get<std::string>().empty())
        return at + ": text content blocks must be non-empty";
    } else if (type == "tool_use") {
      if (role != "assistant")
        return at + ": tool_use blocks may only appear in assistant messages";
      if (!block.contains("id") || !block.contains("name") || !block.contains("input")) {
        return at + ": tool_use needs id, name and input";
      }
      if (!block["input"].is_object()) return at + ".input: Input should be a valid dictionary";
      tool_use_ids->insert(block["id"].get<std::string>());
    } else if (type == "tool_result") {
      if (role != "user") return at + ": tool_result blocks may only appear in user messages";
      const std::string id = block.value("tool_use_id", "");
      if (open_ids.count(id) == 0) {
        return where + ": unexpected `tool_use_id` found in `tool_result` blocks: " + id +
               ". Each `tool_result` block must have a corresponding `tool_use` block in the "
               "previous message.";
      }
      answered_ids->insert(id);
    } else if (type != "image" && type != "document" && type != "thinking" &&
               type != "redacted_thinking") {
      return at + ".type: Input tag '" + type +
             "' found using 'type' does not match any of the expected tags";
    }
  }
  return "";
}

}  // namespace

std::string anthropic_request_problem(const nlohmann::json& body) {
  if (!body.is_object()) return "Input should be a valid dictionary";
  for (const auto& [key, value] : body.items()) {
    if (known_fields().count(key) == 0) return key + ": Extra inputs are not permitted";
  }
  if (!body.contains("model") || !body["model"].is_string()) return "model: Field required";
  if (!body.contains("max_tokens")) return "max_tokens: Field required";
  if (!body["max_tokens"].is_number_integer() || body["max_tokens"].get<int64_t>() < 1) {
    return "max_tokens: Input should be a valid integer greater than 0";
  }
  if (!body.contains("messages") || !body["messages"].is_array() || body["messages"].empty()) {
    return "messages: Field required";
  }
  if (body.contains("system") && !body["system"].is_string() && !body["system"].is_array()) {
    return "system: Input should be a valid string";
  }
  std::set<std::string> open_ids;  // tool_use ids of the assistant message before
  const auto& messages = body["messages"];
  for (size_t i = 0; i < messages.size(); ++i) {
    const auto& message = messages[i];
    const std::string where = "messages." + std::to_string(i);
    if (!message.is_object()) return where + ": Input should be a valid dictionary";
    const std::string role = message.value("role", "");
    if (role == "system") {
      return where +
             ": Unexpected role \"system\". The Messages API accepts a top-level "
             "`system` parameter, not \"system\" as an input message role.";
    }
    if (role != "user" && role != "assistant") {
      return where + ".role: Input should be 'user' or 'assistant'";
    }
    if (!message.contains("content")) return where + ".content: Field required";
    std::set<std::string> tool_use_ids, answered;
    if (std::string p =
            check_blocks(message["content"], where, role, &tool_use_ids, open_ids, &answered);
        !p.empty()) {
      return p;
    }
    if (!open_ids.empty()) {
      for (const auto& id : open_ids) {
        if (answered.count(id) == 0) {
          return where +
                 ": `tool_use` ids were found without `tool_result` blocks immediately "
                 "after: " +
                 id +
                 ". Each `tool_use` block must have a corresponding "
                 "`tool_result` block in the next message.";
        }
      }
    }
    open_ids = tool_use_ids;
  }
  if (body.contains("tools")) {
    if (!body["tools"].is_array()) return "tools: Input should be a valid list";
    for (size_t i = 0; i < body["tools"].size(); ++i) {
      const auto& tool = body["tools"][i];
      const std::string where = "tools." + std::to_string(i);
      if (!tool.is_object() || !tool.contains("name") || !tool["name"].is_string()) {
        return where + ".name: Field required";
      }
      if (!tool.contains("input_schema")) return where + ".custom.input_schema: Field required";
      if (!tool["input_schema"].is_object() || tool["input_schema"].value("type", "") != "object") {
        return where + ".custom.input_schema.type: Input should be 'object'";
      }
      for (const auto& [key, value] : tool.items()) {
        if (key != "name" && key != "description" && key != "input_schema" && key != "type" &&
            key != "cache_control") {
          return where + "." + key + ": Extra inputs are not permitted";
        }
      }
    }
  }
  if (body.contains("tool_choice")) {
    const auto& choice = body["tool_choice"];
    const std::string type = choice.is_object() ? choice.value("type", "") : "";
    if (type != "auto" && type != "any" && type != "tool" && type != "none") {
      return "tool_choice: Input tag '" + type + "' does not match any of the expected tags";
    }
    if (type == "tool" && !choice.contains("name")) return "tool_choice.tool.name: Field required";
  }
  return "";
}

class FakeAnthropicServer::Handler : public HttpHandler {
 public:
  explicit Handler(FakeAnthropicServerOptions options) : options_(std::move(options)) {}

  HttpReply handle(HttpRequest& request) override {
    {
      std::lock_guard lock(mutex_);
      log_.push_back({request.method, request.path, request.headers, request.body, request.target});
    }
    HttpReply reply = answer(request);
    if (reply.delay.count() == 0) reply.delay = std::chrono::milliseconds(options_.latency_ms);
    std::lock_guard lock(mutex_);
    if (reply.response.status >= 200 && reply.response.status < 300) {
      ++answered_;
    } else if (reply.response.status < 500) {
      ++refused_;
    }
    return reply;
  }

  HttpResponse reject(int status, std::string_view message) override {
    return anthropic_error(status, "invalid_request_error", std::string(message));
  }

  std::vector<ReceivedRequest> log() const {
    std::lock_guard lock(mutex_);
    return log_;
  }
  uint64_t answered() const {
    std::lock_guard lock(mutex_);
    return answered_;
  }
  uint64_t refused() const {
    std::lock_guard lock(mutex_);
    return refused_;
  }

 private:
  HttpReply answer(const HttpRequest& request) {
    if (request.method != "POST" || request.path != "/v1/messages") {
      return {anthropic_error(404, "not_found_error", "Not found")};
    }
    const std::string* key = request.header("x-api-key");
    if (!options_.require_api_key.empty() && (key == nullptr || *key != options_.require_api_key)) {
      return {anthropic_error(401, "authentication_error", "invalid x-api-key")};
    }
    if (request.header("anthropic-version") == nullptr) {
      return {
          anthropic_error(400, "invalid_request_error", "anthropic-version: header is required")};
    }
    if (overloaded_served_ < options_.overloaded_first) {
      ++overloaded_served_;
      HttpResponse response = anthropic_error(529, "overloaded_error", "Overloaded");
      if (options_.retry_after_s > 0) {
        response.headers.emplace_back("retry-after", std::to_string(options_.retry_after_s));
      }
      return {response};
    }
    const nlohmann::json body = nlohmann::json::parse(request.body, nullptr, false);
    if (body.is_discarded()) {
      return {anthropic_error(400, "invalid_request_error", "There was an error parsing the body")};
    }
    if (std::string problem = anthropic_request_problem(body); !problem.empty()) {
      return {anthropic_error(400, "invalid_request_error", problem)};
    }
    const ordered_json message = decide(body);
    if (!body.value("stream", false)) {
      HttpResponse response;
      response.body = message.dump();
      return {response};
    }
    return streamed(message);
  }

  ordered_json decide(const nlohmann::json& body) {
    FakeConversation conversation;
    size_t input_words = words(body.contains("system") ? text_of(body["system"]) : "");
    for (const auto& message : body["messages"]) {
      input_words += words(text_of(message["content"]));
      if (message["role"] != "user") continue;
      conversation.trailing_tool_results.clear();
      const std::string text = text_of(message["content"]);
      if (message["content"].is_array()) {
        for (const auto& block : message["content"]) {
          if (block.value("type", "") != "tool_result") continue;
          conversation.trailing_tool_results.push_back(
              block.contains("content") ? text_of(block["content"]) : "");
        }
      }
      if (!text.empty()) conversation.last_user_text = text;
    }
    if (body.contains("tools")) {
      for (const auto& tool : body["tools"]) conversation.tool_names.push_back(tool["name"]);
    }
    if (body.contains("tool_choice")) {
      const std::string type = body["tool_choice"]["type"];
      conversation.tool_mode = type == "any"    ? FakeToolMode::kRequired
                               : type == "none" ? FakeToolMode::kNone
                               : type == "tool" ? FakeToolMode::kNamed
                                                : FakeToolMode::kAuto;
      if (type == "tool") conversation.forced_tool = body["tool_choice"]["name"];
    }
    FakeTurn turn = decide_fake_turn(conversation, "toolu_fake_", ++messages_);
    const std::string all_text = (body.contains("system") ? text_of(body["system"]) : "") + "\n" +
                                 conversation.last_user_text;
    for (const auto& [needle, reply] : options_.replies) {
      if (all_text.find(needle) != std::string::npos) {
        turn = FakeTurn{reply, {}};
        break;
      }
    }
    ordered_json content = ordered_json::array();
    size_t output_words = words(turn.text);
    if (!turn.text.empty()) content.push_back({{"type", "text"}, {"text", turn.text}});
    for (const auto& call : turn.calls) {
      content.push_back(
          {{"type", "tool_use"}, {"id", call.id}, {"name", call.name}, {"input", call.arguments}});
      output_words += 1 + words(call.arguments.dump());
    }
    return {{"id", "msg_fake_" + std::to_string(messages_)},
            {"type", "message"},
            {"role", "assistant"},
            {"model", body["model"]},
            {"content", std::move(content)},
            {"stop_reason", turn.calls.empty() ? "end_turn" : "tool_use"},
            {"stop_sequence", nullptr},
            {"usage", {{"input_tokens", input_words}, {"output_tokens", output_words}}}};
  }

  HttpReply streamed(const ordered_json& message) const {
    const auto interval = std::chrono::milliseconds(options_.stream_interval_ms);
    std::vector<StreamPart> parts;
    const auto event = [&](const std::string& name, const ordered_json& data) {
      parts.push_back({parts.empty() ? std::chrono::milliseconds(0) : interval,
                       "event: " + name + "\ndata: " + data.dump() + "\n\n"});
    };
    ordered_json start = message;
    start["content"] = ordered_json::array();
    start["stop_reason"] = nullptr;
    start["usage"]["output_tokens"] = 1;
    event("message_start", {{"type", "message_start"}, {"message", start}});
    bool wrote_text = false;
    for (size_t i = 0; i < message["content"].size(); ++i) {
      const auto& block = message["content"][i];
      if (block["type"] == "text") {
        event("content_block_start", {{"type", "content_block_start"},
                                      {"index", i},
                                      {"content_block", {{"type", "text"}, {"text", ""}}}});
        if (i == 0) event("ping", {{"type", "ping"}});
        for (const auto& piece : fake_stream_pieces(block["text"].get<std::string>())) {
          event("content_block_delta", {{"type", "content_block_delta"},
                                        {"index", i},
                                        {"delta", {{"type", "text_delta"}, {"text", piece}}}});
          if (options_.error_event_midstream && !wrote_text) {
            event("error", {{"type", "error"},
                            {"error", {{"type", "overloaded_error"}, {"message", "Overloaded"}}}});
            return stream_reply(std::move(parts), false);
          }
          wrote_text = true;
        }
      } else {
        event("content_block_start", {{"type", "content_block_start"},
                                      {"index", i},
                                      {"content_block",
                                       {{"type", "tool_use"},
                                        {"id", block["id"]},
                                        {"name", block["name"]},
                                        {"input", ordered_json::object()}}}});
        const std::string input = block["input"].dump();
        const size_t half = input.size() / 2;
        for (const std::string& fragment :
             {std::string(), input.substr(0, half), input.substr(half)}) {
          event("content_block_delta",
                {{"type", "content_block_delta"},
                 {"index", i},
                 {"delta", {{"type", "input_json_delta"}, {"partial_json", fragment}}}});
        }
      }
      event("content_block_stop", {{"type", "content_block_stop"}, {"index", i}});
    }
    event("message_delta",
          {{"type", "message_delta"},
           {"delta", {{"stop_reason", message["stop_reason"]}, {"stop_sequence", nullptr}}},
           {"usage", {{"output_tokens", message["usage"]["output_tokens"]}}}});
    event("message_stop", {{"type", "message_stop"}});
    return stream_reply(std::move(parts), options_.cut_streams);
  }

  static HttpReply stream_reply(std::vector<StreamPart> parts, bool cut) {
    HttpReply reply;
    reply.response.content_type = "text/event-stream; charset=utf-8";
    if (cut) parts.resize(parts.size() / 2);
    reply.stream = std::move(parts);
    reply.cut_stream = cut;
    return reply;
  }

  FakeAnthropicServerOptions options_;
  int overloaded_served_ = 0;  // I/O thread only
  uint64_t messages_ = 0;      // I/O thread only
  mutable std::mutex mutex_;
  std::vector<ReceivedRequest> log_;
  uint64_t answered_ = 0;
  uint64_t refused_ = 0;
};

FakeAnthropicServer::FakeAnthropicServer(FakeAnthropicServerOptions options)
    : handler_(std::make_unique<Handler>(std::move(options))),
      http_(std::make_unique<EventLoopHttpServer>(0, *handler_)) {}

FakeAnthropicServer::~FakeAnthropicServer() { stop(); }

std::string FakeAnthropicServer::base_url() const {
  return "http://127.0.0.1:" + std::to_string(http_->port());
}

std::vector<ReceivedRequest> FakeAnthropicServer::request_log() const { return handler_->log(); }
uint64_t FakeAnthropicServer::answered() const { return handler_->answered(); }
uint64_t FakeAnthropicServer::refused() const { return handler_->refused(); }
void FakeAnthropicServer::stop() { http_->stop(); }

}  // namespace evalkit::testing

#include "tests/support/fake_http_app_server.h"

#include <mutex>

#include "tests/support/fake_model_turns.h"

namespace evalkit::testing {
namespace {

using ordered_json = nlohmann::ordered_json;

HttpResponse json_reply(int status, const ordered_json& body) {
  HttpResponse response;
  response.status = status;
  response.body = body.dump();
  return response;
}

std::string query_value(const std::string& target, const std::string& name) {
  const size_t mark = target.find('?');
  if (mark == std::string::npos) return "";
  std::string query = target.substr(mark + 1);
  size_t start = 0;
  while (start < query.size()) {
    size_t end = query.find('&', start);
    if (end == std::string::npos) end = query.size();
    const std::string pair = query.substr(start, end - start);
    if (pair.rfind(name + "=", 0) == 0) {
      std::string value;
      const std::string raw = pair.substr(name.size() + 1);
      for (size_t i = 0; i < raw.size(); ++i) {
        if (raw[i] == '%' && i + 2 < raw.size()) {
          value += char(std::stoi(raw.substr(i + 1, 2), nullptr, 16));
          i += 2;
        } else {
          value += raw[i] == '+' ? ' ' : raw[i];
        }
      }
      return value;
    }
    start = end + 1;
  }
  return "";
}

}  // namespace

class FakeHttpAppServer::Handler : public HttpHandler {
 public:
  explicit Handler(FakeHttpAppServerOptions options) : options_(std::move(options)) {}

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
    return json_reply(status, {{"detail", message}});
  }

  std::vector<ReceivedRequest> log() const {
    std::lock_guard lock(mutex_);
    return log_;
  }

 private:
  HttpResponse answer(const HttpRequest& request) {
    const std::string* token = request.header("X-App-Token");
    if (!options_.require_token.empty() && (token == nullptr || *token != options_.require_token)) {
      // Echoes what it got, as careless services do: a client must not pass it on.
      return json_reply(401, {{"detail", "wrong X-App-Token '" + (token ? *token : "") + "'"}});
    }
    if (unavailable_served_ < options_.unavailable_first) {
      ++unavailable_served_;
      return json_reply(503, {{"detail", "warming up"}});
    }
    if (request.method == "GET" && request.path == "/api/search") {
      return json_reply(200, {{"result", "found: " + query_value(request.target, "q")}});
    }
    if (request.method != "POST" || request.path != "/api/chat") {
      return json_reply(404, {{"detail", "no route " + request.method + " " + request.path}});
    }
    const nlohmann::json body = nlohmann::json::parse(request.body, nullptr, false);
    if (!body.is_object() || !body.contains("query") || !body["query"].is_string()) {
      return json_reply(422, {{"detail", "body needs a string 'query'"}});
    }
    if (body.contains("history") && !body["history"].is_array()) {
      return json_reply(422, {{"detail", "'history' must be a list of messages"}});
    }
    const std::string query = body["query"].get<std::string>();
    if (query.find("MISSING") != std::string::npos) {
      return json_reply(404, {{"detail", "no such document"}});
    }
    if (query.find("APP_ERROR") != std::string::npos) {
      return json_reply(200, {{"data", nullptr}, {"error", {{"message", "retriever timed out"}}}});
    }
    FakeConversation conversation;
    conversation.last_user_text = query;
    if (body.contains("tools") && body["tools"].is_array()) {
      for (const auto& tool : body["tools"]) {
        if (tool.contains("function")) conversation.tool_names.push_back(tool["function"]["name"]);
      }
    } else {
      conversation.tool_names = {"lookup_order"};
    }
    if (body.contains("history") && !body["history"].empty()) {
      const auto& last = body["history"].back();
      if (last.value("role", "") == "tool") {
        conversation.trailing_tool_results.push_back(last.value("content", ""));
      }
    }
    const FakeTurn turn = decide_fake_turn(conversation, "act_", ++answers_);
    ordered_json actions = ordered_json::array();
    for (const auto& call : turn.calls) {
      actions.push_back({{"id", call.id}, {"name", call.name}, {"arguments", call.arguments}});
    }
    std::string text = turn.text;
    if (body.contains("session")) text += " [session " + body["session"].dump() + "]";
    return json_reply(
        200, {{"data", {{"answer", {{"text", text}, {"confidence", 0.9}}}, {"actions", actions}}},
              {"meta",
               {{"usage", {{"in", query.size() / 4 + 1}, {"out", text.size() / 4 + 1}}},
                {"stop", actions.empty() ? "done" : "action"}}},
              {"error", nullptr}});
  }

  FakeHttpAppServerOptions options_;
  int unavailable_served_ = 0;  // I/O thread only
  uint64_t answers_ = 0;        // I/O thread only
  mutable std::mutex mutex_;
  std::vector<ReceivedRequest> log_;
};

FakeHttpAppServer::FakeHttpAppServer(FakeHttpAppServerOptions options)
    : handler_(std::make_unique<Handler>(std::move(options))),
      http_(std::make_unique<EventLoopHttpServer>(0, *handler_)) {}

FakeHttpAppServer::~FakeHttpAppServer() { stop(); }

std::string FakeHttpAppServer::base_url() const {
  return "http://127.0.0.1:" + std::to_string(http_->port());
}
std::vector<ReceivedRequest> FakeHttpAppServer::request_log() const { return handler_->log(); }
void FakeHttpAppServer::stop() { http_->stop(); }

}  // namespace evalkit::testing

#include "tests/support/fake_openai_server.h"

#include <ctime>
#include <deque>
#include <mutex>

namespace evalkit::testing {
namespace {

constexpr std::string_view kChatPath = "/v1/chat/completions";
constexpr std::string_view kEmbeddingsPath = "/v1/embeddings";
constexpr std::string_view kModelsPath = "/v1/models";

}  // namespace

uint64_t FakeOpenAIServerStats::total_requests() const {
  return ok + fail_500 + fail_429 + overloaded + stalled + malformed + unauthorized + bad_request + not_found +
         scripted_error;
}

nlohmann::json FakeOpenAIServerStats::to_json() const {
  return {{"requests", total_requests()},
          {"requests_by_path", requests_by_path},
          {"outcomes",
           {{"ok", ok},
            {"500", fail_500},
            {"429", fail_429},
            {"overloaded", overloaded},
            {"stalled", stalled},
            {"malformed", malformed},
            {"401", unauthorized},
            {"400", bad_request},
            {"404", not_found},
            {"scripted_error", scripted_error}}},
          {"connections_accepted", connections_accepted}};
}

std::string ReceivedRequest::header(std::string_view name) const {
  for (const auto& [key, value] : headers) {
    if (equals_ignore_case(key, name)) return value;
  }
  return "";
}

// Answers requests on the I/O thread; the mutex guards what other threads read.
class FakeOpenAIServer::Handler : public HttpHandler {
 public:
  explicit Handler(FakeOpenAIServerOptions options) : options_(std::move(options)) {
    fractions_ = {options_.fail_500, options_.fail_429, options_.stall, options_.malformed};
    if (options_.malformed_kinds.empty()) options_.malformed_kinds = all_malformed_kinds();
  }

  HttpReply handle(HttpRequest& request) override {
    {
      std::lock_guard lock(mutex_);
      stats_.requests_by_path[request.path]++;
      if (options_.request_log_capacity > 0) {
        if (log_.size() == options_.request_log_capacity) log_.pop_front();
        log_.push_back({request.method, request.path, request.headers, request.body, request.target});
      }
    }
    if (overloaded(request)) {
      count(&FakeOpenAIServerStats::overloaded);
      HttpReply refused{rate_limited()};
      refused.delay = std::chrono::milliseconds(1);  // refused at once, not after the latency
      return refused;
    }
    HttpReply reply = answer(request);
    if (reply.delay.count() == 0) reply.delay = std::chrono::milliseconds(options_.latency_ms);
    return reply;
  }

  HttpResponse reject(int status, std::string_view message) override {
    count(&FakeOpenAIServerStats::bad_request);
    return openai_error(status, message, "invalid_request_error");
  }

  FakeOpenAIServerStats stats() const {
    std::lock_guard lock(mutex_);
    return stats_;
  }

  std::vector<ReceivedRequest> request_log() const {
    std::lock_guard lock(mutex_);
    return {log_.begin(), log_.end()};
  }

 private:
  void count(uint64_t FakeOpenAIServerStats::*outcome) {
    std::lock_guard lock(mutex_);
    ++(stats_.*outcome);
  }

  // With a capacity, takes a slot for a model request until its latency has passed, or
  // says every slot is busy.
  bool overloaded(const HttpRequest& request) {
    if (options_.capacity <= 0 || request.method != "POST" ||
        (request.path != kChatPath && request.path != kEmbeddingsPath)) {
      return false;
    }
    const auto now = std::chrono::steady_clock::now();
    while (!busy_until_.empty() && busy_until_.front() <= now) busy_until_.pop_front();
    if (busy_until_.size() >= size_t(options_.capacity)) return true;
    busy_until_.push_back(now + std::chrono::milliseconds(options_.latency_ms));
    return false;
  }

  static bool is_azure_chat_path(const std::string& path) {
    const std::string prefix = "/openai/deployments/";
    const std::string suffix = "/chat/completions";
    return path.size() > prefix.size() + suffix.size() && path.rfind(prefix, 0) == 0 &&
           path.compare(path.size() - suffix.size(), suffix.size(), suffix) == 0 &&
           path.find('/', prefix.size()) == path.size() - suffix.size();
  }

  bool authorized(const HttpRequest& request) const {
    if (options_.require_api_key.empty() || is_azure_chat_path(request.path)) return true;
    const std::string* authorization = request.header("Authorization");
    return authorization != nullptr && *authorization == "Bearer " + options_.require_api_key;
  }

  HttpReply answer(const HttpRequest& request) {
    if (!authorized(request)) {
      count(&FakeOpenAIServerStats::unauthorized);
      return {openai_error(401,
                           "Incorrect API key provided. You can find your API key in your "
                           "account settings.",
                           "invalid_request_error", "invalid_api_key")};
    }
    const bool azure = is_azure_chat_path(request.path);
    if (azure) {
      const std::string* key = request.header("api-key");
      if (!options_.azure_api_key.empty() && (key == nullptr || *key != options_.azure_api_key)) {
        count(&FakeOpenAIServerStats::unauthorized);
        return {openai_error(401,
                             "Access denied due to invalid subscription key or wrong API endpoint. "
                             "Make sure to provide a valid key for an active subscription and use "
                             "a correct regional API endpoint for your resource.",
                             "invalid_request_error", "401")};
      }
      if (request.target.find("api-version=") == std::string::npos) {
        count(&FakeOpenAIServerStats::not_found);
        return {openai_error(404, "Resource not found", "invalid_request_error", "404")};
      }
    }
    const bool chat = request.method == "POST" && (request.path == kChatPath || azure);
    const bool embeddings = request.method == "POST" && request.path == kEmbeddingsPath;
    if (request.method == "GET" && request.path == kModelsPath) {
      count(&FakeOpenAIServerStats::ok);
      return {models_response(options_.model_ids)};
    }
    if (!chat && !embeddings) {
      count(&FakeOpenAIServerStats::not_found);
      return {openai_error(404, "Invalid URL (" + request.method + " " + request.path + ")",
                           "invalid_request_error")};
    }
    const nlohmann::json body = nlohmann::json::parse(request.body, nullptr, false);
    if (body.is_discarded()) {
      count(&FakeOpenAIServerStats::bad_request);
      return {openai_error(400,
                           "We could not parse the JSON body of your request. (HINT: This likely "
                           "means you aren't using your HTTP library correctly.)",
                           "invalid_request_error")};
    }
    const FaultKind fault = draw_fault(options_.seed, fault_draws_++, fractions_);
    switch (fault) {
      case FaultKind::kFail500:
        count(&FakeOpenAIServerStats::fail_500);
        return {openai_error(500, "The server had an error while processing your request.",
                             "server_error")};
      case FaultKind::kFail429:
        count(&FakeOpenAIServerStats::fail_429);
        return {rate_limited()};
      case FaultKind::kStall: {
        count(&FakeOpenAIServerStats::stalled);
        HttpReply reply{model_answer(body, chat)};
        reply.delay = std::chrono::milliseconds(std::max(1, options_.stall_ms));
        reply.close_without_answer = options_.stall_end == StallEnd::kClose;
        return reply;
      }
      case FaultKind::kMalformed:
        return {malformed(model_answer(body, chat))};
      case FaultKind::kNone:
        break;
    }
    HttpResponse response = model_answer(body, chat);
    count_answer(response);
    const bool stream = chat && body.is_object() && body.value("stream", false);
    if (stream && response.status == 200) return streamed(body, std::move(response));
    return {std::move(response)};
  }

  // The answer as server-sent chunks; a scripted raw body that is not a completion goes as is.
  HttpReply streamed(const nlohmann::json& body, HttpResponse response) const {
    const nlohmann::json completion = nlohmann::json::parse(response.body, nullptr, false);
    if (!completion.is_object() || !completion.contains("choices")) return {std::move(response)};
    const bool include_usage = body.contains("stream_options") &&
                               body["stream_options"].is_object() &&
                               body["stream_options"].value("include_usage", false);
    HttpReply reply{std::move(response)};
    reply.response.content_type = "text/event-stream";
    reply.stream = chat_completion_stream(completion, include_usage,
                                          std::chrono::milliseconds(options_.stream_interval_ms));
    if (options_.cut_streams) {
      reply.stream.resize(std::max<size_t>(1, reply.stream.size() / 2));
      reply.cut_stream = true;
    }
    return reply;
  }

  HttpResponse model_answer(const nlohmann::json& body, bool chat) {
    if (!chat) return embeddings_response(body);
    const std::string model = body.contains("model") && body["model"].is_string()
                                  ? body["model"].get<std::string>()
                                  : std::string();
    const bool degraded =
        is_degraded(model, last_user_message(body), options_.degrade_rate, options_.seed);
    return chat_completion_response(body, degraded ? degraded_rules_ : options_.rules,
                                    "chatcmpl-fake-" + std::to_string(++completions_));
  }

  void count_answer(const HttpResponse& response) {
    if (response.status >= 200 && response.status < 300) {
      count(&FakeOpenAIServerStats::ok);
    } else if (response.status == 400) {
      count(&FakeOpenAIServerStats::bad_request);
    } else {
      count(&FakeOpenAIServerStats::scripted_error);
    }
  }

  HttpResponse rate_limited() const {
    HttpResponse response = openai_error(429,
                                         "Rate limit reached for requests. Please try again in " +
                                             std::to_string(options_.retry_after_s) + "s.",
                                         "requests", "rate_limit_exceeded");
    const std::string retry_after =
        options_.retry_after_http_date
            ? http_date(std::time(nullptr) + std::time_t(options_.retry_after_s))
            : std::to_string(options_.retry_after_s);
    response.headers.emplace_back("Retry-After", retry_after);
    return response;
  }

  // A broken variant of a good answer; answers that are already errors stay as they are.
  HttpResponse malformed(HttpResponse good) {
    if (good.status != 200) {
      count_answer(good);
      return good;
    }
    count(&FakeOpenAIServerStats::malformed);
    const MalformedKind kind =
        options_.malformed_kinds[malformed_served_++ % options_.malformed_kinds.size()];
    return malformed_response(kind, nlohmann::ordered_json::parse(good.body),
                              options_.malformed_oversize_bytes);
  }

  FakeOpenAIServerOptions options_;
  FaultFractions fractions_;
  const std::vector<FakeOpenAIRule> degraded_rules_{{"", options_.degrade_reply, {}, {}, {}}};
  // Touched by the I/O thread only.
  uint64_t fault_draws_ = 0;
  uint64_t completions_ = 0;
  uint64_t malformed_served_ = 0;
  std::deque<std::chrono::steady_clock::time_point> busy_until_;  // in arrival order

  mutable std::mutex mutex_;
  FakeOpenAIServerStats stats_;
  std::deque<ReceivedRequest> log_;
};

FakeOpenAIServer::FakeOpenAIServer(FakeOpenAIServerOptions options) {
  const uint16_t port = options.port;
  handler_ = std::make_unique<Handler>(std::move(options));
  http_ = std::make_unique<EventLoopHttpServer>(port, *handler_);
}

FakeOpenAIServer::~FakeOpenAIServer() { stop(); }

uint16_t FakeOpenAIServer::port() const { return http_->port(); }

std::string FakeOpenAIServer::base_url() const {
  return "http://127.0.0.1:" + std::to_string(port()) + "/v1";
}

void FakeOpenAIServer::stop() { http_->stop(); }

FakeOpenAIServerStats FakeOpenAIServer::stats() const {
  FakeOpenAIServerStats stats = handler_->stats();
  stats.connections_accepted = http_->connections_accepted();
  return stats;
}

std::vector<ReceivedRequest> FakeOpenAIServer::request_log() const {
  return handler_->request_log();
}

}  // namespace evalkit::testing

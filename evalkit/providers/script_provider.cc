#include "evalkit/providers/script_provider.h"

#include <chrono>
#include <cmath>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>

#include "evalkit/worker/script_source.h"
#include "evalkit/worker/worker_pool.h"

namespace evalkit {
namespace {

using Clock = std::chrono::steady_clock;

int64_t token_count(const nlohmann::json& usage, const char* key) {
  const auto it = usage.find(key);
  if (it == usage.end() || !it->is_number()) return 0;
  const double value = it->get<double>();
  return std::isfinite(value) && value > 0 ? int64_t(value) : 0;
}

// Reads a worker's answer into response; false (with response->error) when it is not one.
bool read_answer(const nlohmann::json& answer, ModelResponse* response) {
  if (const auto error = answer.find("error"); error != answer.end() && !error->is_null()) {
    response->error_kind = error_kind::kExec;
    response->error = "script error: " + (error->is_string() ? error->get<std::string>()
                                                             : error->dump().substr(0, 500));
    return false;
  }
  const auto output = answer.find("output");
  const auto calls = answer.find("tool_calls");
  const bool has_calls = calls != answer.end() && calls->is_array() && !calls->empty();
  if ((output == answer.end() || output->is_null()) && !has_calls) {
    response->error_kind = error_kind::kMalformed;
    response->error =
        "the script's answer has no 'output' (nor 'error'): " + answer.dump().substr(0, 200);
    return false;
  }
  if (output != answer.end() && !output->is_null()) {
    response->text = output->is_string() ? output->get<std::string>() : output->dump();
  }
  if (has_calls) response->tool_calls = tool_calls_from_json(*calls);
  if (const auto usage = answer.find("usage"); usage != answer.end() && usage->is_object()) {
    response->prompt_tokens = token_count(*usage, "prompt_tokens");
    response->completion_tokens = token_count(*usage, "completion_tokens");
  }
  if (const auto latency = answer.find("latency_s");
      latency != answer.end() && latency->is_number() && std::isfinite(latency->get<double>()) &&
      latency->get<double>() >= 0) {
    response->latency_s = latency->get<double>();
  }
  const auto finish = answer.find("finish_reason");
  response->finish_reason = finish != answer.end() && finish->is_string()
                                ? finish->get<std::string>()
                                : (response->tool_calls.empty() ? "stop" : "tool_calls");
  response->ok = true;
  return true;
}

// A fixed set of threads, one per worker process: a request holds its thread while the
// script works, so the threads never outnumber the processes.
class ScriptProvider : public Provider {
 public:
  ScriptProvider(const ProviderConfig& config, ScriptSource source, size_t workers)
      : config_(config),
        source_(std::move(source)),
        script_config_(config.extra.value("config", nlohmann::json::object())),
        pool_(source_.command, workers) {
    for (size_t i = 0; i < workers; ++i) threads_.emplace_back([this] { work(); });
  }

  ~ScriptProvider() override {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      stopping_ = true;
    }
    wake_.notify_all();
    for (auto& t : threads_) t.join();
    pool_.shutdown();
  }

  const ProviderConfig& config() const override { return config_; }

  void send(const ModelRequest& request, Callback done) override {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      queue_.push_back({request, std::move(done)});
    }
    wake_.notify_one();
  }

 private:
  struct Job {
    ModelRequest request;
    Callback done;
  };

  void work() {
    for (;;) {
      Job job;
      {
        std::unique_lock<std::mutex> lock(mutex_);
        wake_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
        if (queue_.empty()) return;
        job = std::move(queue_.front());
        queue_.pop_front();
      }
      job.done(execute(job.request));
    }
  }

  ModelResponse execute(const ModelRequest& request) {
    std::string prompt;
    for (auto it = request.messages.rbegin(); it != request.messages.rend(); ++it) {
      if (it->role == "user") {
        prompt = it->content;
        break;
      }
    }
    nlohmann::json line = {
        {"kind", "call"},          {"provider", config_.id},
        {"prompt", prompt},        {"messages", chat_messages_to_json(request.messages)},
        {"vars", request.vars},    {"params", merge_params(config_.params, request.params)},
        {"config", script_config_}};
    if (!request.tools.is_null()) line["tools"] = request.tools;
    if (!request.tool_choice.is_null()) line["tool_choice"] = request.tool_choice;
    if (!source_.target.is_null()) line["provider_script"] = source_.target;
    const auto start = Clock::now();
    const WorkerReply reply = pool_.call(line, config_.timeout_s);
    ModelResponse response;
    response.latency_s = std::chrono::duration<double>(Clock::now() - start).count();
    response.attempts = 1;
    if (reply.failure != WorkerFailure::kNone) {
      response.error_kind =
          reply.failure == WorkerFailure::kTimeout ? error_kind::kTimeout : error_kind::kExec;
      response.error = reply.error;
      return response;
    }
    read_answer(reply.answer, &response);
    return response;
  }

  ProviderConfig config_;
  ScriptSource source_;
  nlohmann::json script_config_;
  WorkerPool pool_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<Job> queue_;
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace

Status make_script_provider(const ProviderConfig& config, std::unique_ptr<Provider>* out) {
  ScriptSource source;
  std::string error;
  if (!make_script_source(script_options(config.extra, config.command, config.directory), &source,
                          &error)) {
    return Status::error_at(config.where, "script provider '" + config.id + "': " + error);
  }
  size_t workers = size_t(std::max(
      1, std::min(config.concurrency, int(std::max(1u, std::thread::hardware_concurrency())))));
  if (const auto it = config.extra.find("workers");
      it != config.extra.end() && it->is_number_integer()) {
    workers = size_t(std::max<int64_t>(1, std::min<int64_t>(it->get<int64_t>(), 256)));
  }
  *out = std::make_unique<ScriptProvider>(config, std::move(source), workers);
  return Status::ok();
}

}  // namespace evalkit

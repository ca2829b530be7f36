// script: the team's own check, run out of process. Each trial goes to a long-lived worker as
// one JSON line and the worker answers {"pass", "score", "reason", "details"} (docs/scripts.md).
// promptfoo `javascript`/`python` assertions run through the shims in share/evalkit/.
#include <tbb/info.h>

#include <cmath>
#include <memory>

#include "evalkit/scorers/scorer_options.h"
#include "evalkit/worker/script_source.h"
#include "evalkit/worker/worker_pool.h"

namespace evalkit {
namespace {

constexpr double kDefaultTimeoutS = 30;
constexpr double kDefaultThreshold = 0.5;

class ScriptScorer : public Scorer {
 public:
  ScriptScorer(const ScorerSpec& spec, ScriptSource source, nlohmann::json config, double timeout_s,
               size_t workers)
      : source_(std::move(source)),
        config_(std::move(config)),
        timeout_s_(timeout_s),
        threshold_(spec.threshold),
        weight_(spec.weight),
        pool_(shared_worker_pool(source_.command, workers)) {
    const char* kind = source_.kind == ScriptSource::Kind::kJavascript ? "javascript"
                       : source_.kind == ScriptSource::Kind::kPython   ? "python"
                                                                       : "script";
    name_ = spec.name.empty() ? kind : spec.name;
    signature_ = std::string("script|") + kind + ":" + source_.content_hash.substr(0, 12) +
                 (config_.empty() ? "" : "|config:" + config_.dump());
  }

  std::string name() const override { return name_; }
  std::string signature() const override { return signature_; }

  Score score(const ScoreInput& input) const override {
    nlohmann::json request = {{"kind", "score"},
                              {"output", std::string(input.output)},
                              {"expected", *input.expected},
                              {"vars", *input.vars},
                              {"prompt", std::string(input.input)},
                              {"config", config_},
                              {"threshold", threshold_ ? nlohmann::json(*threshold_) : nullptr}};
    if (input.answer != nullptr) {
      request["answer"] = answer_to_json(*input.answer);
    } else {
      request["answer"] = {{"text", std::string(input.output)}};
    }
    if (!source_.target.is_null()) request["assertion"] = source_.target;
    const WorkerReply reply = pool_->call(request, timeout_s_);
    if (reply.failure != WorkerFailure::kNone) return error_score(reply.error);
    return read_answer(reply.answer);
  }

 private:
  Score base_score() const {
    Score score;
    score.name = name_;
    score.type = "script";
    score.signature = signature_;
    score.weight = weight_;
    return score;
  }

  Score error_score(std::string reason) const {
    Score score = base_score();
    score.error = true;
    score.reason = std::move(reason);
    return score;
  }

  Score read_answer(const nlohmann::json& answer) const {
    if (const auto it = answer.find("error"); it != answer.end() && !it->is_null()) {
      return error_score("script error: " +
                         (it->is_string() ? it->get<std::string>() : it->dump()));
    }
    const auto pass = answer.find("pass");
    const auto value = answer.find("score");
    const bool has_pass = pass != answer.end() && !pass->is_null();
    const bool has_score = value != answer.end() && !value->is_null();
    if (!has_pass && !has_score) {
      return error_score("the script's answer has neither 'pass' nor 'score': " +
                         answer.dump().substr(0, 200));
    }
    if (has_pass && !pass->is_boolean()) {
      return error_score("'pass' must be true or false, got " + pass->dump().substr(0, 80));
    }
    if (has_score && (!value->is_number() || !std::isfinite(value->get<double>()))) {
      return error_score("'score' must be a finite number, got " + value->dump().substr(0, 80));
    }
    Score score = base_score();
    const double raw = has_score ? value->get<double>() : (pass->get<bool>() ? 1.0 : 0.0);
    score.value = std::min(1.0, std::max(0.0, raw));
    const double threshold = threshold_.value_or(kDefaultThreshold);
    if (has_pass) {
      score.pass = pass->get<bool>() && (!threshold_ || raw >= threshold);
    } else {
      score.pass = raw >= threshold;
    }
    if (const auto reason = answer.find("reason"); reason != answer.end() && !reason->is_null()) {
      score.reason = reason->is_string() ? reason->get<std::string>() : reason->dump();
    }
    if (const auto details = answer.find("details"); details != answer.end()) {
      score.details = *details;
    }
    if (raw != score.value) {
      if (!score.details.is_object()) {
        score.details = score.details.is_null() ? nlohmann::json::object()
                                                : nlohmann::json{{"details", score.details}};
      }
      score.details["raw_score"] = raw;
    }
    return score;
  }

  ScriptSource source_;
  nlohmann::json config_;
  double timeout_s_;
  std::optional<double> threshold_;
  double weight_;
  std::string name_;
  std::string signature_;
  std::shared_ptr<WorkerPool> pool_;
};

}  // namespace

std::unique_ptr<Scorer> make_script_scorer(const ScorerSpec& spec, std::string* error) {
  ScorerOptions options(spec);
  ScriptOptions script;
  script.directory = spec.directory;
  if (const nlohmann::json* command = options.get_json("command")) {
    if (!read_command_option(*command, &script.command, error)) return nullptr;
  }
  options.get_string("javascript", &script.javascript);
  options.get_string("python", &script.python);
  if (const nlohmann::json* interpreter = options.get_json("interpreter")) {
    if (!read_command_option(*interpreter, &script.interpreter, error)) {
      *error = "'interpreter' must be a program name or an argv list";
      return nullptr;
    }
  }
  nlohmann::json config = nlohmann::json::object();
  if (const nlohmann::json* value = options.get_json("config")) config = *value;
  double timeout_s = kDefaultTimeoutS;
  if (const nlohmann::json* value = options.get_json("timeout")) {
    if (!value->is_number() || value->get<double>() <= 0) {
      options.fail("option 'timeout' must be a number of seconds greater than 0");
    } else {
      timeout_s = value->get<double>();
    }
  }
  size_t workers = size_t(std::max(1, tbb::info::default_concurrency()));
  if (const nlohmann::json* value = options.get_json("workers")) {
    if (!value->is_number_integer() || value->get<int64_t>() < 1 || value->get<int64_t>() > 256) {
      options.fail("option 'workers' must be a whole number from 1 to 256");
    } else {
      workers = size_t(value->get<int64_t>());
    }
  }
  if (!options.finish(error)) return nullptr;
  ScriptSource source;
  if (!make_script_source(script, &source, error)) return nullptr;
  return std::make_unique<ScriptScorer>(spec, std::move(source), std::move(config), timeout_s,
                                        workers);
}

}  // namespace evalkit

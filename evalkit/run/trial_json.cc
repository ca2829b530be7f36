#include "evalkit/run/trial_json.h"

namespace evalkit {
namespace {

// What the answer holds beyond text, finish reason and latency, only where present, so a
// plain text run's document keeps its shape.
void add_answer_extras(const TrialResult& t, nlohmann::json* j) {
  const ModelAnswer& a = t.answer;
  if (a.raw_text) (*j)["raw_output"] = *a.raw_text;
  if (!a.tool_calls.empty()) (*j)["tool_calls"] = tool_calls_to_json(a.tool_calls);
  if (a.streamed) (*j)["streamed"] = true;
  if (a.time_to_first_token_s) (*j)["time_to_first_token_s"] = *a.time_to_first_token_s;
  if (a.time_per_output_token_s) (*j)["time_per_output_token_s"] = *a.time_per_output_token_s;
  if (a.tokens_per_s) (*j)["tokens_per_s"] = *a.tokens_per_s;
  if (a.prompt_tokens != t.prompt_tokens || a.completion_tokens != t.completion_tokens) {
    (*j)["answer_tokens"] = {{"prompt", a.prompt_tokens}, {"completion", a.completion_tokens}};
  }
}

}  // namespace

nlohmann::json trial_to_json(const TrialResult& t) {
  nlohmann::json scores = nlohmann::json::array();
  for (const auto& s : t.scores) {
    scores.push_back({{"name", s.name},
                      {"type", s.type},
                      {"value", s.value},
                      {"pass", s.pass},
                      {"error", s.error},
                      {"reason", s.reason},
                      {"signature", s.signature},
                      {"weight", s.weight},
                      {"details", s.details.is_null() ? nlohmann::json::object() : s.details}});
  }
  nlohmann::json j = {{"index", t.index},
          {"case_id", t.key.case_id},
          {"prompt_id", t.key.prompt_id},
          {"provider_id", t.key.provider_id},
          {"repeat", t.key.repeat},
          {"labels", t.labels},
          {"vars", t.vars},
          {"expected", t.expected},
          {"request", t.request},
          {"output", t.answer.text},
          {"finish_reason", t.answer.finish_reason},
          {"error", t.error},
          {"error_kind", t.error_kind},
          {"latency_s", t.answer.latency_s},
          {"duration_s", t.duration_s},
          {"prompt_tokens", t.prompt_tokens},
          {"completion_tokens", t.completion_tokens},
          {"cost_usd", t.cost_usd},
          {"attempts", t.attempts},
          {"cached", t.cached},
          {"pass", t.pass},
          {"weighted_score", t.weighted_score},
          {"scores", std::move(scores)},
          {"baseline", nullptr}};
  add_answer_extras(t, &j);
  return j;
}

Status trial_from_json(const nlohmann::json& j, TrialResult* t) {
  try {
    t->index = j.at("index").get<int64_t>();
    t->key = {j.at("case_id").get<std::string>(), j.at("prompt_id").get<std::string>(),
              j.at("provider_id").get<std::string>(), j.value("repeat", 0)};
    t->labels = j.value("labels", std::vector<std::string>{});
    t->vars = j.value("vars", nlohmann::json::object());
    t->expected = j.value("expected", std::vector<std::string>{});
    t->request = j.value("request", nlohmann::json::object());
    t->answer = ModelAnswer{};
    answer_from_json(j, &t->answer);
    t->answer.text = j.value("output", "");
    if (j.contains("raw_output") && j["raw_output"].is_string()) {
      t->answer.raw_text = j["raw_output"].get<std::string>();
    }
    t->error = j.value("error", "");
    t->error_kind = j.value("error_kind", "");
    t->duration_s = j.value("duration_s", 0.0);
    t->prompt_tokens = j.value("prompt_tokens", int64_t{0});
    t->completion_tokens = j.value("completion_tokens", int64_t{0});
    t->answer.prompt_tokens = t->prompt_tokens;
    t->answer.completion_tokens = t->completion_tokens;
    if (j.contains("answer_tokens") && j["answer_tokens"].is_object()) {
      t->answer.prompt_tokens = j["answer_tokens"].value("prompt", int64_t{0});
      t->answer.completion_tokens = j["answer_tokens"].value("completion", int64_t{0});
    }
    t->cost_usd = j.value("cost_usd", 0.0);
    t->attempts = j.value("attempts", 0);
    t->cached = j.value("cached", false);
    t->pass = j.value("pass", false);
    t->weighted_score = j.value("weighted_score", 0.0);
    t->scores.clear();
    for (const auto& s : j.value("scores", nlohmann::json::array())) {
      Score score;
      score.name = s.at("name").get<std::string>();
      score.type = s.value("type", "");
      score.value = s.value("value", 0.0);
      score.pass = s.value("pass", false);
      score.error = s.value("error", false);
      score.reason = s.value("reason", "");
      score.signature = s.value("signature", "");
      score.weight = s.value("weight", 1.0);
      score.details = s.value("details", nlohmann::json::object());
      t->scores.push_back(std::move(score));
    }
  } catch (const nlohmann::json::exception& e) {
    return Status::error(std::string("trial: ") + e.what());
  }
  return Status::ok();
}

}  // namespace evalkit

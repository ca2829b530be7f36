#include "evalkit/report/html_page_data.h"

#include <string>
#include <string_view>
#include <unordered_map>

namespace evalkit {
namespace {

using nlohmann::json;

// Values stored once in the page's "shared" array, keyed by their serialized form.
class SharedValues {
 public:
  // The index of `value` in the shared array, adding it on first sight.
  size_t index_of(const json& value) {
    std::string key = value.dump(-1, ' ', false, json::error_handler_t::replace);
    const auto [it, added] = index_.try_emplace(std::move(key), values_.size());
    if (added) values_.push_back(value);
    return it->second;
  }

  json take() { return std::move(values_); }

 private:
  std::unordered_map<std::string, size_t> index_;
  json values_ = json::array();
};

bool is_default(const json& value) {
  switch (value.type()) {
    case json::value_t::null:
      return true;
    case json::value_t::boolean:
      return !value.get<bool>();
    case json::value_t::string:
      return value.get_ref<const std::string&>().empty();
    case json::value_t::object:
    case json::value_t::array:
      return value.empty();
    default:
      return false;
  }
}

// Fields the page reads, copied as they are unless at their default.
constexpr std::string_view kPlainTrialFields[] = {
    "index",     "case_id",       "prompt_id",         "provider_id", "repeat",
    "output",    "error",         "error_kind",        "pass",        "weighted_score",
    "latency_s", "prompt_tokens", "completion_tokens", "attempts",    "finish_reason",
    "cached",    "baseline"};
// Fields the page reads whose values usually repeat across trials: stored once.
constexpr std::string_view kSharedTrialFields[] = {"request", "vars", "expected", "labels"};

json page_score(const json& score, SharedValues& shared) {
  json out = json::object();
  for (const char* field : {"name", "value", "pass", "error"}) {
    const auto it = score.find(field);
    if (it != score.end() && !is_default(*it)) out[field] = *it;
  }
  // A failing score keeps "pass": false explicitly so the page never has to guess.
  if (!out.contains("pass")) out["pass"] = false;
  for (const char* field : {"reason", "details", "signature"}) {
    const auto it = score.find(field);
    if (it != score.end() && !is_default(*it)) out[field] = shared.index_of(*it);
  }
  return out;
}

json page_trial(const json& trial, SharedValues& shared) {
  json out = json::object();
  for (std::string_view field : kPlainTrialFields) {
    const auto it = trial.find(field);
    if (it != trial.end() && !is_default(*it)) out[std::string(field)] = *it;
  }
  if (!out.contains("pass")) out["pass"] = false;
  for (std::string_view field : kSharedTrialFields) {
    const auto it = trial.find(field);
    if (it != trial.end() && !is_default(*it)) out[std::string(field)] = shared.index_of(*it);
  }
  const auto scores = trial.find("scores");
  if (scores != trial.end() && scores->is_array() && !scores->empty()) {
    json page_scores = json::array();
    for (const json& score : *scores) {
      if (score.is_object()) page_scores.push_back(page_score(score, shared));
    }
    out["scores"] = std::move(page_scores);
  }
  return out;
}

}  // namespace

json html_page_data(const json& document) {
  if (!document.is_object()) return document;
  json out = json::object();
  SharedValues shared;
  for (const auto& [key, value] : document.items()) {
    if (key != "trials" || !value.is_array()) {
      out[key] = value;
      continue;
    }
    json trials = json::array();
    for (const json& trial : value) {
      if (trial.is_object()) trials.push_back(page_trial(trial, shared));
    }
    out["trials"] = std::move(trials);
  }
  out["shared"] = shared.take();
  return out;
}

}  // namespace evalkit

#include "evalkit/report/html_page_data.h"

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <iterator>
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

// A number as the page needs it: six significant digits (the page shows three decimals),
// which keeps 0.0666666666666667 from costing seventeen.
json page_number(const json& value) {
  if (!value.is_number_float()) return value;
  const double x = value.get<double>();
  if (!std::isfinite(x) || x == 0) return value;
  char text[32];
  std::snprintf(text, sizeof text, "%.6g", x);
  return std::strtod(text, nullptr);
}

// Each trial is an array in the order of kTrialFields (named in the page's "trial_fields"),
// each score an array in the order of kScoreFields: the field names are written once, not
// 10,000 times. Absent or default values are null, and trailing nulls are dropped.
constexpr std::string_view kTrialFields[] = {"index",
                                             "case_id",
                                             "prompt_id",
                                             "provider_id",
                                             "pass",
                                             "weighted_score",
                                             "output",
                                             "scores",
                                             "latency_s",
                                             "prompt_tokens",
                                             "completion_tokens",
                                             "cost_usd",
                                             "attempts",
                                             "finish_reason",
                                             "labels",
                                             "vars",
                                             "expected",
                                             "request",
                                             "baseline",
                                             "repeat",
                                             "error",
                                             "error_kind",
                                             "cached",
                                             "annotation"};
// Values that usually repeat across trials: the trial holds an index into "shared". (Ids
// repeat across the cells of a case; a small integer also costs the page's script nothing
// to read, where each string would be a new object.)
constexpr std::string_view kSharedTrialFields[] = {"case_id",       "prompt_id",  "provider_id",
                                                   "finish_reason", "error_kind", "request",
                                                   "vars",          "expected",   "labels"};
constexpr std::string_view kScoreFields[] = {"name",      "value",   "pass", "reason",
                                             "signature", "details", "error"};
constexpr std::string_view kBaselineFields[] = {"output", "pass", "weighted_score", "scores"};

bool is_shared_field(std::string_view field) {
  for (std::string_view f : kSharedTrialFields) {
    if (f == field) return true;
  }
  return false;
}

json flag(const json& value) { return value.is_boolean() && value.get<bool>() ? 1 : 0; }

void drop_trailing_nulls(json& array) {
  while (!array.empty() && array.back().is_null()) array.erase(array.size() - 1);
}

// A judge's transcript (docs/judges.md) is mostly its template: the prompt is stored as
// its lines, each line once across the page, and the system message once.
json page_details(const json& details, SharedValues& shared) {
  if (!details.is_object()) return details;
  json out = details;
  for (const char* field : {"prompt", "prompt_swapped"}) {
    const auto it = out.find(field);
    if (it == out.end() || !it->is_string()) continue;
    const std::string& text = it->get_ref<const std::string&>();
    json lines = json::array();
    size_t start = 0;
    while (true) {
      const size_t end = text.find('\n', start);
      lines.push_back(
          shared.index_of(text.substr(start, end == std::string::npos ? end : end - start)));
      if (end == std::string::npos) break;
      start = end + 1;
    }
    out[std::string(field) + "_lines"] = std::move(lines);
    out.erase(field);
  }
  if (const auto it = out.find("system"); it != out.end() && it->is_string()) {
    out["system_ref"] = shared.index_of(*it);
    out.erase("system");
  }
  return out;
}

json page_score(const json& score, SharedValues& shared) {
  json out = json::array();
  for (std::string_view field : kScoreFields) {
    const auto it = score.find(field);
    if (field == "pass") {
      // A failing score says so explicitly: 0, never a missing value.
      out.push_back(it == score.end() ? json(0) : flag(*it));
    } else if (it == score.end() || is_default(*it)) {
      out.push_back(nullptr);
    } else if (field == "error") {
      out.push_back(flag(*it));
    } else if (field == "value") {
      out.push_back(page_number(*it));
    } else {
      out.push_back(shared.index_of(field == "details" ? page_details(*it, shared) : *it));
    }
  }
  drop_trailing_nulls(out);
  return out;
}

json page_baseline(const json& baseline, SharedValues& shared) {
  if (!baseline.is_object()) return nullptr;
  json out = json::array();
  for (std::string_view field : kBaselineFields) {
    const auto it = baseline.find(field);
    if (field == "pass") {
      out.push_back(it == baseline.end() ? json(0) : flag(*it));
    } else if (it == baseline.end() || it->is_null()) {
      out.push_back(nullptr);
    } else if (field == "scores") {
      out.push_back(shared.index_of(*it));
    } else {
      out.push_back(page_number(*it));
    }
  }
  return out;
}

json page_trial(const json& trial, SharedValues& shared) {
  json out = json::array();
  for (std::string_view field : kTrialFields) {
    const auto it = trial.find(field);
    if (field == "pass") {
      out.push_back(it == trial.end() ? json(0) : flag(*it));
    } else if (it == trial.end() || is_default(*it)) {
      out.push_back(nullptr);
    } else if (field == "repeat" && *it == 0) {
      out.push_back(nullptr);  // the first repeat, as the page reads a missing one
    } else if (field == "cached") {
      out.push_back(flag(*it));
    } else if (field == "scores") {
      json scores = json::array();
      if (it->is_array()) {
        for (const json& score : *it) {
          if (score.is_object()) scores.push_back(page_score(score, shared));
        }
      }
      out.push_back(std::move(scores));
    } else if (field == "baseline") {
      out.push_back(page_baseline(*it, shared));
    } else if (is_shared_field(field)) {
      out.push_back(shared.index_of(*it));
    } else {
      out.push_back(page_number(*it));
    }
  }
  drop_trailing_nulls(out);
  return out;
}

json field_names(const std::string_view* begin, const std::string_view* end) {
  json names = json::array();
  for (const std::string_view* f = begin; f != end; ++f) names.push_back(std::string(*f));
  return names;
}

}  // namespace

json html_page_data(const json& document) {
  if (!document.is_object()) return document;
  json out = json::object();
  SharedValues shared;
  for (const auto& [key, value] : document.items()) {
    // Per-case aggregates over repeats are for tools; the page works them out from trials.
    if (key == "cases") continue;
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
  out["trial_fields"] = field_names(std::begin(kTrialFields), std::end(kTrialFields));
  out["score_fields"] = field_names(std::begin(kScoreFields), std::end(kScoreFields));
  out["baseline_fields"] = field_names(std::begin(kBaselineFields), std::end(kBaselineFields));
  out["shared"] = shared.take();
  return out;
}

}  // namespace evalkit

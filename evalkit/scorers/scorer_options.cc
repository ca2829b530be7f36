#include "evalkit/scorers/scorer_options.h"

#include <algorithm>

#include "evalkit/base/suggest.h"

namespace evalkit {

const nlohmann::json* ScorerOptions::lookup(const std::string& key) {
  known_.push_back(key);
  if (!options_.is_object()) return nullptr;
  const auto it = options_.find(key);
  return it == options_.end() ? nullptr : &*it;
}

void ScorerOptions::fail(const std::string& message) {
  if (error_.empty()) error_ = message;
}

bool ScorerOptions::get_string(const std::string& key, std::string* out) {
  const nlohmann::json* value = lookup(key);
  if (value == nullptr) return false;
  if (!value->is_string()) {
    fail("option '" + key + "' expects a string");
    return false;
  }
  *out = value->get<std::string>();
  return true;
}

bool ScorerOptions::get_bool(const std::string& key, bool* out) {
  const nlohmann::json* value = lookup(key);
  if (value == nullptr) return false;
  if (!value->is_boolean()) {
    fail("option '" + key + "' expects true or false");
    return false;
  }
  *out = value->get<bool>();
  return true;
}

bool ScorerOptions::get_number(const std::string& key, double* out) {
  const nlohmann::json* value = lookup(key);
  if (value == nullptr) return false;
  if (!value->is_number()) {
    fail("option '" + key + "' expects a number");
    return false;
  }
  *out = value->get<double>();
  return true;
}

bool ScorerOptions::get_string_list(const std::string& key, std::vector<std::string>* out) {
  const nlohmann::json* value = lookup(key);
  if (value == nullptr) return false;
  if (value->is_string()) {
    *out = {value->get<std::string>()};
    return true;
  }
  const bool all_strings =
      value->is_array() && std::all_of(value->begin(), value->end(),
                                       [](const nlohmann::json& item) { return item.is_string(); });
  if (!all_strings) {
    fail("option '" + key + "' expects a string or a list of strings");
    return false;
  }
  out->clear();
  for (const auto& item : *value) out->push_back(item.get<std::string>());
  return true;
}

const nlohmann::json* ScorerOptions::get_json(const std::string& key) { return lookup(key); }

bool ScorerOptions::finish(std::string* error) {
  if (error_.empty() && options_.is_object()) {
    for (const auto& item : options_.items()) {
      if (std::find(known_.begin(), known_.end(), item.key()) == known_.end()) {
        error_ = "unknown option '" + item.key() + "'" + did_you_mean(item.key(), known_);
        break;
      }
    }
  }
  if (error_.empty()) return true;
  *error = error_;
  return false;
}

}  // namespace evalkit

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

bool ScorerOptions::text_of(const nlohmann::json& value, const std::string& pointer,
                            std::string* out) const {
  if (value.is_string()) {
    *out = value.get<std::string>();
    return true;
  }
  if (!value.is_number() && !value.is_boolean()) return false;
  const auto written = scalar_texts_.find(pointer);
  *out = written != scalar_texts_.end() ? written->second : value.dump();
  return true;
}

bool ScorerOptions::get_string(const std::string& key, std::string* out) {
  const nlohmann::json* value = lookup(key);
  if (value == nullptr) return false;
  if (!text_of(*value, "/" + key, out)) {
    fail("option '" + key + "' expects a string");
    return false;
  }
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
  std::string text;
  if (text_of(*value, "/" + key, &text)) {
    *out = {std::move(text)};
    return true;
  }
  std::vector<std::string> items;
  if (value->is_array()) {
    for (size_t i = 0; i < value->size(); ++i) {
      if (!text_of((*value)[i], "/" + key + "/" + std::to_string(i), &text)) break;
      items.push_back(std::move(text));
    }
  }
  if (!value->is_array() || items.size() != value->size()) {
    fail("option '" + key + "' expects a string or a list of strings");
    return false;
  }
  *out = std::move(items);
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

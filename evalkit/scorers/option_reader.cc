#include "evalkit/scorers/option_reader.h"

#include <algorithm>
#include <cmath>
#include <utility>

#include "evalkit/base/suggest.h"

namespace evalkit {

OptionReader::OptionReader(const nlohmann::json& options, std::vector<std::string> known)
    : options_(options), known_(std::move(known)) {
  if (options_.is_null()) return;
  if (!options_.is_object()) {
    fail("options must be a mapping");
    return;
  }
  for (const auto& item : options_.items()) {
    if (std::find(known_.begin(), known_.end(), item.key()) == known_.end()) {
      fail("unknown option '" + item.key() + "'" + did_you_mean(item.key(), known_));
      return;
    }
  }
}

void OptionReader::fail(const std::string& message) {
  if (error_.empty()) error_ = message;
}

void OptionReader::get(const char* key, bool* value) {
  if (!options_.is_object() || !options_.contains(key)) return;
  const auto& v = options_.at(key);
  if (!v.is_boolean()) return fail(std::string("option '") + key + "' must be true or false");
  *value = v.get<bool>();
}

void OptionReader::get(const char* key, int* value) {
  if (!options_.is_object() || !options_.contains(key)) return;
  const auto& v = options_.at(key);
  if (v.is_number_integer()) {
    *value = v.get<int>();
  } else if (v.is_number_float() && std::floor(v.get<double>()) == v.get<double>()) {
    *value = static_cast<int>(v.get<double>());
  } else {
    fail(std::string("option '") + key + "' must be an integer");
  }
}

void OptionReader::get(const char* key, double* value) {
  if (!options_.is_object() || !options_.contains(key)) return;
  const auto& v = options_.at(key);
  if (!v.is_number()) return fail(std::string("option '") + key + "' must be a number");
  *value = v.get<double>();
}

void OptionReader::get(const char* key, std::string* value) {
  if (!options_.is_object() || !options_.contains(key)) return;
  const auto& v = options_.at(key);
  if (v.is_number() || v.is_boolean()) {
    *value = v.dump();  // a number where text is expected is taken as its text
    return;
  }
  if (!v.is_string()) return fail(std::string("option '") + key + "' must be a string");
  *value = v.get<std::string>();
}

bool OptionReader::ok(std::string* error) const {
  if (error_.empty()) return true;
  *error = error_;
  return false;
}

}  // namespace evalkit

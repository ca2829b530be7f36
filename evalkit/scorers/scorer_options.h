// Reads a scorer's options with the checks every factory needs: wrong types and unknown
// keys become one error message that names the option.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "evalkit/scorers/scorer.h"

namespace evalkit {

class ScorerOptions {
 public:
  explicit ScorerOptions(const ScorerSpec& spec) : options_(spec.options) {}

  // Each getter marks key as known. A missing key leaves *out unchanged and returns false;
  // a key of the wrong type records an error and returns false.
  bool get_string(const std::string& key, std::string* out);
  bool get_bool(const std::string& key, bool* out);
  bool get_number(const std::string& key, double* out);
  // A string or a list of strings.
  bool get_string_list(const std::string& key, std::vector<std::string>* out);
  // Any JSON value.
  const nlohmann::json* get_json(const std::string& key);

  // Records a problem with a known option, e.g. an invalid pattern.
  void fail(const std::string& message);

  // True when every option was known and well-typed; otherwise sets *error to the first
  // problem ("unknown option 'normalise' (did you mean 'normalize'?)").
  bool finish(std::string* error);

 private:
  const nlohmann::json* lookup(const std::string& key);

  const nlohmann::json& options_;
  std::vector<std::string> known_;
  std::string error_;
};

}  // namespace evalkit

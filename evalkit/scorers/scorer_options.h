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
  explicit ScorerOptions(const ScorerSpec& spec)
      : options_(spec.options), scalar_texts_(spec.scalar_texts) {}

  // Each getter marks key as known. A missing key leaves *out unchanged and returns false;
  // a key of the wrong type records an error and returns false. Where a string is expected,
  // a number or boolean is taken as its text (as written in the suite when known).
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
  // A string, or a number or boolean as text; false for anything else.
  bool text_of(const nlohmann::json& value, const std::string& pointer, std::string* out) const;

  const nlohmann::json& options_;
  const std::map<std::string, std::string>& scalar_texts_;
  std::vector<std::string> known_;
  std::string error_;
};

}  // namespace evalkit

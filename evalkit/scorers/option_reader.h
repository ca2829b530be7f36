// Reads a scorer's options (ScorerSpec::options) with messages a suite author can act on:
// unknown keys get a did-you-mean, wrong types name the key and the expected type.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace evalkit {

class OptionReader {
 public:
  // options must outlive the reader; known lists every accepted key.
  OptionReader(const nlohmann::json& options, std::vector<std::string> known);

  // Each getter leaves *value alone when the key is absent and records the first error.
  void get(const char* key, bool* value);
  void get(const char* key, int* value);
  void get(const char* key, double* value);
  void get(const char* key, std::string* value);

  // True when every key is known and every value had the right type; else sets *error.
  bool ok(std::string* error) const;

 private:
  void fail(const std::string& message);

  const nlohmann::json& options_;
  std::vector<std::string> known_;
  std::string error_;
};

}  // namespace evalkit

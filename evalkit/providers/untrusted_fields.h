// Fields of an endpoint's JSON answer read without trusting their types: a field of another
// type reads as absent, never as an exception (nlohmann's value() throws on a type mismatch,
// and an exception on the HTTP client's thread would end the process).
#pragma once

#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

namespace evalkit {

// object[key] when object is an object and that member is a string, else fallback.
inline std::string text_field(const nlohmann::json& object, const char* key,
                              std::string fallback = "") {
  if (!object.is_object()) return fallback;
  const auto it = object.find(key);
  return it != object.end() && it->is_string() ? it->get<std::string>() : fallback;
}

// object[key] when object is an object and that member is an integer, else fallback.
inline int64_t integer_field(const nlohmann::json& object, const char* key, int64_t fallback) {
  if (!object.is_object()) return fallback;
  const auto it = object.find(key);
  return it != object.end() && it->is_number_integer() ? it->get<int64_t>() : fallback;
}

}  // namespace evalkit

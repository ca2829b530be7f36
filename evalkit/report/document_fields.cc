#include "evalkit/report/document_fields.h"

#include "evalkit/model/error_kind.h"

namespace evalkit {
namespace {

const nlohmann::json* find_field(const nlohmann::json& object, std::string_view key) {
  if (!object.is_object()) return nullptr;
  const auto it = object.find(key);
  return it == object.end() ? nullptr : &*it;
}

}  // namespace

std::string text_field(const nlohmann::json& object, std::string_view key,
                       std::string_view fallback) {
  const nlohmann::json* value = find_field(object, key);
  if (value == nullptr) return std::string(fallback);
  if (value->is_string()) return value->get<std::string>();
  if (value->is_number() || value->is_boolean()) return value->dump();
  return std::string(fallback);
}

double number_field(const nlohmann::json& object, std::string_view key, double fallback) {
  const nlohmann::json* value = find_field(object, key);
  return value != nullptr && value->is_number() ? value->get<double>() : fallback;
}

bool bool_field(const nlohmann::json& object, std::string_view key, bool fallback) {
  const nlohmann::json* value = find_field(object, key);
  return value != nullptr && value->is_boolean() ? value->get<bool>() : fallback;
}

const nlohmann::json& array_field(const nlohmann::json& object, std::string_view key) {
  static const nlohmann::json empty = nlohmann::json::array();
  const nlohmann::json* value = find_field(object, key);
  return value != nullptr && value->is_array() ? *value : empty;
}

const nlohmann::json& object_field(const nlohmann::json& object, std::string_view key) {
  static const nlohmann::json empty = nlohmann::json::object();
  const nlohmann::json* value = find_field(object, key);
  return value != nullptr && value->is_object() ? *value : empty;
}

bool trial_was_skipped(const nlohmann::json& trial) {
  const std::string kind = text_field(trial, "error_kind");
  return kind == error_kind::kBudget || kind == error_kind::kCancelled;
}

bool trial_has_error(const nlohmann::json& trial) {
  if (trial_was_skipped(trial)) return false;
  return !text_field(trial, "error_kind").empty() || !text_field(trial, "error").empty();
}

std::string trial_display_name(const nlohmann::json& trial, bool run_has_repeats) {
  std::string name = text_field(trial, "case_id");
  if (run_has_repeats) name += " #" + text_field(trial, "repeat", "0");
  return name;
}

bool document_has_repeats(const nlohmann::json& document) {
  for (const auto& trial : array_field(document, "trials")) {
    if (number_field(trial, "repeat") > 0) return true;
  }
  return false;
}

}  // namespace evalkit

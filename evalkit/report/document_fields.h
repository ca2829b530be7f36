// Tolerant reads from the JSON report document (docs/json-report.md): a field that is
// missing, null or of another type reads as the given fallback, so a report can always
// be written from a partial document.
#pragma once

#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace evalkit {

// object[key] when it is a string; numbers and booleans as JSON text; otherwise fallback.
std::string text_field(const nlohmann::json& object, std::string_view key,
                       std::string_view fallback = "");

// object[key] when it is a number; otherwise fallback.
double number_field(const nlohmann::json& object, std::string_view key, double fallback = 0);

// object[key] when it is a boolean; otherwise fallback.
bool bool_field(const nlohmann::json& object, std::string_view key, bool fallback = false);

// object[key] when it is an array or object (as asked); otherwise an empty one of that kind.
const nlohmann::json& array_field(const nlohmann::json& object, std::string_view key);
const nlohmann::json& object_field(const nlohmann::json& object, std::string_view key);

// True when the trial was never sent (budget exhausted or run interrupted): reported as
// skipped rather than as an error.
bool trial_was_skipped(const nlohmann::json& trial);

// True when the trial has an infrastructure or scorer error (and was sent).
bool trial_has_error(const nlohmann::json& trial);

// "case_id" or "case_id #repeat" when the run repeats cases.
std::string trial_display_name(const nlohmann::json& trial, bool run_has_repeats);

// True when any trial in the document has a repeat index above 0.
bool document_has_repeats(const nlohmann::json& document);

}  // namespace evalkit

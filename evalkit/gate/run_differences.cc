#include "evalkit/gate/run_differences.h"

#include <map>

namespace evalkit {
namespace {

std::string text_of(const nlohmann::json& value) {
  if (value.is_null()) return "(none)";
  if (value.is_string()) return value.get<std::string>();
  return value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::map<std::string, const nlohmann::json*> providers_by_id(const nlohmann::json& providers) {
  std::map<std::string, const nlohmann::json*> by_id;
  if (!providers.is_array()) return by_id;
  for (const auto& provider : providers) {
    if (!provider.is_object()) continue;
    const auto id = provider.find("id");
    if (id != provider.end() && id->is_string()) by_id[id->get<std::string>()] = &provider;
  }
  return by_id;
}

nlohmann::json field(const nlohmann::json& object, const char* key) {
  const auto it = object.find(key);
  return it == object.end() ? nlohmann::json() : *it;
}

void compare_provider(const std::string& id, const nlohmann::json& was, const nlohmann::json& is,
                      std::vector<std::string>* changes) {
  for (const char* key : {"type", "model", "base_url"}) {
    const nlohmann::json a = field(was, key), b = field(is, key);
    if (a != b) {
      changes->push_back("provider '" + id + "': " + key + " " + text_of(a) + " -> " + text_of(b));
    }
  }
  const nlohmann::json a = field(was, "params"), b = field(is, "params");
  if (!a.is_object() || !b.is_object() || a == b) return;
  std::map<std::string, std::pair<nlohmann::json, nlohmann::json>> params;
  for (const auto& [key, value] : a.items()) params[key].first = value;
  for (const auto& [key, value] : b.items()) params[key].second = value;
  for (const auto& [key, values] : params) {
    if (values.first == values.second) continue;
    changes->push_back("provider '" + id + "': " + key + " " + text_of(values.first) + " -> " +
                       text_of(values.second));
  }
}

}  // namespace

RunDifferences run_differences(const RunRecord& baseline, const RunRecord& current) {
  RunDifferences differences;
  differences.baseline_suite = baseline.suite;
  differences.current_suite = current.suite;
  differences.other_suite = baseline.suite != current.suite;
  differences.suite_changed = !differences.other_suite && !baseline.suite_hash.empty() &&
                              !current.suite_hash.empty() &&
                              baseline.suite_hash != current.suite_hash;
  const auto was = providers_by_id(baseline.providers);
  const auto is = providers_by_id(current.providers);
  for (const auto& [id, provider] : was) {
    const auto it = is.find(id);
    if (it == is.end()) {
      differences.provider_changes.push_back("provider '" + id + "' (model " +
                                             text_of(field(*provider, "model")) +
                                             ") is only in the baseline");
    } else {
      compare_provider(id, *provider, *it->second, &differences.provider_changes);
    }
  }
  for (const auto& [id, provider] : is) {
    if (!was.count(id)) {
      differences.provider_changes.push_back("provider '" + id + "' (model " +
                                             text_of(field(*provider, "model")) +
                                             ") is only in this run");
    }
  }
  return differences;
}

}  // namespace evalkit

#include "evalkit/suite/promptfoo_assertion.h"

#include <filesystem>

#include "evalkit/base/files.h"
#include "evalkit/suite/promptfoo_check.h"
#include "evalkit/text/utf8.h"

namespace evalkit::promptfoo {
namespace {

// `$ref: '#/a/b'` within the config.
YAML::Node resolve_ref(const YAML::Node& root, const std::string& ref) {
  if (ref.rfind("#/", 0) != 0) return YAML::Node();
  YAML::Node node = YAML::Clone(root);
  size_t position = 2;
  while (position <= ref.size()) {
    size_t slash = ref.find('/', position);
    if (slash == std::string::npos) slash = ref.size();
    const std::string part = ref.substr(position, slash - position);
    if (!node.IsMap() || !node[part]) return YAML::Node();
    node.reset(node[part]);
    position = slash + 1;
  }
  return node;
}

// Every string in value converted to an evalkit template; false with *problem otherwise.
bool convert_templates(Json* value, std::string* problem) {
  if (value->is_string()) {
    std::string converted;
    if (!evalkit_template(value->get<std::string>(), &converted, problem)) return false;
    *value = converted;
    return true;
  }
  if (value->is_array() || value->is_object()) {
    for (auto& item : *value) {
      if (!convert_templates(&item, problem)) return false;
    }
  }
  return true;
}

// A `file://` value: text files become their text, JSON/YAML files their value; code files
// stay references (for code checks).
bool load_file_value(const YAML::Node& where, const std::string& reference,
                     const AssertionScope& scope, Json* out) {
  const std::string path = scope.context.resolve(reference);
  const std::string ext = extension_of(path.substr(0, path.find(':', 2)));
  if (ext == ".js" || ext == ".ts" || ext == ".py" || ext == ".mjs" || ext == ".cjs") {
    *out = reference;
    return true;
  }
  if (ext == ".json" || ext == ".yaml" || ext == ".yml") {
    YAML::Node loaded;
    if (Status s = scope.context.load_yaml(path, &loaded); !s) {
      scope.context.dropped(where, scope.owner + ": assertion value " + s.message());
      return false;
    }
    ImportContext::FileScope file(&scope.context, path);
    *out = scope.context.value(loaded);
    return true;
  }
  std::string text;
  if (Status s = read_file(path, &text); !s || !is_valid_utf8(text)) {
    scope.context.dropped(where,
                          scope.owner + ": assertion value '" + reference + "' cannot be read");
    return false;
  }
  *out = text;
  return true;
}

// Points model-graded scorers at their grader.
bool assign_grader(const YAML::Node& where, const YAML::Node& own_grader,
                   const AssertionScope& scope, Json* scorer) {
  const std::string type = (*scorer)["type"].get<std::string>();
  if (type != "judge" && type != "similarity") return true;
  const YAML::Node spec = present(own_grader) ? own_grader : scope.test_grader;
  std::string id;
  if (present(spec)) {
    const bool ok = type == "judge" ? scope.graders.judge_for(spec, scope.context, &id)
                                    : scope.graders.embedder_for(spec, scope.context, &id);
    if (!ok) {
      scope.context.dropped(where, scope.owner + ": the grader of this '" + type +
                                       "' check is not converted, so neither is the check");
      return false;
    }
  }
  if (id.empty()) {
    if (type == "judge") scope.graders.use_default_judge();
    if (type == "similarity") scope.graders.use_default_embedder();
  } else {
    (*scorer)["provider"] = id;
  }
  return true;
}

// A code check's `file://x.js[:fn]` is relative to the config; the suite needs it relative
// to itself. Returns a code file that does not exist ("" when every one does): such a check
// is dropped (and listed), since a suite that names it would not load.
std::string rebase_code_file(const AssertionScope& scope, Json* scorer) {
  std::string missing;
  for (const char* key : {"javascript", "python"}) {
    if (!scorer->contains(key) || !(*scorer)[key].is_string()) continue;
    const std::string value = (*scorer)[key].get<std::string>();
    if (value.rfind("file://", 0) != 0) continue;
    std::string file = value.substr(7), function;
    const size_t colon = file.find(':', 2);
    if (colon != std::string::npos) {
      function = file.substr(colon);
      file = file.substr(0, colon);
    }
    const std::string resolved = scope.context.resolve(file);
    if (missing.empty() && !std::filesystem::exists(resolved)) missing = file;
    (*scorer)[key] = "file://" + scope.context.suite_relative(resolved) + function;
  }
  return missing;
}

bool finish_scorer(const YAML::Node& where, PromptfooCheck check, const YAML::Node& grader,
                   const AssertionScope& scope, Json* scorer) {
  std::string problem;
  Json value = check.value;
  if (!convert_templates(&value, &problem)) {
    scope.context.dropped(where, scope.owner + ": '" + check.type + "' check " + problem);
    return false;
  }
  check.value = nlohmann::json::parse(value.dump());
  nlohmann::json converted;
  if (Status s = promptfoo_check_scorer(check, &converted); !s) {
    scope.context.dropped(where, scope.owner + ": " + s.message());
    return false;
  }
  *scorer = Json::parse(converted.dump());
  if (const std::string missing = rebase_code_file(scope, scorer); !missing.empty()) {
    scope.context.dropped(where, scope.owner + ": '" + check.type + "' check's file '" + missing +
                                     "' does not exist");
    return false;
  }
  return assign_grader(where, grader, scope, scorer);
}

}  // namespace

void convert_assertion(const YAML::Node& input, const AssertionScope& scope, Json* out) {
  scope.context.tick();
  YAML::Node node = input;
  if (node.IsMap() && node["$ref"]) {
    node.reset(resolve_ref(scope.root, node["$ref"].as<std::string>("")));
    if (!present(node)) {
      scope.context.dropped(input, scope.owner + ": '$ref' " + input["$ref"].as<std::string>("") +
                                       " does not resolve");
      return;
    }
  }
  if (!node.IsMap() || !node["type"] || !node["type"].IsScalar()) {
    scope.context.dropped(input, scope.owner + ": an assertion needs a 'type'");
    return;
  }
  const std::string type = node["type"].Scalar();
  if (type == "assert-set") {
    if (node["threshold"]) {
      scope.context.dropped(input, scope.owner +
                                       ": an assert-set with a threshold is not "
                                       "converted");
      return;
    }
    if (node["assert"] && node["assert"].IsSequence()) {
      for (const auto& child : node["assert"]) convert_assertion(child, scope, out);
    }
    return;
  }
  PromptfooCheck check;
  check.type = type;
  YAML::Node grader;
  Json name, weight, script_config;
  for (const auto& item : node) {
    const std::string key = item.first.as<std::string>("");
    if (key == "type") continue;
    if (key == "value") {
      if (item.second.IsScalar() && item.second.Scalar().rfind("file://", 0) == 0) {
        Json loaded;
        if (!load_file_value(item.second, item.second.Scalar(), scope, &loaded)) return;
        check.value = nlohmann::json::parse(loaded.dump());
      } else {
        check.value = nlohmann::json::parse(scope.context.value(item.second).dump());
      }
    } else if (key == "threshold") {
      const Json threshold = scope.context.value(item.second);
      if (!threshold.is_number()) {
        scope.context.dropped(item.first, scope.owner + ": threshold is not a number");
        return;
      }
      check.threshold = threshold.get<double>();
    } else if (key == "metric") {
      name = item.second.as<std::string>("");
    } else if (key == "weight") {
      weight = scope.context.value(item.second);
      if (!weight.is_number() || weight.get<double>() < 0) {
        scope.context.dropped(item.first, scope.owner + ": weight is not a number >= 0");
        return;
      }
    } else if (key == "provider") {
      grader.reset(item.second);
    } else if (key == "config" && (type == "javascript" || type == "python")) {
      script_config = scope.context.value(item.second);
    } else if (key == "transform" || key == "contextTransform") {
      scope.context.dropped(item.first, scope.owner + ": '" + type + "' check with a " + key +
                                            " (JavaScript) is not converted");
      return;
    } else {
      scope.context.dropped(item.first,
                            scope.owner + ": assertion key '" + key + "' is not converted");
    }
  }
  Json scorer;
  if (!finish_scorer(input, check, grader, scope, &scorer)) return;
  if (!name.is_null() && !name.get<std::string>().empty()) scorer["name"] = name;
  if (!weight.is_null()) scorer["weight"] = weight;
  if (!script_config.is_null() && scorer["type"] == "script") scorer["config"] = script_config;
  out->push_back(scorer);
}

bool convert_expected_cell(const std::string& cell, const std::string& location,
                           const AssertionScope& scope, Json* scorer) {
  PromptfooCheck check;
  if (!parse_promptfoo_cell(cell, &check)) {
    check.type = "equals";
    check.value = cell;
  }
  if (check.value.is_string() && check.value.get<std::string>().rfind("file://", 0) == 0 &&
      check.type != "javascript" && check.type != "python") {
    scope.context.dropped_at(
        location, scope.owner + ": '" + check.type + "' check reading a file is not converted");
    return false;
  }
  std::string problem;
  Json value = Json::parse(check.value.dump());
  if (!convert_templates(&value, &problem)) {
    scope.context.dropped_at(location, scope.owner + ": '" + check.type + "' check " + problem);
    return false;
  }
  check.value = nlohmann::json::parse(value.dump());
  nlohmann::json converted;
  if (Status s = promptfoo_check_scorer(check, &converted); !s) {
    scope.context.dropped_at(location, scope.owner + ": " + s.message());
    return false;
  }
  *scorer = Json::parse(converted.dump());
  if (const std::string missing = rebase_code_file(scope, scorer); !missing.empty()) {
    scope.context.dropped_at(location, scope.owner + ": '" + check.type + "' check's file '" +
                                           missing + "' does not exist");
    return false;
  }
  return assign_grader(YAML::Node(), YAML::Node(), scope, scorer);
}

void Graders::set_defaults(const YAML::Node& spec, ImportContext& context) {
  ConvertedProvider converted;
  const bool pair = spec.IsMap() && (spec["text"] || spec["embedding"]);
  if (!pair || spec["text"]) {
    if (convert_grader(spec, false, context, &converted)) {
      default_judge_ = add(converted, "grader");
      judge_set_ = true;
    }
  }
  if (pair && spec["embedding"]) {
    if (convert_grader(spec, true, context, &converted)) {
      default_embedder_ = add(converted, "embedder");
      embedder_set_ = true;
    }
  }
}

bool Graders::judge_for(const YAML::Node& spec, ImportContext& context, std::string* id) {
  ConvertedProvider converted;
  if (!convert_grader(spec, false, context, &converted)) return false;
  *id = add(converted, "grader");
  if (*id == default_judge_) {
    judge_used_ = true;
    id->clear();
  }
  return true;
}

bool Graders::embedder_for(const YAML::Node& spec, ImportContext& context, std::string* id) {
  ConvertedProvider converted;
  // A chat grader named for a similarity check leaves the embedding model to the default.
  if (!(spec.IsMap() && spec["embedding"])) {
    id->clear();
    return true;
  }
  if (!convert_grader(spec, true, context, &converted)) return false;
  *id = add(converted, "embedder");
  if (*id == default_embedder_) {
    embedder_used_ = true;
    id->clear();
  }
  return true;
}

std::string Graders::add(const ConvertedProvider& converted, const std::string& wanted) {
  const std::string spec = converted.provider.dump();
  for (const auto& [known, id] : by_spec_) {
    if (known == spec) return id;
  }
  std::string id = wanted;
  for (int n = 2; ids_->count(id); ++n) id = wanted + "-" + std::to_string(n);
  ids_->insert(id);
  Json provider = {{"id", id}};
  for (const auto& [key, value] : converted.provider.items()) provider[key] = value;
  providers_.push_back(provider);
  by_spec_.emplace_back(spec, id);
  return id;
}

Json Graders::providers(ImportContext& context) {
  if (judge_used_ && !judge_set_) {
    ConvertedProvider fallback;
    fallback.provider = {{"type", "openai-chat"}, {"model", "gpt-4.1"}};
    default_judge_ = add(fallback, "grader");
    judge_set_ = true;
    context.changed(YAML::Node(),
                    "model-graded checks are graded by OpenAI's gpt-4.1 "
                    "(provider 'grader'); promptfoo picks its default grader by "
                    "the API keys it finds");
  }
  if (embedder_used_ && !embedder_set_) {
    ConvertedProvider fallback;
    fallback.provider = {{"type", "openai-embeddings"}, {"model", "text-embedding-3-large"}};
    fallback.embeddings = true;
    default_embedder_ = add(fallback, "embedder");
    embedder_set_ = true;
  }
  // Only the graders something uses.
  Json used = Json::array();
  for (const auto& provider : providers_) {
    const std::string& id = provider["id"].get_ref<const std::string&>();
    if ((id == default_judge_ && !judge_used_) || (id == default_embedder_ && !embedder_used_)) {
      continue;
    }
    used.push_back(provider);
  }
  return used;
}

}  // namespace evalkit::promptfoo

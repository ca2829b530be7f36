#include "evalkit/scorers/judge_template.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <map>
#include <memory>
#include <mutex>

#include "evalkit/base/embedded.h"
#include "evalkit/base/files.h"
#include "evalkit/base/hash.h"
#include "evalkit/base/suggest.h"
#include "evalkit/suite/template.h"

namespace evalkit {
namespace {

bool ends_with(const std::string& text, const std::string& tail) {
  return text.size() >= tail.size() &&
         text.compare(text.size() - tail.size(), tail.size(), tail) == 0;
}

std::string upper(std::string text) {
  for (char& c : text) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return text;
}

Status parse_verdict_spec(const YAML::Node& node, const std::string& origin, VerdictSpec* out) {
  const auto fail = [&](const std::string& message) {
    return Status::error(origin + ": verdict: " + message);
  };
  if (!node.IsMap()) return fail("expected a mapping");
  const std::string format = node["format"] ? node["format"].as<std::string>() : "";
  if (format == "json") {
    out->format = VerdictSpec::Format::kJson;
  } else if (format == "choice") {
    out->format = VerdictSpec::Format::kChoice;
  } else if (format == "scale") {
    out->format = VerdictSpec::Format::kScale;
  } else {
    return fail("'format' must be json, choice or scale, got '" + format + "'");
  }
  if (node["prefix"]) out->prefix = node["prefix"].as<std::string>();
  if (node["score_field"]) out->score_field = node["score_field"].as<std::string>();
  if (node["reason_field"]) out->reason_field = node["reason_field"].as<std::string>();
  if (const YAML::Node choices = node["choices"]) {
    if (!choices.IsMap()) return fail("'choices' must map labels to scores");
    for (const auto& item : choices) {
      const double score = item.second.as<double>();
      if (score < 0 || score > 1) return fail("choice scores must be in [0, 1]");
      out->choices[upper(item.first.as<std::string>())] = score;
    }
  }
  if (const YAML::Node scale = node["scale"]) {
    if (!scale.IsSequence() || scale.size() != 2) return fail("'scale' must be [min, max]");
    out->scale_min = scale[0].as<double>();
    out->scale_max = scale[1].as<double>();
    if (out->scale_max <= out->scale_min) return fail("'scale' needs min < max");
  }
  if (out->format == VerdictSpec::Format::kChoice && out->choices.empty()) {
    return fail("a choice verdict needs 'choices'");
  }
  if (out->format == VerdictSpec::Format::kScale && out->scale_max <= out->scale_min) {
    return fail("a scale verdict needs 'scale: [min, max]'");
  }
  return Status::ok();
}

Status parse_node(const YAML::Node& root, const std::string& origin, JudgeTemplate* out) {
  static const std::vector<std::string> kKeys = {"name",    "description", "system",   "user",
                                                 "verdict", "threshold",   "pairwise", "defaults"};
  if (!root.IsMap()) return Status::error(origin + ": a judge template is a mapping");
  for (const auto& item : root) {
    const std::string key = item.first.as<std::string>();
    if (std::find(kKeys.begin(), kKeys.end(), key) == kKeys.end()) {
      return Status::error(origin + ": unknown key '" + key + "'" + did_you_mean(key, kKeys));
    }
  }
  if (root["name"]) out->name = root["name"].as<std::string>();
  if (root["description"]) out->description = root["description"].as<std::string>();
  if (root["system"]) out->system = root["system"].as<std::string>();
  if (!root["user"]) return Status::error(origin + ": a judge template needs 'user'");
  out->user = root["user"].as<std::string>();
  if (!root["verdict"]) return Status::error(origin + ": a judge template needs 'verdict'");
  if (Status s = parse_verdict_spec(root["verdict"], origin, &out->verdict); !s) return s;
  if (root["threshold"]) out->threshold = root["threshold"].as<double>();
  if (root["pairwise"]) out->pairwise = root["pairwise"].as<bool>();
  if (const YAML::Node defaults = root["defaults"]) {
    if (!defaults.IsMap()) return Status::error(origin + ": 'defaults' must be a mapping");
    for (const auto& item : defaults) {
      out->defaults[item.first.as<std::string>()] = item.second.as<std::string>();
    }
  }
  const auto& known = judge_template_variables();
  for (const std::string* text : {&out->system, &out->user}) {
    std::vector<std::string> variables;
    if (Status s = parse_template_variables(*text, &variables); !s) {
      return Status::error(origin + ": " + s.message());
    }
    for (auto& variable : variables) {
      if (std::find(known.begin(), known.end(), variable) == known.end()) {
        return Status::error(origin + ": unknown placeholder '{{" + variable + "}}'" +
                             did_you_mean(variable, known));
      }
      if (std::find(out->variables.begin(), out->variables.end(), variable) ==
          out->variables.end()) {
        out->variables.push_back(std::move(variable));
      }
    }
  }
  return Status::ok();
}

}  // namespace

const std::vector<std::string>& judge_template_variables() {
  static const std::vector<std::string> kVariables = {"input",    "output", "expected", "rubric",
                                                      "criteria", "steps",  "context"};
  return kVariables;
}

Status parse_judge_template(const std::string& yaml, const std::string& origin,
                            JudgeTemplate* out) {
  try {
    if (Status s = parse_node(YAML::Load(yaml), origin, out); !s) return s;
  } catch (const YAML::Exception& e) {
    return Status::error(origin + ": " + e.what());
  }
  out->content_hash = sha256_hex(yaml);
  return Status::ok();
}

Status load_shared_judge_template(const std::string& name_or_path,
                                  std::shared_ptr<const JudgeTemplate>* out) {
  // Each template is parsed once per process and shared by every scorer that uses it: a suite
  // with a judge on each of 10,000 cases would otherwise parse (and hold) it 10,000 times. A
  // file is read each time and parsed again only when its text changed.
  static std::mutex parsed_mutex;
  static std::map<std::string, std::shared_ptr<const JudgeTemplate>> parsed;
  std::string text, origin, key;
  if (ends_with(name_or_path, ".yaml") || ends_with(name_or_path, ".yml")) {
    if (!read_file(name_or_path, &text)) {
      return Status::error("cannot read judge template " + name_or_path);
    }
    origin = name_or_path;
    key = "file\n" + name_or_path + "\n" + sha256_hex(text);
  } else {
    key = "builtin\n" + name_or_path;
  }
  {
    const std::lock_guard<std::mutex> lock(parsed_mutex);
    if (const auto it = parsed.find(key); it != parsed.end()) {
      *out = it->second;
      return Status::ok();
    }
  }
  if (origin.empty()) {
    const auto embedded = embedded_file("judges/" + name_or_path + ".yaml");
    if (!embedded) {
      return Status::error("judge template '" + name_or_path + "' is not built in" +
                           did_you_mean(name_or_path, builtin_judge_templates()) +
                           " (a file must end in .yaml)");
    }
    text = std::string(*embedded);
    origin = "judges/" + name_or_path + ".yaml";
  }
  auto judge_template = std::make_shared<JudgeTemplate>();
  if (Status s = parse_judge_template(text, origin, judge_template.get()); !s) return s;
  if (judge_template->name.empty()) judge_template->name = name_or_path;
  const std::lock_guard<std::mutex> lock(parsed_mutex);
  *out = parsed.emplace(key, std::move(judge_template)).first->second;
  return Status::ok();
}

Status load_judge_template(const std::string& name_or_path, JudgeTemplate* out) {
  std::shared_ptr<const JudgeTemplate> shared;
  if (Status s = load_shared_judge_template(name_or_path, &shared); !s) return s;
  *out = *shared;
  return Status::ok();
}

std::vector<std::string> builtin_judge_templates() {
  std::vector<std::string> names;
  for (const auto& [path, contents] : embedded_files()) {
    const std::string file(path);
    if (file.rfind("judges/", 0) == 0 && ends_with(file, ".yaml")) {
      names.push_back(file.substr(7, file.size() - 7 - 5));
    }
  }
  std::sort(names.begin(), names.end());
  return names;
}

}  // namespace evalkit

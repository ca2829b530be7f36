#include "evalkit/suite/promptfoo_import.h"

#include <algorithm>
#include <filesystem>
#include <set>

#include "evalkit/base/files.h"
#include "evalkit/suite/prompt_parser.h"
#include "evalkit/suite/promptfoo_prompts.h"
#include "evalkit/suite/promptfoo_tests.h"
#include "evalkit/suite/suite_loader.h"
#include "evalkit/suite/template.h"
#include "evalkit/suite/yaml_writer.h"
#include "evalkit/text/utf8.h"

namespace evalkit {
namespace {

using promptfoo::ConvertedPrompts;
using promptfoo::ConvertedProvider;
using promptfoo::ConvertedTests;
using promptfoo::Graders;
using promptfoo::ImportContext;
using promptfoo::Json;
using promptfoo::TestConverter;

// Top-level keys that only shape how promptfoo runs or where it writes; listed as dropped.
const std::set<std::string>& run_only_keys() {
  static const std::set<std::string> keys = {"outputPath",
                                             "sharing",
                                             "writeLatestResults",
                                             "env",
                                             "commandLineOptions",
                                             "tracing",
                                             "extensions",
                                             "nunjucksFilters",
                                             "derivedMetrics",
                                             "metadata",
                                             "redteam",
                                             "scenarios",
                                             "tags",
                                             "evaluateOptions",
                                             "assertionTemplates",
                                             "filters",
                                             "outputs"};
  return keys;
}

// The first path segment of each {{variable}} in the strings of value.
void collect_variables(const Json& value, std::set<std::string>* out) {
  if (value.is_string()) {
    for (const auto& variable : template_variables(value.get<std::string>())) {
      out->insert(variable.substr(0, variable.find('.')));
    }
  } else if (value.is_array() || value.is_object()) {
    for (const auto& item : value) collect_variables(item, out);
  }
}

// The variables the prompts use (prompt files read as the loader reads them).
std::set<std::string> prompt_variables(const Json& prompts, const std::string& suite_dir) {
  std::set<std::string> out;
  for (const auto& prompt : prompts) {
    if (prompt.contains("prompt")) collect_variables(prompt["prompt"], &out);
    if (prompt.contains("messages")) collect_variables(prompt["messages"], &out);
    if (prompt.contains("file")) {
      std::string text;
      const std::string path =
          (std::filesystem::path(suite_dir) / prompt["file"].get<std::string>()).string();
      if (read_file(path, &text)) {
        const Json parsed = Json::parse(text, nullptr, false);
        if (!parsed.is_discarded()) {
          collect_variables(parsed, &out);
        } else {
          collect_variables(Json(text), &out);
        }
      }
    }
  }
  return out;
}

class Importer {
 public:
  Importer(const std::string& path, const PromptfooImportOptions& options)
      : path_(path),
        options_(options),
        output_dir_(options.output_path.empty()
                        ? std::string(".")
                        : std::filesystem::path(options.output_path).parent_path().string()),
        context_(path, output_dir_.empty() ? "." : output_dir_),
        graders_(&provider_ids_) {}

  Status run(PromptfooImport* out);

 private:
  void convert_systems_under_test(const YAML::Node& root);
  void fill_missing_variables();
  Json assemble(const YAML::Node& root);

  std::string path_;
  PromptfooImportOptions options_;
  std::string output_dir_;
  ImportContext context_;
  std::set<std::string> provider_ids_;
  Graders graders_;
  ConvertedPrompts prompts_;
  ConvertedTests tests_;
  Json systems_ = Json::array();
  int repeat_ = 1;
};

void Importer::convert_systems_under_test(const YAML::Node& root) {
  YAML::Node list = root["targets"] ? root["targets"] : root["providers"];
  if (root["targets"] && root["providers"]) {
    context_.dropped(root["providers"],
                     "'providers' is ignored because 'targets' is given, as "
                     "promptfoo does");
  }
  if (!list) return;
  if (list.IsScalar() || list.IsMap()) {
    YAML::Node single(YAML::NodeType::Sequence);
    single.push_back(list);
    list.reset(single);
  }
  for (const auto& node : list) {
    context_.tick();
    ConvertedProvider converted;
    if (!promptfoo::convert_provider(node, context_, &converted)) continue;
    if (converted.embeddings) {
      context_.dropped(node, "an embeddings model cannot be a system under test");
      continue;
    }
    Json provider = {{"id", promptfoo::unique_id(&provider_ids_,
                                                 promptfoo::to_id(converted.name, "assistant"))}};
    for (const auto& [key, value] : converted.provider.items()) provider[key] = value;
    if (!converted.prompt_labels.empty()) {
      Json ids = Json::array();
      for (const auto& label : converted.prompt_labels) {
        const auto it = prompts_.by_name.find(label);
        if (it == prompts_.by_name.end()) {
          context_.dropped(node, "provider '" + provider["id"].get<std::string>() + "': prompt '" +
                                     label +
                                     "' is not among the converted "
                                     "prompts");
          continue;
        }
        for (const auto& id : it->second) ids.push_back(id);
      }
      if (ids.empty()) {
        context_.dropped(node, "provider '" + provider["id"].get<std::string>() +
                                   "' runs none of the converted prompts, so it is left out");
        continue;
      }
      provider["prompts"] = ids;
    }
    systems_.push_back(provider);
  }
}

void Importer::fill_missing_variables() {
  std::set<std::string> needed =
      prompt_variables(prompts_.prompts, output_dir_.empty() ? "." : output_dir_);
  collect_variables(tests_.scorers, &needed);
  std::map<std::string, int> filled;
  for (size_t i = 0; i < tests_.cases.size(); ++i) {
    Json& entry = tests_.cases[i];
    std::set<std::string> wanted = needed;
    if (entry.contains("scorers")) collect_variables(entry["scorers"], &wanted);
    const auto columns = tests_.dataset_columns.find(i);
    for (const auto& name : wanted) {
      if (columns != tests_.dataset_columns.end()) {
        if (columns->second.count(name) ||
            (entry.contains("vars") && entry["vars"].contains(name))) {
          continue;
        }
        entry["vars"][name] = "";
      } else {
        if (entry["vars"].contains(name)) continue;
        entry["vars"][name] = "";
      }
      ++filled[name];
    }
  }
  for (const auto& [name, count] : filled) {
    context_.changed(YAML::Node(), "variable '" + name + "' is missing from " +
                                       std::to_string(count) +
                                       " test(s): it is set to \"\" there, as promptfoo renders a "
                                       "missing variable");
  }
}

Json Importer::assemble(const YAML::Node& root) {
  const std::string description =
      root["description"] ? root["description"].as<std::string>("") : "";
  const std::string folder = std::filesystem::absolute(path_).parent_path().filename().string();
  Json suite = Json::object();
  suite["suite"] = promptfoo::to_id(description, promptfoo::to_id(folder, "promptfoo"));
  if (!description.empty()) suite["description"] = description;
  // The systems under test by name: a grader can never be taken for one.
  Json under_test = Json::array();
  for (const auto& provider : systems_) under_test.push_back(provider["id"]);
  suite["under_test"] = under_test;
  const Json graders = graders_.providers(context_);
  Json defaults = Json::object();
  if (graders_.judge_used()) defaults["judge"] = graders_.default_judge();
  if (graders_.embedder_used()) defaults["embedder"] = graders_.default_embedder();
  if (!defaults.empty()) suite["defaults"] = defaults;
  Json providers = systems_;
  for (const auto& grader : graders) providers.push_back(grader);
  suite["providers"] = providers;
  suite["prompts"] = prompts_.prompts;
  suite["cases"] = tests_.cases;
  if (!tests_.scorers.empty()) suite["scorers"] = tests_.scorers;
  if (tests_.default_threshold && *tests_.default_threshold > 0) {
    suite["pass"] = {{"weighted_score", std::min(1.0, *tests_.default_threshold)}};
  }
  if (repeat_ > 1) suite["repeat"] = repeat_;
  return suite;
}

Status Importer::run(PromptfooImport* out) {
  YAML::Node root;
  if (Status s = context_.load_yaml(path_, &root); !s) return s;
  if (!root.IsMap()) return Status::error(path_ + ": a promptfoo config is a mapping");
  static const std::set<std::string> kConverted = {"description", "prompts", "providers",
                                                   "targets",     "tests",   "defaultTest"};
  for (const auto& item : root) {
    const std::string key = item.first.as<std::string>("");
    if (key == "evaluateOptions" && item.second.IsMap()) {
      for (const auto& option : item.second) {
        const std::string name = option.first.as<std::string>("");
        const Json value = context_.value(option.second);
        if (name == "repeat" && value.is_number_integer() && value.get<int64_t>() >= 1 &&
            value.get<int64_t>() <= 1000) {
          repeat_ = int(value.get<int64_t>());
        } else {
          context_.dropped(option.first, "evaluateOptions." + name + " is not converted");
        }
      }
    } else if (key == "assertionTemplates") {
      continue;  // read through `$ref`
    } else if (!kConverted.count(key)) {
      context_.dropped(item.first, "top-level key '" + key + "' is not converted" +
                                       (run_only_keys().count(key) ? " (it shapes how promptfoo "
                                                                     "runs, not what it tests)"
                                                                   : ""));
    }
  }
  promptfoo::convert_prompts(root["prompts"], context_, &prompts_);
  convert_systems_under_test(root);
  if (systems_.empty()) {
    std::string why;
    for (const auto& note : context_.dropped_notes()) why += "\n  " + note;
    return Status::error(path_ + ": no provider under test converts, so there is nothing to " +
                         "run (graders are never made the system under test)" + why);
  }
  if (prompts_.prompts.empty()) {
    std::string why;
    for (const auto& note : context_.dropped_notes()) why += "\n  " + note;
    return Status::error(path_ + ": no prompt converts" + why);
  }
  TestConverter tests(context_, graders_, root, &tests_);
  tests.default_test(root["defaultTest"]);
  tests.tests(root["tests"]);
  if (tests_.cases.empty()) {
    // promptfoo runs each prompt once when there are no tests.
    Json only = {{"id", "test-1"}, {"vars", tests_.default_vars}};
    if (!tests_.default_labels.empty()) only["labels"] = tests_.default_labels;
    tests_.cases.push_back(only);
  }
  fill_missing_variables();
  const Json suite = assemble(root);

  std::string header = "# Converted from " + path_ + " by 'evalkit import promptfoo'.\n";
  if (!context_.dropped_notes().empty()) {
    header += "# Not converted (" + std::to_string(context_.dropped_notes().size()) + "):\n";
    for (const auto& n : context_.dropped_notes()) header += "#   " + n + "\n";
  }
  if (!context_.changed_notes().empty()) {
    header += "# Changed (" + std::to_string(context_.changed_notes().size()) + "):\n";
    for (const auto& n : context_.changed_notes()) header += "#   " + n + "\n";
  }
  // Comments must stay comments: a note holding a line break continues as a comment.
  std::string safe_header;
  for (size_t i = 0; i < header.size(); ++i) {
    safe_header += header[i];
    if ((header[i] == '\n' || header[i] == '\r') && i + 1 < header.size() && header[i + 1] != '#') {
      safe_header += "#   ";
    }
  }
  YamlWriterOptions yaml_options;
  yaml_options.expand_keys = {"base_url", "url",        "headers",
                              "query",    "deployment", "region"};  // ${VAR} we wrote
  out->suite_yaml = safe_header + to_yaml(suite, yaml_options);
  out->not_converted = context_.dropped_notes();
  out->changed = context_.changed_notes();
  out->systems_under_test = int(systems_.size());
  out->prompts = int(suite["prompts"].size());
  out->cases = int(suite["cases"].size());

  // The suite must load with evalkit's own loader, as it will be written.
  const std::string where = options_.output_path.empty()
                                ? (std::filesystem::current_path() / "suite.yaml").string()
                                : options_.output_path;
  // Variables the suite reads (keys, endpoints) are the user's to set: any value will do here.
  SuiteLoadOptions load_options;
  load_options.getenv = [](const std::string&) {
    return std::optional<std::string>("http://127.0.0.1");
  };
  Suite loaded;
  if (Status s = load_suite_text(where, out->suite_yaml, &loaded, load_options); !s) {
    return Status::error(
        path_ + ": the converted suite does not load, so it is not written: " + s.message());
  }
  return Status::ok();
}

}  // namespace

Status import_promptfoo(const std::string& path, const PromptfooImportOptions& options,
                        PromptfooImport* out) {
  *out = PromptfooImport();
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) return Status::error(path + ": not found");
  Importer importer(path, options);
  try {
    return importer.run(out);
  } catch (const promptfoo::ConfigTooLarge& e) {
    *out = PromptfooImport();
    return Status::error(path + ": " + e.what());
  } catch (const YAML::Exception& e) {
    *out = PromptfooImport();
    return Status::error(path + ":" + std::to_string(e.mark.line + 1) + ":" +
                         std::to_string(e.mark.column + 1) + ": " + e.msg);
  }
}

}  // namespace evalkit

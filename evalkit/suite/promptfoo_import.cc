#include "evalkit/base/json_parse.h"
#include "evalkit/suite/promptfoo_import.h"

#include <filesystem>
#include <map>
#include <set>

#include <yaml-cpp/yaml.h>
#include <nlohmann/json.hpp>

#include "evalkit/base/files.h"
#include "evalkit/base/secrets.h"
#include "evalkit/suite/csv_reader.h"
#include "evalkit/suite/promptfoo_assertion.h"

namespace evalkit {
namespace {

// evalkit ids: letters, digits, '-', '_', '.'; everything else becomes '-'.
std::string to_id(const std::string& text, const std::string& fallback) {
  std::string id;
  for (char c : text) {
    const bool keep = std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.';
    if (keep) {
      id += char(std::tolower(static_cast<unsigned char>(c)));
    } else if (!id.empty() && id.back() != '-') {
      id += '-';
    }
  }
  while (!id.empty() && id.back() == '-') id.pop_back();
  return id.empty() ? fallback : id;
}

class Importer {
 public:
  explicit Importer(std::string path)
      : path_(std::move(path)), dir_(std::filesystem::path(path_).parent_path()) {}

  Status run(PromptfooImport* out);

 private:
  void note(const YAML::Node& where, const std::string& what) {
    const YAML::Mark mark = where.Mark();
    notes_.push_back(mark.is_null() ? path_ + ": " + what
                                    : path_ + ":" + std::to_string(mark.line + 1) + ":" +
                                          std::to_string(mark.column + 1) + ": " + what);
  }
  std::string unique_id(std::set<std::string>* used, const std::string& wanted);
  std::string relative_file(const std::string& ref) const {
    const std::string name = ref.rfind("file://", 0) == 0 ? ref.substr(7) : ref;
    return (dir_ / name).string();
  }
  void convert_prompts(const YAML::Node& prompts);
  void add_prompt(const YAML::Node& where, const std::string& id, const std::string& text);
  void convert_providers(const YAML::Node& providers);
  void convert_provider(const YAML::Node& provider);
  void convert_tests(const YAML::Node& tests);
  Status convert_csv(const YAML::Node& where, const std::string& file);
  void add_case(const std::string& description, YAML::Node vars,
                const std::vector<std::pair<YAML::Node, ConvertedAssertion>>& assertions);
  void convert_default_test(const YAML::Node& default_test);

  std::string path_;
  std::filesystem::path dir_;
  std::vector<std::string> notes_;
  Status file_error_ = Status::ok();
  YAML::Node prompts_{YAML::NodeType::Sequence};
  YAML::Node providers_{YAML::NodeType::Sequence};
  YAML::Node cases_{YAML::NodeType::Sequence};
  YAML::Node scorers_{YAML::NodeType::Sequence};  // defaultTest assertions without a reference
  std::vector<std::pair<YAML::Node, ConvertedAssertion>> default_referenced_;
  YAML::Node default_vars_{YAML::NodeType::Map};
  std::set<std::string> prompt_ids_, provider_ids_, case_ids_;
  bool needs_judge_ = false, needs_embedder_ = false;
};

std::string Importer::unique_id(std::set<std::string>* used, const std::string& wanted) {
  std::string id = wanted;
  for (int n = 2; used->count(id); ++n) id = wanted + "-" + std::to_string(n);
  used->insert(id);
  return id;
}

void Importer::add_prompt(const YAML::Node& where, const std::string& id, const std::string& text) {
  if (text.find("{%") != std::string::npos) {
    note(where, "prompt '" + id + "' uses Nunjucks tags ({% ... %}), which evalkit templates lack");
    return;
  }
  YAML::Node prompt(YAML::NodeType::Map);
  prompt["id"] = unique_id(&prompt_ids_, id);
  // A prompt that is a JSON list of chat messages becomes messages.
  const nlohmann::json chat = parse_untrusted_json(text);
  if (chat.is_array() && !chat.empty() && chat[0].is_object() && chat[0].contains("role")) {
    YAML::Node messages(YAML::NodeType::Sequence);
    for (const auto& m : chat) {
      YAML::Node message(YAML::NodeType::Map);
      message["role"] = m.value("role", "user");
      message["content"] = m.value("content", "");
      messages.push_back(message);
    }
    prompt["messages"] = messages;
  } else {
    prompt["prompt"] = text;
  }
  prompts_.push_back(prompt);
}

void Importer::convert_prompts(const YAML::Node& prompts) {
  if (!prompts) return;
  YAML::Node list = prompts.IsSequence() ? prompts : YAML::Node(YAML::NodeType::Sequence);
  if (!prompts.IsSequence()) list.push_back(prompts);
  int n = 0;
  for (const auto& p : list) {
    ++n;
    std::string text, id = "prompt-" + std::to_string(n);
    if (p.IsMap()) {
      if (p["label"]) id = to_id(p["label"].as<std::string>(), id);
      const YAML::Node raw = p["raw"] ? p["raw"] : p["content"];
      if (!raw || !raw.IsScalar()) {
        note(p, "prompt " + std::to_string(n) + " has no 'raw' text");
        continue;
      }
      text = raw.as<std::string>();
    } else if (p.IsScalar()) {
      text = p.as<std::string>();
    }
    if (text.rfind("file://", 0) == 0) {
      const std::string file = relative_file(text);
      const std::string ext = std::filesystem::path(file).extension().string();
      if (ext != ".txt" && ext != ".md" && ext != ".json") {
        note(p, "prompt file '" + text + "' is code or a format evalkit does not read");
        continue;
      }
      if (Status s = read_file(file, &text); !s) {
        note(p, "prompt file '" + file + "' cannot be read");
        continue;
      }
      if (!p.IsMap()) id = to_id(std::filesystem::path(file).stem().string(), id);
    }
    add_prompt(p, id, text);
  }
}

void Importer::convert_provider(const YAML::Node& provider) {
  const std::string ref =
      provider.IsMap() ? provider["id"].as<std::string>("") : provider.as<std::string>("");
  std::string model;
  if (ref.rfind("openai:chat:", 0) == 0) {
    model = ref.substr(12);
  } else if (ref.rfind("openai:", 0) == 0 && ref.find(':', 7) == std::string::npos) {
    model = ref.substr(7);
  }
  if (model.empty()) {
    note(provider, "provider '" + ref +
                       "' is not an OpenAI chat provider; only openai:chat:MODEL "
                       "and openai:MODEL (optionally with config.apiBaseUrl) are converted");
    return;
  }
  YAML::Node out(YAML::NodeType::Map);
  const std::string label = provider.IsMap() ? provider["label"].as<std::string>("") : "";
  out["id"] = unique_id(&provider_ids_, to_id(label.empty() ? model : label, "assistant"));
  out["type"] = "openai-chat";
  out["model"] = model;
  if (provider.IsMap() && provider["config"] && provider["config"].IsMap()) {
    YAML::Node params(YAML::NodeType::Map);
    static const std::set<std::string> kParams = {"temperature",
                                                  "max_tokens",
                                                  "top_p",
                                                  "seed",
                                                  "stop",
                                                  "presence_penalty",
                                                  "frequency_penalty",
                                                  "response_format",
                                                  "max_completion_tokens"};
    for (const auto& item : provider["config"]) {
      const std::string key = item.first.as<std::string>();
      if (key == "apiBaseUrl" || key == "apiHost") {
        std::string url = item.second.as<std::string>();
        if (key == "apiHost") url = "https://" + url + "/v1";
        if (redact_url(url) != url) {
          url = redact_url(url);
          note(item.first, "provider '" + ref +
                               "': credentials in the URL are never written to a suite; they "
                               "were left out (send them in a header from the environment)");
        }
        out["base_url"] = url;
      } else if (key == "apiKeyEnvar") {
        out["api_key_env"] = item.second.as<std::string>();
      } else if (key == "apiKey") {
        note(item.first, "provider '" + ref +
                             "': a literal apiKey is never written to a suite; "
                             "set api_key_env to the variable that holds it");
      } else if (kParams.count(key)) {
        params[key] = item.second;
      } else {
        note(item.first, "provider '" + ref + "': config '" + key + "' is not converted");
      }
    }
    if (params.size() > 0) out["params"] = params;
  }
  providers_.push_back(out);
}

void Importer::convert_providers(const YAML::Node& providers) {
  if (!providers) return;
  if (providers.IsSequence()) {
    for (const auto& p : providers) convert_provider(p);
  } else {
    convert_provider(providers);
  }
}

void Importer::add_case(const std::string& description, YAML::Node vars,
                        const std::vector<std::pair<YAML::Node, ConvertedAssertion>>& assertions) {
  YAML::Node out(YAML::NodeType::Map);
  const std::string id =
      unique_id(&case_ids_, to_id(description, "test-" + std::to_string(case_ids_.size() + 1)));
  out["id"] = id;
  YAML::Node merged(YAML::NodeType::Map);
  for (const auto& v : default_vars_) merged[v.first.as<std::string>()] = v.second;
  if (vars && vars.IsMap()) {
    for (const auto& v : vars) {
      const std::string name = v.first.as<std::string>();
      if (v.second.IsSequence()) {
        note(v.first, "case '" + id + "': variable '" + name +
                          "' is a list, which promptfoo expands into one test per value; "
                          "evalkit keeps it as one list value");
      }
      if (v.second.IsScalar() && v.second.as<std::string>().rfind("file://", 0) == 0) {
        note(v.first, "case '" + id + "': variable '" + name +
                          "' loads a file in promptfoo; evalkit keeps the text 'file://...'");
      }
      merged[name] = v.second;
    }
  }
  out["vars"] = merged;
  std::optional<std::string> reference;
  YAML::Node scorers(YAML::NodeType::Sequence);
  std::vector<std::pair<YAML::Node, ConvertedAssertion>> all = default_referenced_;
  all.insert(all.end(), assertions.begin(), assertions.end());
  for (const auto& [node, converted] : all) {
    if (!converted.problem.empty()) {
      note(node, "case '" + id + "': " + converted.problem);
      continue;
    }
    if (converted.reference) {
      if (reference && *reference != *converted.reference) {
        note(node, "case '" + id + "': a second expected value ('" + *converted.reference +
                       "') for " + converted.scorer["type"].as<std::string>() +
                       "; evalkit compares every reference scorer with one expected answer");
        continue;
      }
      reference = converted.reference;
    }
    const std::string type = converted.scorer["type"].as<std::string>();
    needs_judge_ = needs_judge_ || type == "judge";
    needs_embedder_ = needs_embedder_ || type == "similarity";
    scorers.push_back(converted.scorer);
  }
  if (reference) out["expected"] = *reference;
  if (scorers.size() > 0) out["scorers"] = scorers;
  cases_.push_back(out);
}

Status Importer::convert_csv(const YAML::Node& where, const std::string& ref) {
  const std::string file = relative_file(ref);
  std::string text;
  if (Status s = read_file(file, &text); !s) return s;
  CsvReader reader(text);
  std::vector<std::string> header, fields;
  int line = 0;
  if (!reader.next(&header, &line)) return Status::error(file + ": no header row");
  while (reader.next(&fields, &line)) {
    if (fields.size() != header.size()) {
      return Status::error(file + ":" + std::to_string(line) + ": " +
                           std::to_string(fields.size()) + " fields, the header has " +
                           std::to_string(header.size()));
    }
    YAML::Node vars(YAML::NodeType::Map);
    std::string description;
    std::vector<std::pair<YAML::Node, ConvertedAssertion>> assertions;
    for (size_t i = 0; i < header.size(); ++i) {
      const std::string& column = header[i];
      if (column.rfind("__expected", 0) == 0) {
        if (fields[i].empty()) continue;
        ConvertedAssertion converted = convert_promptfoo_expected_cell(fields[i]);
        if (!converted.problem.empty()) {
          converted.problem =
              file + ":" + std::to_string(line) + ": " + column + ": " + converted.problem;
        }
        assertions.emplace_back(where, converted);
      } else if (column == "__description") {
        description = fields[i];
      } else if (column.rfind("__", 0) == 0) {
        if (!fields[i].empty()) {
          note(where,
               file + ":" + std::to_string(line) + ": column '" + column + "' is not converted");
        }
      } else {
        vars[column] = fields[i];
      }
    }
    add_case(description.empty()
                 ? std::filesystem::path(file).stem().string() + "-" + std::to_string(line)
                 : description,
             vars, assertions);
  }
  if (!reader.error().empty()) {
    return Status::error(file + ":" + std::to_string(line) + ": " + reader.error());
  }
  return Status::ok();
}

void Importer::convert_tests(const YAML::Node& tests) {
  if (!tests) return;
  if (tests.IsScalar()) {
    const std::string ref = tests.as<std::string>();
    if (ref.size() > 4 && ref.substr(ref.size() - 4) == ".csv") {
      if (Status s = convert_csv(tests, ref); !s) file_error_ = s;
    } else {
      note(tests, "tests file '" + ref + "' is not CSV; only CSV test files are converted");
    }
    return;
  }
  if (!tests.IsSequence()) return note(tests, "'tests' is neither a list nor a file");
  for (const auto& test : tests) {
    if (test.IsScalar()) {
      convert_tests(test);
      continue;
    }
    if (!test.IsMap()) continue;
    std::vector<std::pair<YAML::Node, ConvertedAssertion>> assertions;
    if (test["assert"]) {
      for (const auto& a : test["assert"])
        assertions.emplace_back(a, convert_promptfoo_assertion(a));
    }
    for (const auto& item : test) {
      const std::string key = item.first.as<std::string>();
      if (key != "vars" && key != "assert" && key != "description") {
        note(item.first, "test key '" + key + "' is not converted");
      }
    }
    add_case(test["description"].as<std::string>(""), test["vars"], assertions);
  }
}

void Importer::convert_default_test(const YAML::Node& default_test) {
  if (!default_test) return;
  if (!default_test.IsMap()) return note(default_test, "'defaultTest' is not a mapping");
  for (const auto& item : default_test) {
    const std::string key = item.first.as<std::string>();
    if (key == "vars" && item.second.IsMap()) {
      default_vars_ = item.second;
    } else if (key == "assert") {
      for (const auto& a : item.second) {
        ConvertedAssertion converted = convert_promptfoo_assertion(a);
        // Scorers that need a reference must sit on each case, beside its expected answer.
        if (!converted.problem.empty()) {
          note(a, "defaultTest: " + converted.problem);
        } else if (!converted.reference) {
          const std::string type = converted.scorer["type"].as<std::string>();
          needs_judge_ = needs_judge_ || type == "judge";
          scorers_.push_back(converted.scorer);
        } else {
          default_referenced_.emplace_back(a, converted);
        }
      }
    } else {
      note(item.first, "defaultTest key '" + key + "' is not converted");
    }
  }
}

Status Importer::run(PromptfooImport* out) {
  YAML::Node root;
  try {
    root = YAML::LoadFile(path_);
  } catch (const YAML::Exception& e) {
    return Status::error(path_ + ": " + e.what());
  }
  if (!root.IsMap()) return Status::error(path_ + ": a promptfoo config is a mapping");
  static const std::set<std::string> kHandled = {"description", "prompts", "providers", "tests",
                                                 "defaultTest"};
  for (const auto& item : root) {
    const std::string key = item.first.as<std::string>();
    if (!kHandled.count(key)) note(item.first, "top-level key '" + key + "' is not converted");
  }
  convert_prompts(root["prompts"]);
  convert_providers(root["providers"]);
  convert_default_test(root["defaultTest"]);
  convert_tests(root["tests"]);
  if (!file_error_) return file_error_;
  if (prompts_.size() == 0 && providers_.size() == 0 && cases_.size() == 0) {
    return Status::error(path_ + ": no prompts, providers or tests to convert");
  }

  const std::string description = root["description"].as<std::string>("");
  YAML::Node suite(YAML::NodeType::Map);
  suite["suite"] = to_id(description, to_id(dir_.filename().string(), "promptfoo"));
  if (!description.empty()) suite["description"] = description;
  if (needs_judge_ || needs_embedder_) {
    YAML::Node defaults(YAML::NodeType::Map);
    // promptfoo grades with OpenAI models unless told otherwise; so does the converted suite.
    if (needs_judge_) {
      YAML::Node grader(YAML::NodeType::Map);
      grader["id"] = unique_id(&provider_ids_, "grader");
      grader["type"] = "openai-chat";
      grader["model"] = "gpt-4o";
      defaults["judge"] = grader["id"];
      providers_.push_back(grader);
    }
    if (needs_embedder_) {
      YAML::Node embedder(YAML::NodeType::Map);
      embedder["id"] = unique_id(&provider_ids_, "embedder");
      embedder["type"] = "openai-embeddings";
      embedder["model"] = "text-embedding-3-large";
      defaults["embedder"] = embedder["id"];
      providers_.push_back(embedder);
    }
    suite["defaults"] = defaults;
  }
  suite["providers"] = providers_;
  suite["prompts"] = prompts_;
  suite["cases"] = cases_;
  if (scorers_.size() > 0) suite["scorers"] = scorers_;

  YAML::Emitter emitter;
  emitter << suite;
  std::string header = "# Converted from " + path_ + " by 'evalkit import promptfoo'.\n";
  if (!notes_.empty()) {
    header += "# Not converted (" + std::to_string(notes_.size()) + "):\n";
    for (const auto& n : notes_) header += "#   " + n + "\n";
  }
  out->suite_yaml = header + emitter.c_str() + "\n";
  out->not_converted = notes_;
  return Status::ok();
}

}  // namespace

Status import_promptfoo(const std::string& path, PromptfooImport* out) {
  Importer importer(path);
  return importer.run(out);
}

}  // namespace evalkit

#include "evalkit/suite/promptfoo_tests.h"

#include <algorithm>
#include <filesystem>

#include "evalkit/base/files.h"
#include "evalkit/suite/csv_reader.h"
#include "evalkit/suite/promptfoo_check.h"
#include "evalkit/suite/promptfoo_prompts.h"
#include "evalkit/text/utf8.h"

namespace evalkit::promptfoo {
namespace {

constexpr size_t kMaxExpansion = 1000;

const std::set<std::string>& text_extensions() {
  static const std::set<std::string> extensions = {".txt", ".md",   ".j2",     ".html", ".xml",
                                                   ".csv", ".text", ".prompt", ""};
  return extensions;
}

// "k=v" labels from a metadata map.
void metadata_labels(const Json& metadata, std::vector<std::string>* labels) {
  if (!metadata.is_object()) return;
  for (const auto& [key, value] : metadata.items()) {
    if (value.is_array()) {
      for (const auto& item : value) {
        labels->push_back(key + "=" + (item.is_string() ? item.get<std::string>() : item.dump()));
      }
    } else {
      labels->push_back(key + "=" + (value.is_string() ? value.get<std::string>() : value.dump()));
    }
  }
}

// Every combination of the list-valued vars (promptfoo runs one test per combination).
std::vector<Json> expand_vars(const Json& vars, bool* truncated) {
  std::vector<Json> out = {Json::object()};
  *truncated = false;
  for (const auto& [name, value] : vars.items()) {
    const bool list = value.is_array() && !value.empty();
    std::vector<Json> next;
    for (const auto& partial : out) {
      if (!list) {
        Json v = partial;
        v[name] = value;
        next.push_back(std::move(v));
        continue;
      }
      for (const auto& item : value) {
        if (next.size() >= kMaxExpansion) {
          *truncated = true;
          break;
        }
        Json v = partial;
        v[name] = item;
        next.push_back(std::move(v));
      }
    }
    out = std::move(next);
  }
  return out;
}

std::string trim(const std::string& text) {
  const size_t begin = text.find_first_not_of(" \t\r\n");
  if (begin == std::string::npos) return "";
  return text.substr(begin, text.find_last_not_of(" \t\r\n") - begin + 1);
}

}  // namespace

bool TestConverter::convert_vars(const YAML::Node& vars, const std::string& owner, Json* out) {
  *out = Json::object();
  if (!vars) return true;
  if (!vars.IsMap()) {
    context_.dropped(vars, owner + ": 'vars' is not a map");
    return false;
  }
  for (const auto& item : vars) {
    const std::string name = item.first.as<std::string>("");
    Json value = context_.value(item.second);
    const auto load = [&](Json* v) {
      if (!v->is_string() || v->get<std::string>().rfind("file://", 0) != 0) return true;
      const std::string reference = v->get<std::string>();
      const std::string path = context_.resolve(reference);
      const std::string ext = extension_of(path);
      if (ext == ".json" || ext == ".yaml" || ext == ".yml") {
        YAML::Node loaded;
        if (Status s = context_.load_yaml(path, &loaded); !s) {
          context_.dropped(item.second, owner + ": variable '" + name + "': " + s.message());
          return false;
        }
        ImportContext::FileScope scope(&context_, path);
        *v = context_.value(loaded);
        return true;
      }
      std::string text;
      if (!text_extensions().count(ext) || !read_file(path, &text) || !is_valid_utf8(text)) {
        context_.dropped(item.second, owner + ": variable '" + name + "' loads '" + reference +
                                          "', which evalkit does not read (code, binary or "
                                          "missing)");
        return false;
      }
      *v = text;
      return true;
    };
    if (value.is_array()) {
      for (auto& element : value) {
        if (!load(&element)) return false;
      }
    } else if (!load(&value)) {
      return false;
    }
    (*out)[name] = value;
  }
  return true;
}

void TestConverter::default_test(const YAML::Node& node) {
  if (!node) return;
  if (node.IsScalar()) {
    const std::string path = context_.resolve(node.Scalar());
    YAML::Node loaded;
    if (Status s = context_.load_yaml(path, &loaded); !s) {
      context_.dropped(node, "defaultTest " + s.message());
      return;
    }
    ImportContext::FileScope scope(&context_, path);
    default_test(loaded);
    return;
  }
  if (!node.IsMap()) return context_.dropped(node, "'defaultTest' is not a map");
  if (const YAML::Node options = node["options"]; options && options.IsMap()) {
    for (const auto& item : options) {
      const std::string key = item.first.as<std::string>("");
      if (key == "provider") {
        graders_.set_defaults(item.second, context_);
      } else if (key == "rubricPrompt") {
        context_.changed(item.first,
                         "defaultTest: the custom rubricPrompt is not carried; "
                         "evalkit's judge templates grade instead");
      } else {
        context_.dropped(item.first, "defaultTest option '" + key + "' is not converted");
      }
    }
  }
  for (const auto& item : node) {
    const std::string key = item.first.as<std::string>("");
    if (key == "vars") {
      if (!convert_vars(item.second, "defaultTest", &out_->default_vars)) {
        out_->default_vars = Json::object();
      }
    } else if (key == "assert") {
      AssertionScope scope{context_, graders_, root_, YAML::Node(), "defaultTest"};
      if (item.second.IsSequence()) {
        for (const auto& a : item.second) convert_assertion(a, scope, &out_->scorers);
      }
    } else if (key == "threshold") {
      const Json threshold = context_.value(item.second);
      if (threshold.is_number()) out_->default_threshold = threshold.get<double>();
    } else if (key == "metadata") {
      metadata_labels(context_.value(item.second), &out_->default_labels);
    } else if (key != "options" && key != "description") {
      context_.dropped(item.first, "defaultTest key '" + key + "' is not converted");
    }
  }
}

void TestConverter::tests(const YAML::Node& node) {
  if (!node) return;
  if (node.IsScalar()) return test_source(node, node.Scalar());
  if (node.IsMap()) return test(node, "test-" + std::to_string(++tests_seen_));
  if (!node.IsSequence()) return context_.dropped(node, "'tests' is neither a list nor a file");
  for (const auto& item : node) {
    context_.tick();
    if (item.IsScalar()) {
      test_source(item, item.Scalar());
    } else {
      test(item, "test-" + std::to_string(++tests_seen_));
    }
  }
}

void TestConverter::test_source(const YAML::Node& where, const std::string& reference) {
  if (reference.find("://") != std::string::npos && reference.rfind("file://", 0) != 0) {
    return context_.dropped(
        where, "tests from '" + reference + "' (a URL or dataset service) are not converted");
  }
  const std::string path = context_.resolve(reference);
  const std::string name = std::filesystem::path(path).filename().string();
  if (name.find_first_of("*?") != std::string::npos) {
    std::vector<std::string> files;
    std::error_code ec;
    const std::string pattern = name;
    const auto match = [&pattern](const std::string& file) {
      size_t p = 0, n = 0, star = std::string::npos, mark = 0;
      while (n < file.size()) {
        if (p < pattern.size() && (pattern[p] == '?' || pattern[p] == file[n])) {
          ++p;
          ++n;
        } else if (p < pattern.size() && pattern[p] == '*') {
          star = p++;
          mark = n;
        } else if (star != std::string::npos) {
          p = star + 1;
          n = ++mark;
        } else {
          return false;
        }
      }
      while (p < pattern.size() && pattern[p] == '*') ++p;
      return p == pattern.size();
    };
    for (const auto& entry :
         std::filesystem::directory_iterator(std::filesystem::path(path).parent_path(), ec)) {
      if (entry.is_regular_file() && match(entry.path().filename().string())) {
        files.push_back(entry.path().string());
      }
    }
    std::sort(files.begin(), files.end());
    if (files.empty()) context_.dropped(where, "tests glob '" + reference + "' matches no file");
    for (const auto& file : files) test_source(where, file);
    return;
  }
  const std::string ext = extension_of(path);
  if (ext == ".csv") return csv_file(where, path);
  if (ext == ".yaml" || ext == ".yml" || ext == ".json") {
    YAML::Node loaded;
    if (Status s = context_.load_yaml(path, &loaded); !s) {
      return context_.dropped(where, "tests file " + s.message());
    }
    ImportContext::FileScope scope(&context_, path);
    tests(loaded);
    return;
  }
  if (ext == ".jsonl") {
    std::string text;
    if (Status s = read_file(path, &text); !s || !is_valid_utf8(text)) {
      return context_.dropped(where, "tests file '" + reference + "' cannot be read");
    }
    ImportContext::FileScope scope(&context_, path);
    int line = 0;
    size_t position = 0;
    while (position < text.size()) {
      ++line;
      size_t end = text.find('\n', position);
      if (end == std::string::npos) end = text.size();
      const std::string row = trim(text.substr(position, end - position));
      position = end + 1;
      if (row.empty()) continue;
      try {
        test(YAML::Load(row),
             std::filesystem::path(path).stem().string() + "-" + std::to_string(line));
      } catch (const YAML::Exception&) {
        context_.dropped_at(path + ":" + std::to_string(line), "line is not a JSON test");
      }
    }
    return;
  }
  context_.dropped(where, "tests file '" + reference + "' (" + ext +
                              ") is not converted (CSV, YAML, JSON and JSONL are)");
}

void TestConverter::test(const YAML::Node& node, const std::string& fallback_id) {
  if (!node.IsMap()) return context_.dropped(node, "a test is a map");
  const std::string description =
      node["description"] ? node["description"].as<std::string>("") : "";
  const std::string owner = "test '" + (description.empty() ? fallback_id : description) + "'";
  Json vars;
  if (!convert_vars(node["vars"], owner, &vars)) {
    context_.dropped(node, owner + " is not converted (see its variables)");
    return;
  }
  Json test_case = Json::object();
  test_case["id"] = to_id(description, fallback_id);
  if (!description.empty()) test_case["description"] = description;
  YAML::Node test_grader;
  bool transform = false;
  bool expand = true;
  if (const YAML::Node options = node["options"]; options && options.IsMap()) {
    for (const auto& item : options) {
      const std::string key = item.first.as<std::string>("");
      if (key == "provider") {
        test_grader = item.second;
      } else if (key == "transform") {
        transform = true;
        context_.dropped(item.first, owner +
                                         ": the output transform (JavaScript) is not "
                                         "converted, so neither are the test's checks");
      } else if (key == "disableVarExpansion") {
        expand =
            !context_.value(item.second).is_boolean() || !context_.value(item.second).get<bool>();
      } else if (key == "rubricPrompt") {
        context_.changed(item.first, owner +
                                         ": the custom rubricPrompt is not carried; "
                                         "evalkit's judge templates grade instead");
      } else {
        context_.dropped(item.first, owner + ": option '" + key + "' is not converted");
      }
    }
  }
  Json scorers = Json::array();
  std::vector<std::string> labels;
  for (const auto& item : node) {
    const std::string key = item.first.as<std::string>("");
    if (key == "assert") {
      if (transform || !item.second.IsSequence()) continue;
      AssertionScope scope{context_, graders_, root_, test_grader, owner};
      for (const auto& a : item.second) convert_assertion(a, scope, &scorers);
    } else if (key == "threshold") {
      const Json threshold = context_.value(item.second);
      if (threshold.is_number() && threshold.get<double>() > 0) {
        test_case["pass"] = {{"weighted_score", std::min(1.0, threshold.get<double>())}};
      }
    } else if (key == "metadata") {
      metadata_labels(context_.value(item.second), &labels);
    } else if (key != "vars" && key != "description" && key != "options") {
      context_.dropped(item.first, owner + ": test key '" + key + "' is not converted");
    }
  }
  if (!labels.empty()) test_case["labels"] = labels;
  if (!scorers.empty()) test_case["scorers"] = scorers;
  bool truncated = false;
  const std::vector<Json> expanded =
      expand ? expand_vars(vars, &truncated) : std::vector<Json>{vars};
  if (truncated) {
    context_.dropped(node, owner + ": list variables expand to more than " +
                               std::to_string(kMaxExpansion) + " tests; the rest are left out");
  }
  if (expanded.size() > 1) {
    context_.changed(node["vars"], owner + ": list variables become " +
                                       std::to_string(expanded.size()) +
                                       " cases, one per combination, as promptfoo runs them");
  }
  for (size_t i = 0; i < expanded.size(); ++i) {
    Json one = test_case;
    if (expanded.size() > 1)
      one["id"] = test_case["id"].get<std::string>() + "-" + std::to_string(i + 1);
    add_case(one, expanded[i], node);
  }
}

void TestConverter::add_case(Json test_case, const Json& vars, const YAML::Node& where) {
  (void)where;
  Json merged = out_->default_vars;
  for (const auto& [name, value] : vars.items()) merged[name] = value;
  Json out = Json::object();
  out["id"] = unique_id(&out_->case_ids, test_case["id"].get<std::string>());
  for (const auto& [key, value] : test_case.items()) {
    if (key == "id") continue;
    if (key == "scorers" || key == "pass" || key == "labels") continue;
    out[key] = value;
  }
  out["vars"] = merged;
  std::vector<std::string> labels = out_->default_labels;
  if (test_case.contains("labels")) {
    for (const auto& l : test_case["labels"]) labels.push_back(l.get<std::string>());
  }
  if (!labels.empty()) out["labels"] = labels;
  if (test_case.contains("scorers")) out["scorers"] = test_case["scorers"];
  if (test_case.contains("pass")) out["pass"] = test_case["pass"];
  out_->cases.push_back(out);
}

void TestConverter::csv_file(const YAML::Node& where, const std::string& path) {
  std::string text;
  if (Status s = read_file(path, &text); !s || !is_valid_utf8(text)) {
    return context_.dropped(where, "tests file '" + path + "' cannot be read as UTF-8 text");
  }
  CsvReader reader(text);
  std::vector<std::string> header, fields;
  std::vector<std::vector<std::string>> rows;
  std::vector<int> lines;
  int line = 0;
  if (!reader.next(&header, &line)) return context_.dropped(where, path + ": no header row");
  while (reader.next(&fields, &line)) {
    if (fields.size() != header.size()) {
      context_.dropped_at(path + ":" + std::to_string(line),
                          "row has " + std::to_string(fields.size()) + " fields, the header " +
                              std::to_string(header.size()) + "; the row is left out");
      continue;
    }
    rows.push_back(fields);
    lines.push_back(line);
  }
  if (!reader.error().empty()) {
    context_.dropped_at(path + ":" + std::to_string(line),
                        reader.error() + "; the rest is left out");
  }
  if (csv_as_dataset(path, header, rows)) return;
  // Row by row, carrying what converts.
  const std::string stem = std::filesystem::path(path).stem().string();
  std::set<std::string> noted;
  for (size_t r = 0; r < rows.size(); ++r) {
    const std::string location = path + ":" + std::to_string(lines[r]);
    Json vars = Json::object(), test_case = Json::object(), scorers = Json::array();
    std::string metric;
    std::vector<std::string> labels;
    test_case["id"] = stem + "-" + std::to_string(lines[r]);
    const std::string owner = "row " + std::to_string(lines[r]);
    AssertionScope scope{context_, graders_, root_, YAML::Node(), owner};
    for (size_t i = 0; i < header.size(); ++i) {
      const std::string& column = header[i];
      const std::string& cell = rows[r][i];
      if (column.rfind("__expected", 0) == 0) {
        if (trim(cell).empty()) continue;
        Json scorer;
        if (convert_expected_cell(cell, location, scope, &scorer)) scorers.push_back(scorer);
      } else if (column == "__threshold") {
        const double threshold = std::strtod(cell.c_str(), nullptr);
        if (threshold > 0) test_case["pass"] = {{"weighted_score", std::min(1.0, threshold)}};
      } else if (column == "__metric") {
        metric = cell;
      } else if (column == "__description") {
        if (!cell.empty()) {
          test_case["description"] = cell;
          test_case["id"] = to_id(cell, test_case["id"].get<std::string>());
        }
      } else if (column.rfind("__metadata:", 0) == 0) {
        std::string key = column.substr(11);
        if (!cell.empty())
          labels.push_back((key.size() > 2 && key.substr(key.size() - 2) == "[]"
                                ? key.substr(0, key.size() - 2)
                                : key) +
                           "=" + cell);
      } else if (column.rfind("__", 0) == 0) {
        if (!cell.empty() && noted.insert(column).second) {
          context_.dropped_at(path + ":1", "column '" + column + "' is not converted");
        }
      } else {
        vars[column] = cell;
      }
    }
    if (!metric.empty()) {
      for (auto& s : scorers) s["name"] = metric;
    }
    if (!labels.empty()) test_case["labels"] = labels;
    if (!scorers.empty()) test_case["scorers"] = scorers;
    add_case(test_case, vars, where);
  }
}

bool TestConverter::csv_as_dataset(const std::string& path, const std::vector<std::string>& header,
                                   const std::vector<std::vector<std::string>>& rows) {
  // evalkit reads promptfoo's CSV columns itself, except for names it treats otherwise.
  for (const auto& column : header) {
    if (column == "id" || column == "expected" || column == "labels") return false;
    if (column.rfind("__", 0) == 0 && column.rfind("__expected", 0) != 0 &&
        column != "__threshold" && column != "__metric" && column != "__description" &&
        column.rfind("__metadata:", 0) != 0) {
      return false;
    }
  }
  for (const auto& row : rows) {
    for (size_t i = 0; i < header.size(); ++i) {
      if (header[i] == "__threshold") {
        char* end = nullptr;
        const double value = std::strtod(row[i].c_str(), &end);
        if (!trim(row[i]).empty() && (trim(end).size() > 0 || value < 0 || value > 1)) return false;
      }
      if (header[i].rfind("__expected", 0) != 0 || trim(row[i]).empty()) continue;
      PromptfooCheck check;
      if (!parse_promptfoo_cell(row[i], &check)) continue;  // text: an exact check
      // Code files are named relative to the config, not the suite: carried row by row.
      if (row[i].find("file://") != std::string::npos) return false;
      std::string converted, problem;
      if (check.value.is_string() &&
          (!evalkit_template(check.value.get<std::string>(), &converted, &problem) ||
           converted != check.value.get<std::string>())) {
        return false;
      }
      nlohmann::json scorer;
      if (!promptfoo_check_scorer(check, &scorer)) return false;
    }
  }
  // Model-graded cells use the suite's default graders.
  for (const auto& row : rows) {
    for (size_t i = 0; i < header.size(); ++i) {
      PromptfooCheck check;
      if (header[i].rfind("__expected", 0) != 0 || !parse_promptfoo_cell(row[i], &check)) continue;
      nlohmann::json scorer;
      if (!promptfoo_check_scorer(check, &scorer)) continue;
      if (scorer["type"] == "judge") graders_.use_default_judge();
      if (scorer["type"] == "similarity") graders_.use_default_embedder();
    }
  }
  Json entry = {{"file", context_.suite_relative(path)}};
  if (!out_->default_vars.empty()) entry["vars"] = out_->default_vars;
  if (!out_->default_labels.empty()) entry["labels"] = out_->default_labels;
  std::set<std::string> columns;
  for (const auto& column : header) {
    if (column.rfind("__", 0) != 0) columns.insert(column);
  }
  out_->cases.push_back(entry);
  out_->dataset_columns[out_->cases.size() - 1] = columns;
  return true;
}

}  // namespace evalkit::promptfoo

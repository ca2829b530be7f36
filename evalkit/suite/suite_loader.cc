#include "evalkit/suite/suite_loader.h"

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <memory>

#include "evalkit/base/files.h"
#include "evalkit/base/hash.h"
#include "evalkit/suite/source_node.h"
#include "evalkit/suite/suite_parser.h"
#include "evalkit/suite/suite_paths.h"
#include "evalkit/suite/suite_text.h"
#include "evalkit/suite/suite_validator.h"
#include "evalkit/suite/yaml_reader.h"
#include "evalkit/text/utf8.h"

namespace evalkit {
namespace {

std::optional<std::string> process_getenv(const std::string& name) {
  const char* value = std::getenv(name.c_str());
  if (value == nullptr) return std::nullopt;
  return std::string(value);
}

bool starts_as_json_object(std::string_view text) {
  const size_t start = text.find_first_not_of(" \t\r\n");
  return start != std::string_view::npos && text[start] == '{';
}

// Judge templates named by file (.yaml/.yml, as validate_suite resolves them) under
// --confine-paths; checked before anything reads them.
Status confine_judge_templates(const Suite& suite) {
  const auto check = [&](const std::string& name, const SourceLocation& where) -> Status {
    const size_t dot = name.rfind('.');
    const std::string extension = dot == std::string::npos ? "" : name.substr(dot);
    if (extension != ".yaml" && extension != ".yml") return Status::ok();  // a built-in name
    if (Status s = confine_path(suite.directory, resolve_suite_path(suite.directory, name)); !s) {
      return Status::error_at(where, "judge template '" + name + "' " + s.message());
    }
    return Status::ok();
  };
  for (const auto& spec : suite.scorers) {
    if (spec.type != "judge") continue;
    const auto it = spec.options.find("template");
    if (it == spec.options.end() || !it->is_string()) continue;
    if (Status s = check(it->get<std::string>(), spec.where); !s) return s;
  }
  for (const auto& [name, where] : suite.case_judge_templates) {
    if (Status s = check(name, where); !s) return s;
  }
  return Status::ok();
}

// Reads and validates the suite whose file holds text. The text is dropped once the suite
// is parsed (a JSON suite's as its cases are parsed): validation reads the Suite, not the
// text or its tree.
Status load_suite_text(const std::string& path, SuiteText* text, Suite* suite,
                       const SuiteLoadOptions& options) {
  const SourceLocation file{path, 0, 0};
  const std::string_view bytes = text->view();
  if (const size_t bad = first_invalid_utf8(bytes); bad != std::string::npos) {
    // Name the first bad byte: later stages (JSON, SQLite, reports) all assume UTF-8.
    const TextPosition at = text_position(bytes, bad);
    return Status::error_at(SourceLocation{path, at.line, at.column},
                            "invalid UTF-8 (suite files must be UTF-8 text)");
  }
  // The suite's bytes, then each dataset's digest in order: an edit to any of them changes it.
  std::string material = sha256_hex(bytes);
  // JSON is read by a JSON parser; anything else, or JSON it refuses, by the YAML parser,
  // which gives the same tree for JSON and words any error.
  SourceDocument document;
  // Each case of a JSON suite is kept as its text until it is parsed (read_json_source), so
  // the tree of every case and the cases built from them are never all held at once; the
  // text of the cases parsed is given back as parsing goes. A YAML suite's cases are kept as
  // their recorded nodes instead (read_yaml_source), given back the same way, and its text
  // goes once it is read.
  if (starts_as_json_object(bytes) &&
      read_json_source(bytes, &document, {}, /*defer_case_items=*/true)) {
    document.on_deferred_read(
        [text](std::string_view item) { text->drop_before(item.data() + item.size()); });
  } else {
    const Status read = read_yaml_source(path, bytes, &document, {}, /*defer_case_items=*/true);
    text->clear();
    if (!read) return read;
  }
  const SourceNode root = document.root();
  if (!root || root.is_null()) return Status::error_at(file, "suite file is empty");

  *suite = Suite();
  suite->path = path;
  const std::string parent = std::filesystem::path(path).parent_path().string();
  suite->directory = parent.empty() ? "." : parent;
  suite->name = std::filesystem::path(path).stem().string();

  YamlReader reader(path, options.getenv ? options.getenv : process_getenv,
                    api_key_variables(root));
  if (options.confine_paths) reader.confine_paths_to(suite->directory);
  SuiteLocations locations;
  std::vector<std::string> dataset_hashes;
  try {
    if (Status s = parse_suite_document(root, reader, suite, &locations, &dataset_hashes); !s) {
      return s;
    }
  } catch (const std::bad_alloc&) {
    return Status::error_at(file, "the suite is too large to load (out of memory)");
  }
  document.clear();  // validation reads the Suite, not the tree
  text->clear();     // nor its text
  if (options.confine_paths) {
    if (Status s = confine_judge_templates(*suite); !s) return s;
  }
  if (Status s = validate_suite(&locations, suite); !s) return s;

  for (const auto& line : dataset_hashes) material += "\n" + line;
  suite->content_hash = sha256_hex(material);
  return Status::ok();
}

}  // namespace

Status load_suite(const std::string& path, Suite* suite, const SuiteLoadOptions& options) {
  const SourceLocation file{path, 0, 0};
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) {
    return Status::error_at(file, "suite file not found");
  }
  SuiteText text;
  if (Status s = text.read(path); !s) return Status::error_at(file, s.message());
  return load_suite_text(path, &text, suite, options);
}

Status load_suite_text(const std::string& path, const std::string& text, Suite* suite,
                       const SuiteLoadOptions& options) {
  SuiteText held;
  held.assign(text);
  return load_suite_text(path, &held, suite, options);
}

}  // namespace evalkit

// What the parts of `evalkit import promptfoo` share: where files are, YAML values as JSON,
// template checks, and the notes that list every dropped or changed item with file:line.
#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include <yaml-cpp/yaml.h>
#include <nlohmann/json.hpp>

#include "evalkit/base/status.h"

namespace evalkit::promptfoo {

using Json = nlohmann::ordered_json;

// A config whose values are too deep or too large to convert.
struct ConfigTooLarge : std::runtime_error {
  using std::runtime_error::runtime_error;
};

class ImportContext {
 public:
  ImportContext(std::string config_path, std::string output_dir);

  const std::string& config_path() const { return config_path_; }

  // The file whose nodes are being read (the config, or a test or prompt file it names);
  // notes name it. Restored by the returned guard's destructor.
  class FileScope {
   public:
    FileScope(ImportContext* context, std::string file);
    ~FileScope();
    FileScope(const FileScope&) = delete;
    FileScope& operator=(const FileScope&) = delete;

   private:
    ImportContext* context_;
    std::string previous_;
  };
  const std::string& current_file() const { return current_file_; }

  // "file:line:col: what" for something not carried into the suite.
  void dropped(const YAML::Node& where, const std::string& what);
  void dropped_at(const std::string& location, const std::string& what);
  // The same for something carried with a different meaning or form.
  void changed(const YAML::Node& where, const std::string& what);
  // "file:line:col" of a node in the current file.
  std::string location(const YAML::Node& where) const;

  const std::vector<std::string>& dropped_notes() const { return dropped_; }
  const std::vector<std::string>& changed_notes() const { return changed_; }

  // A path written in the current file ("file://x.csv", "x.csv"), resolved against the
  // current file's folder.
  std::string resolve(const std::string& reference) const;
  // path as the suite must write it: relative to the folder the suite is written to.
  std::string suite_relative(const std::string& path) const;

  // A YAML value as JSON, with scalars typed the way promptfoo's YAML reader types them
  // (plain true/false/null/numbers; quoted scalars stay strings). Throws ConfigTooLarge when
  // the value nests deeper than 200 levels or, with aliases expanded, holds more than a
  // million nodes (a YAML alias bomb).
  Json value(const YAML::Node& node) const;

  // Counts one unit of work (a test, a prompt, an assertion) against the same budget as
  // value(): a config whose aliases repeat one list a billion times fails instead of
  // running for hours.
  void tick() const {
    if (++nodes_converted_ > 1000000) {
      throw ConfigTooLarge("the config expands to more than a million nodes (aliases included)");
    }
  }

  // Reads a YAML or JSON file; errors name it.
  Status load_yaml(const std::string& path, YAML::Node* out) const;

 private:
  std::string config_path_;
  std::filesystem::path output_dir_;
  std::string current_file_;
  Json value_at(const YAML::Node& node, size_t depth) const;

  std::vector<std::string> dropped_;
  std::vector<std::string> changed_;
  mutable size_t nodes_converted_ = 0;  // over the whole import, against alias bombs
};

// A promptfoo (Nunjucks) template as an evalkit template: `{{ var }}`, `{{ a.b }}`, `{{ a[0] }}`
// and the `dump`/`safe` filters carry over; anything else (other filters, `{% %}` tags,
// expressions) sets *problem and returns false.
bool evalkit_template(const std::string& text, std::string* out, std::string* problem);

// evalkit ids: letters, digits, '-', '_', '.'; everything else becomes '-'.
std::string to_id(const std::string& text, const std::string& fallback);

// Whether node holds a value: false for a missing key and for a default-constructed node
// (which yaml-cpp counts as defined).
inline bool present(const YAML::Node& node) { return node.IsDefined() && !node.IsNull(); }

// "file://x" -> "x"; other text unchanged.
std::string strip_file_scheme(const std::string& reference);

// Lower-case extension with the dot (".csv").
std::string extension_of(const std::string& path);

}  // namespace evalkit::promptfoo

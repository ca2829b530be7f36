// Typed reads from a suite document (YAML or JSON, see source_node.h) with errors that name file:line:column and what
// was expected. String scalars pass through ${VAR} expansion on the way out.
#pragma once

#include <set>
#include <string>
#include <utility>
#include <vector>

#include "evalkit/suite/source_node.h"
#include <nlohmann/json.hpp>

#include "evalkit/base/status.h"
#include "evalkit/suite/env_expansion.h"

namespace evalkit {

class YamlReader {
 public:
  YamlReader(std::string file, EnvLookup getenv, std::set<std::string> secret_names)
      : file_(std::move(file)), getenv_(std::move(getenv)), secrets_(std::move(secret_names)) {}

  const std::string& file() const { return file_; }

  // Where node starts (1-based line and column).
  SourceLocation where(const SourceNode& node) const;

  // The entries of a map in document order. Fails when node is not a map, or when a key is
  // repeated or not in allowed (with a did-you-mean): "unknown key 'scorer' in case".
  // context names the map in messages ("case", "provider 'assistant'").
  Status entries(const SourceNode& node, const std::vector<std::string>& allowed,
                 const std::string& context,
                 std::vector<std::pair<SourceNode, SourceNode>>* out) const;

  // Scalars. what names the value in messages, usually its key.
  Status read_string(const SourceNode& node, const std::string& what, std::string* out) const;
  // A string taken literally: no ${VAR} expansion (for api_key_env).
  Status read_literal(const SourceNode& node, const std::string& what, std::string* out) const;
  Status read_number(const SourceNode& node, const std::string& what, double* out) const;
  Status read_int(const SourceNode& node, const std::string& what, int* out) const;
  // A string or a list of strings.
  Status read_strings(const SourceNode& node, const std::string& what,
                      std::vector<std::string>* out) const;

  // Any value as JSON: plain scalars become numbers, booleans or null when they read as one
  // (after expansion); quoted scalars stay strings.
  Status read_json(const SourceNode& node, nlohmann::json* out) const;

  // A file the suite names (a dataset, a responses file), joined to directory unless it is
  // absolute. Under confine_paths_to(root) a path that leaves root (by "..", an absolute
  // path or a symbolic link) is an error at node.
  Status resolve_path(const SourceNode& node, const std::string& directory,
                      const std::string& given, std::string* out) const;
  // Refuse paths outside root from now on (--confine-paths); "" allows every path.
  void confine_paths_to(std::string root) { confine_root_ = std::move(root); }
  const std::string& confine_root() const { return confine_root_; }

  // An error at node.
  Status error_at(const SourceNode& node, const std::string& message) const {
    return Status::error_at(where(node), message);
  }

 private:
  Status expand(const SourceNode& node, std::string* out) const;

  SharedText file_;  // shared by every location the reader gives
  EnvLookup getenv_;
  std::set<std::string> secrets_;
  std::string confine_root_;
};

}  // namespace evalkit

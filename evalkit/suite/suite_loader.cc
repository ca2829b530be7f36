#include "evalkit/suite/suite_loader.h"

#include <cstdlib>
#include <filesystem>

#include <yaml-cpp/yaml.h>

#include "evalkit/base/files.h"
#include "evalkit/base/hash.h"
#include "evalkit/suite/suite_parser.h"
#include "evalkit/suite/suite_validator.h"
#include "evalkit/suite/yaml_reader.h"

namespace evalkit {
namespace {

std::optional<std::string> process_getenv(const std::string& name) {
  const char* value = std::getenv(name.c_str());
  if (value == nullptr) return std::nullopt;
  return std::string(value);
}

}  // namespace

Status load_suite(const std::string& path, Suite* suite, const SuiteLoadOptions& options) {
  const SourceLocation file{path, 0, 0};
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) {
    return Status::error_at(file, "suite file not found");
  }
  std::string bytes;
  if (Status s = read_file(path, &bytes); !s) return Status::error_at(file, s.message());

  YAML::Node root;
  try {
    root = YAML::Load(bytes);
  } catch (const YAML::ParserException& e) {
    return Status::error_at(SourceLocation{path, e.mark.line + 1, e.mark.column + 1}, e.msg);
  }
  if (!root || root.IsNull()) return Status::error_at(file, "suite file is empty");

  *suite = Suite();
  suite->path = path;
  const std::string parent = std::filesystem::path(path).parent_path().string();
  suite->directory = parent.empty() ? "." : parent;
  suite->name = std::filesystem::path(path).stem().string();

  const YamlReader reader(path, options.getenv ? options.getenv : process_getenv,
                          api_key_variables(root));
  SuiteLocations locations;
  std::vector<std::string> dataset_hashes;
  try {
    if (Status s = parse_suite_document(root, reader, suite, &locations, &dataset_hashes); !s) {
      return s;
    }
  } catch (const YAML::Exception& e) {
    // The parser checks shapes before it reads; this is a last line of defence.
    return Status::error_at(SourceLocation{path, e.mark.line + 1, e.mark.column + 1}, e.msg);
  }
  if (Status s = validate_suite(locations, suite); !s) return s;

  // The suite's bytes, then each dataset's digest in order: an edit to any of them changes it.
  std::string material = sha256_hex(bytes);
  for (const auto& line : dataset_hashes) material += "\n" + line;
  suite->content_hash = sha256_hex(material);
  return Status::ok();
}

}  // namespace evalkit

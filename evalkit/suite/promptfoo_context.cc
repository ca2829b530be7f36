#include "evalkit/suite/promptfoo_context.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <regex>

#include "evalkit/base/files.h"
#include "evalkit/text/utf8.h"

namespace evalkit::promptfoo {
namespace {

// YAML 1.2 core schema, as promptfoo's YAML reader (js-yaml) types plain scalars.
Json plain_scalar(const std::string& text) {
  static const std::regex kNull("^(~|null|Null|NULL|)$");
  static const std::regex kTrue("^(true|True|TRUE)$");
  static const std::regex kFalse("^(false|False|FALSE)$");
  static const std::regex kInt("^[-+]?[0-9]+$");
  static const std::regex kHex("^0x[0-9a-fA-F]+$");
  static const std::regex kFloat(R"(^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$)");
  if (std::regex_match(text, kNull)) return nullptr;
  if (std::regex_match(text, kTrue)) return true;
  if (std::regex_match(text, kFalse)) return false;
  if (std::regex_match(text, kInt)) {
    const char* begin = text.data() + (text[0] == '+' ? 1 : 0);
    int64_t integer = 0;
    auto [ptr, ec] = std::from_chars(begin, text.data() + text.size(), integer);
    if (ec == std::errc() && ptr == text.data() + text.size()) return integer;
  }
  if (std::regex_match(text, kHex)) {
    int64_t integer = 0;
    auto [ptr, ec] = std::from_chars(text.data() + 2, text.data() + text.size(), integer, 16);
    if (ec == std::errc() && ptr == text.data() + text.size()) return integer;
  }
  if (std::regex_match(text, kFloat)) {
    const double real = std::strtod(text.c_str(), nullptr);
    if (std::isfinite(real)) return real;
  }
  return text;
}

}  // namespace

ImportContext::ImportContext(std::string config_path, std::string output_dir)
    : config_path_(std::move(config_path)),
      output_dir_(std::filesystem::absolute(output_dir.empty() ? "." : output_dir)),
      current_file_(config_path_) {}

ImportContext::FileScope::FileScope(ImportContext* context, std::string file)
    : context_(context), previous_(context->current_file_) {
  context_->current_file_ = std::move(file);
}

ImportContext::FileScope::~FileScope() { context_->current_file_ = previous_; }

std::string ImportContext::location(const YAML::Node& where) const {
  const YAML::Mark mark = where.Mark();
  if (!where.IsDefined() || mark.is_null()) return current_file_;
  return current_file_ + ":" + std::to_string(mark.line + 1) + ":" +
         std::to_string(mark.column + 1);
}

void ImportContext::dropped(const YAML::Node& where, const std::string& what) {
  dropped_.push_back(location(where) + ": " + what);
}

void ImportContext::dropped_at(const std::string& location, const std::string& what) {
  dropped_.push_back(location + ": " + what);
}

void ImportContext::changed(const YAML::Node& where, const std::string& what) {
  changed_.push_back(location(where) + ": " + what);
}

std::string ImportContext::resolve(const std::string& reference) const {
  const std::filesystem::path path(strip_file_scheme(reference));
  if (path.is_absolute()) return path.lexically_normal().string();
  return (std::filesystem::path(current_file_).parent_path() / path).lexically_normal().string();
}

std::string ImportContext::suite_relative(const std::string& path) const {
  const std::filesystem::path absolute = std::filesystem::absolute(path).lexically_normal();
  const std::filesystem::path relative = absolute.lexically_relative(output_dir_);
  return relative.empty() ? absolute.string() : relative.string();
}

Json ImportContext::value(const YAML::Node& node) const { return value_at(node, 0); }

Json ImportContext::value_at(const YAML::Node& node, size_t depth) const {
  constexpr size_t kMaxDepth = 200;
  constexpr size_t kMaxNodes = 1000000;
  if (depth > kMaxDepth) throw ConfigTooLarge("a value nests more than 200 levels deep");
  if (nodes_converted_ + 1 > kMaxNodes) {
    throw ConfigTooLarge("the config expands to more than a million nodes (aliases included)");
  }
  tick();
  switch (node.Type()) {
    case YAML::NodeType::Null:
    case YAML::NodeType::Undefined:
      return nullptr;
    case YAML::NodeType::Scalar:
      return node.Tag() == "!" ? Json(node.Scalar()) : plain_scalar(node.Scalar());
    case YAML::NodeType::Sequence: {
      Json out = Json::array();
      for (const auto& item : node) out.push_back(value_at(item, depth + 1));
      return out;
    }
    case YAML::NodeType::Map: {
      Json out = Json::object();
      for (const auto& item : node) {
        out[item.first.IsScalar() ? item.first.Scalar() : std::string("?")] =
            value_at(item.second, depth + 1);
      }
      return out;
    }
  }
  return nullptr;
}

Status ImportContext::load_yaml(const std::string& path, YAML::Node* out) const {
  std::string text;
  if (Status s = read_file(path, &text); !s) return Status::error(path + ": cannot be read");
  if (!is_valid_utf8(text)) return Status::error(path + ": not UTF-8 text");
  try {
    *out = YAML::Load(text);
  } catch (const YAML::ParserException& e) {
    return Status::error(path + ":" + std::to_string(e.mark.line + 1) + ":" +
                         std::to_string(e.mark.column + 1) + ": " + e.msg);
  }
  return Status::ok();
}

bool evalkit_template(const std::string& text, std::string* out, std::string* problem) {
  if (text.find("{%") != std::string::npos) {
    *problem = "uses Nunjucks tags ({% ... %}), which evalkit templates lack";
    return false;
  }
  if (text.find("{#") != std::string::npos) {
    *problem = "uses Nunjucks comments ({# ... #}), which evalkit templates lack";
    return false;
  }
  static const std::regex kPath(R"(^[A-Za-z_$][A-Za-z0-9_$]*((\.[A-Za-z0-9_$]+)|(\[[0-9]+\]))*$)");
  out->clear();
  size_t position = 0;
  while (true) {
    const size_t open = text.find("{{", position);
    if (open == std::string::npos) break;
    const size_t close = text.find("}}", open + 2);
    if (close == std::string::npos) {
      *problem = "has '{{' without '}}'";
      return false;
    }
    out->append(text, position, open - position);
    std::string inner = text.substr(open + 2, close - open - 2);
    // Filters that change nothing evalkit would not also do: dump (JSON) and safe.
    static const std::regex kNeutralFilter(R"(\|\s*(dump|safe)\s*$)");
    std::smatch m;
    while (std::regex_search(inner, m, kNeutralFilter))
      inner = inner.substr(0, size_t(m.position()));
    const size_t begin = inner.find_first_not_of(" \t\n");
    const size_t end = inner.find_last_not_of(" \t\n");
    const std::string name = begin == std::string::npos ? "" : inner.substr(begin, end - begin + 1);
    if (!std::regex_match(name, kPath) || name.rfind("env.", 0) == 0 || name == "env") {
      *problem = "uses the Nunjucks expression '{{" + text.substr(open + 2, close - open - 2) +
                 "}}', which evalkit templates lack";
      return false;
    }
    std::string path;
    for (char c : name) {
      if (c == '[') {
        path += '.';
      } else if (c != ']') {
        path += c;
      }
    }
    *out += "{{" + path + "}}";
    position = close + 2;
  }
  out->append(text, position, std::string::npos);
  return true;
}

std::string to_id(const std::string& text, const std::string& fallback) {
  std::string id;
  for (char c : text) {
    const bool keep = std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.';
    if (keep) {
      id += char(std::tolower(static_cast<unsigned char>(c)));
    } else if (!id.empty() && id.back() != '-') {
      id += '-';
    }
    if (id.size() >= 80) break;
  }
  while (!id.empty() && (id.back() == '-' || id.back() == '.')) id.pop_back();
  return id.empty() ? fallback : id;
}

std::string strip_file_scheme(const std::string& reference) {
  return reference.rfind("file://", 0) == 0 ? reference.substr(7) : reference;
}

std::string extension_of(const std::string& path) {
  std::string ext = std::filesystem::path(path).extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(),
                 [](unsigned char c) { return char(std::tolower(c)); });
  return ext;
}

}  // namespace evalkit::promptfoo

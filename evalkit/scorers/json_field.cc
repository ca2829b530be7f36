// json_field: the output is JSON and the field at a dotted path (`answer.items.0.name`)
// equals a given JSON value, or by default the case's first expected answer compared with
// the field's text (strings as they are, other values as compact JSON).
#include <memory>

#include <nlohmann/json.hpp>

#include "evalkit/base/json_parse.h"
#include "evalkit/scorers/match_scorer.h"
#include "evalkit/scorers/scorer_options.h"
#include "evalkit/text/code_fence.h"
#include "evalkit/text/excerpt.h"

namespace evalkit {
namespace {

std::vector<std::string> split_path(const std::string& path) {
  std::vector<std::string> parts;
  size_t start = 0;
  while (true) {
    const size_t dot = path.find('.', start);
    parts.push_back(path.substr(start, dot - start));
    if (dot == std::string::npos) break;
    start = dot + 1;
  }
  return parts;
}

bool is_index(const std::string& part) {
  return !part.empty() && part.size() < 10 &&
         part.find_first_not_of("0123456789") == std::string::npos;
}

// The value at parts in root, or null with *missing naming the first part not found.
const nlohmann::json* find_field(const nlohmann::json& root, const std::vector<std::string>& parts,
                                 std::string* missing) {
  const nlohmann::json* node = &root;
  std::string walked;
  for (const auto& part : parts) {
    walked += (walked.empty() ? "" : ".") + part;
    if (node->is_object()) {
      const auto it = node->find(part);
      if (it == node->end()) {
        *missing = walked;
        return nullptr;
      }
      node = &*it;
    } else if (node->is_array() && is_index(part) && std::stoul(part) < node->size()) {
      node = &(*node)[std::stoul(part)];
    } else {
      *missing = walked;
      return nullptr;
    }
  }
  return node;
}

std::string text_form(const nlohmann::json& value) {
  return value.is_string() ? value.get<std::string>() : value.dump();
}

class JsonFieldScorer : public MatchScorer {
 public:
  JsonFieldScorer(const ScorerSpec& spec, std::string path, std::optional<nlohmann::json> equals,
                  bool strip_fence)
      : MatchScorer(spec, "path:" + path +
                              "|equals:" + (equals ? equals->dump() : std::string("expected")) +
                              "|fence:" + (strip_fence ? "strip" : "keep")),
        path_(std::move(path)),
        parts_(split_path(path_)),
        equals_(std::move(equals)),
        strip_fence_(strip_fence) {}

  Score score(const ScoreInput& input) const override {
    if (!equals_ && input.expected->empty()) {
      return failure("no 'equals' option and no expected answer to compare with");
    }
    const std::string_view text = strip_fence_ ? strip_code_fence(input.output) : input.output;
    nlohmann::json document;
    try {
      document = parse_json_within_depth(text);
    } catch (const nlohmann::json::exception&) {
      return verdict(false, "output is not JSON: " + quoted_excerpt(input.output));
    }
    std::string missing;
    const nlohmann::json* field = find_field(document, parts_, &missing);
    if (field == nullptr) return verdict(false, "field '" + missing + "' is missing");
    if (equals_) {
      const bool matched = *field == *equals_;
      return verdict(matched, "field '" + path_ + "' is " + excerpt(field->dump()) +
                                  (matched ? "" : ", expected " + excerpt(equals_->dump())));
    }
    const std::string got = text_form(*field);
    const std::string& wanted = input.expected->front();
    const bool matched = got == wanted;
    return verdict(matched, "field '" + path_ + "' is " + quoted_excerpt(got) +
                                (matched ? "" : ", expected " + quoted_excerpt(wanted)));
  }

 private:
  std::string path_;
  std::vector<std::string> parts_;
  std::optional<nlohmann::json> equals_;
  bool strip_fence_;
};

}  // namespace

std::unique_ptr<Scorer> make_json_field_scorer(const ScorerSpec& spec, std::string* error) {
  ScorerOptions options(spec);
  std::string path;
  bool strip_fence = false;
  const bool has_path = options.get_string("path", &path);
  std::optional<nlohmann::json> equals;
  if (const nlohmann::json* value = options.get_json("equals")) equals = *value;
  options.get_bool("strip_code_fence", &strip_fence);
  if (!options.finish(error)) return nullptr;
  if (!has_path || path.empty()) {
    *error = "option 'path' is required (e.g. path: answer.items.0)";
    return nullptr;
  }
  for (const auto& part : split_path(path)) {
    if (part.empty()) {
      *error = "option 'path' has an empty part: '" + path + "'";
      return nullptr;
    }
  }
  return std::make_unique<JsonFieldScorer>(spec, std::move(path), std::move(equals), strip_fence);
}

}  // namespace evalkit

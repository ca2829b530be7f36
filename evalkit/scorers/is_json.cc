// is_json: the output parses as JSON (optionally after taking it out of a ``` code fence) and,
// with `schema:`, validates against a JSON Schema (draft 2020-12, see json_schema.h).
#include <fstream>
#include <memory>
#include <sstream>

#include <nlohmann/json.hpp>

#include "evalkit/base/hash.h"
#include "evalkit/base/json_parse.h"
#include "evalkit/scorers/json_schema.h"
#include "evalkit/scorers/match_scorer.h"
#include "evalkit/scorers/scorer_options.h"
#include "evalkit/text/code_fence.h"
#include "evalkit/text/excerpt.h"

namespace evalkit {
namespace {

// Outputs nested deeper than this are not JSON a model means; they would only cost stack.
constexpr int kMaxOutputDepth = 256;
constexpr size_t kMaxSchemaFileBytes = size_t(16) << 20;

class IsJsonScorer : public MatchScorer {
 public:
  IsJsonScorer(const ScorerSpec& spec, bool strip_fence, std::optional<JsonSchema> schema,
               const std::string& schema_hash)
      : MatchScorer(spec, std::string("fence:") + (strip_fence ? "strip" : "keep") +
                              (schema ? "|schema:" + schema_hash.substr(0, 12) : "")),
        strip_fence_(strip_fence),
        schema_(std::move(schema)) {}

  Score score(const ScoreInput& input) const override {
    const std::string_view text = strip_fence_ ? strip_code_fence(input.output) : input.output;
    if (json_nesting_depth(text, kMaxOutputDepth) > kMaxOutputDepth) {
      return verdict(false, "JSON nested deeper than " + std::to_string(kMaxOutputDepth) +
                                " levels: " + quoted_excerpt(input.output));
    }
    nlohmann::json value;
    try {
      value = parse_json_within_depth(text);
    } catch (const nlohmann::json::parse_error& e) {
      return verdict(false, "not JSON (at byte " + std::to_string(e.byte) +
                                "): " + quoted_excerpt(input.output));
    } catch (const nlohmann::json::exception&) {
      return verdict(false, "not JSON evalkit can read (a number too large?): " +
                                quoted_excerpt(input.output));
    }
    if (schema_) {
      std::string failure;
      if (!schema_->validate(value, &failure)) {
        return verdict(false, "does not match the schema: " + failure);
      }
      return verdict(true, std::string("valid JSON ") + value.type_name() + " matching the schema");
    }
    return verdict(true, std::string("valid JSON ") + value.type_name());
  }

 private:
  bool strip_fence_;
  std::optional<JsonSchema> schema_;
};

bool read_schema_file(const std::string& directory, const std::string& name, nlohmann::json* out,
                      std::string* error) {
  const std::string path =
      name.empty() || name[0] == '/' || directory.empty() ? name : directory + "/" + name;
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    *error = "schema file '" + name + "' cannot be read" +
             (directory.empty() ? "" : " (looked in " + directory + ")");
    return false;
  }
  std::ostringstream buffer;
  buffer << in.rdbuf();
  const std::string text = buffer.str();
  if (text.size() > kMaxSchemaFileBytes) {
    *error = "schema file '" + name + "' is over 16 MiB";
    return false;
  }
  if (json_nesting_depth(text, 512) > 512) {
    *error = "schema file '" + name + "' is nested deeper than 512 levels";
    return false;
  }
  *out = parse_untrusted_json(text);
  if (out->is_discarded()) {
    *error = "schema file '" + name + "' is not valid JSON";
    return false;
  }
  return true;
}

}  // namespace

std::unique_ptr<Scorer> make_is_json_scorer(const ScorerSpec& spec, std::string* error) {
  ScorerOptions options(spec);
  bool strip_fence = false;
  options.get_bool("strip_code_fence", &strip_fence);
  const nlohmann::json* schema_option = options.get_json("schema");
  if (!options.finish(error)) return nullptr;
  std::optional<JsonSchema> schema;
  std::string hash;
  if (schema_option != nullptr) {
    nlohmann::json document;
    std::string where = "option 'schema'";
    if (schema_option->is_string()) {
      const std::string name = schema_option->get<std::string>();
      if (!read_schema_file(spec.directory, name, &document, error)) return nullptr;
      where = "schema file '" + name + "'";
    } else if (schema_option->is_object() || schema_option->is_boolean()) {
      document = *schema_option;
    } else {
      *error = "option 'schema' must be a JSON Schema (a map) or the path of a .json file";
      return nullptr;
    }
    JsonSchema compiled;
    std::string why;
    if (!JsonSchema::compile(document, &compiled, &why)) {
      *error = where + ": " + why;
      return nullptr;
    }
    schema = std::move(compiled);
    hash = canonical_json_hash(document);
  }
  return std::make_unique<IsJsonScorer>(spec, strip_fence, std::move(schema), hash);
}

}  // namespace evalkit

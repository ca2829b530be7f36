// JSON Schema (draft 2020-12) validation for scorers: `is_json` with `schema:` today, tool
// argument checks later. A schema is compiled once (every keyword checked, `$ref`s resolved)
// and then validates many instances from several threads.
//
// Supported: type, enum, const, properties, required, additionalProperties,
// patternProperties, propertyNames, dependentRequired, dependentSchemas, minProperties,
// maxProperties, items, prefixItems, contains, minContains, maxContains, uniqueItems,
// minItems, maxItems, minimum, maximum, exclusiveMinimum, exclusiveMaximum, multipleOf,
// minLength, maxLength, pattern, format (date-time, date, time, email, hostname, ipv4, ipv6,
// uri, uuid), allOf, anyOf, oneOf, not, if/then/else, $ref within the document, $defs and
// definitions, boolean schemas, and the annotations ($schema, $id at the root, $comment,
// title, description, default, examples, deprecated, readOnly, writeOnly, content*).
// Anything else is a compile error naming the keyword and where it is.
#pragma once

#include <memory>
#include <string>

#include <nlohmann/json.hpp>

namespace evalkit {

class JsonSchema {
 public:
  JsonSchema();
  ~JsonSchema();
  JsonSchema(JsonSchema&&) noexcept;
  JsonSchema& operator=(JsonSchema&&) noexcept;

  // Compiles schema. On an unsupported or malformed keyword, an unresolvable $ref, a $ref
  // cycle that never reaches into the instance, or a schema nested too deeply, returns false
  // with *error such as "keyword 'unevaluatedProperties' at #/properties/a is not supported".
  static bool compile(const nlohmann::json& schema, JsonSchema* out, std::string* error);

  // Whether instance is valid. When it is not, *failure (if given) names the first failing
  // place and why: "#/items/2/price: expected number, got string \"12\"". Thread-safe.
  bool validate(const nlohmann::json& instance, std::string* failure = nullptr) const;

  struct Node;

 private:
  std::unique_ptr<struct CompiledSchema> compiled_;
};

}  // namespace evalkit

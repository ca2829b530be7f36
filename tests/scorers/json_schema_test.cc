// The JSON Schema validator: draft 2020-12 semantics, messages that name the place, load
// errors for what it does not support, and hostile schemas that stay bounded.
#include "evalkit/scorers/json_schema.h"

#include <gtest/gtest.h>

#include "evalkit/base/files.h"
#include "evalkit/scorers/registry.h"
#include "tests/support/process.h"
#include "tests/support/scorer_fixture.h"

namespace evalkit {
namespace {

using nlohmann::json;

JsonSchema compiled(const json& schema) {
  JsonSchema out;
  std::string error;
  EXPECT_TRUE(JsonSchema::compile(schema, &out, &error)) << error;
  return out;
}

std::string compile_error(const json& schema) {
  JsonSchema out;
  std::string error;
  return JsonSchema::compile(schema, &out, &error) ? "" : error;
}

std::string failure_of(const JsonSchema& schema, const json& instance) {
  std::string failure;
  return schema.validate(instance, &failure) ? "" : failure;
}

TEST(JsonSchemaTest, TypesPropertiesRequired) {
  const JsonSchema schema = compiled(json::parse(R"({
    "type": "object",
    "properties": {
      "name": {"type": "string", "minLength": 1},
      "age": {"type": "integer", "minimum": 0},
      "tags": {"type": "array", "items": {"type": "string"}, "uniqueItems": true}
    },
    "required": ["name"],
    "additionalProperties": false
  })"));
  EXPECT_EQ(failure_of(schema, json::parse(R"({"name": "Ada", "age": 36, "tags": ["a", "b"]})")),
            "");
  EXPECT_EQ(failure_of(schema, json::parse(R"({"age": 36})")),
            "#: missing required property 'name'");
  EXPECT_EQ(failure_of(schema, json::parse(R"({"name": "Ada", "age": "36"})")),
            "#/age: expected integer, got string \"36\"");
  EXPECT_EQ(failure_of(schema, json::parse(R"({"name": "Ada", "age": 36.5})")),
            "#/age: expected integer, got number 36.5");
  EXPECT_EQ(failure_of(schema, json::parse(R"({"name": "Ada", "age": 36.0})")),
            "");  // 36.0 is an integer
  EXPECT_EQ(failure_of(schema, json::parse(R"({"name": "Ada", "nick": "A"})")),
            "#/nick: property 'nick' is not allowed (additionalProperties)");
  EXPECT_EQ(failure_of(schema, json::parse(R"({"name": "Ada", "tags": ["a", "a"]})")),
            "#/tags/1: repeats an earlier item (uniqueItems)");
  EXPECT_EQ(failure_of(schema, json::parse(R"({"name": ""})")),
            "#/name: expected at least 1 characters, got 0");
  EXPECT_EQ(failure_of(schema, json::parse(R"([1])")), "#: expected object, got array [1]");
}

TEST(JsonSchemaTest, PrefixItemsAndItemsAsIn2020) {
  const JsonSchema schema = compiled(json::parse(R"({
    "prefixItems": [{"type": "string"}, {"type": "number"}], "items": false
  })"));
  EXPECT_TRUE(schema.validate(json::parse(R"(["a", 1])")));
  EXPECT_TRUE(schema.validate(json::parse(R"(["a"])")));
  EXPECT_EQ(failure_of(schema, json::parse(R"(["a", 1, 2])")),
            "#/2: no value is allowed here (schema false at #/items)");
  EXPECT_EQ(failure_of(schema, json::parse(R"([1, 1])")), "#/0: expected string, got integer 1");
}

TEST(JsonSchemaTest, EnumConstNumbersStrings) {
  const JsonSchema schema = compiled(json::parse(R"({
    "properties": {
      "unit": {"enum": ["C", "F"]},
      "v": {"const": 1},
      "p": {"exclusiveMinimum": 0, "maximum": 1, "multipleOf": 0.01},
      "code": {"pattern": "^[A-Z]{3}-\\d{2}$", "maxLength": 6}
    }
  })"));
  EXPECT_TRUE(
      schema.validate(json::parse(R"({"unit": "C", "v": 1.0, "p": 0.07, "code": "ABC-12"})")));
  EXPECT_EQ(failure_of(schema, json::parse(R"({"unit": "K"})")),
            "#/unit: expected one of [\"C\",\"F\"], got \"K\"");
  EXPECT_EQ(failure_of(schema, json::parse(R"({"v": true})")), "#/v: expected 1, got true");
  EXPECT_EQ(failure_of(schema, json::parse(R"({"p": 0})")), "#/p: expected more than 0, got 0");
  EXPECT_EQ(failure_of(schema, json::parse(R"({"p": 0.005})")),
            "#/p: expected a multiple of 0.01, got 0.005");
  EXPECT_EQ(failure_of(schema, json::parse(R"({"code": "abc-12"})")),
            "#/code: does not match /^[A-Z]{3}-\\d{2}$/: 'abc-12'");
}

TEST(JsonSchemaTest, CombinatorsConditionalsAndDependencies) {
  const JsonSchema schema = compiled(json::parse(R"({
    "oneOf": [{"required": ["a"]}, {"required": ["b"]}],
    "not": {"required": ["forbidden"]},
    "if": {"properties": {"kind": {"const": "card"}}, "required": ["kind"]},
    "then": {"required": ["number"]},
    "else": {"required": ["iban"]},
    "dependentRequired": {"a": ["a2"]},
    "anyOf": [{"minProperties": 3}, {"required": ["z"]}]
  })"));
  EXPECT_EQ(failure_of(schema, json::parse(R"({"a": 1, "a2": 1, "kind": "card", "number": 1})")),
            "");
  EXPECT_EQ(
      failure_of(schema, json::parse(R"({"a": 1, "b": 1, "a2": 1, "kind": "card", "number": 1})")),
      "#: matches 2 of the 2 oneOf alternatives (exactly one must match)");
  EXPECT_EQ(failure_of(schema, json::parse(R"({"a": 1, "a2": 1, "kind": "card"})")),
            "#: missing required property 'number'");
  EXPECT_EQ(failure_of(schema, json::parse(R"({"b": 1, "iban": 1, "z": 1})")), "");
  EXPECT_EQ(failure_of(schema, json::parse(R"({"b": 1, "z": 1})")),
            "#: missing required property 'iban'");
  EXPECT_EQ(failure_of(schema, json::parse(R"({"a": 1, "kind": "card", "number": 1})")),
            "#: property 'a' needs property 'a2'");
  EXPECT_NE(failure_of(schema, json::parse(R"({"b": 1, "iban": 1, "forbidden": 1})")).find("'not'"),
            std::string::npos);
}

TEST(JsonSchemaTest, RefsWithinTheDocument) {
  const JsonSchema schema = compiled(json::parse(R"({
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "$id": "https://example.com/tree",
    "$defs": {"node": {"type": "object", "properties": {
        "value": {"type": "number"},
        "children": {"type": "array", "items": {"$ref": "#/$defs/node"}}},
      "required": ["value"]}},
    "$ref": "#/$defs/node"
  })"));
  EXPECT_TRUE(
      schema.validate(json::parse(R"({"value": 1, "children": [{"value": 2, "children": []}]})")));
  EXPECT_EQ(failure_of(schema, json::parse(R"({"value": 1, "children": [{"children": []}]})")),
            "#/children/0: missing required property 'value'");
  // A $ref next to other keywords: both apply in 2020-12.
  const JsonSchema both = compiled(json::parse(R"({
    "$defs": {"positive": {"minimum": 0}}, "$ref": "#/$defs/positive", "maximum": 10})"));
  EXPECT_TRUE(both.validate(5));
  EXPECT_FALSE(both.validate(-1));
  EXPECT_FALSE(both.validate(11));
  // Pointer escapes and percent-encoding.
  const JsonSchema escaped = compiled(json::parse(R"({
    "$defs": {"a/b": {"type": "string"}, "c%d": {"type": "integer"}},
    "properties": {"x": {"$ref": "#/$defs/a~1b"}, "y": {"$ref": "#/$defs/c%25d"}}})"));
  EXPECT_FALSE(escaped.validate(json::parse(R"({"x": 1})")));
  EXPECT_FALSE(escaped.validate(json::parse(R"({"y": "1"})")));
  EXPECT_TRUE(escaped.validate(json::parse(R"({"x": "1", "y": 1})")));
}

TEST(JsonSchemaTest, FormatsAreChecked) {
  const JsonSchema schema = compiled(json::parse(R"({"properties": {
    "when": {"format": "date-time"}, "mail": {"format": "email"}, "id": {"format": "uuid"},
    "ip": {"format": "ipv4"}}})"));
  EXPECT_TRUE(schema.validate(json::parse(
      R"({"when": "2024-02-29T12:00:00Z", "mail": "ada@example.com", "id": "123e4567-e89b-12d3-a456-426614174000", "ip": "10.0.0.1"})")));
  EXPECT_EQ(failure_of(schema, json::parse(R"({"when": "2023-02-29T12:00:00Z"})")),
            "#/when: is not a valid date-time: '2023-02-29T12:00:00Z'");
  EXPECT_FALSE(schema.validate(json::parse(R"({"mail": "ada.example.com"})")));
  EXPECT_FALSE(schema.validate(json::parse(R"({"ip": "256.1.1.1"})")));
  EXPECT_FALSE(schema.validate(json::parse(R"({"id": "123e4567"})")));
}

TEST(JsonSchemaTest, UnsupportedKeywordsAreLoadErrors) {
  EXPECT_EQ(
      compile_error(json::parse(R"({"properties": {"a": {"unevaluatedProperties": false}}})")),
      "keyword 'unevaluatedProperties' is not supported at #/properties/a");
  EXPECT_EQ(compile_error(json::parse(R"({"requried": ["a"]})")),
            "keyword 'requried' is not supported (did you mean 'required'?) at #");
  EXPECT_EQ(
      compile_error(json::parse(R"({"items": [{"type": "string"}]})")),
      "'items' as an array belongs to older drafts (draft 2020-12: 'prefixItems') at #/items");
  EXPECT_NE(compile_error(json::parse(R"({"$ref": "other.json#/a"})")).find("leaves the document"),
            std::string::npos);
  EXPECT_NE(compile_error(json::parse(R"({"$ref": "#/$defs/missing"})")).find("points at nothing"),
            std::string::npos);
  EXPECT_NE(compile_error(json::parse(R"({"format": "credit-card"})"))
                .find("format 'credit-card' is not supported"),
            std::string::npos);
  EXPECT_NE(compile_error(json::parse(R"({"pattern": "(a)\\1"})"))
                .find("backreferences are not supported"),
            std::string::npos);
  EXPECT_NE(compile_error(json::parse(R"({"minLength": -1})")).find("non-negative integer"),
            std::string::npos);
  EXPECT_NE(compile_error(json::parse(R"({"type": "float"})")).find("'type' must name"),
            std::string::npos);
  EXPECT_NE(compile_error(json::parse(R"({"properties": {"a": {"$id": "x"}}})")).find("root only"),
            std::string::npos);
  EXPECT_NE(compile_error(json::parse(R"({"additionalItems": false})")).find("older drafts"),
            std::string::npos);
}

TEST(JsonSchemaTest, RefCyclesThatNeverDescendAreLoadErrors) {
  EXPECT_NE(compile_error(json::parse(R"({"$ref": "#"})")).find("$ref cycle"), std::string::npos);
  EXPECT_NE(
      compile_error(
          json::parse(
              R"({"$defs": {"a": {"$ref": "#/$defs/b"}, "b": {"allOf": [{"$ref": "#/$defs/a"}]}},
                                          "$ref": "#/$defs/a"})"))
          .find("$ref cycle"),
      std::string::npos);
  // Recursion through properties is fine: it descends into the instance.
  const JsonSchema list =
      compiled(json::parse(R"({"properties": {"next": {"$ref": "#"}}, "type": "object"})"));
  json deep = json::object();
  json* at = &deep;
  for (int i = 0; i < 100; ++i) {
    (*at)["next"] = json::object();
    at = &(*at)["next"];
  }
  EXPECT_TRUE(list.validate(deep));
}

TEST(JsonSchemaTest, HostileSchemasStayBounded) {
  // Nesting: refused at load, not a stack overflow.
  json nested = json::object();
  for (int i = 0; i < 100000; ++i) nested = json{{"not", std::move(nested)}};
  EXPECT_NE(compile_error(nested).find("nested deeper than 256 levels"), std::string::npos);

  // A catastrophic pattern for a backtracking engine is answered (linear_regex_test bounds
  // the work).
  const JsonSchema evil = compiled(json{{"pattern", "^(a+)+$"}});
  EXPECT_FALSE(evil.validate(std::string(50000, 'a') + "!"));

  // Counted repetitions that would blow the program up are refused.
  EXPECT_NE(compile_error(json{{"pattern", "((a{1000}){1000}){1000}"}}).find("too large"),
            std::string::npos);
}

TEST(JsonSchemaTest, TheSuiteSchemaOfThisRepositoryCompilesAndAcceptsItsSuites) {
  // docs/suite.schema.json is a real draft 2020-12 schema with $refs, oneOf and anyOf.
  std::string text;
  ASSERT_TRUE(read_file(testing::source_path("docs/suite.schema.json"), &text).is_ok());
  const JsonSchema schema = compiled(json::parse(text));
  const json quickstart = json::parse(R"({
    "suite": "quickstart",
    "providers": [{"id": "assistant", "type": "openai-chat", "model": "gpt-4o-mini"}],
    "prompt": "Capital of {{country}}?",
    "cases": [{"id": "fr", "vars": {"country": "France"}, "expected": "Paris"},
              {"file": "data/capitals.jsonl"}],
    "scorers": ["exact_match", {"type": "rouge", "variant": "rougeL", "threshold": 0.4},
                {"not": {"type": "contains", "value": "sorry"}}]
  })");
  EXPECT_EQ(failure_of(schema, quickstart), "");
  json bad = quickstart;
  bad["providers"][0]["type"] = "openai";
  EXPECT_NE(failure_of(schema, bad), "");
  bad = quickstart;
  bad["repeat"] = 0;
  EXPECT_NE(failure_of(schema, bad), "");
}

TEST(IsJsonSchemaScorerTest, SchemaOptionInlineAndFromAFile) {
  const auto scorer = testing::make_test_scorer(
      "is_json", {{"schema", json::parse(R"({"type": "object", "required": ["city"],
                                              "properties": {"city": {"type": "string"}}})")}});
  const Score pass = testing::score_output(*scorer, R"({"city": "Paris"})");
  EXPECT_TRUE(pass.pass);
  EXPECT_EQ(pass.reason, "valid JSON object matching the schema");
  const Score fail = testing::score_output(*scorer, R"({"town": "Paris"})");
  EXPECT_FALSE(fail.pass);
  EXPECT_EQ(fail.reason, "does not match the schema: #: missing required property 'city'");
  EXPECT_NE(scorer->signature().find("|schema:"), std::string::npos);

  const std::string dir = testing::make_temp_dir("is_json_schema");
  ASSERT_TRUE(
      write_file_atomic(dir + "/answer.json", R"({"type": "array", "maxItems": 2})").is_ok());
  ScorerSpec spec;
  spec.type = "is_json";
  spec.options = {{"schema", "answer.json"}};
  spec.directory = dir;
  std::unique_ptr<Scorer> from_file;
  ASSERT_TRUE(make_scorer(spec, &from_file).is_ok());
  EXPECT_TRUE(testing::score_output(*from_file, "[1, 2]").pass);
  EXPECT_FALSE(testing::score_output(*from_file, "[1, 2, 3]").pass);

  EXPECT_NE(testing::scorer_error("is_json",
                                  {{"schema", {{"type", "object"}, {"unevaluatedItems", false}}}})
                .find("option 'schema': keyword 'unevaluatedItems' is not supported at #"),
            std::string::npos);
  spec.options = {{"schema", "missing.json"}};
  std::unique_ptr<Scorer> missing;
  EXPECT_NE(make_scorer(spec, &missing).message().find("schema file 'missing.json' cannot be read"),
            std::string::npos);
  // An output nested 100,000 deep is refused before anything walks it.
  const std::string deep = std::string(100000, '[') + std::string(100000, ']');
  const Score deep_score = testing::score_output(*scorer, deep);
  EXPECT_FALSE(deep_score.pass);
  EXPECT_NE(deep_score.reason.find("nested deeper than 256"), std::string::npos);
}

}  // namespace
}  // namespace evalkit

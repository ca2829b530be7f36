// The official JSON-Schema-Test-Suite (Debian package json-schema-test-suite) run through
// evalkit's validator for the keywords it supports. Debian ships the suite up to draft 7, so
// each schema is first written in draft 2020-12 terms where the drafts differ: array `items`
// becomes `prefixItems` (and `additionalItems` becomes `items`), `dependencies` splits into
// `dependentRequired`/`dependentSchemas`, and a `$ref` drops its siblings (draft 7 ignores
// them). Groups whose schema uses something evalkit refuses at load (remote $refs, $id-based
// resolution) are counted as skipped, with the reason.
#include <dirent.h>
#include <gtest/gtest.h>

#include <cctype>
#include <fstream>
#include <map>
#include <sstream>

#include "evalkit/scorers/json_schema.h"

namespace evalkit {
namespace {

using nlohmann::json;

const char* kSuiteDir = "/usr/share/json-schema-test-suite/tests/draft7";

json to_2020(const json& schema);

json map_of_schemas(const json& value) {
  if (!value.is_object()) return value;
  json out = json::object();
  for (const auto& [k, v] : value.items()) out[k] = to_2020(v);
  return out;
}

json list_of_schemas(const json& value) {
  if (!value.is_array()) return value;
  json out = json::array();
  for (const auto& v : value) out.push_back(to_2020(v));
  return out;
}

json to_2020(const json& schema) {
  if (!schema.is_object()) return schema;
  if (schema.contains("$ref") && schema["$ref"].is_string()) {
    // Draft 7 ignores every keyword beside $ref (definitions still hold its targets). A
    // pointer into a draft 7 items array points into prefixItems once translated.
    std::string ref = schema["$ref"].get<std::string>();
    if (ref.rfind("#/items/", 0) == 0 && ref.size() > 8 && std::isdigit(static_cast<unsigned char>(ref[8]))) {
      ref = "#/prefixItems/" + ref.substr(8);
    }
    json out = {{"$ref", ref}};
    if (schema.contains("definitions")) out["definitions"] = map_of_schemas(schema["definitions"]);
    return out;
  }
  json out = json::object();
  for (const auto& [key, value] : schema.items()) {
    if (key == "properties" || key == "patternProperties" || key == "definitions") {
      out[key] = map_of_schemas(value);
    } else if (key == "items") {
      if (value.is_array()) {
        out["prefixItems"] = list_of_schemas(value);
        if (schema.contains("additionalItems")) out["items"] = to_2020(schema["additionalItems"]);
      } else {
        out["items"] = to_2020(value);
      }
    } else if (key == "additionalItems") {
      continue;  // handled with items (ignored without an items array, as draft 7 does)
    } else if (key == "dependencies") {
      for (const auto& [name, dependency] : value.items()) {
        if (dependency.is_array()) {
          out["dependentRequired"][name] = dependency;
        } else {
          out["dependentSchemas"][name] = to_2020(dependency);
        }
      }
    } else if (key == "allOf" || key == "anyOf" || key == "oneOf") {
      out[key] = list_of_schemas(value);
    } else if (key == "additionalProperties" || key == "contains" || key == "propertyNames" ||
               key == "not" || key == "if" || key == "then" || key == "else") {
      out[key] = to_2020(value);
    } else {
      out[key] = value;
    }
  }
  return out;
}

struct Tally {
  int groups = 0, skipped_groups = 0, cases = 0, passed = 0, failed = 0, skipped = 0;
  std::vector<std::string> failures;
  std::map<std::string, int> skip_reasons;
};

void run_file(const std::string& path, const std::string& name, Tally* tally) {
  std::ifstream in(path);
  ASSERT_TRUE(in) << path;
  std::stringstream buffer;
  buffer << in.rdbuf();
  const json groups = json::parse(buffer.str());
  for (const auto& group : groups) {
    ++tally->groups;
    JsonSchema schema;
    std::string error;
    const int count = int(group.at("tests").size());
    tally->cases += count;
    if (!JsonSchema::compile(to_2020(group.at("schema")), &schema, &error)) {
      ++tally->skipped_groups;
      tally->skipped += count;
      ++tally->skip_reasons[name + ": " + group.at("description").get<std::string>() + " (" +
                            error + ")"];
      continue;
    }
    for (const auto& test : group.at("tests")) {
      const bool expected = test.at("valid").get<bool>();
      if (schema.validate(test.at("data")) == expected) {
        ++tally->passed;
      } else {
        ++tally->failed;
        tally->failures.push_back(name + ": " + group.at("description").get<std::string>() + " / " +
                                  test.at("description").get<std::string>());
      }
    }
  }
}

// The draft 7 files of the keywords evalkit supports.
const std::vector<std::string>& supported_files() {
  static const std::vector<std::string> files = {"additionalItems.json",
                                                 "additionalProperties.json",
                                                 "allOf.json",
                                                 "anyOf.json",
                                                 "boolean_schema.json",
                                                 "const.json",
                                                 "contains.json",
                                                 "default.json",
                                                 "definitions.json",
                                                 "dependencies.json",
                                                 "enum.json",
                                                 "exclusiveMaximum.json",
                                                 "exclusiveMinimum.json",
                                                 "if-then-else.json",
                                                 "items.json",
                                                 "maxItems.json",
                                                 "maxLength.json",
                                                 "maxProperties.json",
                                                 "maximum.json",
                                                 "minItems.json",
                                                 "minLength.json",
                                                 "minProperties.json",
                                                 "minimum.json",
                                                 "multipleOf.json",
                                                 "not.json",
                                                 "oneOf.json",
                                                 "pattern.json",
                                                 "patternProperties.json",
                                                 "properties.json",
                                                 "propertyNames.json",
                                                 "ref.json",
                                                 "refRemote.json",
                                                 "required.json",
                                                 "type.json",
                                                 "uniqueItems.json",
                                                 "optional/bignum.json",
                                                 "optional/ecmascript-regex.json",
                                                 "optional/zeroTerminatedFloats.json",
                                                 "optional/format/date-time.json",
                                                 "optional/format/date.json",
                                                 "optional/format/time.json",
                                                 "optional/format/email.json",
                                                 "optional/format/hostname.json",
                                                 "optional/format/ipv4.json",
                                                 "optional/format/ipv6.json",
                                                 "optional/format/uri.json"};
  return files;
}

TEST(JsonSchemaTestSuite, SupportedKeywordsPass) {
  DIR* dir = opendir(kSuiteDir);
  if (dir == nullptr) {
    GTEST_SKIP() << kSuiteDir << " is missing: install the Debian package json-schema-test-suite";
  }
  closedir(dir);
  Tally tally;
  for (const auto& file : supported_files())
    run_file(std::string(kSuiteDir) + "/" + file, file, &tally);
  std::string report =
      "JSON-Schema-Test-Suite draft7 (as 2020-12): " + std::to_string(tally.groups) + " groups, " +
      std::to_string(tally.cases) + " cases: " + std::to_string(tally.passed) + " passed, " +
      std::to_string(tally.failed) + " failed, " + std::to_string(tally.skipped) + " skipped in " +
      std::to_string(tally.skipped_groups) + " groups refused at load";
  std::printf("%s\n", report.c_str());
  for (const auto& [reason, n] : tally.skip_reasons) std::printf("  skipped: %s\n", reason.c_str());
  RecordProperty("passed", tally.passed);
  RecordProperty("failed", tally.failed);
  RecordProperty("skipped", tally.skipped);
  for (const auto& failure : tally.failures) ADD_FAILURE() << failure;
  // Skipping everything must not look like success.
  EXPECT_GE(tally.passed, 454) << report;
}

}  // namespace
}  // namespace evalkit

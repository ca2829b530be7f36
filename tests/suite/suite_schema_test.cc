// docs/suite.schema.json describes exactly the keys the loader accepts.
#include <gtest/gtest.h>

#include <set>

#include <nlohmann/json.hpp>

#include "evalkit/base/files.h"
#include "evalkit/scorers/registry.h"
#include "evalkit/suite/suite_keys.h"
#include "tests/support/process.h"

namespace evalkit {
namespace {

nlohmann::json load_schema() {
  std::string text;
  const Status status = read_file(testing::source_path("docs/suite.schema.json"), &text);
  EXPECT_TRUE(status.is_ok()) << status.message();
  return nlohmann::json::parse(text);
}

std::set<std::string> property_names(const nlohmann::json& object_schema) {
  std::set<std::string> names;
  for (const auto& item : object_schema.at("properties").items()) names.insert(item.key());
  return names;
}

std::set<std::string> as_set(const std::vector<std::string>& keys) {
  return std::set<std::string>(keys.begin(), keys.end());
}

std::set<std::string> enum_values(const nlohmann::json& schema) {
  std::set<std::string> values;
  for (const auto& value : schema.at("enum")) values.insert(value.get<std::string>());
  return values;
}

TEST(SuiteSchemaTest, IsDraft2020AndClosed) {
  const nlohmann::json schema = load_schema();
  EXPECT_EQ(schema.at("$schema"), "https://json-schema.org/draft/2020-12/schema");
  EXPECT_EQ(schema.at("additionalProperties"), false);
}

TEST(SuiteSchemaTest, KeySetsMatchTheLoader) {
  const nlohmann::json schema = load_schema();
  const nlohmann::json& defs = schema.at("$defs");
  EXPECT_EQ(property_names(schema), as_set(suite_keys::top_level()));
  EXPECT_EQ(property_names(defs.at("defaults")), as_set(suite_keys::defaults()));
  EXPECT_EQ(property_names(defs.at("provider")), as_set(suite_keys::provider()));
  EXPECT_EQ(property_names(defs.at("message")), as_set(suite_keys::message()));
  EXPECT_EQ(property_names(defs.at("prompt").at("oneOf").at(1)), as_set(suite_keys::prompt()));
  EXPECT_EQ(property_names(defs.at("case")), as_set(suite_keys::inline_case()));
  EXPECT_EQ(property_names(defs.at("dataset_entry")), as_set(suite_keys::dataset_entry()));
  EXPECT_EQ(property_names(defs.at("scorers").at("items").at("oneOf").at(1)),
            as_set(suite_keys::scorer()));
  EXPECT_EQ(property_names(defs.at("pass_rule")), as_set(suite_keys::pass_rule()));
  EXPECT_EQ(property_names(defs.at("gate_rule")), as_set(suite_keys::gate_rule()));
}

TEST(SuiteSchemaTest, EnumsMatchTheLoader) {
  const nlohmann::json schema = load_schema();
  const nlohmann::json& defs = schema.at("$defs");
  EXPECT_EQ(enum_values(defs.at("provider").at("properties").at("type")),
            as_set(suite_keys::provider_types()));
  EXPECT_EQ(enum_values(defs.at("message").at("properties").at("role")),
            as_set(suite_keys::message_roles()));
  // Editors suggest every registered scorer type.
  const std::set<std::string> listed = enum_values(defs.at("scorer_type").at("anyOf").at(0));
  for (const auto& kind : scorer_kinds()) {
    EXPECT_EQ(listed.count(kind.type), 1u) << kind.type << " is missing from the schema";
  }
}

}  // namespace
}  // namespace evalkit

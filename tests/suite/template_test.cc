#include "evalkit/suite/template.h"

#include <gtest/gtest.h>

namespace evalkit {
namespace {

std::string render(std::string_view tmpl, const nlohmann::json& vars) {
  std::string out;
  const Status status = render_template(tmpl, vars, &out);
  EXPECT_TRUE(status.is_ok()) << status.message();
  return out;
}

std::string render_error(std::string_view tmpl, const nlohmann::json& vars) {
  std::string out;
  const Status status = render_template(tmpl, vars, &out);
  EXPECT_FALSE(status.is_ok());
  return status.message();
}

TEST(TemplateTest, ReplacesVariables) {
  EXPECT_EQ(render("What is the capital of {{country}}?", {{"country", "France"}}),
            "What is the capital of France?");
  EXPECT_EQ(render("{{a}}{{ b }}{{\tc\t}}", {{"a", "1"}, {"b", "2"}, {"c", "3"}}), "123");
  EXPECT_EQ(render("no placeholders", nlohmann::json::object()), "no placeholders");
  EXPECT_EQ(render("", nlohmann::json::object()), "");
}

TEST(TemplateTest, DottedPathsAndIndexes) {
  const nlohmann::json vars = {{"user", {{"name", "Ada"}, {"langs", {"en", "fr"}}}},
                               {"items", {"first", "second"}}};
  EXPECT_EQ(render("{{ user.name }} speaks {{user.langs.1}}", vars), "Ada speaks fr");
  EXPECT_EQ(render("{{items.0}}", vars), "first");
}

TEST(TemplateTest, NonStringsAsCompactJson) {
  const nlohmann::json vars = {
      {"n", 3}, {"ok", true}, {"list", {1, 2}}, {"obj", {{"k", "v"}}}, {"none", nullptr}};
  EXPECT_EQ(render("{{n}} {{ok}} {{list}} {{obj}} {{none}}", vars),
            "3 true [1,2] {\"k\":\"v\"} null");
}

TEST(TemplateTest, LeavesLoneBracesAlone) {
  EXPECT_EQ(render("JSON like {\"a\": {\"b\": 1}} and {{x}}", {{"x", "y"}}),
            "JSON like {\"a\": {\"b\": 1}} and y");
}

TEST(TemplateTest, MissingVariablesAreErrorsNamingThem) {
  EXPECT_EQ(render_error("Hi {{name}}", {{"nam", "x"}}), "template variable 'name' is not defined");
  EXPECT_EQ(render_error("{{user.age}}", {{"user", {{"name", "Ada"}}}}),
            "template variable 'user.age' is not defined");
  EXPECT_EQ(render_error("{{items.2}}", {{"items", {"a", "b"}}}),
            "template variable 'items.2' is not defined");
  EXPECT_EQ(render_error("{{name.first}}", {{"name", "Ada"}}),
            "template variable 'name.first' is not defined");
}

TEST(TemplateTest, MalformedPlaceholders) {
  EXPECT_EQ(render_error("Hi {{name", {{"name", "x"}}),
            "template has '{{' without a closing '}}' at offset 3");
  EXPECT_EQ(render_error("{{ }}", nlohmann::json::object()),
            "template has an empty '{{ }}' at offset 0");
  std::vector<std::string> variables;
  EXPECT_FALSE(parse_template_variables("{{a}} {{b", &variables).is_ok());
}

TEST(TemplateTest, ListsVariablesInOrder) {
  EXPECT_EQ(template_variables("{{b}} then {{ a.c }} then {{b}}"),
            (std::vector<std::string>{"b", "a.c", "b"}));
  EXPECT_EQ(template_variables("{{a}} {{broken"), (std::vector<std::string>{"a"}));
  const nlohmann::json vars = {{"a", {{"c", 1}}}};
  ASSERT_NE(find_template_variable(vars, "a.c"), nullptr);
  EXPECT_EQ(*find_template_variable(vars, "a.c"), 1);
  EXPECT_EQ(find_template_variable(vars, "a.d"), nullptr);
}

}  // namespace
}  // namespace evalkit

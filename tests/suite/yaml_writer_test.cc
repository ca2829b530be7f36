// to_yaml writes values that the suite loader reads back unchanged.
#include "evalkit/suite/yaml_writer.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include "evalkit/suite/yaml_reader.h"

namespace evalkit {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

// What the suite loader makes of the YAML text.
nlohmann::json read_back(const std::string& yaml) {
  const YamlReader reader("t.yaml", [](const std::string&) { return std::nullopt; }, {});
  nlohmann::json out;
  const Status status = reader.read_json(YAML::Load(yaml), &out);
  EXPECT_TRUE(status.is_ok()) << status.message() << "\n" << yaml;
  return out;
}

TEST(YamlWriterTest, ScalarsReadBackAsTheSameValues) {
  const nlohmann::ordered_json value = {{"plain", "Paris"},
                                        {"number_like", "1788"},
                                        {"zero_padded", "007"},
                                        {"float_like", "3.10"},
                                        {"bool_like", "true"},
                                        {"yes_no", "no"},
                                        {"null_like", "null"},
                                        {"empty", ""},
                                        {"spaces", "  padded  "},
                                        {"colon", "key: value # not a comment"},
                                        {"quote", "it's \"quoted\""},
                                        {"unicode", "Dónde está la biblioteca"},
                                        {"control", std::string("tab\tbell\x07")},
                                        {"dollar", "costs ${price} or $${x}"},
                                        {"integer", 1788},
                                        {"real", 0.85},
                                        {"tiny", 1e-7},
                                        {"negative", -2.5},
                                        {"flag", false},
                                        {"nothing", nullptr}};
  const std::string yaml = to_yaml(value);
  nlohmann::json expected = nlohmann::json::parse(value.dump());
  EXPECT_EQ(read_back(yaml).dump(), nlohmann::json(expected).dump()) << yaml;
  EXPECT_THAT(yaml, HasSubstr("real: 0.85\n"));  // shortest exact form
  EXPECT_THAT(yaml, Not(HasSubstr("0.8499")));
}

TEST(YamlWriterTest, ExpansionIsEscapedExceptUnderExpandKeys) {
  const nlohmann::ordered_json value = {
      {"base_url", "${GROQ_BASE_URL:-https://api.groq.com/openai/v1}"},
      {"prompt", "Pay ${amount} now"}};
  const std::string yaml = to_yaml(value);
  EXPECT_THAT(yaml, HasSubstr("base_url: \"${GROQ_BASE_URL:-https://api.groq.com/openai/v1}\""));
  EXPECT_THAT(yaml, HasSubstr("Pay $${amount} now"));
}

TEST(YamlWriterTest, NestingListsAndMultiLineText) {
  const nlohmann::ordered_json value = {
      {"suite", "s"},
      {"prompts",
       {{{"id", "p"}, {"prompt", "Line one\n  indented line\n\nlast line\n"}},
        {{"id", "q"}, {"messages", {{{"role", "user"}, {"content", "x"}}}}}}},
      {"labels", {"a", "b c"}},
      {"empty_list", nlohmann::ordered_json::array()},
      {"deep", {{"a", {{"b", {{"c", {1, 2, {{"d", "e"}}}}}}}}}}};
  const std::string yaml = to_yaml(value);
  EXPECT_EQ(read_back(yaml).dump(), nlohmann::json::parse(value.dump()).dump()) << yaml;
  EXPECT_THAT(yaml, HasSubstr("prompt: |\n"));
  EXPECT_THAT(yaml, Not(HasSubstr("&")));
}

TEST(YamlWriterTest, PlainStringsAreOnlyThoseThatReadBackAsText) {
  EXPECT_TRUE(is_plain_yaml_string("gpt-4o-mini"));
  EXPECT_TRUE(is_plain_yaml_string("Capital of France"));
  EXPECT_FALSE(is_plain_yaml_string("4o"));
  EXPECT_FALSE(is_plain_yaml_string("True"));
  EXPECT_FALSE(is_plain_yaml_string("a: b"));
  EXPECT_FALSE(is_plain_yaml_string("-dash"));
  EXPECT_FALSE(is_plain_yaml_string("trailing "));
  EXPECT_FALSE(is_plain_yaml_string("x, y"));
}

}  // namespace
}  // namespace evalkit

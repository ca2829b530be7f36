// is_json and json_field.
#include <gtest/gtest.h>

#include "tests/support/scorer_fixture.h"

namespace evalkit {
namespace {

using testing::make_test_scorer;
using testing::score_output;
using testing::scorer_error;

TEST(IsJsonTest, AcceptsOnlyJson) {
  const auto scorer = make_test_scorer("is_json");
  EXPECT_TRUE(score_output(*scorer, R"({"a": [1, 2]})").pass);
  EXPECT_TRUE(score_output(*scorer, "  42 ").pass);
  const Score miss = score_output(*scorer, "{\"a\": }");
  EXPECT_FALSE(miss.pass);
  EXPECT_NE(miss.reason.find("not JSON"), std::string::npos);
  EXPECT_FALSE(score_output(*scorer, "```json\n{\"a\": 1}\n```").pass);
}

TEST(IsJsonTest, StripsACodeFenceWhenAsked) {
  const auto scorer = make_test_scorer("is_json", {{"strip_code_fence", true}});
  EXPECT_TRUE(score_output(*scorer, "Here it is:\n```json\n{\"a\": 1}\n```\nDone.").pass);
  EXPECT_TRUE(score_output(*scorer, "{\"plain\": true}").pass);
  EXPECT_EQ(scorer->signature(), "is_json|fence:strip");
  EXPECT_EQ(scorer_error("is_json", {{"strip_fence", true}}),
            "scorer 'is_json': unknown option 'strip_fence'");
}

TEST(JsonFieldTest, ComparesWithEquals) {
  const auto scorer =
      make_test_scorer("json_field", {{"path", "order.items.1.qty"}, {"equals", 3}});
  const std::string output = R"({"order": {"items": [{"qty": 1}, {"qty": 3.0}]}})";
  const Score hit = score_output(*scorer, output);
  EXPECT_TRUE(hit.pass) << hit.reason;
  const Score miss = score_output(*scorer, R"({"order": {"items": [{"qty": 1}, {"qty": 4}]}})");
  EXPECT_FALSE(miss.pass);
  EXPECT_EQ(miss.reason, "field 'order.items.1.qty' is 4, expected 3");
  EXPECT_EQ(score_output(*scorer, R"({"order": {"items": [{"qty": 1}]}})").reason,
            "field 'order.items.1' is missing");
  EXPECT_EQ(score_output(*scorer, "nope").reason, "output is not JSON: 'nope'");
  EXPECT_EQ(scorer->signature(), "json_field|path:order.items.1.qty|equals:3|fence:keep");
}

TEST(JsonFieldTest, EqualsCanBeStructured) {
  const auto scorer = make_test_scorer(
      "json_field", {{"path", "tags"}, {"equals", nlohmann::json::array({"a", "b"})}});
  EXPECT_TRUE(score_output(*scorer, R"({"tags": ["a", "b"]})").pass);
  EXPECT_FALSE(score_output(*scorer, R"({"tags": ["b", "a"]})").pass);
}

TEST(JsonFieldTest, DefaultsToFirstExpectedAsText) {
  const auto scorer = make_test_scorer("json_field", {{"path", "city"}});
  const Score hit = score_output(*scorer, R"({"city": "Paris"})", {"Paris"});
  EXPECT_TRUE(hit.pass);
  const Score miss = score_output(*scorer, R"({"city": "Lyon"})", {"Paris"});
  EXPECT_EQ(miss.reason, "field 'city' is 'Lyon', expected 'Paris'");
  const auto number = make_test_scorer("json_field", {{"path", "n"}});
  EXPECT_TRUE(score_output(*number, R"({"n": 12})", {"12"}).pass);
  EXPECT_TRUE(score_output(*number, R"({"n": true})", {"x"}).reason.find("true") !=
              std::string::npos);
  EXPECT_TRUE(score_output(*number, R"({"n": 1})", {}).error);
}

TEST(JsonFieldTest, RejectsBadPaths) {
  EXPECT_EQ(scorer_error("json_field", nlohmann::json::object()),
            "scorer 'json_field': option 'path' is required (e.g. path: answer.items.0)");
  EXPECT_EQ(scorer_error("json_field", {{"path", "a..b"}}),
            "scorer 'json_field': option 'path' has an empty part: 'a..b'");
  EXPECT_EQ(scorer_error("json_field", {{"path", "a"}, {"equal", 1}}),
            "scorer 'json_field': unknown option 'equal' (did you mean 'equals'?)");
}

}  // namespace
}  // namespace evalkit

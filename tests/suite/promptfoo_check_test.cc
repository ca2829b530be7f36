// promptfoo's check syntax (CSV `__expected` cells) and its mapping onto evalkit scorers.
#include "evalkit/suite/promptfoo_check.h"

#include <gtest/gtest.h>

namespace evalkit {
namespace {

PromptfooCheck cell(const std::string& text) {
  PromptfooCheck check;
  EXPECT_TRUE(parse_promptfoo_cell(text, &check)) << text;
  return check;
}

nlohmann::json scorer_for(const PromptfooCheck& check) {
  nlohmann::json scorer;
  const Status status = promptfoo_check_scorer(check, &scorer);
  EXPECT_TRUE(status.is_ok()) << check.type << ": " << status.message();
  return scorer;
}

TEST(PromptfooCheckTest, ParsesCellsAsPromptfooDoes) {
  PromptfooCheck c = cell("contains:Paris");
  EXPECT_EQ(c.type, "contains");
  EXPECT_EQ(c.value, "Paris");
  EXPECT_EQ(cell("contains: Paris").value, " Paris");  // the space is kept, as promptfoo keeps it
  c = cell("similar(0.65):the capital");
  EXPECT_EQ(c.type, "similar");
  EXPECT_EQ(c.threshold.value(), 0.65);
  EXPECT_EQ(cell("similar:x").threshold.value(), 0.8);  // promptfoo's cell default
  EXPECT_EQ(cell("not-regex:^a").type, "not-regex");
  EXPECT_EQ(cell("grade:is kind").type, "llm-rubric");
  EXPECT_EQ(cell("llm-rubric:is kind").value, "is kind");
  EXPECT_EQ(cell("fn: output.length < 5").type, "javascript");
  EXPECT_EQ(cell("fn: output.length < 5").value, "output.length < 5");
  EXPECT_EQ(cell("file://check.py").type, "python");
  EXPECT_EQ(cell("is-json").type, "is-json");
  EXPECT_EQ(cell("contains-any:a,b").type, "contains-any");  // the longest type wins
  EXPECT_EQ(cell("similar:cosine:x").type, "similar:cosine");
  PromptfooCheck plain;
  EXPECT_FALSE(parse_promptfoo_cell("Paris", &plain));
  EXPECT_FALSE(parse_promptfoo_cell("Note: call back", &plain));
  EXPECT_FALSE(parse_promptfoo_cell("containsx:y", &plain));
  EXPECT_FALSE(parse_promptfoo_cell("similar(x):y", &plain));
}

TEST(PromptfooCheckTest, MapsChecksOntoScorers) {
  EXPECT_EQ(scorer_for(cell("icontains-all:a, b ,c")),
            nlohmann::json({{"type", "icontains"}, {"value", {"a", "b", "c"}}, {"mode", "all"}}));
  EXPECT_EQ(scorer_for(cell("equals:42")),
            nlohmann::json({{"type", "exact_match"}, {"expected", "42"}}));
  EXPECT_EQ(scorer_for(cell("levenshtein(3):kitten")),
            nlohmann::json({{"type", "levenshtein"}, {"expected", "kitten"}, {"max_distance", 3}}));
  EXPECT_EQ(
      scorer_for(cell("rouge-n(0.4):the cat")),
      nlohmann::json(
          {{"type", "rouge"}, {"variant", "rouge1"}, {"expected", "the cat"}, {"threshold", 0.4}}));
  EXPECT_EQ(
      scorer_for(cell("factuality:Paris is the capital")),
      nlohmann::json(
          {{"type", "judge"}, {"template", "factuality"}, {"expected", "Paris is the capital"}}));
  EXPECT_EQ(scorer_for(cell("not-contains:x")),
            nlohmann::json({{"type", "not_contains"}, {"value", "x"}}));
  PromptfooCheck list;
  list.type = "contains-any";
  list.value = nlohmann::json::array({"a", 7});
  EXPECT_EQ(scorer_for(list)["value"], nlohmann::json({"a", "7"}));
  PromptfooCheck schema;
  schema.type = "is-json";
  EXPECT_EQ(scorer_for(schema), nlohmann::json({{"type", "is_json"}}));
}

TEST(PromptfooCheckTest, ChecksWithoutAnEquivalentAreErrorsThatSayWhy) {
  nlohmann::json scorer;
  EXPECT_EQ(promptfoo_check_scorer(cell("webhook:http://x"), &scorer).message(),
            "promptfoo check 'webhook' is not supported: evalkit has no equivalent check");
  EXPECT_EQ(promptfoo_check_scorer(cell("contains-any:"), &scorer).message(),
            "promptfoo check 'contains-any' needs a list of values");
  EXPECT_EQ(promptfoo_check_scorer(cell("levenshtein(0.5):x"), &scorer).message(),
            "promptfoo check 'levenshtein' needs a whole-number threshold");
  PromptfooCheck unknown;
  unknown.type = "made-up";
  EXPECT_EQ(promptfoo_check_scorer(unknown, &scorer).message(),
            "'made-up' is not a promptfoo check type");
  PromptfooCheck object;
  object.type = "equals";
  object.value = {{"a", 1}};
  EXPECT_EQ(promptfoo_check_scorer(object, &scorer).message(),
            "promptfoo check 'equals' is not supported: comparing with a JSON value has no evalkit "
            "equivalent");
}

}  // namespace
}  // namespace evalkit

// Several systems under test in one suite: `under_test: [...]` or a list in
// `defaults.provider`; judges and embedders stay out of the matrix.
#include <gtest/gtest.h>

#include "evalkit/run/trial_plan.h"
#include "tests/support/suite_fixture.h"

namespace evalkit {
namespace {

using testing::SuiteFixture;

const std::string kProviders =
    "providers:\n"
    "  - {id: small, type: openai-chat, model: m1}\n"
    "  - {id: large, type: openai-chat, model: m2}\n"
    "  - {id: grader, type: openai-chat, model: m3}\n"
    "  - {id: embedder, type: openai-embeddings, model: e}\n";
const std::string kRest =
    "prompts: [{id: qa, prompt: \"Capital of {{country}}?\"}, {id: qa2, prompt: "
    "\"{{country}}?\"}]\n"
    "cases: [{id: fr, vars: {country: France}, expected: Paris}]\n"
    "scorers: [exact_match, {type: judge, template: factuality}]\n";

struct Loaded {
  Status status;
  Suite suite;
};

Loaded load(const std::string& text) {
  SuiteFixture fixture("under-test");
  fixture.write("qa.yaml", text);
  Loaded loaded;
  loaded.status = fixture.load("qa.yaml", &loaded.suite);
  return loaded;
}

std::string error(const std::string& text) {
  SuiteFixture fixture("under-test");
  fixture.write("qa.yaml", text);
  return fixture.error("qa.yaml");
}

std::vector<std::string> planned_providers(const Suite& suite) {
  TrialPlan plan;
  EXPECT_TRUE(TrialPlan::make(suite, {}, 1, &plan).is_ok());
  std::vector<std::string> ids;
  for (const ProviderConfig* provider : plan.providers()) ids.push_back(provider->id);
  return ids;
}

TEST(UnderTestTest, ListedProvidersAreTheSystemsUnderTestInOrder) {
  const std::vector<std::string> expected = {"large", "small"};
  for (const std::string key :
       {"under_test: [large, small]\n", "defaults: {provider: [large, small], judge: grader}\n"}) {
    std::string text = "suite: qa\n" + key + kProviders + kRest;
    if (key.rfind("under_test", 0) == 0) text += "defaults: {judge: grader}\n";
    const Loaded loaded = load(text);
    ASSERT_TRUE(loaded.status.is_ok()) << loaded.status.message();
    EXPECT_EQ(loaded.suite.under_test, expected) << key;
    EXPECT_EQ(planned_providers(loaded.suite), expected);
    TrialPlan plan;
    ASSERT_TRUE(TrialPlan::make(loaded.suite, {}, 1, &plan).is_ok());
    EXPECT_EQ(plan.size(), 4);  // 1 case x 2 prompts x 2 providers
  }
}

TEST(UnderTestTest, WithoutAListEveryProviderButJudgesAndEmbeddersIsUnderTest) {
  // grader is a judge only through a case's own scorer: still not under test.
  const Loaded loaded =
      load("suite: qa\n" + kProviders +
           "prompts: [{id: qa, prompt: \"Capital of {{country}}?\"}]\n"
           "cases: [{id: fr, vars: {country: France}, expected: Paris,\n"
           "         scorers: [{type: judge, template: factuality, provider: grader}]}]\n"
           "scorers: [exact_match]\n");
  ASSERT_TRUE(loaded.status.is_ok()) << loaded.status.message();
  EXPECT_EQ(loaded.suite.under_test, (std::vector<std::string>{"small", "large"}));

  const Loaded single =
      load("suite: qa\ndefaults: {provider: large, judge: grader}\n" + kProviders + kRest);
  ASSERT_TRUE(single.status.is_ok()) << single.status.message();
  EXPECT_EQ(single.suite.under_test, std::vector<std::string>{"large"});
  EXPECT_EQ(single.suite.defaults.provider, "large");
}

TEST(UnderTestTest, MistakesNameTheirPlace) {
  const std::string judge = "defaults: {judge: grader}\n";
  EXPECT_EQ(error("under_test: [small, lage]\n" + judge + kProviders + kRest),
            "qa.yaml:1:21: under-test provider 'lage' is not defined (did you mean 'large'?)");
  EXPECT_EQ(error("under_test: [small, small]\n" + judge + kProviders + kRest),
            "qa.yaml:1:21: provider 'small' is listed twice as under test");
  EXPECT_EQ(error("under_test: [small, grader]\n" + judge + kProviders + kRest),
            "qa.yaml:1:21: provider 'grader' is under test and also serves a scorer (judge or "
            "embedder); a model should not grade its own answers: add a second provider entry "
            "with the same model for the scorer");
  EXPECT_EQ(error("under_test: [embedder]\n" + judge + kProviders + kRest),
            "qa.yaml:1:14: provider 'embedder' is an embeddings provider: it cannot answer "
            "prompts, so it cannot be under test");
  EXPECT_EQ(error("under_test: []\n" + judge + kProviders + kRest),
            "qa.yaml:1:13: 'under_test' is an empty list; name at least one provider");
  EXPECT_EQ(error("under_test: [small]\ndefaults: {provider: large, judge: grader}\n" + kProviders +
                  kRest),
            "qa.yaml:2:12: the systems under test are given twice: use either 'under_test' or "
            "'defaults.provider', not both (see qa.yaml:1:13)");
  EXPECT_EQ(error("defaults: {provider: [large], judge: grader}\nunder_test: small\n" + kProviders +
                  kRest),
            "qa.yaml:2:1: the systems under test are given twice: use either 'under_test' or "
            "'defaults.provider', not both (see qa.yaml:1:22)");
  EXPECT_EQ(error("defaults: {provider: [small, {id: x}], judge: grader}\n" + kProviders + kRest),
            "qa.yaml:1:30: expected a list of strings for 'defaults.provider', got a map in it");
  // Every provider serves a scorer: nothing is left to answer the prompts.
  EXPECT_EQ(error("providers: [{id: grader, type: openai-chat, model: m}]\n"
                  "defaults: {judge: grader}\n" +
                  kRest),
            "qa.yaml: provider 'grader' is the suite's only provider, so it answers the "
            "prompts, and it also serves a scorer (judge or embedder); a model should not grade "
            "its own answers: add a second provider entry with the same model for the scorer");
}

}  // namespace
}  // namespace evalkit

#include "evalkit/suite/promptfoo_import.h"

#include <fstream>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include "evalkit/suite/suite_loader.h"
#include "tests/support/process.h"

namespace evalkit {
namespace {

using ::testing::Contains;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

using testing::make_temp_dir;
using testing::test_data_path;

YAML::Node find_case(const YAML::Node& suite, const std::string& id) {
  for (const auto& c : suite["cases"]) {
    if (c["id"].as<std::string>() == id) return c;
  }
  ADD_FAILURE() << "no case " << id;
  return YAML::Node();
}

YAML::Node find_scorer(const YAML::Node& test_case, const std::string& type) {
  for (const auto& s : test_case["scorers"]) {
    if (s["type"].as<std::string>() == type) return s;
  }
  ADD_FAILURE() << "case " << test_case["id"] << " has no scorer " << type;
  return YAML::Node(YAML::NodeType::Map);
}

bool any_note_has(const PromptfooImport& result, const std::string& text) {
  for (const auto& n : result.not_converted) {
    if (n.find(text) != std::string::npos) return true;
  }
  return false;
}

TEST(PromptfooImport, ConvertedSuiteLoads) {
  PromptfooImport result;
  ASSERT_TRUE(import_promptfoo(test_data_path("promptfoo/basic/promptfooconfig.yaml"), &result))
      << result.suite_yaml;
  EXPECT_THAT(result.not_converted, IsEmpty());
  const std::string path = make_temp_dir("promptfoo_basic") + "/suite.yaml";
  std::ofstream(path) << result.suite_yaml;
  Suite suite;
  const Status loaded = load_suite(path, &suite);
  ASSERT_TRUE(loaded) << loaded.message() << "\n" << result.suite_yaml;
  EXPECT_EQ(suite.name, "capitals");
  ASSERT_EQ(suite.providers.size(), 1u);
  EXPECT_EQ(suite.providers[0].type, "openai-chat");
  EXPECT_EQ(suite.providers[0].model, "qwen2.5");
  EXPECT_EQ(suite.providers[0].base_url, "http://127.0.0.1:8000/v1");
  ASSERT_EQ(suite.cases.size(), 4u);
  EXPECT_EQ(suite.cases[0].id, "france");
  EXPECT_THAT(suite.cases[0].expected, Contains("Paris"));
  EXPECT_EQ(suite.cases[0].scorers.size(), 2u);
  EXPECT_EQ(suite.cases[2].vars["country"], "Peru");
  EXPECT_THAT(suite.cases[2].expected, Contains("Lima"));
  EXPECT_EQ(suite.cases[3].scorers.at(0).type, "contains");
}

TEST(PromptfooImport, MapsEveryAssertionType) {
  PromptfooImport result;
  ASSERT_TRUE(import_promptfoo(test_data_path("promptfoo/promptfooconfig.yaml"), &result));
  const YAML::Node suite = YAML::Load(result.suite_yaml);

  const YAML::Node greeting = find_case(suite, "greeting");
  EXPECT_EQ(greeting["expected"].as<std::string>(), "Bonjour");
  EXPECT_EQ(greeting["vars"]["tone"].as<std::string>(), "neutral");  // from defaultTest
  EXPECT_EQ(find_scorer(greeting, "contains")["value"].as<std::string>(), "jour");
  EXPECT_EQ(find_scorer(greeting, "starts_with")["value"].as<std::string>(), "Bon");
  EXPECT_EQ(find_scorer(greeting, "regex")["pattern"].as<std::string>(), "^B\\w+");
  EXPECT_EQ(find_scorer(greeting, "levenshtein")["max_distance"].as<int>(), 2);
  find_scorer(greeting, "exact_match");

  const YAML::Node farewell = find_case(suite, "farewell");
  EXPECT_EQ(find_scorer(farewell, "rouge")["threshold"].as<double>(), 0.5);
  EXPECT_EQ(find_scorer(farewell, "bleu")["threshold"].as<double>(), 0.5);
  const YAML::Node any = find_scorer(farewell, "contains");
  EXPECT_EQ(any["mode"].as<std::string>(), "any");
  EXPECT_EQ(any["value"].size(), 2u);
  find_scorer(farewell, "is_json");

  const YAML::Node graded = find_case(suite, "graded");
  EXPECT_EQ(find_scorer(graded, "similarity")["threshold"].as<double>(), 0.8);
  int judges = 0;
  for (const auto& s : graded["scorers"]) {
    if (s["type"].as<std::string>() != "judge") continue;
    ++judges;
    const std::string tmpl = s["template"].as<std::string>();
    if (tmpl == "rubric") {
      EXPECT_EQ(s["rubric"].as<std::string>(), "Is a polite French thank-you");
    }
    if (tmpl == "closed_qa") {
      EXPECT_EQ(s["criteria"].as<std::string>(), "Is in French");
    }
    EXPECT_THAT((std::vector<std::string>{"rubric", "factuality", "closed_qa"}), Contains(tmpl));
  }
  EXPECT_EQ(judges, 3);
  EXPECT_EQ(suite["defaults"]["judge"].as<std::string>(), "grader");
  EXPECT_EQ(suite["defaults"]["embedder"].as<std::string>(), "embedder");

  // defaultTest's icontains applies to every case as a suite scorer with its metric name.
  EXPECT_EQ(suite["scorers"][0]["type"].as<std::string>(), "icontains");
  EXPECT_EQ(suite["scorers"][0]["name"].as<std::string>(), "greets");

  // Prompts: a string, a text file, a chat JSON prompt.
  ASSERT_EQ(suite["prompts"].size(), 3u);
  EXPECT_EQ(suite["prompts"][0]["prompt"].as<std::string>(), "Translate to French: {{text}}");
  EXPECT_THAT(suite["prompts"][1]["prompt"].as<std::string>(), HasSubstr("You are a translator"));
  EXPECT_EQ(suite["prompts"][2]["id"].as<std::string>(), "chat");
  EXPECT_EQ(suite["prompts"][2]["messages"][0]["role"].as<std::string>(), "system");

  // Providers: openai:MODEL, openai:chat:MODEL, a compatible server with its config.
  const YAML::Node local = suite["providers"][2];
  EXPECT_EQ(local["id"].as<std::string>(), "local-llama");
  EXPECT_EQ(local["model"].as<std::string>(), "llama3");
  EXPECT_EQ(local["base_url"].as<std::string>(), "http://127.0.0.1:8080/v1");
  EXPECT_EQ(local["api_key_env"].as<std::string>(), "LOCAL_KEY");
  EXPECT_EQ(local["params"]["max_tokens"].as<int>(), 128);
  EXPECT_EQ(suite["providers"][0]["model"].as<std::string>(), "gpt-4o-mini");

  // CSV rows: plain __expected is equals, prefixed ones are assertions.
  const YAML::Node cat = find_case(suite, "csv-cat");
  EXPECT_EQ(cat["expected"].as<std::string>(), "Chat");
  EXPECT_EQ(find_scorer(cat, "contains")["value"].as<std::string>(), "hat");
  EXPECT_EQ(find_scorer(find_case(suite, "csv-dog"), "icontains")["value"].as<std::string>(),
            "chien");
}

TEST(PromptfooImport, ListsEverythingItCannotConvert) {
  PromptfooImport result;
  ASSERT_TRUE(import_promptfoo(test_data_path("promptfoo/promptfooconfig.yaml"), &result));
  EXPECT_TRUE(any_note_has(result, "build_prompt.js")) << result.suite_yaml;
  EXPECT_TRUE(any_note_has(result, "anthropic:messages:claude-3-5-sonnet"));
  EXPECT_TRUE(any_note_has(result, "config 'functions'"));
  EXPECT_TRUE(any_note_has(result, "assertion type 'javascript'"));
  EXPECT_TRUE(any_note_has(result, "test key 'options'"));
  EXPECT_TRUE(any_note_has(result, "top-level key 'outputPath'"));
  EXPECT_TRUE(any_note_has(result, "assertion type 'python'"));
  // A reference scorer whose value differs from the case's expected answer.
  EXPECT_TRUE(any_note_has(result, "second expected value ('Salut')"));
  // Notes carry the config line, and each one is also a comment in the suite.
  EXPECT_TRUE(any_note_has(result, "promptfooconfig.yaml:"));
  for (const auto& n : result.not_converted) EXPECT_THAT(result.suite_yaml, HasSubstr("#   " + n));
}

TEST(PromptfooImport, MissingFileIsAnError) {
  PromptfooImport result;
  EXPECT_FALSE(import_promptfoo(test_data_path("promptfoo/absent.yaml"), &result));
}

}  // namespace
}  // namespace evalkit

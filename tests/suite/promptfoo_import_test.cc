#include "evalkit/suite/promptfoo_import.h"

#include <fstream>
#include <sstream>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include "evalkit/suite/case_cursor.h"
#include "evalkit/suite/suite_loader.h"
#include "tests/support/process.h"
#include "tests/support/test_files.h"

namespace evalkit {
namespace {

using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;

using testing::make_temp_dir;
using testing::test_data_path;
using testing::write_test_file;

YAML::Node find_case(const YAML::Node& suite, const std::string& id) {
  for (const auto& c : suite["cases"]) {
    if (c["id"] && c["id"].as<std::string>() == id) return c;
  }
  ADD_FAILURE() << "no case " << id;
  return YAML::Node(YAML::NodeType::Map);
}

YAML::Node find_scorer(const YAML::Node& scorers, const std::string& type) {
  for (const auto& s : scorers) {
    if (s["type"].as<std::string>() == type) return s;
  }
  ADD_FAILURE() << "no scorer " << type;
  return YAML::Node(YAML::NodeType::Map);
}

YAML::Node find_provider(const YAML::Node& suite, const std::string& id) {
  for (const auto& p : suite["providers"]) {
    if (p["id"].as<std::string>() == id) return p;
  }
  ADD_FAILURE() << "no provider " << id;
  return YAML::Node(YAML::NodeType::Map);
}

bool any_note_has(const std::vector<std::string>& notes, const std::string& text) {
  for (const auto& n : notes) {
    if (n.find(text) != std::string::npos) return true;
  }
  return false;
}

// Imports config (written into a fresh folder with its files) with the suite going to
// dir/suite.yaml, and loads the result with the suite loader.
struct Imported {
  Status status = Status::ok();
  PromptfooImport result;
  YAML::Node suite;
  Suite loaded;
};

Imported import_text(const std::string& name, const std::string& config,
                     const std::vector<std::pair<std::string, std::string>>& files = {}) {
  const std::string dir = make_temp_dir(name);
  for (const auto& [file, text] : files) write_test_file(dir, file, text);
  const std::string path = write_test_file(dir, "promptfooconfig.yaml", config);
  Imported out;
  PromptfooImportOptions options;
  options.output_path = dir + "/out/suite.yaml";
  out.status = import_promptfoo(path, options, &out.result);
  if (!out.status) return out;
  write_test_file(dir + "/out", "suite.yaml", out.result.suite_yaml);
  out.suite = YAML::Load(out.result.suite_yaml);
  const Status loaded = load_suite(dir + "/out/suite.yaml", &out.loaded);
  EXPECT_TRUE(loaded.is_ok()) << loaded.message() << "\n" << out.result.suite_yaml;
  return out;
}

TEST(PromptfooImport, BasicConfigLoadsWithItsCsv) {
  PromptfooImport result;
  const std::string out_dir = make_temp_dir("promptfoo-basic");
  PromptfooImportOptions options;
  options.output_path = out_dir + "/suite.yaml";
  ASSERT_TRUE(
      import_promptfoo(test_data_path("promptfoo/basic/promptfooconfig.yaml"), options, &result))
      << result.suite_yaml;
  EXPECT_THAT(result.not_converted, IsEmpty());
  write_test_file(out_dir, "suite.yaml", result.suite_yaml);
  Suite suite;
  const Status loaded = load_suite(out_dir + "/suite.yaml", &suite);
  ASSERT_TRUE(loaded) << loaded.message() << "\n" << result.suite_yaml;
  EXPECT_EQ(suite.name, "capitals");
  ASSERT_EQ(suite.providers.size(), 1u);
  EXPECT_EQ(suite.providers[0].type, "openai-chat");
  EXPECT_EQ(suite.providers[0].model, "qwen2.5");
  EXPECT_EQ(suite.providers[0].base_url, "http://127.0.0.1:8000/v1");
  // Two inline tests, then the CSV read as a dataset with promptfoo's __expected cells.
  ASSERT_EQ(all_cases(suite).size(), 4u);
  EXPECT_EQ(all_cases(suite)[0].id, "france");
  ASSERT_EQ(all_cases(suite)[0].scorers.size(), 2u);
  EXPECT_EQ(all_cases(suite)[0].scorers[0].type, "exact_match");
  EXPECT_EQ(all_cases(suite)[0].scorers[0].options["expected"], "Paris");
  EXPECT_EQ(all_cases(suite)[2].vars["country"], "Peru");
  EXPECT_EQ(all_cases(suite)[2].expected, std::vector<std::string>{"Lima"});
  EXPECT_EQ(all_cases(suite)[3].scorers.at(0).type, "contains");
  EXPECT_EQ(all_cases(suite)[3].scorers.at(0).options["value"], " Rom");  // as promptfoo reads it
  const YAML::Node doc = YAML::Load(result.suite_yaml);
  EXPECT_EQ(doc["cases"][2]["file"].as<std::string>().substr(0, 3), "../");
}

TEST(PromptfooImport, MapsAssertionsGradersAndPrompts) {
  PromptfooImport result;
  PromptfooImportOptions options;
  options.output_path = make_temp_dir("promptfoo-full") + "/suite.yaml";
  ASSERT_TRUE(import_promptfoo(test_data_path("promptfoo/promptfooconfig.yaml"), options, &result));
  const YAML::Node suite = YAML::Load(result.suite_yaml);

  const YAML::Node greeting = find_case(suite, "greeting");
  EXPECT_EQ(greeting["vars"]["tone"].as<std::string>(), "neutral");  // from defaultTest
  const YAML::Node scorers = greeting["scorers"];
  EXPECT_EQ(find_scorer(scorers, "exact_match")["expected"].as<std::string>(), "Bonjour");
  EXPECT_EQ(find_scorer(scorers, "contains")["value"].as<std::string>(), "jour");
  EXPECT_EQ(find_scorer(scorers, "starts_with")["value"].as<std::string>(), "Bon");
  EXPECT_EQ(find_scorer(scorers, "regex")["pattern"].as<std::string>(), "^B\\w+");
  const YAML::Node levenshtein = find_scorer(scorers, "levenshtein");
  EXPECT_EQ(levenshtein["max_distance"].as<int>(), 2);
  EXPECT_EQ(levenshtein["expected"].as<std::string>(), "Bonjour");
  const YAML::Node similar = find_scorer(scorers, "similarity");
  EXPECT_EQ(similar["expected"].as<std::string>(), "Salut");  // its own reference, not the case's
  EXPECT_EQ(similar["threshold"].as<std::string>(), "0.75");

  const YAML::Node farewell = find_case(suite, "farewell")["scorers"];
  EXPECT_EQ(find_scorer(farewell, "rouge")["threshold"].as<std::string>(), "0.5");
  EXPECT_EQ(find_scorer(farewell, "bleu")["expected"].as<std::string>(), "Au revoir");
  const YAML::Node any = find_scorer(farewell, "contains");
  EXPECT_EQ(any["mode"].as<std::string>(), "any");
  EXPECT_EQ(any["value"].size(), 2u);
  find_scorer(farewell, "is_json");

  // The test's own grader (options.provider) grades its model-graded checks; similarity
  // uses the default embedder.
  const YAML::Node graded = find_case(suite, "graded")["scorers"];
  int judges = 0;
  for (const auto& s : graded) {
    if (s["type"].as<std::string>() != "judge") continue;
    ++judges;
    EXPECT_EQ(s["provider"].as<std::string>(), "grader");
  }
  EXPECT_EQ(judges, 3);
  EXPECT_EQ(find_provider(suite, "grader")["model"].as<std::string>(), "gpt-4o");
  EXPECT_EQ(suite["defaults"]["embedder"].as<std::string>(), "embedder");
  EXPECT_EQ(find_scorer(graded, "similarity")["threshold"].as<std::string>(), "0.8");

  // defaultTest's icontains applies to every case as a suite scorer with its metric name.
  EXPECT_EQ(suite["scorers"][0]["type"].as<std::string>(), "icontains");
  EXPECT_EQ(suite["scorers"][0]["name"].as<std::string>(), "greets");

  // Prompts: a string, a text file (read in place), a chat written as JSON text.
  ASSERT_EQ(suite["prompts"].size(), 3u);
  EXPECT_EQ(suite["prompts"][0]["prompt"].as<std::string>(), "Translate to French: {{text}}");
  EXPECT_THAT(suite["prompts"][1]["file"].as<std::string>(), HasSubstr("system_prompt.txt"));
  EXPECT_EQ(suite["prompts"][2]["id"].as<std::string>(), "chat");
  EXPECT_EQ(suite["prompts"][2]["messages"][0]["role"].as<std::string>(), "system");

  const YAML::Node local = find_provider(suite, "local-llama");
  EXPECT_EQ(local["model"].as<std::string>(), "llama3");
  EXPECT_EQ(local["base_url"].as<std::string>(), "http://127.0.0.1:8080/v1");
  EXPECT_EQ(local["api_key_env"].as<std::string>(), "LOCAL_KEY");
  EXPECT_EQ(local["params"]["max_tokens"].as<int>(), 128);

  // A JavaScript check runs as a script scorer; the CSV (plain, prefixed and Python cells)
  // is read by evalkit itself.
  EXPECT_EQ(find_scorer(farewell, "script")["javascript"].as<std::string>(), "output.length < 100");
  bool csv = false;
  for (const auto& c : suite["cases"]) {
    csv = csv || (c["file"] && c["file"].as<std::string>().find("tests.csv") != std::string::npos);
  }
  EXPECT_TRUE(csv) << result.suite_yaml;
}

TEST(PromptfooImport, ListsEverythingDroppedWithFileAndLine) {
  PromptfooImport result;
  PromptfooImportOptions options;
  options.output_path = make_temp_dir("promptfoo-notes") + "/suite.yaml";
  ASSERT_TRUE(import_promptfoo(test_data_path("promptfoo/promptfooconfig.yaml"), options, &result));
  const auto& notes = result.not_converted;
  EXPECT_TRUE(any_note_has(notes, "build_prompt.js' is a prompt function")) << result.suite_yaml;
  EXPECT_TRUE(any_note_has(notes, "promptfooconfig.yaml:12:3: provider 'local-llama'") ||
              any_note_has(notes, "config 'functions' is not converted"));
  EXPECT_FALSE(any_note_has(notes, "promptfoo check 'javascript'"));  // a script scorer now
  EXPECT_TRUE(any_note_has(notes, "top-level key 'outputPath'"));
  for (const auto& n : notes) {
    EXPECT_THAT(n, HasSubstr("promptfoo")) << n;  // every note names its file
    EXPECT_THAT(result.suite_yaml, HasSubstr("#   " + n));
  }
}

TEST(PromptfooImport, WritesStringsNumbersAndNoAnchorsFaithfully) {
  const Imported imported = import_text("promptfoo-scalars", R"(
prompts: ["Item {{code}} costs {{price}}: ${{price}} {{flag}}"]
providers: [openai:gpt-4o-mini]
defaultTest: &shared
  vars: {flag: "true"}
tests:
  - vars: {code: "007", price: "1788"}
    threshold: 0.85
    assert:
      - {type: contains, value: "1788"}
      - {type: similar, value: "3.10", threshold: 0.85}
  - vars: {code: 12, price: 0.1}
    assert: [{type: contains, value: 3.10}]
)");
  ASSERT_TRUE(imported.status) << imported.status.message();
  const std::string& yaml = imported.result.suite_yaml;
  EXPECT_THAT(yaml, Not(HasSubstr("&")));
  EXPECT_THAT(yaml, Not(HasSubstr("*shared")));
  EXPECT_THAT(yaml, Not(HasSubstr("0.84999")));
  EXPECT_THAT(yaml, HasSubstr("0.85"));
  const auto& cases = all_cases(imported.loaded);
  ASSERT_EQ(cases.size(), 2u);
  EXPECT_EQ(cases[0].vars["code"], "007");
  EXPECT_EQ(cases[0].vars["price"], "1788");  // a string stays a string
  EXPECT_EQ(cases[0].vars["flag"], "true");
  EXPECT_EQ(cases[1].vars["code"], 12);  // a number stays a number
  EXPECT_EQ(cases[1].vars["price"], 0.1);
  EXPECT_EQ(cases[0].scorers[0].options["value"], "1788");
  EXPECT_EQ(cases[0].scorers[1].options["expected"], "3.10");
  EXPECT_EQ(cases[0].scorers[1].threshold.value(), 0.85);
  ASSERT_TRUE(cases[0].pass.has_value());
  EXPECT_EQ(cases[0].pass->min_weighted_score, 0.85);
  // `${` from promptfoo text stays literal text, never an environment variable.
  EXPECT_EQ(imported.loaded.prompts[0].messages[0].content,
            "Item {{code}} costs {{price}}: ${{price}} {{flag}}");
}

TEST(PromptfooImport, DefaultTestAssertionsKeepTheirVariablesAndGraders) {
  const Imported imported = import_text("promptfoo-default", R"(
prompts: ["Answer: {{question}}"]
providers:
  - id: groq:llama-3.1-8b-instant
    config: {temperature: 0, max_tokens: 64}
defaultTest:
  options:
    provider:
      text: {id: mistral:mistral-large-latest}
      embedding: {id: mistral:embedding:mistral-embed}
  vars: {topic: tides}
  assert:
    - {type: icontains, value: "{{ keyword }}", metric: keyword}
    - {type: llm-rubric, value: "Explains {{topic}}", threshold: 0.7}
    - {type: similar, value: "{{reference}}", threshold: 0.6}
tests:
  - vars: {question: "What are tides?", keyword: moon, reference: The moon pulls the sea.}
  - vars: {question: "What is a spring tide?", keyword: sun, reference: Sun and moon align.}
)");
  ASSERT_TRUE(imported.status) << imported.status.message();
  const YAML::Node& suite = imported.suite;
  // The system under test is the groq model; the mistral graders never are.
  const YAML::Node groq = find_provider(suite, "llama-3.1-8b-instant");
  EXPECT_EQ(groq["base_url"].as<std::string>(), "${GROQ_BASE_URL:-https://api.groq.com/openai/v1}");
  EXPECT_EQ(groq["api_key_env"].as<std::string>(), "GROQ_API_KEY");
  EXPECT_EQ(suite["defaults"]["judge"].as<std::string>(), "grader");
  EXPECT_EQ(suite["defaults"]["embedder"].as<std::string>(), "embedder");
  EXPECT_EQ(find_provider(suite, "grader")["base_url"].as<std::string>(),
            "${MISTRAL_BASE_URL:-https://api.mistral.ai/v1}");
  EXPECT_EQ(find_provider(suite, "embedder")["type"].as<std::string>(), "openai-embeddings");
  EXPECT_EQ(suite["scorers"][0]["value"].as<std::string>(), "{{keyword}}");
  EXPECT_EQ(suite["scorers"][1]["rubric"].as<std::string>(), "Explains {{topic}}");
  EXPECT_EQ(suite["scorers"][2]["expected"].as<std::string>(), "{{reference}}");
  EXPECT_EQ(all_cases(imported.loaded)[0].vars["topic"], "tides");
}

TEST(PromptfooImport, NeverMakesAGraderTheSystemUnderTest) {
  const Imported imported = import_text("promptfoo-no-sut", R"(
prompts: ["Hi {{name}}"]
providers: [replicate:meta/llama-2-7b-chat]
defaultTest:
  options: {provider: openai:gpt-4o}
  assert: [{type: llm-rubric, value: is polite}]
tests: [{vars: {name: Ada}}]
)");
  EXPECT_FALSE(imported.status);
  EXPECT_THAT(imported.status.message(), HasSubstr("no provider under test converts"));
  EXPECT_THAT(imported.status.message(), HasSubstr("replicate:meta/llama-2-7b-chat"));
}

TEST(PromptfooImport, PromptFilesSeparatorsProviderPromptsAndTargets) {
  const Imported imported = import_text(
      "promptfoo-prompts", R"(
prompts:
  - id: file://prompts/two.txt
    label: pair
  - file://prompts/chat.json
  - file://prompts/filtered.txt
targets:
  - id: openai:chat:gpt-4.1-mini
    prompts: [pair]
  - id: ollama:chat:llama3
    config: {num_predict: 50}
tests:
  - vars: {topic: [rain, snow], tone: dry}
)",
      {{"prompts/two.txt", "Tell me about {{topic}}.\n---\nA {{tone}} note on {{topic}}.\n"},
       {"prompts/chat.json",
        R"([{"role": "system", "content": "Be {{tone}}."}, {"role": "user", "content": "{{topic}}"}])"},
       {"prompts/filtered.txt", "Shout {{ topic | upper }}"}});
  ASSERT_TRUE(imported.status) << imported.status.message();
  const Suite& suite = imported.loaded;
  // The text file is read in place and gives two prompts; the chat file one; the third is
  // left out with a note (a Nunjucks filter).
  ASSERT_EQ(suite.prompts.size(), 3u);
  EXPECT_EQ(suite.prompts[0].id, "pair-1");
  EXPECT_EQ(suite.prompts[1].id, "pair-2");
  EXPECT_EQ(suite.prompts[2].messages.size(), 2u);
  EXPECT_TRUE(any_note_has(imported.result.not_converted, "upper"));
  ASSERT_EQ(suite.providers.size(), 2u);
  EXPECT_EQ(suite.providers[0].prompts, (std::vector<std::string>{"pair-1", "pair-2"}));
  EXPECT_TRUE(suite.providers[1].prompts.empty());
  EXPECT_EQ(suite.providers[1].base_url, "http://localhost:11434/v1");
  EXPECT_EQ(suite.providers[1].params["max_tokens"], 50);
  // A list variable is one case per value, as promptfoo runs it.
  ASSERT_EQ(all_cases(suite).size(), 2u);
  EXPECT_EQ(all_cases(suite)[0].vars["topic"], "rain");
  EXPECT_EQ(all_cases(suite)[1].vars["topic"], "snow");
  EXPECT_TRUE(any_note_has(imported.result.changed, "2 cases"));
}

TEST(PromptfooImport, MissingVariablesAreEmptyAsInPromptfoo) {
  const Imported imported = import_text("promptfoo-missing-var", R"(
prompts: ["{{greeting}}, {{name}}"]
providers: [openai:gpt-4o-mini]
tests:
  - vars: {greeting: Hello, name: Ada}
  - vars: {greeting: Hi}
)");
  ASSERT_TRUE(imported.status) << imported.status.message();
  EXPECT_EQ(all_cases(imported.loaded)[1].vars["name"], "");
  EXPECT_TRUE(any_note_has(imported.result.changed, "variable 'name' is missing from 1 test"));
}

TEST(PromptfooImport, HostileConfigsFailFastWithAClearError) {
  // An alias bomb: each level doubles, so expanding every alias would take 2^30 nodes.
  std::ostringstream levels;
  levels << "a0: &a0 [x, x]\n";
  for (int i = 1; i <= 30; ++i) {
    levels << "a" << i << ": &a" << i << " [*a" << i - 1 << ", *a" << i - 1 << "]\n";
  }
  std::string bomb = levels.str();
  bomb += "prompts: [\"{{x}}\"]\nproviders: [openai:gpt-4o-mini]\ntests:\n  - vars: {x: *a30}\n";
  const Imported expanded = import_text("promptfoo-alias-bomb", bomb);
  EXPECT_FALSE(expanded.status);
  EXPECT_THAT(expanded.status.message(), HasSubstr("more than a million nodes"));
  // Nested assert-sets, each holding the level below twice.
  std::ostringstream nested;
  nested << "s0: &s0 [{type: contains, value: x}, {type: contains, value: y}]\n";
  for (int i = 1; i <= 30; ++i) {
    nested << "s" << i << ": &s" << i << " [{type: assert-set, assert: *s" << i - 1
           << "}, {type: assert-set, assert: *s" << i - 1 << "}]\n";
  }
  nested << "prompts: [hi]\nproviders: [openai:gpt-4o-mini]\ntests: [{assert: *s30}]\n";
  const std::string sets = nested.str();
  const Imported many = import_text("promptfoo-sets-bomb", sets);
  EXPECT_FALSE(many.status);
  EXPECT_THAT(many.status.message(), HasSubstr("more than a million nodes"));
  // A value nested far deeper than any real config.
  const std::string deep = "prompts: [\"{{x}}\"]\nproviders: [openai:gpt-4o-mini]\ntests:\n"
                           "  - vars: {x: " +
                           std::string(300, '[') + std::string(300, ']') + "}\n";
  const Imported too_deep = import_text("promptfoo-deep", deep);
  EXPECT_FALSE(too_deep.status);
  EXPECT_THAT(too_deep.status.message(), HasSubstr("nests more than 200 levels"));
}

// Credentials in an http provider's url (its endpoint, as base_url is an API provider's) are
// never written to the suite: userinfo goes, secret query values are masked, and the note
// says so.
TEST(PromptfooImport, CredentialsInAnHttpProvidersUrlAreNeverWritten) {
  const Imported imported = import_text("promptfoo-http-url-credentials", R"(prompts: ["{{q}}"]
providers:
  - id: https
    config:
      url: "https://bob:hunter2-app-password@rag.example.com/ask?api_key=qk-0123456789abcdef&v=2"
      method: POST
      headers:
        Authorization: "Bearer sk-literal-0123456789abcdef"
        X-Client: evalkit
        X-Api-Key: "{{ env.APP_KEY }}"
      body: {query: "{{prompt}}"}
      transformResponse: json.answer
tests:
  - vars: {q: hi}
)");
  ASSERT_TRUE(imported.status) << imported.status.message();
  // A credential written into the config's headers is left out too; one read from the
  // environment, and plain headers, stay.
  EXPECT_THAT(imported.result.suite_yaml, Not(HasSubstr("sk-literal-0123456789abcdef")));
  EXPECT_THAT(imported.result.suite_yaml, HasSubstr("X-Client: evalkit"));
  EXPECT_THAT(imported.result.suite_yaml, HasSubstr("${APP_KEY}"));
  EXPECT_TRUE(any_note_has(imported.result.changed,
                           "headers 'Authorization' holds a credential written into the config"));
  EXPECT_THAT(imported.result.suite_yaml, Not(HasSubstr("hunter2-app-password")));
  EXPECT_THAT(imported.result.suite_yaml, Not(HasSubstr("qk-0123456789abcdef")));
  EXPECT_THAT(imported.result.suite_yaml,
              HasSubstr("https://rag.example.com/ask?api_key=[redacted]&v=2"));
  EXPECT_TRUE(any_note_has(imported.result.changed, "credentials in the URL are never written"));
}

// A code check whose file was not shipped with the config is dropped and listed; the rest of
// the config still converts (its suite would not load with the check in it).
TEST(PromptfooImport, ACodeCheckWhoseFileIsMissingIsDroppedAndListed) {
  const Imported imported =
      import_text("promptfoo-missing-code-file", R"(prompts: ["{{q}}"]
providers: [openai:gpt-4o-mini]
tests:
  - vars: {q: hi}
    assert:
      - {type: javascript, value: "file://customAssertion.js"}
      - {type: javascript, value: "file://present.js"}
      - {type: contains, value: hi}
)",
                  {{"present.js", "module.exports = () => true;\n"}, {"out/.keep", ""}});
  ASSERT_TRUE(imported.status) << imported.status.message();
  EXPECT_TRUE(any_note_has(imported.result.not_converted,
                           "check's file 'customAssertion.js' does not exist"))
      << imported.result.suite_yaml;
  // The present script check and the contains check remain.
  ASSERT_EQ(all_cases(imported.loaded).size(), 1u);
  EXPECT_EQ(all_cases(imported.loaded)[0].scorers.size() + imported.loaded.scorers.size(), 2u);
  EXPECT_THAT(imported.result.suite_yaml, HasSubstr("present.js"));
}

TEST(PromptfooImport, UnreadableInputsAreErrors) {
  PromptfooImport result;
  EXPECT_FALSE(import_promptfoo(test_data_path("promptfoo/absent.yaml"), {}, &result));
  const Imported list = import_text("promptfoo-not-a-map", "- just\n- a list\n");
  EXPECT_FALSE(list.status);
  const Imported broken = import_text("promptfoo-broken", "prompts: [\"unclosed\n");
  EXPECT_FALSE(broken.status);
  EXPECT_THAT(broken.status.message(), HasSubstr("promptfooconfig.yaml:"));
}

}  // namespace
}  // namespace evalkit

// Suites that load, and what they load into. Errors are in suite_errors_test.cc.
#include "evalkit/suite/suite_loader.h"

#include <gtest/gtest.h>

#include "evalkit/base/hash.h"
#include "evalkit/suite/case_cursor.h"
#include "tests/support/suite_fixture.h"

namespace evalkit {
namespace {

using testing::SuiteFixture;

const char* kQuickstartYaml = R"(suite: quickstart
description: Capital QA
defaults: {provider: assistant, judge: grader, embedder: embedder}
providers:
  - id: assistant
    type: openai-chat
    model: gpt-4o-mini
    base_url: ${BASE_URL:-https://api.openai.com/v1}
    api_key_env: MY_KEY
    params: {temperature: 0, max_tokens: 256, stop: ["\n"], seed: "7"}
    concurrency: 8
    timeout: 12.5
    max_attempts: 2
    deadline: 90
    requests_per_minute: 600
    tokens_per_minute: 90000
  - {id: embedder, type: openai-embeddings, model: text-embedding-3-small, batch_size: 16, dimensions: 256, adaptive_concurrency: true}
  - {id: grader, type: openai-chat, model: gpt-4o}
prompts:
  - id: qa
    messages:
      - {role: system, content: "Answer in one word."}
      - {role: user, content: "What is the capital of {{country}}?"}
cases:
  - id: capital-france
    vars: {country: France}
    expected: Paris
    labels: [qa, smoke]
  - vars: {country: Japan, code: 007}
    expected: [Tokyo, Tōkyō]
    scorers: [{type: contains}]
    prompt: qa
    timeout: 5
scorers:
  - {type: exact_match, normalize: [lower, trim], weight: 2, threshold: 1, name: exact}
  - is_json
  - {type: regex, pattern: "^[A-Z]", ignore_case: true}
pass: {weighted_score: 0.7, k_of_n: 2}
repeat: 3
alpha: 0.01
gate:
  exact: {max_drop: 0.02}
  pass_rate: {min: 0.5}
)";

const char* kQuickstartJson = R"({
	"suite": "quickstart",
	"description": "Capital QA",
	"defaults": {"provider": "assistant", "judge": "grader", "embedder": "embedder"},
	"providers": [
		{"id": "assistant", "type": "openai-chat", "model": "gpt-4o-mini",
		 "base_url": "${BASE_URL:-https://api.openai.com/v1}", "api_key_env": "MY_KEY",
		 "params": {"temperature": 0, "max_tokens": 256, "stop": ["\n"], "seed": "7"},
		 "concurrency": 8, "timeout": 12.5, "max_attempts": 2, "deadline": 90,
		 "requests_per_minute": 600, "tokens_per_minute": 90000},
		{"id": "embedder", "type": "openai-embeddings", "model": "text-embedding-3-small",
		 "batch_size": 16, "dimensions": 256, "adaptive_concurrency": true},
		{"id": "grader", "type": "openai-chat", "model": "gpt-4o"}
	],
	"prompts": [{"id": "qa", "messages": [
		{"role": "system", "content": "Answer in one word."},
		{"role": "user", "content": "What is the capital of {{country}}?"}]}],
	"cases": [
		{"id": "capital-france", "vars": {"country": "France"}, "expected": "Paris",
		 "labels": ["qa", "smoke"]},
		{"vars": {"country": "Japan", "code": "007"}, "expected": ["Tokyo", "Tōkyō"],
		 "scorers": [{"type": "contains"}], "prompt": "qa", "timeout": 5}
	],
	"scorers": [
		{"type": "exact_match", "normalize": ["lower", "trim"], "weight": 2, "threshold": 1,
		 "name": "exact"},
		"is_json",
		{"type": "regex", "pattern": "^[A-Z]", "ignore_case": true}
	],
	"pass": {"weighted_score": 0.7, "k_of_n": 2},
	"repeat": 3,
	"alpha": 0.01,
	"gate": {"exact": {"max_drop": 0.02}, "pass_rate": {"min": 0.5}}
})";

void expect_quickstart(const Suite& suite) {
  EXPECT_EQ(suite.name, "quickstart");
  EXPECT_EQ(suite.description, "Capital QA");
  EXPECT_EQ(suite.defaults.provider, "assistant");
  EXPECT_EQ(suite.defaults.judge, "grader");
  EXPECT_EQ(suite.defaults.embedder, "embedder");
  ASSERT_EQ(suite.providers.size(), 3u);
  const ProviderConfig& assistant = suite.providers[0];
  EXPECT_EQ(assistant.type, "openai-chat");
  EXPECT_EQ(assistant.model, "gpt-4o-mini");
  EXPECT_EQ(assistant.base_url, "https://api.openai.com/v1");
  EXPECT_EQ(assistant.api_key_env, "MY_KEY");
  EXPECT_EQ(
      assistant.params,
      nlohmann::json({{"temperature", 0}, {"max_tokens", 256}, {"stop", {"\n"}}, {"seed", "7"}}));
  EXPECT_EQ(assistant.concurrency, 8);
  EXPECT_FALSE(assistant.adaptive_concurrency);
  EXPECT_TRUE(suite.providers[1].adaptive_concurrency);
  EXPECT_EQ(assistant.timeout_s, 12.5);
  EXPECT_EQ(assistant.max_attempts, 2);
  EXPECT_EQ(assistant.deadline_s, 90);
  EXPECT_EQ(assistant.requests_per_minute, 600);
  EXPECT_EQ(assistant.tokens_per_minute, 90000);
  EXPECT_EQ(suite.providers[1].batch_size, 16);
  EXPECT_EQ(suite.providers[1].dimensions, 256);
  EXPECT_EQ(suite.providers[2].api_key_env, "OPENAI_API_KEY");
  EXPECT_EQ(suite.providers[2].concurrency, 32);
  ASSERT_EQ(suite.prompts.size(), 1u);
  ASSERT_EQ(suite.prompts[0].messages.size(), 2u);
  EXPECT_EQ(suite.prompts[0].messages[1].role, "user");
  EXPECT_EQ(suite.prompts[0].messages[1].content, "What is the capital of {{country}}?");
  ASSERT_EQ(all_cases(suite).size(), 2u);
  EXPECT_EQ(all_cases(suite)[0].id, "capital-france");
  EXPECT_EQ(all_cases(suite)[0].expected, std::vector<std::string>{"Paris"});
  EXPECT_EQ(all_cases(suite)[0].labels, (std::vector<std::string>{"qa", "smoke"}));
  EXPECT_EQ(all_cases(suite)[1].id, "case-2");
  EXPECT_EQ(all_cases(suite)[1].vars, nlohmann::json({{"country", "Japan"}, {"code", "007"}}));
  EXPECT_EQ(all_cases(suite)[1].expected, (std::vector<std::string>{"Tokyo", "Tōkyō"}));
  ASSERT_EQ(all_cases(suite)[1].scorers.size(), 1u);
  EXPECT_EQ(all_cases(suite)[1].scorers[0].type, "contains");
  EXPECT_EQ(all_cases(suite)[1].prompt, "qa");
  EXPECT_EQ(all_cases(suite)[1].timeout_s, 5);
  ASSERT_EQ(suite.scorers.size(), 3u);
  EXPECT_EQ(suite.scorers[0].type, "exact_match");
  EXPECT_EQ(suite.scorers[0].options, nlohmann::json({{"normalize", {"lower", "trim"}}}));
  EXPECT_EQ(suite.scorers[0].weight, 2);
  EXPECT_EQ(suite.scorers[0].threshold, 1);
  EXPECT_EQ(suite.scorers[0].name, "exact");
  EXPECT_EQ(suite.scorers[2].options,
            nlohmann::json({{"pattern", "^[A-Z]"}, {"ignore_case", true}}));
  EXPECT_EQ(suite.pass.kind, PassRule::Kind::kWeightedScore);
  EXPECT_EQ(suite.pass.min_weighted_score, 0.7);
  EXPECT_EQ(suite.pass.k_of_n, 2);
  EXPECT_EQ(suite.repeat, 3);
  EXPECT_EQ(suite.alpha, 0.01);
  ASSERT_EQ(suite.gate.count("exact"), 1u);
  EXPECT_EQ(suite.gate.at("exact").max_drop, 0.02);
  EXPECT_FALSE(suite.gate.at("exact").min.has_value());
  EXPECT_EQ(suite.gate.at("pass_rate").min, 0.5);
}

TEST(SuiteLoaderTest, LoadsAYamlSuite) {
  SuiteFixture fixture("yaml-suite");
  fixture.write("qa.yaml", kQuickstartYaml);
  Suite suite;
  const Status status = fixture.load("qa.yaml", &suite);
  ASSERT_TRUE(status.is_ok()) << status.message();
  expect_quickstart(suite);
  EXPECT_EQ(suite.directory, fixture.dir());
  EXPECT_EQ(all_cases(suite)[0].where.line, 25);
  EXPECT_EQ(all_cases(suite)[0].where.column, 5);
}

TEST(SuiteLoaderTest, JsonReadsTheSameAsYaml) {
  SuiteFixture fixture("json-suite");
  fixture.write("qa.json", kQuickstartJson);
  Suite suite;
  const Status status = fixture.load("qa.json", &suite);
  ASSERT_TRUE(status.is_ok()) << status.message();
  expect_quickstart(suite);
}

TEST(SuiteLoaderTest, ExpandsEnvironmentVariables) {
  SuiteFixture fixture("env-suite");
  fixture.env = {
      {"BASE_URL", "http://127.0.0.1:9000/v1"}, {"MODEL", "local-model"}, {"TEMP", "0.5"}};
  fixture.write("qa.yaml", R"(providers:
  - id: p
    type: openai-chat
    model: "${MODEL}"
    base_url: "${BASE_URL:-http://unused}"
    params:
      temperature: ${TEMP}
      tag: ${TAG:-none}
      price: $5
prompt: "Q: {{q}} costs $${PRICE}"
cases: [{vars: {q: "${MODEL}"}}]
scorers: [is_json]
)");
  Suite suite;
  const Status status = fixture.load("qa.yaml", &suite);
  ASSERT_TRUE(status.is_ok()) << status.message();
  EXPECT_EQ(suite.name, "qa");
  EXPECT_EQ(suite.providers[0].model, "local-model");
  EXPECT_EQ(suite.providers[0].base_url, "http://127.0.0.1:9000/v1");
  EXPECT_EQ(suite.providers[0].params,
            nlohmann::json({{"temperature", 0.5}, {"tag", "none"}, {"price", "$5"}}));
  EXPECT_EQ(suite.prompts[0].id, "prompt");
  EXPECT_EQ(suite.prompts[0].messages[0].role, "user");
  EXPECT_EQ(suite.prompts[0].messages[0].content, "Q: {{q}} costs ${PRICE}");
  EXPECT_EQ(all_cases(suite)[0].vars["q"], "local-model");
  EXPECT_EQ(suite.defaults.provider, "p");
}

TEST(SuiteLoaderTest, ReplayAndExecProviders) {
  SuiteFixture fixture("providers");
  fixture.write("suites/s.yaml", R"(providers:
  - {id: recorded, type: replay, responses: recordings/r.jsonl}
  - {id: script, type: exec, command: "python3 answer.py --fast"}
  - {id: listed, type: exec, command: [./run me, "--x"]}
defaults: {provider: recorded}
prompts: [{id: p, prompt: "{{x}}"}, "plain {{x}}"]
cases: [{vars: {x: 1}, expected: "1"}]
scorers: [exact_match]
)");
  Suite suite;
  const Status status = fixture.load("suites/s.yaml", &suite);
  ASSERT_TRUE(status.is_ok()) << status.message();
  EXPECT_EQ(suite.providers[0].responses_file, fixture.dir() + "/suites/recordings/r.jsonl");
  EXPECT_EQ(suite.providers[1].command,
            (std::vector<std::string>{"python3", "answer.py", "--fast"}));
  EXPECT_EQ(suite.providers[2].command, (std::vector<std::string>{"./run me", "--x"}));
  EXPECT_TRUE(suite.providers[0].api_key_env.empty());
  ASSERT_EQ(suite.prompts.size(), 2u);
  EXPECT_EQ(suite.prompts[1].id, "prompt-2");
  EXPECT_EQ(suite.prompts[1].messages[0].content, "plain {{x}}");
  EXPECT_EQ(all_cases(suite)[0].vars["x"], 1);
}

TEST(SuiteLoaderTest, LoadsJsonlAndCsvDatasets) {
  SuiteFixture fixture("datasets");
  fixture.write("s.yaml", R"(providers: [{id: p, type: openai-chat, model: m}]
prompts: [{id: qa, prompt: "{{country}}"}]
cases:
  - file: data/capitals.jsonl
    labels: [geo]
  - {file: data/more.csv, scorers: [contains]}
scorers: [exact_match]
)");
  fixture.write("data/capitals.jsonl",
                "{\"id\": \"fr\", \"vars\": {\"country\": \"France\"}, \"expected\": \"Paris\", "
                "\"labels\": [\"eu\"]}\n"
                "\n"
                "{\"vars\": {\"country\": \"Peru\"}, \"expected\": [\"Lima\", 42]}\r\n");
  fixture.write("data/more.csv",
                "id,country,expected,labels,__expected2\r\n"
                "de,Germany,Berlin,eu;big,\r\n"
                ",\"Congo, Republic of\",\"Brazza\"\"ville\",\"africa, fr\",Brazzaville\n"
                "multi,\"Line\nbreak\",x,,\n");
  Suite suite;
  const Status status = fixture.load("s.yaml", &suite);
  ASSERT_TRUE(status.is_ok()) << status.message();
  ASSERT_EQ(all_cases(suite).size(), 5u);
  EXPECT_EQ(all_cases(suite)[0].id, "fr");
  EXPECT_EQ(all_cases(suite)[0].labels, (std::vector<std::string>{"eu", "geo"}));
  EXPECT_EQ(all_cases(suite)[0].where.str(), fixture.dir() + "/data/capitals.jsonl:1");
  EXPECT_EQ(all_cases(suite)[1].id, "capitals-3");
  EXPECT_EQ(all_cases(suite)[1].expected, (std::vector<std::string>{"Lima", "42"}));
  EXPECT_EQ(all_cases(suite)[2].id, "de");
  EXPECT_EQ(all_cases(suite)[2].vars, nlohmann::json({{"country", "Germany"}}));
  EXPECT_EQ(all_cases(suite)[2].labels, (std::vector<std::string>{"eu", "big"}));
  ASSERT_EQ(all_cases(suite)[2].scorers.size(), 1u);
  EXPECT_EQ(all_cases(suite)[3].id, "more-3");
  EXPECT_EQ(all_cases(suite)[3].vars["country"], "Congo, Republic of");
  EXPECT_EQ(all_cases(suite)[3].expected, (std::vector<std::string>{"Brazza\"ville", "Brazzaville"}));
  EXPECT_EQ(all_cases(suite)[3].labels, (std::vector<std::string>{"africa", "fr"}));
  EXPECT_EQ(all_cases(suite)[4].vars["country"], "Line\nbreak");
  EXPECT_EQ(all_cases(suite)[4].where.line, 4);
}

TEST(SuiteLoaderTest, ReadsOpenAiEvalsSamples) {
  SuiteFixture fixture("evals");
  fixture.write("s.yaml", R"(providers: [{id: p, type: openai-chat, model: m}]
prompt: "{{input}}"
cases: [{file: samples.jsonl}]
scorers: [exact_match]
)");
  fixture.write(
      "samples.jsonl",
      R"({"input": [{"role": "system", "content": "Be brief."}, {"role": "user", "content": "2+2?"}], "ideal": "4"}
{"input": "Capital of Italy?", "ideal": ["Rome", "Roma"]}
)");
  Suite suite;
  const Status status = fixture.load("s.yaml", &suite);
  ASSERT_TRUE(status.is_ok()) << status.message();
  ASSERT_EQ(all_cases(suite).size(), 2u);
  EXPECT_EQ(all_cases(suite)[0].vars["input"], "2+2?");
  EXPECT_EQ(all_cases(suite)[0].vars["messages"].size(), 2u);
  EXPECT_EQ(all_cases(suite)[0].expected, std::vector<std::string>{"4"});
  EXPECT_EQ(all_cases(suite)[1].vars["input"], "Capital of Italy?");
  EXPECT_EQ(all_cases(suite)[1].expected, (std::vector<std::string>{"Rome", "Roma"}));
}

TEST(SuiteLoaderTest, ContentHashCoversSuiteAndDatasets) {
  SuiteFixture fixture("hash");
  const std::string suite_text = R"(providers: [{id: p, type: openai-chat, model: m}]
prompt: "{{q}}"
cases: [{file: d.jsonl}]
scorers: [exact_match]
)";
  fixture.write("s.yaml", suite_text);
  fixture.write("d.jsonl", "{\"vars\": {\"q\": \"a\"}, \"expected\": \"a\"}\n");
  Suite first;
  ASSERT_TRUE(fixture.load("s.yaml", &first).is_ok());
  EXPECT_EQ(first.content_hash.size(), 64u);
  Suite again;
  ASSERT_TRUE(fixture.load("s.yaml", &again).is_ok());
  EXPECT_EQ(again.content_hash, first.content_hash);
  fixture.write("d.jsonl", "{\"vars\": {\"q\": \"b\"}, \"expected\": \"a\"}\n");
  Suite data_changed;
  ASSERT_TRUE(fixture.load("s.yaml", &data_changed).is_ok());
  EXPECT_NE(data_changed.content_hash, first.content_hash);
  fixture.write("s.yaml", suite_text + "# comment\n");
  Suite suite_changed;
  ASSERT_TRUE(fixture.load("s.yaml", &suite_changed).is_ok());
  EXPECT_NE(suite_changed.content_hash, data_changed.content_hash);
  EXPECT_EQ(first.content_hash,
            sha256_hex(sha256_hex(suite_text) + "\n" +
                       sha256_hex("{\"vars\": {\"q\": \"a\"}, \"expected\": \"a\"}\n")));
}

TEST(SuiteLoaderTest, LoadsALargeJsonlDataset) {
  SuiteFixture fixture("large");
  fixture.write("s.yaml", R"(providers: [{id: p, type: openai-chat, model: m}]
prompt: "{{q}}"
cases: [{file: big.jsonl}]
scorers: [exact_match]
)");
  std::string lines;
  for (int i = 0; i < 20000; ++i) {
    lines += "{\"id\": \"c" + std::to_string(i) + "\", \"vars\": {\"q\": \"question " +
             std::to_string(i) + "\"}, \"expected\": \"a\"}\n";
  }
  fixture.write("big.jsonl", lines);
  Suite suite;
  const Status status = fixture.load("s.yaml", &suite);
  ASSERT_TRUE(status.is_ok()) << status.message();
  ASSERT_EQ(all_cases(suite).size(), 20000u);
  EXPECT_EQ(all_cases(suite).back().id, "c19999");
  EXPECT_EQ(all_cases(suite).back().where.line, 20000);
}

}  // namespace
}  // namespace evalkit

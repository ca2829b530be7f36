// End to end with the evalkit binary and the fake server (which echoes "echo: <question>"):
// checks carried by datasets and rendered with each case's variables, prompts from a file
// with `---`, per-prompt params, providers limited to some prompts, a case without scorers.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "tests/support/fake_openai_server.h"
#include "tests/support/process.h"
#include "tests/support/test_files.h"

namespace evalkit::testing {
namespace {

const char* kSuite = R"(suite: carried
providers:
  - {id: wide, type: openai-chat, model: fake-chat, base_url: "${FAKE_BASE_URL}"}
  - {id: narrow, type: openai-chat, model: fake-chat, base_url: "${FAKE_BASE_URL}", prompts: [ask-1]}
prompts:
  - {id: ask, file: prompts/ask.txt, params: {max_tokens: 7}}
cases:
  - {id: bare, vars: {city: Lima, word: Lima}}
  - file: data/cities.csv
    vars: {word: capital}
  - file: data/more.jsonl
scorers:
  - {type: contains, value: "{{city}}", name: city}
)";

// Trials of the run document by "provider/prompt/case".
std::map<std::string, nlohmann::json> trials_by_key(const nlohmann::json& doc) {
  std::map<std::string, nlohmann::json> out;
  for (const auto& t : doc["trials"]) {
    out[t["provider_id"].get<std::string>() + "/" + t["prompt_id"].get<std::string>() + "/" +
        t["case_id"].get<std::string>()] = t;
  }
  return out;
}

TEST(DatasetChecksRunTest, CarriedChecksRenderPerCaseAndDecidePass) {
  FakeOpenAIServer server;
  const std::string dir = make_temp_dir("dataset-checks-run");
  write_test_file(dir, "prompts/ask.txt",
                  "Which {{word}} is {{city}}?\n---\nSay {{city}} twice.\n");
  write_test_file(dir, "data/cities.csv",
                  "city,__expected,__expected2,__threshold,__metadata:region\n"
                  "Paris,contains:{{city}},icontains:PARIS,,europe\n"
                  "Rome,contains:Madrid,regex:^echo,0.5,europe\n"
                  "Oslo,contains:Madrid,,,north\n");
  write_test_file(
      dir, "data/more.jsonl",
      R"({"id": "tokyo", "vars": {"city": "Tokyo", "word": "city", "want": ["Tokyo", "echo"]}, )"
      R"("scorers": [{"type": "contains", "value": "{{want}}", "mode": "all"}]})"
      "\n");
  const std::string suite = write_test_file(dir, "suite.yaml", kSuite);
  ProcessOptions env;
  env.env["FAKE_BASE_URL"] = server.base_url();
  const std::string report = dir + "/run.json";
  const ProcessResult r = run_evalkit(
      {"run", suite, "--db", dir + "/evalkit.db", "--report-json", report, "-j", "4"}, env);
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;  // Oslo fails on purpose
  const nlohmann::json doc = read_json_file(report);
  // 5 cases x 2 prompts on `wide`, 5 cases x prompt ask-1 only on `narrow`.
  ASSERT_EQ(doc["trials"].size(), 15u) << doc.dump(1).substr(0, 2000);
  const auto trials = trials_by_key(doc);

  // The suite scorer's {{city}} takes each case's city.
  const nlohmann::json& bare = trials.at("wide/ask-1/bare");
  ASSERT_EQ(bare["scores"].size(), 1u);
  EXPECT_EQ(bare["scores"][0]["name"], "city");
  EXPECT_TRUE(bare["pass"].get<bool>()) << bare.dump();
  EXPECT_THAT(bare["scores"][0]["reason"].get<std::string>(), ::testing::HasSubstr("Lima"));
  // The prompt's params reach the request, merged over the provider's.
  EXPECT_EQ(bare["request"]["params"]["max_tokens"], 7);

  // CSV cells in promptfoo's syntax become the row's checks, rendered with its vars.
  const nlohmann::json& paris = trials.at("wide/ask-2/cities-2");
  ASSERT_EQ(paris["scores"].size(), 3u);
  EXPECT_TRUE(paris["pass"].get<bool>()) << paris.dump();
  // Rome fails `contains:Madrid` but passes with __threshold 0.5 (2 of 3 checks pass).
  const nlohmann::json& rome = trials.at("wide/ask-1/cities-3");
  EXPECT_TRUE(rome["pass"].get<bool>()) << rome.dump();
  EXPECT_FALSE(trials.at("wide/ask-1/cities-4")["pass"].get<bool>());
  EXPECT_THAT(trials.at("wide/ask-1/cities-4")["labels"], ::testing::Contains("region=north"));

  // A JSONL line's own scorer, with a list variable as its value list.
  const nlohmann::json& tokyo = trials.at("narrow/ask-1/tokyo");
  ASSERT_EQ(tokyo["scores"].size(), 2u);
  EXPECT_TRUE(tokyo["pass"].get<bool>()) << tokyo.dump();
  EXPECT_EQ(trials.count("narrow/ask-2/tokyo"), 0u);
}

TEST(DatasetChecksRunTest, CaseWithoutScorersIsRecordedAndPasses) {
  FakeOpenAIServer server;
  const std::string dir = make_temp_dir("dataset-checks-bare");
  const std::string suite = write_test_file(dir, "suite.yaml", R"(suite: bare
providers: [{id: a, type: openai-chat, model: fake-chat, base_url: "${FAKE_BASE_URL}"}]
prompts: ["Tell me about {{topic}}"]
cases: [{id: tides, vars: {topic: tides}}]
)");
  ProcessOptions env;
  env.env["FAKE_BASE_URL"] = server.base_url();
  const std::string report = dir + "/run.json";
  const ProcessResult r =
      run_evalkit({"run", suite, "--db", dir + "/evalkit.db", "--report-json", report}, env);
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  const nlohmann::json doc = read_json_file(report);
  ASSERT_EQ(doc["trials"].size(), 1u);
  EXPECT_TRUE(doc["trials"][0]["scores"].empty());
  EXPECT_TRUE(doc["trials"][0]["pass"].get<bool>());
  EXPECT_EQ(doc["trials"][0]["output"], "echo: Tell me about tides");
}

}  // namespace
}  // namespace evalkit::testing

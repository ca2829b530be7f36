// End-to-end: similarity and judge scorers in a run of the evalkit binary against the fake
// OpenAI-compatible server, whose rules play both the assistant and the judge.
#include <filesystem>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "evalkit/scorers/similarity.h"
#include "tests/support/fake_openai_server.h"
#include "tests/support/process.h"
#include "tests/support/test_files.h"

namespace evalkit::testing {
namespace {

using ::testing::HasSubstr;

const nlohmann::json& trial_of(const nlohmann::json& doc, const std::string& case_id) {
  for (const auto& trial : doc["trials"]) {
    if (trial["case_id"] == case_id) return trial;
  }
  static const nlohmann::json missing;
  ADD_FAILURE() << "no trial for " << case_id;
  return missing;
}

const nlohmann::json& score_of(const nlohmann::json& trial, const std::string& name) {
  for (const auto& score : trial["scores"]) {
    if (score["name"] == name) return score;
  }
  static const nlohmann::json missing;
  ADD_FAILURE() << "no score " << name << " in " << trial.dump();
  return missing;
}

const char* kSuite = R"(suite: judged
defaults: {provider: assistant, judge: grader, embedder: embedder}
providers:
  - {id: assistant, type: openai-chat, model: fake-chat, base_url: "${FAKE_BASE_URL}"}
  - {id: grader, type: openai-chat, model: fake-judge, base_url: "${FAKE_BASE_URL}"}
  - id: embedder
    type: openai-embeddings
    model: fake-embedding
    base_url: "${FAKE_BASE_URL}"
    batch_size: 1
    dimensions: 32
prompts:
  - id: qa
    messages:
      - {role: user, content: "Question: {{q}}"}
cases:
  - {id: france, vars: {q: capital of France}, expected: "Paris is the capital of France"}
  - {id: japan, vars: {q: capital of Japan}, expected: "Tokyo is the capital of Japan"}
  - {id: peru, vars: {q: capital of Peru}, expected: "Lima is the capital of Peru"}
scorers:
  - {type: similarity, threshold: 0.5}
  - {type: judge, template: factuality}
)";

// Judge rules come first: a judge prompt also contains the question.
FakeOpenAIServerOptions judged_answers() {
  FakeOpenAIServerOptions options;
  options.rules = {
      {"[Submission]: Paris is the capital of France.", "Both name Paris.\nANSWER: C", {}, {}, {}},
      {"[Submission]: Kyoto is the capital of Japan", "Kyoto is not Tokyo.\nANSWER: d", {}, {}, {}},
      {"[Submission]: Lima", "I would rather not say.", {}, {}, {}},
      {"Question: capital of France", "Paris is the capital of France.", {}, {}, {}},
      {"Question: capital of Japan", "Kyoto is the capital of Japan", {}, {}, {}},
      {"Question: capital of Peru", "Lima is the capital of Peru", {}, {}, {}},
  };
  return options;
}

TEST(JudgeRunTest, SimilarityAndFactualityScoresAndVerdictsReachTheReport) {
  FakeOpenAIServer server(judged_answers());
  const std::string dir = make_temp_dir("judge-run");
  const std::string suite = write_test_file(dir, "suite.yaml", kSuite);
  const std::string report = dir + "/run.json";
  ProcessOptions env;
  env.env["FAKE_BASE_URL"] = server.base_url();
  const ProcessResult r =
      run_evalkit({"run", suite, "--db", dir + "/evalkit.db", "--report-json", report}, env);
  EXPECT_NE(r.exit_code, 0) << r.out << r.err;  // japan fails, peru is an error
  const nlohmann::json doc = read_json_file(report);

  const auto& france = trial_of(doc, "france");
  EXPECT_EQ(france["pass"], true) << france.dump(2);
  const auto& france_judge = score_of(france, "judge_factuality");
  EXPECT_DOUBLE_EQ(france_judge["value"].get<double>(), 1.0);
  EXPECT_EQ(france_judge["reason"], "Both name Paris.");
  EXPECT_EQ(france_judge["details"]["verdicts"][0]["label"], "C");
  EXPECT_EQ(france_judge["details"]["verdicts"][0]["raw"], "Both name Paris.\nANSWER: C");
  EXPECT_THAT(france_judge["details"]["prompt"].get<std::string>(),
              HasSubstr("[Expert]: Paris is the capital of France"));
  // What the judge saw, for the report: its system message too.
  EXPECT_THAT(france_judge["details"]["system"].get<std::string>(),
              HasSubstr("You compare the factual content of a submitted answer"));
  EXPECT_THAT(france_judge["signature"].get<std::string>(),
              HasSubstr("judge|template:factuality@"));
  // Same words, so the fake's bag-of-words vectors coincide.
  EXPECT_NEAR(score_of(france, "similarity")["value"].get<double>(), 1.0, 1e-6);

  const auto& japan = trial_of(doc, "japan");
  EXPECT_EQ(japan["pass"], false);
  EXPECT_EQ(japan["error"], "");
  const auto& japan_judge = score_of(japan, "judge_factuality");
  EXPECT_DOUBLE_EQ(japan_judge["value"].get<double>(), 0.0);
  EXPECT_EQ(japan_judge["pass"], false);
  EXPECT_EQ(japan_judge["reason"], "Kyoto is not Tokyo.");
  const double expected_cosine =
      raw_similarity(SimilarityMetric::kCosine, fake_embedding("Kyoto is the capital of Japan", 32),
                     fake_embedding("Tokyo is the capital of Japan", 32));
  const auto& japan_similarity = score_of(japan, "similarity");
  EXPECT_NEAR(japan_similarity["value"].get<double>(), std::max(0.0, expected_cosine), 1e-5);
  EXPECT_LT(japan_similarity["value"].get<double>(), 0.999);

  // An unreadable verdict is an error, with the judge's words kept, never a silent 0.
  const auto& peru = trial_of(doc, "peru");
  EXPECT_EQ(peru["pass"], false);
  EXPECT_EQ(peru["error_kind"], "scorer");
  EXPECT_THAT(peru["error"].get<std::string>(), HasSubstr("could not be parsed"));
  EXPECT_THAT(peru["error"].get<std::string>(), HasSubstr("I would rather not say."));
  const auto& peru_judge = score_of(peru, "judge_factuality");
  EXPECT_EQ(peru_judge["error"], true);
  EXPECT_EQ(peru_judge["details"]["verdicts"][0]["raw"], "I would rather not say.");

  // Judge calls carry temperature 0 and a fixed seed; embeddings honour batch_size and
  // dimensions.
  int judge_calls = 0;
  int embedding_calls = 0;
  for (const auto& request : server.request_log()) {
    const auto body = nlohmann::json::parse(request.body);
    if (body.value("model", "") == "fake-judge") {
      ++judge_calls;
      EXPECT_EQ(body["temperature"], 0);
      EXPECT_EQ(body["seed"], 0);
    }
    if (request.path == "/v1/embeddings") {
      ++embedding_calls;
      EXPECT_EQ(body["input"].size(), 1u);
      EXPECT_EQ(body["dimensions"], 32);
    }
  }
  EXPECT_EQ(judge_calls, 3);
  EXPECT_EQ(embedding_calls, 6);  // output + reference for 3 cases, one text per request

  // A second run finds every embedding in the run database's cache.
  const ProcessResult again =
      run_evalkit({"run", suite, "--db", dir + "/evalkit.db", "--report-json", report}, env);
  EXPECT_NE(again.exit_code, 0) << again.out << again.err;
  EXPECT_EQ(server.stats().requests_by_path["/v1/embeddings"], 6u);
}

TEST(JudgeRunTest, ARecordingReplaysAnswersVerdictsAndEmbeddingsOffline) {
  const std::string dir = make_temp_dir("judge-replay");
  const std::string record = dir + "/rec.jsonl";
  nlohmann::json live;
  {
    FakeOpenAIServer server(judged_answers());
    ProcessOptions env;
    env.env["FAKE_BASE_URL"] = server.base_url();
    const ProcessResult r =
        run_evalkit({"run", write_test_file(dir, "live.yaml", kSuite), "--db", dir + "/live.db",
                     "--report-json", dir + "/live.json", "--record", record},
                    env);
    ASSERT_EQ(r.exit_code, 1) << r.out << r.err;
    live = read_json_file(dir + "/live.json");
    ASSERT_GT(server.stats().requests_by_path["/v1/embeddings"], 0u);
  }  // the server is gone: the replay below cannot reach it

  std::string text = kSuite;
  for (size_t at = text.find("base_url: \"${FAKE_BASE_URL}\""); at != std::string::npos;
       at = text.find("base_url: \"${FAKE_BASE_URL}\"")) {
    text.replace(at, 28, "responses: rec.jsonl");
  }
  ProcessOptions env;
  env.unset_env = {"OPENAI_BASE_URL"};
  const ProcessResult r =
      run_evalkit({"run", write_test_file(dir, "offline.yaml", text), "--db", dir + "/offline.db",
                   "--report-json", dir + "/offline.json", "--replay-strict"},
                  env);
  ASSERT_EQ(r.exit_code, 1) << r.out << r.err;  // japan fails, peru is an error, as live
  const nlohmann::json offline = read_json_file(dir + "/offline.json");
  ASSERT_EQ(offline["trials"].size(), 3u);
  for (const auto& trial : offline["trials"]) {
    const std::string case_id = trial["case_id"];
    EXPECT_NE(trial["error_kind"], "replay_miss") << trial.dump(2);
    EXPECT_EQ(trial["output"], trial_of(live, case_id)["output"]);
    EXPECT_EQ(trial["scores"], trial_of(live, case_id)["scores"]) << case_id;
  }
  EXPECT_NEAR(score_of(trial_of(offline, "france"), "similarity")["value"].get<double>(), 1.0,
              1e-6);
}

const char* kPairwiseSuite = R"(suite: pairwise
defaults: {provider: assistant, judge: grader}
providers:
  - {id: assistant, type: openai-chat, model: fake-chat, base_url: "${FAKE_BASE_URL}"}
  - {id: grader, type: openai-chat, model: fake-judge, base_url: "${FAKE_BASE_URL}"}
prompts:
  - id: qa
    messages:
      - {role: user, content: "Question: {{q}}"}
cases:
  - {id: fair, vars: {q: fair}, expected: "reference one"}
  - {id: biased, vars: {q: biased}, expected: "reference two"}
scorers:
  - {type: judge, template: pairwise}
)";

TEST(JudgeRunTest, PairwiseAsksInBothOrdersAndCancelsPositionBias) {
  FakeOpenAIServerOptions options;
  options.rules = {
      // A consistent judge prefers the candidate wherever it stands.
      {"[Response A]\ncandidate one", "The candidate is better.\nWINNER: A", {}, {}, {}},
      {"[Response A]\nreference one", "The candidate is better.\nWINNER: B", {}, {}, {}},
      // A biased judge always picks the first response.
      {"[Response A]\n", "The first one.\nWINNER: A", {}, {}, {}},
      {"Question: fair", "candidate one", {}, {}, {}},
      {"Question: biased", "candidate two", {}, {}, {}},
  };
  FakeOpenAIServer server(options);
  const std::string dir = make_temp_dir("judge-pairwise");
  const std::string suite = write_test_file(dir, "suite.yaml", kPairwiseSuite);
  const std::string report = dir + "/run.json";
  ProcessOptions env;
  env.env["FAKE_BASE_URL"] = server.base_url();
  const ProcessResult r =
      run_evalkit({"run", suite, "--db", dir + "/evalkit.db", "--report-json", report}, env);
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  const nlohmann::json doc = read_json_file(report);

  const auto& fair = score_of(trial_of(doc, "fair"), "judge_pairwise");
  EXPECT_DOUBLE_EQ(fair["value"].get<double>(), 1.0);
  EXPECT_EQ(fair["details"]["consistent"], true);
  ASSERT_EQ(fair["details"]["verdicts"].size(), 2u);
  EXPECT_EQ(fair["details"]["verdicts"][0]["order"], "output_first");
  EXPECT_EQ(fair["details"]["verdicts"][0]["label"], "A");
  EXPECT_EQ(fair["details"]["verdicts"][1]["order"], "output_second");
  EXPECT_EQ(fair["details"]["verdicts"][1]["label"], "B");
  EXPECT_THAT(fair["details"]["prompt_swapped"].get<std::string>(),
              HasSubstr("[Response A]\nreference one"));

  const auto& biased = score_of(trial_of(doc, "biased"), "judge_pairwise");
  EXPECT_DOUBLE_EQ(biased["value"].get<double>(), 0.5);
  EXPECT_EQ(biased["details"]["consistent"], false);
  EXPECT_EQ(biased["pass"], true);  // 0.5 meets the template's threshold: a tie

  int swapped_prompts = 0;
  for (const auto& request : server.request_log()) {
    if (request.body.find("[Response A]\\nreference") != std::string::npos) ++swapped_prompts;
  }
  EXPECT_EQ(swapped_prompts, 2);
}

}  // namespace
}  // namespace evalkit::testing

// The script scorer: the team's own checks (Python and Node examples), failures of every kind
// as scorer errors, 10,000 trials through one worker, and promptfoo javascript/python
// assertions through the shims.
#include <gtest/gtest.h>

#include <set>

#include "evalkit/scorers/registry.h"
#include "evalkit/worker/script_source.h"
#include "evalkit/worker/worker_pool.h"
#include "tests/support/process.h"

namespace evalkit {
namespace {

struct Trial {
  std::string output;
  std::vector<std::string> expected;
  nlohmann::json vars = nlohmann::json::object();
  std::string prompt = "What is the capital?";
  ModelAnswer answer;
};

class ScriptScorerTest : public ::testing::Test {
 protected:
  void TearDown() override { shutdown_shared_worker_pools(); }

  static std::unique_ptr<Scorer> make(const nlohmann::json& options,
                                      const std::string& directory = "",
                                      std::optional<double> threshold = std::nullopt,
                                      bool negate = false) {
    ScorerSpec spec;
    spec.type = "script";
    spec.options = options;
    spec.threshold = threshold;
    spec.negate = negate;
    spec.directory = directory.empty() ? testing::source_path("examples/scripts") : directory;
    std::unique_ptr<Scorer> scorer;
    const Status status = make_scorer(spec, &scorer);
    EXPECT_TRUE(status.is_ok()) << status.message();
    return scorer;
  }

  static std::string error_of(const nlohmann::json& options, const std::string& directory = "") {
    ScorerSpec spec;
    spec.type = "script";
    spec.options = options;
    spec.directory = directory.empty() ? testing::source_path("examples/scripts") : directory;
    std::unique_ptr<Scorer> scorer;
    const Status status = make_scorer(spec, &scorer);
    return status.is_ok() ? "" : status.message();
  }

  static Score run(const Scorer& scorer, Trial trial) {
    if (trial.answer.text.empty()) trial.answer.text = trial.output;
    ScoreInput input;
    input.output = trial.output;
    input.answer = &trial.answer;
    input.expected = &trial.expected;
    input.vars = &trial.vars;
    input.input = trial.prompt;
    return scorer.score(input);
  }

  // A Python check given as its program text.
  static nlohmann::json python_check(const std::string& body) {
    return {{"command",
             {"python3", "-c",
              "import json, os, sys, time\n"
              "for line in sys.stdin:\n"
              "    trial = json.loads(line)\n" +
                  body}}};
  }
};

TEST_F(ScriptScorerTest, PythonExampleCheck) {
  const auto scorer =
      make({{"command", {"python3", "checks/word_limit.py"}}, {"config", {{"max_words", 8}}}});
  const Score pass = run(*scorer, {"The capital of France is Paris.", {"Paris"}});
  EXPECT_TRUE(pass.pass) << pass.reason;
  EXPECT_FALSE(pass.error);
  EXPECT_EQ(pass.value, 1.0);
  EXPECT_EQ(pass.reason, "names the expected city; 6 words (limit 8)");
  EXPECT_EQ(pass.details.at("words"), 6);
  EXPECT_EQ(pass.name, "script");
  const Score wordy =
      run(*scorer, {"Well, as everyone knows, the capital is Paris indeed.", {"Paris"}});
  EXPECT_FALSE(wordy.pass);
  EXPECT_EQ(wordy.value, 0.5);
  const Score wrong = run(*scorer, {"Lyon.", {"Paris"}});
  EXPECT_FALSE(wrong.pass);
  EXPECT_EQ(wrong.reason, "does not name the expected city; 1 words (limit 8)");
}

TEST_F(ScriptScorerTest, NodeExampleCheckSeesToolCalls) {
  const auto scorer = make({{"command", {"node", "checks/tool_check.js"}}});
  Trial weather{"", {"Nairobi"}, {{"ask", "weather"}}};
  weather.answer.tool_calls.push_back({"call_1", "get_weather", {{"city", "Nairobi"}}});
  const Score pass = run(*scorer, weather);
  EXPECT_TRUE(pass.pass) << pass.reason;
  EXPECT_EQ(pass.reason, "get_weather(city=\"Nairobi\")");
  weather.answer.tool_calls[0].arguments = {{"city", "Mombasa"}};
  EXPECT_FALSE(run(*scorer, weather).pass);
  Trial chat{"The capital is Nairobi.", {"Nairobi"}};
  EXPECT_TRUE(run(*scorer, chat).pass);
}

TEST_F(ScriptScorerTest, TheTrialReachesTheScriptWhole) {
  const auto scorer =
      make(python_check("    print(json.dumps({'pass': True, 'details': trial}), flush=True)\n"));
  Trial trial{"Paris", {"Paris", "paris"}, {{"country", "France"}}, "Capital of France?"};
  trial.answer.finish_reason = "stop";
  trial.answer.prompt_tokens = 12;
  trial.answer.completion_tokens = 1;
  trial.answer.latency_s = 0.25;
  const Score score = run(*scorer, trial);
  ASSERT_FALSE(score.error) << score.reason;
  const nlohmann::json& seen = score.details;
  EXPECT_EQ(seen.at("kind"), "score");
  EXPECT_EQ(seen.at("output"), "Paris");
  EXPECT_EQ(seen.at("expected"), nlohmann::json({"Paris", "paris"}));
  EXPECT_EQ(seen.at("vars").at("country"), "France");
  EXPECT_EQ(seen.at("prompt"), "Capital of France?");
  EXPECT_EQ(seen.at("answer").at("prompt_tokens"), 12);
  EXPECT_EQ(seen.at("answer").at("completion_tokens"), 1);
  EXPECT_EQ(seen.at("answer").at("latency_s"), 0.25);
  EXPECT_EQ(seen.at("answer").at("finish_reason"), "stop");
  EXPECT_TRUE(seen.at("config").is_object());
  EXPECT_TRUE(seen.at("threshold").is_null());
}

TEST_F(ScriptScorerTest, PassScoreAndThresholdRules) {
  const auto check = python_check("    print(json.dumps(trial['vars']['answer']), flush=True)\n");
  const auto scorer = make(check);
  auto answer = [&](const Scorer& s, const nlohmann::json& reply) {
    return run(s, {"x", {}, {{"answer", reply}}});
  };
  EXPECT_TRUE(answer(*scorer, {{"pass", true}}).pass);
  EXPECT_EQ(answer(*scorer, {{"pass", true}}).value, 1.0);
  EXPECT_EQ(answer(*scorer, {{"pass", false}}).value, 0.0);
  EXPECT_TRUE(answer(*scorer, {{"score", 0.5}}).pass);  // default threshold 0.5
  EXPECT_FALSE(answer(*scorer, {{"score", 0.49}}).pass);
  EXPECT_TRUE(
      answer(*scorer, {{"pass", true}, {"score", 0.1}}).pass);  // pass wins without a threshold
  const Score clamped = answer(*scorer, {{"score", 42}});
  EXPECT_EQ(clamped.value, 1.0);
  EXPECT_EQ(clamped.details.at("raw_score"), 42);
  const auto strict = make(check, "", 0.8);
  EXPECT_FALSE(answer(*strict, {{"pass", true}, {"score", 0.7}}).pass);
  EXPECT_TRUE(answer(*strict, {{"pass", true}, {"score", 0.8}}).pass);
  EXPECT_FALSE(answer(*strict, {{"score", 0.7}}).pass);

  const Score neither = answer(*scorer, {{"reason", "hmm"}});
  EXPECT_TRUE(neither.error);
  EXPECT_NE(neither.reason.find("neither 'pass' nor 'score'"), std::string::npos);
  EXPECT_TRUE(answer(*scorer, {{"pass", "yes"}}).error);
  EXPECT_TRUE(answer(*scorer, {{"score", "high"}}).error);
  const Score said_error = answer(*scorer, {{"error", "the index is not loaded"}});
  EXPECT_TRUE(said_error.error);
  EXPECT_EQ(said_error.reason, "script error: the index is not loaded");
}

TEST_F(ScriptScorerTest, CrashIsAnErrorWithStderrAndTheNextTrialGetsAFreshWorker) {
  const auto scorer = make(python_check(
      "    if trial['output'] == 'crash':\n"
      "        raise RuntimeError('the check tripped on this output')\n"
      "    print(json.dumps({'pass': True, 'details': {'pid': os.getpid()}}), flush=True)\n"));
  const Score first = run(*scorer, {"fine", {}});
  ASSERT_FALSE(first.error) << first.reason;
  const Score crash = run(*scorer, {"crash", {}});
  EXPECT_TRUE(crash.error);
  EXPECT_FALSE(crash.pass);
  EXPECT_NE(crash.reason.find("exited with status 1 before answering"), std::string::npos)
      << crash.reason;
  EXPECT_NE(crash.reason.find("RuntimeError: the check tripped on this output"), std::string::npos)
      << crash.reason;
  const Score after = run(*scorer, {"fine again", {}});
  ASSERT_FALSE(after.error) << after.reason;
  EXPECT_NE(after.details.at("pid"), first.details.at("pid"));
}

TEST_F(ScriptScorerTest, TimeoutIsAnErrorAndTheNextTrialGoesOn) {
  nlohmann::json options = python_check(
      "    if trial['output'] == 'slow':\n"
      "        time.sleep(60)\n"
      "    print(json.dumps({'pass': True}), flush=True)\n");
  options["timeout"] = 0.5;
  const auto scorer = make(options);
  EXPECT_TRUE(run(*scorer, {"quick", {}}).pass);
  const Score slow = run(*scorer, {"slow", {}});
  EXPECT_TRUE(slow.error);
  EXPECT_NE(slow.reason.find("gave no answer within 0.5 s (process group killed)"),
            std::string::npos)
      << slow.reason;
  // A fresh worker, given time to start, answers the next trial.
  EXPECT_TRUE(run(*scorer, {"quick", {}}).pass);
}

TEST_F(ScriptScorerTest, GarbageOutputIsAnError) {
  const auto scorer = make(python_check("    print('PASS', flush=True)\n"));
  const Score score = run(*scorer, {"x", {}});
  EXPECT_TRUE(score.error);
  EXPECT_NE(score.reason.find("answered with a line that is not JSON: 'PASS'"), std::string::npos)
      << score.reason;
}

TEST_F(ScriptScorerTest, TenThousandTrialsThroughOneWorker) {
  nlohmann::json options = python_check(
      "    n = int(trial['output'])\n"
      "    print(json.dumps({'pass': n % 3 != 0, 'score': (n % 10) / 10,"
      " 'reason': 'n=%d' % n, 'details': {'pid': os.getpid()}}), flush=True)\n");
  options["workers"] = 1;
  const auto scorer = make(options);
  int passed = 0;
  std::set<int> pids;
  for (int n = 0; n < 10000; ++n) {
    const Score score = run(*scorer, {std::to_string(n), {}});
    ASSERT_FALSE(score.error) << n << ": " << score.reason;
    // Each verdict is the one for this trial, not a neighbour's.
    ASSERT_EQ(score.reason, "n=" + std::to_string(n));
    ASSERT_DOUBLE_EQ(score.value, (n % 10) / 10.0);
    passed += score.pass;
    pids.insert(score.details.at("pid").get<int>());
  }
  EXPECT_EQ(passed, 6666);
  EXPECT_EQ(pids.size(), 1u);
}

TEST_F(ScriptScorerTest, PerTrialScorersShareTheWorkers) {
  // Case scorers are built per trial; the processes are not.
  const nlohmann::json options = python_check(
      "    print(json.dumps({'pass': True, 'details': {'pid': os.getpid()}}), flush=True)\n");
  std::set<int> pids;
  for (int i = 0; i < 20; ++i) {
    const auto scorer = make(options);
    pids.insert(run(*scorer, {"x", {}}).details.at("pid").get<int>());
  }
  EXPECT_EQ(pids.size(), 1u);
}

TEST_F(ScriptScorerTest, LoadErrorsNameWhatIsMissing) {
  EXPECT_NE(error_of({{"command", {"no-such-checker", "x.py"}}})
                .find("cannot find 'no-such-checker' on PATH"),
            std::string::npos);
  EXPECT_NE(error_of({{"javascript", "output.length > 1"}, {"interpreter", "no-such-node"}})
                .find("'no-such-node' is not installed (needed for javascript:); install Node.js "
                      "or set 'interpreter'"),
            std::string::npos);
  EXPECT_NE(error_of({{"python", "file://checks/missing.py"}})
                .find("python file 'checks/missing.py' does not exist"),
            std::string::npos);
  EXPECT_NE(error_of({}).find("needs one of 'command', 'javascript' or 'python'"),
            std::string::npos);
  EXPECT_NE(error_of({{"command", "python3 x.py"}, {"python", "True"}}).find("only one of"),
            std::string::npos);
  EXPECT_NE(error_of({{"command", {"python3"}}, {"timeout", 0}}).find("'timeout'"),
            std::string::npos);
  EXPECT_NE(error_of({{"command", {"python3"}}, {"workers", 0}}).find("'workers'"),
            std::string::npos);
  EXPECT_NE(error_of({{"command", {"python3"}}, {"comand", 1}}).find("unknown option 'comand'"),
            std::string::npos);
}

TEST_F(ScriptScorerTest, SignatureFollowsTheScriptContent) {
  const auto a = make({{"javascript", "output.length > 1"}});
  const auto b = make({{"javascript", "output.length > 2"}});
  EXPECT_NE(a->signature(), b->signature());
  EXPECT_EQ(a->signature(), make({{"javascript", "output.length > 1"}})->signature());
  EXPECT_EQ(a->name(), "javascript");
}

// promptfoo `javascript` assertions.
TEST_F(ScriptScorerTest, PromptfooJavascriptInline) {
  const auto includes = make({{"javascript", "output.includes(context.vars.city)"}});
  EXPECT_TRUE(run(*includes, {"It is Paris.", {}, {{"city", "Paris"}}}).pass);
  const Score miss = run(*includes, {"It is Lyon.", {}, {{"city", "Paris"}}});
  EXPECT_FALSE(miss.pass);
  EXPECT_FALSE(miss.error);
  EXPECT_EQ(miss.reason, "Custom function returned false");

  const auto declared = make({{"javascript", "const n = output.length; n < 5;"}});
  EXPECT_TRUE(run(*declared, {"abc", {}}).pass);
  EXPECT_FALSE(run(*declared, {"abcdef", {}}).pass);

  const auto body = make({{"javascript",
                           "if (output === 'Expected output') {\n"
                           "  return {pass: true, score: 0.5, reason: 'exact'};\n"
                           "}\n"
                           "return {pass: false, score: 0, reason: 'Assertion failed'};\n"}});
  const Score exact = run(*body, {"Expected output", {}});
  EXPECT_TRUE(exact.pass);
  EXPECT_EQ(exact.value, 0.5);
  EXPECT_EQ(exact.reason, "exact");

  // A number is a score: it passes above 0, or at the threshold when there is one.
  const auto number = make({{"javascript", "output.length / 10"}}, "", 0.5);
  EXPECT_TRUE(run(*number, {"0123456789", {}}).pass);
  EXPECT_FALSE(run(*number, {"0123", {}}).pass);

  const auto thrower = make({{"javascript",
                              "if (output === 'x') {\n"
                              "  throw new Error('This is an error');\n"
                              "}\n"
                              "return true;\n"}});
  const Score thrown = run(*thrower, {"x", {}});
  EXPECT_FALSE(thrown.pass);
  EXPECT_FALSE(thrown.error);
  EXPECT_EQ(thrown.reason, "Custom function threw error: This is an error");

  // console.log in an assertion goes to stderr, never into the protocol.
  const auto logs = make({{"javascript", "console.log('looking at', output);\nreturn output.length > 0;"}});
  EXPECT_TRUE(run(*logs, {"x", {}}).pass);
}

TEST_F(ScriptScorerTest, PromptfooJavascriptSeesToolCallsAsOutput) {
  const auto scorer = make({{"javascript", "output[0].function.name === 'get_current_weather'"}});
  Trial trial{"", {}};
  trial.answer.tool_calls.push_back({"call_1", "get_current_weather", {{"location", "Paris"}}});
  const Score score = run(*scorer, trial);
  EXPECT_TRUE(score.pass) << score.reason;
}

TEST_F(ScriptScorerTest, PromptfooJavascriptFile) {
  const auto scorer =
      make({{"javascript", "file://promptfoo/grade.js"}, {"config", {{"maxLength", 40}}}});
  const Score pass = run(*scorer, {"Capital: Paris", {}, {{"city", "Paris"}}});
  EXPECT_TRUE(pass.pass) << pass.reason;
  EXPECT_EQ(pass.reason, "mentions Paris");
  const Score miss = run(*scorer, {"Capital: Lyon", {}, {{"city", "Paris"}}});
  EXPECT_FALSE(miss.pass);
  EXPECT_EQ(miss.reason, "does not mention Paris");
}

TEST_F(ScriptScorerTest, PromptfooPython) {
  const auto inline_expression = make({{"python", "context['vars']['city'] in output"}});
  EXPECT_TRUE(run(*inline_expression, {"Capital: Paris", {}, {{"city", "Paris"}}}).pass);
  EXPECT_FALSE(run(*inline_expression, {"Capital: Lyon", {}, {{"city", "Paris"}}}).pass);

  const auto body = make({{"python",
                           "if output == 'Expected output':\n"
                           "    return {'pass': True, 'score': 0.5}\n"
                           "return {'pass': False, 'score': 0}\n"}});
  EXPECT_EQ(run(*body, {"Expected output", {}}).value, 0.5);
  EXPECT_FALSE(run(*body, {"other", {}}).pass);

  const auto file = make({{"python", "file://promptfoo/grade.py"}});
  EXPECT_TRUE(run(*file, {"Capital: Tokyo", {}, {{"city", "Tokyo"}}}).pass);
  const auto function = make({{"python", "file://promptfoo/grade.py:polite"}}, "", 0.5);
  EXPECT_TRUE(run(*function, {"Tokyo.", {}}).pass);
  EXPECT_FALSE(run(*function, {"A stupid question.", {}}).pass);

  const auto failing = make({{"python", "1 / 0"}});
  const Score thrown = run(*failing, {"x", {}});
  EXPECT_FALSE(thrown.pass);
  EXPECT_FALSE(thrown.error);
  EXPECT_NE(thrown.reason.find("Python code execution failed: ZeroDivisionError"),
            std::string::npos)
      << thrown.reason;

  // A GradingResult under a threshold fails, as promptfoo's python assertions do.
  const auto graded = make({{"python", "{'pass': True, 'score': 0.4, 'reason': 'meh'}"}}, "", 0.5);
  const Score low = run(*graded, {"x", {}});
  EXPECT_FALSE(low.pass);
  EXPECT_EQ(low.reason, "Python score 0.4 is less than threshold 0.5: meh");
}

}  // namespace
}  // namespace evalkit

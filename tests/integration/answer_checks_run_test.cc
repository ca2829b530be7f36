// Checks on the whole answer through the evalkit binary against the fake OpenAI endpoint:
// tool calls the fake decides from the question (tool_call, tool_args_schema, finish_reason),
// latency the fake injects and cost at the provider's price, and `transform:` on a scorer and
// on a prompt, with malformed transforms refused at load time with their place.
#include <map>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "tests/support/fake_openai_server.h"
#include "tests/support/process.h"
#include "tests/support/test_files.h"

namespace evalkit::testing {
namespace {

using ::testing::HasSubstr;

// Scores of the run document by "case/metric".
std::map<std::string, nlohmann::json> scores_by_case(const nlohmann::json& doc) {
  std::map<std::string, nlohmann::json> out;
  for (const auto& t : doc["trials"]) {
    for (const auto& s : t["scores"]) {
      out[t["case_id"].get<std::string>() + "/" + s["name"].get<std::string>()] = s;
    }
  }
  return out;
}

std::map<std::string, nlohmann::json> trials_by_case(const nlohmann::json& doc) {
  std::map<std::string, nlohmann::json> out;
  for (const auto& t : doc["trials"]) out[t["case_id"].get<std::string>()] = t;
  return out;
}

class AnswerChecksRunTest : public ::testing::Test {
 protected:
  ProcessResult run(const FakeOpenAIServer& server, const std::string& suite_text,
                    std::vector<std::string> extra = {}) {
    const std::string suite = write_test_file(dir_, "suite.yaml", suite_text);
    ProcessOptions options;
    options.env["FAKE_BASE_URL"] = server.base_url();
    options.timeout_s = 60;
    std::vector<std::string> args = {"run",           suite,   "--db", dir_ + "/evalkit.db",
                                     "--report-json", report_, "-q"};
    args.insert(args.end(), extra.begin(), extra.end());
    return run_evalkit(args, options);
  }

  std::string dir_ = make_temp_dir("answer-checks-run");
  std::string report_ = dir_ + "/run.json";
};

const char* kToolSuite = R"(suite: tool-checks
providers:
  - {id: assistant, type: openai-chat, model: fake-chat, base_url: "${FAKE_BASE_URL}"}
prompts:
  - id: ask
    messages:
      - {role: user, content: "{{question}}"}
    tools:
      - type: function
        function:
          name: get_weather
          parameters:
            type: object
            required: [city]
            additionalProperties: false
            properties:
              city: {type: string}
              unit: {enum: [celsius, fahrenheit]}
      - name: get_time
        parameters: {type: object, properties: {zone: {type: string}}}
scorers:
  - {type: tool_call, name: called}
  - {type: tool_args_schema, name: args_valid}
  - {type: finish_reason, value: tool_calls, name: stopped_to_call}
cases:
  - id: weather
    vars: {question: "get_weather city=Paris unit=celsius"}
    expected: '{"name": "get_weather", "arguments": {"city": "Paris"}}'
  - id: wrong-tool
    vars: {question: "get_time zone=UTC"}
    expected: '{"name": "get_weather", "arguments": {"city": "Paris"}}'
  - id: bad-arguments
    vars: {question: "get_weather unit=kelvin"}
    expected: get_weather
  - id: templated
    vars: {question: "get_weather city=Oslo", city: Oslo}
    expected: get_weather
    scorers:
      - type: tool_call
        name: city_from_vars
        calls: [{name: get_weather, arguments: {city: "{{city}}"}}]
  - id: no-call
    vars: {question: "what is the weather like"}
    expected: get_weather
    scorers:
      - type: tool_call
        name: exact_args
        calls: [{name: get_weather, arguments: {city: {regex: "^Par"}}}]
        arguments: exact
)";

TEST_F(AnswerChecksRunTest, ToolCallsDecidedByTheQuestionAreChecked) {
  FakeOpenAIServer server;
  const ProcessResult r = run(server, kToolSuite);
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;  // three cases fail on purpose
  const nlohmann::json doc = read_json_file(report_);
  const auto scores = scores_by_case(doc);
  const auto trials = trials_by_case(doc);
  ASSERT_EQ(trials.size(), 5u) << doc.dump(1).substr(0, 2000);

  EXPECT_TRUE(trials.at("weather")["pass"].get<bool>()) << trials.at("weather").dump(1);
  EXPECT_EQ(scores.at("weather/called")["reason"], "called get_weather(city=Paris, unit=celsius)");
  EXPECT_EQ(scores.at("weather/args_valid")["value"], 1.0);
  EXPECT_EQ(scores.at("weather/stopped_to_call")["pass"], true);

  const nlohmann::json& wrong = scores.at("wrong-tool/called");
  EXPECT_EQ(wrong["pass"], false);
  EXPECT_EQ(wrong["value"], 0.0);
  EXPECT_EQ(wrong["reason"], "expected get_weather(city=Paris), got get_time(zone=UTC)");
  EXPECT_EQ(scores.at("wrong-tool/args_valid")["pass"], true);  // get_time's own schema holds

  EXPECT_EQ(scores.at("bad-arguments/called")["pass"], true);
  const nlohmann::json& bad = scores.at("bad-arguments/args_valid");
  EXPECT_EQ(bad["pass"], false);
  EXPECT_THAT(bad["reason"].get<std::string>(), HasSubstr("get_weather({\"unit\":\"kelvin\"})"));

  // A case's variables fill the expected call: {{city}} is Oslo here.
  EXPECT_EQ(scores.at("templated/city_from_vars")["pass"], true)
      << scores.at("templated/city_from_vars").dump();
  EXPECT_EQ(scores.at("templated/city_from_vars")["reason"], "called get_weather(city=Oslo)");

  EXPECT_EQ(scores.at("no-call/called")["pass"], false);
  EXPECT_EQ(scores.at("no-call/called")["reason"],
            "expected get_weather, got no tool call (the answer is text: 'echo: what is the "
            "weather like')");
  EXPECT_EQ(scores.at("no-call/exact_args")["pass"], false);
  EXPECT_EQ(scores.at("no-call/stopped_to_call")["reason"],
            "finish reason 'stop', expected 'tool_calls'");
  EXPECT_EQ(scores.at("no-call/args_valid")["reason"],
            "no tool call to check (the answer is text: 'echo: what is the weather like')");
}

TEST_F(AnswerChecksRunTest, LatencyInjectedByTheFakeAndCostAtThePrice) {
  FakeOpenAIServerOptions options;
  options.latency_ms = 250;
  FakeOpenAIServer server(options);
  const ProcessResult r = run(server, R"(suite: limits
providers:
  - id: priced
    type: openai-chat
    model: fake-chat
    base_url: "${FAKE_BASE_URL}"
    price: {input: 1000, output: 2000}
  - {id: unpriced, type: openai-chat, model: fake-chat, base_url: "${FAKE_BASE_URL}"}
under_test: [priced, unpriced]
prompts:
  - "{{question}}"
scorers:
  - {type: latency, max: 0.1, name: fast}
  - {type: latency, max: 10, name: patient}
  - {type: cost, max: 0.05, name: affordable}
  - {type: cost, max: 0.001, name: thrifty}
cases:
  - {id: q, vars: {question: "one two three"}}
)");
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  const nlohmann::json doc = read_json_file(report_);
  ASSERT_EQ(doc["trials"].size(), 2u);
  std::map<std::string, std::map<std::string, nlohmann::json>> by_provider;
  for (const auto& t : doc["trials"]) {
    for (const auto& s : t["scores"]) by_provider[t["provider_id"]][s["name"]] = s;
  }
  const auto& priced = by_provider["priced"];
  // The fake holds every answer 250 ms.
  EXPECT_EQ(priced.at("fast")["pass"], false);
  EXPECT_GE(priced.at("fast")["details"]["seconds"].get<double>(), 0.25);
  EXPECT_THAT(priced.at("fast")["reason"].get<std::string>(), HasSubstr("s is over max 0.1 s"));
  EXPECT_EQ(priced.at("patient")["pass"], true);
  // "one two three" is 3 prompt tokens; "echo: one two three" 4 completion tokens:
  // (3 * 1000 + 4 * 2000) / 1e6 = $0.011.
  EXPECT_NEAR(priced.at("affordable")["details"]["cost_usd"].get<double>(), 0.011, 1e-12);
  EXPECT_EQ(priced.at("affordable")["pass"], true);
  EXPECT_EQ(priced.at("thrifty")["pass"], false);
  EXPECT_EQ(priced.at("thrifty")["reason"], "cost $0.011 is over max $0.001");
  // Without a price the cost cannot be checked: an error, never a pass.
  const auto& unpriced = by_provider["unpriced"];
  EXPECT_EQ(unpriced.at("affordable")["error"], true);
  EXPECT_EQ(unpriced.at("affordable")["pass"], false);
}

TEST_F(AnswerChecksRunTest, TimeToFirstTokenOfAStreamedAnswer) {
  FakeOpenAIServerOptions options;
  options.stream_interval_ms = 40;
  FakeOpenAIServer server(options);
  const ProcessResult r = run(server, R"(suite: ttft
providers:
  - {id: assistant, type: openai-chat, model: fake-chat, base_url: "${FAKE_BASE_URL}", stream: true}
prompts:
  - "{{question}}"
scorers:
  - {type: latency, of: first_token, max: 0.01, name: first_fast}
  - {type: latency, of: first_token, max: 10, name: first_ok}
cases:
  - {id: q, vars: {question: "a b c d e f"}}
)");
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  const auto scores = scores_by_case(read_json_file(report_));
  EXPECT_EQ(scores.at("q/first_fast")["pass"], false);
  EXPECT_THAT(scores.at("q/first_fast")["reason"].get<std::string>(),
              HasSubstr("time to first token "));
  EXPECT_GE(scores.at("q/first_fast")["details"]["seconds"].get<double>(), 0.035);
  EXPECT_EQ(scores.at("q/first_ok")["pass"], true);
}

TEST_F(AnswerChecksRunTest, TransformsPickThePartThatIsScored) {
  FakeOpenAIServerOptions options;
  options.rules.push_back({"city please",
                           "Here you are:\n```json\n{\"city\": \"Paris\", \"temp\": 21}\n```",
                           {},
                           {},
                           {}});
  FakeOpenAIServer server(options);
  const ProcessResult r = run(server, R"(suite: transforms
providers:
  - {id: assistant, type: openai-chat, model: fake-chat, base_url: "${FAKE_BASE_URL}"}
prompts:
  - {id: plain, prompt: "{{question}}"}
  - id: temp-only
    prompt: "{{question}}"
    transform: {regex: '"temp": (\d+)'}
scorers:
  - type: exact_match
    name: city
    transform: [strip_code_fence, city]
    expected: Paris
  - {type: contains, name: has_21, value: "21"}
cases:
  - {id: json, vars: {question: "city please"}}
  - {id: text, vars: {question: "no json here"}}
)");
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  const nlohmann::json doc = read_json_file(report_);
  std::map<std::string, nlohmann::json> trials, scores;
  for (const auto& t : doc["trials"]) {
    const std::string key =
        t["prompt_id"].get<std::string>() + "/" + t["case_id"].get<std::string>();
    trials[key] = t;
    for (const auto& s : t["scores"]) scores[key + "/" + s["name"].get<std::string>()] = s;
  }
  ASSERT_EQ(trials.size(), 4u);
  EXPECT_EQ(scores.at("plain/json/city")["pass"], true) << scores.at("plain/json/city").dump();
  EXPECT_THAT(scores.at("plain/json/city")["signature"].get<std::string>(),
              HasSubstr("|transform:fence > path:city"));
  EXPECT_EQ(scores.at("plain/text/city")["pass"], false);
  EXPECT_EQ(scores.at("plain/text/city")["error"], false);
  EXPECT_EQ(scores.at("plain/text/city")["reason"],
            "transform: path 'city': the value is not JSON: 'echo: no json here'");

  // The prompt's transform replaces the output every scorer sees, keeping the model's text.
  EXPECT_EQ(trials.at("temp-only/json")["output"], "21");
  EXPECT_THAT(trials.at("temp-only/json")["raw_output"].get<std::string>(), HasSubstr("```json"));
  EXPECT_EQ(scores.at("temp-only/json/has_21")["pass"], true);
  EXPECT_EQ(trials.at("plain/json").count("raw_output"), 0u);
  // Nothing to pick: every scorer of the trial fails with the transform's reason.
  EXPECT_EQ(trials.at("temp-only/text")["pass"], false);
  EXPECT_EQ(scores.at("temp-only/text/has_21")["reason"],
            "prompt 'temp-only' transform: regex /\"temp\": (\\d+)/ does not match 'echo: no "
            "json here'");
}

TEST_F(AnswerChecksRunTest, MalformedTransformsAreRefusedAtLoadWithTheirPlace) {
  const std::string suite = write_test_file(dir_, "bad.yaml", R"(suite: bad
providers:
  - {id: assistant, type: openai-chat, model: fake-chat, base_url: "http://127.0.0.1:9"}
prompts:
  - "{{question}}"
scorers:
  - {type: contains, value: x, transform: tool_call.0.name}
cases:
  - {id: q, vars: {question: hi}}
)");
  ProcessResult r = run_evalkit({"validate", suite});
  EXPECT_EQ(r.exit_code, 3) << r.out << r.err;
  EXPECT_THAT(r.err, HasSubstr("bad.yaml:7:43: transform: transform path 'tool_call.0.name' "
                               "starts with 'tool_call', which is not a field of the answer "
                               "(did you mean 'tool_calls'?)"));
  const std::string regex_suite = write_test_file(dir_, "regex.yaml", R"(suite: bad
providers:
  - {id: assistant, type: openai-chat, model: fake-chat, base_url: "http://127.0.0.1:9"}
prompts:
  - id: p
    prompt: "{{question}}"
    transform: {regex: "(unclosed"}
cases:
  - {id: q, vars: {question: hi}}
)");
  r = run_evalkit({"run", regex_suite, "--db", dir_ + "/never.db"});
  EXPECT_EQ(r.exit_code, 3) << r.out << r.err;
  EXPECT_THAT(r.err,
              HasSubstr("regex.yaml:7:16: transform: transform regex /(unclosed/ is invalid"));
}

std::string gate_suite(int cases, const std::string& gate) {
  std::string text = R"(suite: latency-gate
providers:
  - id: assistant
    type: openai-chat
    model: fake-chat
    base_url: "${FAKE_BASE_URL}"
    price: {input: 1000, output: 2000}
prompts:
  - "{{question}}"
scorers:
  - {type: regex, pattern: "^echo"}
gate:
)" + gate + "cases:\n";
  for (int i = 0; i < cases; ++i) {
    text += "  - {id: q" + std::to_string(i) + ", vars: {question: \"question " +
            std::to_string(i) + "\"}}\n";
  }
  return text;
}

TEST_F(AnswerChecksRunTest, ASlowerEndpointFailsTheLatencyGate) {
  const std::string gate =
      "  latency_p95: {max_increase: 0.5}\n  cost_mean: {max_increase: 0.1, max: 1}\n";
  {
    FakeOpenAIServer fast;
    const ProcessResult r = run(fast, gate_suite(10, gate));
    ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
    const ProcessResult saved =
        run_evalkit({"baseline", "save", "main", "--db", dir_ + "/evalkit.db"});
    ASSERT_EQ(saved.exit_code, 0) << saved.err;
  }
  FakeOpenAIServerOptions options;
  options.latency_ms = 300;  // well above a loaded machine's own delays
  FakeOpenAIServer slow(options);
  ProcessOptions env;
  env.env["FAKE_BASE_URL"] = slow.base_url();
  const std::string suite = write_test_file(dir_, "suite.yaml", gate_suite(10, gate));
  const ProcessResult r =
      run_evalkit({"run", suite, "--db", dir_ + "/evalkit.db", "--baseline", "main",
                   "--report-json", report_, "--md", dir_ + "/summary.md"},
                  env);
  EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
  EXPECT_THAT(r.out, HasSubstr("Gate: REGRESSED"));
  EXPECT_THAT(r.out, HasSubstr("latency_p95"));
  const nlohmann::json doc = read_json_file(report_);
  nlohmann::json p95, cost;
  for (const auto& m : doc["comparison"]["metrics"]) {
    if (m["metric"] == "latency_p95") p95 = m;
    if (m["metric"] == "cost_mean") cost = m;
  }
  ASSERT_FALSE(p95.is_null()) << doc["comparison"].dump(1);
  EXPECT_EQ(p95["verdict"], "regressed");
  EXPECT_EQ(p95["rise_is_worse"], true);
  EXPECT_GE(p95["current"].get<double>(), 0.15);
  EXPECT_GT(p95["relative_change"].get<double>(), 0.5);
  EXPECT_THAT(p95["note"].get<std::string>(), HasSubstr("is larger than max_increase 50%"));
  // The same questions cost the same: no change, and the ceiling held.
  EXPECT_EQ(cost["verdict"], "no significant change");
  EXPECT_EQ(doc["comparison"]["family_size"], 2);
  const nlohmann::json& floors = doc["gate"]["floors"];
  ASSERT_EQ(floors.size(), 1u);
  EXPECT_EQ(floors[0]["metric"], "cost_mean");
  EXPECT_EQ(floors[0]["held"], true);
  EXPECT_THAT(read_text_file(dir_ + "/summary.md"), HasSubstr("| latency\\_p95 | 0.0"));
}

TEST_F(AnswerChecksRunTest, ACeilingOnLatencyHoldsWithoutABaseline) {
  FakeOpenAIServerOptions options;
  options.latency_ms = 120;
  FakeOpenAIServer slow(options);
  const ProcessResult r = run(slow, gate_suite(3, "  latency_mean: {max: 0.05}\n"));
  EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
  const nlohmann::json doc = read_json_file(report_);
  EXPECT_EQ(doc["gate"]["verdict"], "fail");
  ASSERT_EQ(doc["gate"]["reasons"].size(), 1u);
  EXPECT_THAT(doc["gate"]["reasons"][0].get<std::string>(), HasSubstr("latency_mean 0.1"));
  EXPECT_THAT(doc["gate"]["reasons"][0].get<std::string>(), HasSubstr("is above its ceiling 0.05"));
}

// The ceiling reads every trial back from the store even when no report asks for them.
TEST_F(AnswerChecksRunTest, ACeilingFailsARunThatWritesNoReport) {
  FakeOpenAIServerOptions options;
  options.latency_ms = 120;
  FakeOpenAIServer slow(options);
  const std::string suite =
      write_test_file(dir_, "suite.yaml", gate_suite(3, "  latency_mean: {max: 0.05}\n"));
  ProcessOptions env;
  env.env["FAKE_BASE_URL"] = slow.base_url();
  env.timeout_s = 60;
  const ProcessResult r = run_evalkit({"run", suite, "--db", dir_ + "/evalkit.db", "-q"}, env);
  EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
  EXPECT_THAT(r.out + r.err, HasSubstr("is above its ceiling 0.05"));
}

TEST_F(AnswerChecksRunTest, GateRulesOnLatencyAreChecked) {
  const std::string suite =
      write_test_file(dir_, "bad-gate.yaml", gate_suite(1, "  latency_p95: {max_drop: 0.1}\n"));
  ProcessOptions env;
  env.env["FAKE_BASE_URL"] = "http://127.0.0.1:9/v1";
  ProcessResult r = run_evalkit({"validate", suite}, env);
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_THAT(r.err,
              HasSubstr("'latency_p95' is worse when it rises: gate it with 'max_increase'"));
  const std::string other =
      write_test_file(dir_, "bad-gate2.yaml", gate_suite(1, "  pass_rate: {max_increase: 0.1}\n"));
  r = run_evalkit({"validate", other}, env);
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_THAT(r.err, HasSubstr("'max_increase' is for latency_p95, latency_mean and cost_mean"));
}

}  // namespace
}  // namespace evalkit::testing

// Several prompts and systems under test in one run, end to end: per-cell summaries against
// answers known in advance, the paired verdicts between providers, an A/A pair that must not
// be flagged, rankings, errored cases counted, and `evalkit compare RUN --by`.
#include <fstream>
#include <iterator>
#include <map>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "tests/support/fake_openai_faults.h"
#include "tests/support/fake_openai_server.h"
#include "tests/support/process.h"
#include "tests/support/test_files.h"

namespace evalkit::testing {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;

constexpr int kCases = 400;
constexpr double kHealthyNoise = 0.05;  // the healthy fake answers 5% of questions wrongly
constexpr double kDegradeRate = 0.25;   // the degraded one 25%

struct PromptText {
  std::string id;
  std::string before, after;  // the user message is before + n + after
};

const PromptText kTerse{"terse", "Question ", ": the capital of France?"};
const PromptText kPolite{"polite", "Please answer question ", ": which city is France's capital?"};

std::string write_cases(const std::string& dir, int count) {
  std::string lines;
  for (int i = 0; i < count; ++i) {
    lines += "{\"id\": \"q" + std::to_string(i) + "\", \"vars\": {\"n\": " + std::to_string(i) +
             "}, \"expected\": \"Paris\"}\n";
  }
  return write_test_file(dir, "cases.jsonl", lines);
}

std::string prompt_yaml(const PromptText& prompt) {
  return "  - id: " + prompt.id + "\n    messages: [{role: user, content: \"" + prompt.before +
         "{{n}}" + prompt.after + "\"}]\n";
}

std::string provider_yaml(const std::string& id, const std::string& model,
                          const std::string& base_url, int max_attempts = 4) {
  return "  - {id: " + id + ", type: openai-chat, model: " + model + ", base_url: \"" + base_url +
         "\", max_attempts: " + std::to_string(max_attempts) + "}\n";
}

const std::string kScorers =
    "scorers:\n  - {type: exact_match, normalize: [lower, trim]}\n  - {type: levenshtein}\n";

FakeOpenAIServerOptions fake(double degrade_rate, const std::string& wrong_answer) {
  FakeOpenAIServerOptions options;
  options.rules = {{"", "Paris", {}, {}, {}}};
  options.degrade_rate = degrade_rate;
  options.degrade_reply = wrong_answer;
  return options;
}

// How many of the cases the fake answers right for this model and prompt.
int known_passes(const std::string& model, const PromptText& prompt, double rate) {
  int passes = 0;
  for (int i = 0; i < kCases; ++i) {
    passes += is_degraded(model, prompt.before + std::to_string(i) + prompt.after, rate, 0) ? 0 : 1;
  }
  return passes;
}

const json& find_cell(const json& doc, const std::string& prompt, const std::string& provider) {
  for (const json& cell : doc["groups"]["by_cell"]) {
    if (cell["prompt_id"] == prompt && cell["provider_id"] == provider) return cell;
  }
  ADD_FAILURE() << "no cell " << prompt << " x " << provider;
  static const json none = json::object();
  return none;
}

const json& find_comparison(const json& doc, const std::string& by, const std::string& within,
                            const std::string& a, const std::string& b) {
  for (const json& comparison : doc["group_comparisons"]) {
    if (comparison["by"] == by && comparison["within"] == within && comparison["a"] == a &&
        comparison["b"] == b) {
      return comparison;
    }
  }
  ADD_FAILURE() << "no comparison " << by << " within " << within << ": " << a << " vs " << b;
  static const json none = json::object();
  return none;
}

const json& find_metric(const json& comparison, const std::string& metric) {
  for (const json& entry : comparison["metrics"]) {
    if (entry["metric"] == metric) return entry;
  }
  ADD_FAILURE() << "no metric " << metric << " in " << comparison.dump();
  static const json none = json::object();
  return none;
}

TEST(MatrixRunTest, TwoPromptsTwoProvidersKnownCellRatesAndTheDegradedProviderIsWorse) {
  const std::string dir = make_temp_dir("matrix-2x2");
  FakeOpenAIServer healthy(fake(kHealthyNoise, "Lyon"));
  FakeOpenAIServer degraded(fake(kDegradeRate, "I am not sure."));
  write_cases(dir, kCases);
  const std::string suite =
      write_test_file(dir, "suite.yaml",
                      "suite: matrix\nunder_test: [healthy, degraded]\nproviders:\n" +
                          provider_yaml("healthy", "model-h", healthy.base_url()) +
                          provider_yaml("degraded", "model-d", degraded.base_url()) + "prompts:\n" +
                          prompt_yaml(kTerse) + prompt_yaml(kPolite) +
                          "cases:\n  - file: cases.jsonl\n" + kScorers);
  const std::string db = dir + "/evalkit.db";
  const ProcessResult run = run_evalkit({"run", suite, "--db", db, "-q", "--report-json",
                                         dir + "/run.json", "--report-md", dir + "/run.md"});
  ASSERT_EQ(run.exit_code, 1) << run.out << run.err;  // some trials fail, as planned

  const json doc = read_json_file(dir + "/run.json");
  ASSERT_TRUE(doc.contains("groups")) << "a 2 x 2 run has groups";
  ASSERT_EQ(doc["groups"]["by_cell"].size(), 4u);
  ASSERT_EQ(doc["groups"]["by_provider"].size(), 2u);
  ASSERT_EQ(doc["groups"]["by_prompt"].size(), 2u);
  const std::map<std::string, std::pair<std::string, double>> providers = {
      {"healthy", {"model-h", kHealthyNoise}}, {"degraded", {"model-d", kDegradeRate}}};
  std::map<std::string, int> passes;  // "prompt/provider" -> known passes
  for (const PromptText& prompt : {kTerse, kPolite}) {
    for (const auto& [provider, model_rate] : providers) {
      const int expected = known_passes(model_rate.first, prompt, model_rate.second);
      passes[prompt.id + "/" + provider] = expected;
      const json& cell = find_cell(doc, prompt.id, provider);
      EXPECT_EQ(cell["trials"], kCases);
      EXPECT_EQ(cell["passed"], expected) << prompt.id << " x " << provider;
      EXPECT_EQ(cell["errors"], 0);
      EXPECT_DOUBLE_EQ(cell["pass_rate"].get<double>(), double(expected) / kCases);
      EXPECT_DOUBLE_EQ(cell["metrics"]["exact_match"]["mean"].get<double>(),
                       double(expected) / kCases);
      EXPECT_EQ(cell["metrics"]["exact_match"]["n"], kCases);
      EXPECT_TRUE(cell["metrics"]["levenshtein"].contains("corpus"));
    }
  }
  // The known answers differ as designed: about 95% against about 75%.
  EXPECT_GT(passes["terse/healthy"], 360);
  EXPECT_LT(passes["terse/degraded"], 320);
  const json& healthy_total = doc["groups"]["by_provider"][0];
  EXPECT_EQ(healthy_total["provider_id"], "healthy");
  EXPECT_FALSE(healthy_total.contains("prompt_id"));
  EXPECT_EQ(healthy_total["trials"], 2 * kCases);
  EXPECT_EQ(healthy_total["passed"], passes["terse/healthy"] + passes["polite/healthy"]);

  // Degraded against healthy on each prompt: worse, significantly, with the known effect.
  for (const PromptText& prompt : {kTerse, kPolite}) {
    const json& comparison = find_comparison(doc, "provider", prompt.id, "healthy", "degraded");
    EXPECT_EQ(comparison["paired"], kCases);
    EXPECT_EQ(comparison["errored"], json({{"a", 0}, {"b", 0}, {"both", 0}}));
    const json& pass_rate = find_metric(comparison, "pass_rate");
    EXPECT_EQ(pass_rate["kind"], "binary");
    EXPECT_EQ(pass_rate["verdict"], "worse");
    EXPECT_LT(pass_rate["p_adjusted"].get<double>(), 1e-6);
    const double delta =
        double(passes[prompt.id + "/degraded"] - passes[prompt.id + "/healthy"]) / kCases;
    EXPECT_NEAR(pass_rate["delta"].get<double>(), delta, 1e-12);
    EXPECT_LT(pass_rate["ci_high"].get<double>(), 0.0);
    EXPECT_LE(pass_rate["ci_low"].get<double>(), delta);
    EXPECT_GT(pass_rate["ci_level"].get<double>(), 0.95);  // Holm: stricter than 1 - alpha
    const json& levenshtein = find_metric(comparison, "levenshtein");
    EXPECT_EQ(levenshtein["kind"], "continuous");
    EXPECT_EQ(levenshtein["verdict"], "worse");
  }
  // The two prompts are equally good for each provider (independent noise at the same rate).
  for (const std::string provider : {"healthy", "degraded"}) {
    const json& comparison = find_comparison(doc, "prompt", provider, "terse", "polite");
    for (const json& metric : comparison["metrics"]) {
      EXPECT_EQ(metric["verdict"], "no significant difference") << metric.dump();
    }
  }
  EXPECT_TRUE(doc["rankings"].empty()) << "rankings need more than two members";

  EXPECT_THAT(run.out, HasSubstr("Results by prompt and provider:"));
  EXPECT_THAT(run.out, HasSubstr("Paired comparisons of providers within each prompt"));
  EXPECT_THAT(run.out, HasSubstr("worse"));
  std::ifstream markdown(dir + "/run.md");
  const std::string md((std::istreambuf_iterator<char>(markdown)),
                       std::istreambuf_iterator<char>());
  EXPECT_THAT(md, HasSubstr("### Results by prompt and provider"));
  EXPECT_THAT(md, HasSubstr("### Paired comparisons of providers within each prompt"));
  EXPECT_THAT(md, HasSubstr("❌ worse"));

  // The same comparison for the stored run.
  const ProcessResult by_provider =
      run_evalkit({"compare", "last", "--by", "provider", "--db", db});
  EXPECT_EQ(by_provider.exit_code, 0) << by_provider.err;
  EXPECT_THAT(by_provider.out, HasSubstr("Paired comparisons of providers within each prompt"));
  EXPECT_THAT(by_provider.out, ::testing::Not(HasSubstr("Paired comparisons of prompts")));
  const ProcessResult by_prompt = run_evalkit({"compare", "last", "--by", "prompt", "--db", db});
  EXPECT_EQ(by_prompt.exit_code, 0) << by_prompt.err;
  EXPECT_THAT(by_prompt.out, HasSubstr("Paired comparisons of prompts within each provider"));
  const ProcessResult bad = run_evalkit({"compare", "last", "--by", "model", "--db", db});
  EXPECT_EQ(bad.exit_code, 3);
  EXPECT_THAT(bad.err, HasSubstr("--by wants provider or prompt"));
}

TEST(MatrixRunTest, AnAAPairIsNotFlaggedAndRankingsShareARank) {
  const std::string dir = make_temp_dir("matrix-aa");
  FakeOpenAIServer healthy(fake(kHealthyNoise, "Lyon"));
  FakeOpenAIServer degraded(fake(kDegradeRate, "I am not sure."));
  write_cases(dir, kCases);
  // Two providers on the same healthy fake: the same system twice, with its own noise each.
  const std::string suite = write_test_file(
      dir, "suite.yaml",
      "suite: aa\ndefaults: {provider: [healthy, replica, degraded]}\nproviders:\n" +
          provider_yaml("healthy", "model-h", healthy.base_url()) +
          provider_yaml("replica", "model-h-replica", healthy.base_url()) +
          provider_yaml("degraded", "model-d", degraded.base_url()) + "prompts:\n" +
          prompt_yaml(kTerse) + "cases:\n  - file: cases.jsonl\n" + kScorers);
  const std::string db = dir + "/evalkit.db";
  const ProcessResult run =
      run_evalkit({"run", suite, "--db", db, "-q", "--report-json", dir + "/run.json"});
  ASSERT_EQ(run.exit_code, 1) << run.out << run.err;
  const json doc = read_json_file(dir + "/run.json");

  const int healthy_passes = known_passes("model-h", kTerse, kHealthyNoise);
  const int replica_passes = known_passes("model-h-replica", kTerse, kHealthyNoise);
  ASSERT_NE(healthy_passes, replica_passes) << "the replica's noise is its own";
  const json& aa = find_comparison(doc, "provider", "terse", "healthy", "replica");
  EXPECT_EQ(aa["paired"], kCases);
  for (const json& metric : aa["metrics"]) {
    EXPECT_EQ(metric["verdict"], "no significant difference") << metric.dump();
    EXPECT_LE(metric["ci_low"].get<double>(), 0.0);
    EXPECT_GE(metric["ci_high"].get<double>(), 0.0);
  }
  EXPECT_NEAR(find_metric(aa, "pass_rate")["delta"].get<double>(),
              double(replica_passes - healthy_passes) / kCases, 1e-12);
  EXPECT_EQ(find_metric(find_comparison(doc, "provider", "terse", "healthy", "degraded"),
                        "pass_rate")["verdict"],
            "worse");
  EXPECT_EQ(find_metric(find_comparison(doc, "provider", "terse", "replica", "degraded"),
                        "pass_rate")["verdict"],
            "worse");
  // Three providers x one prompt: three pairs, each with pass_rate and two scores.
  EXPECT_EQ(doc["group_comparisons"].size(), 3u);
  EXPECT_EQ(doc["group_comparisons"][0]["family_tests"], 9);

  ASSERT_EQ(doc["rankings"].size(), 1u);
  const json& ranking = doc["rankings"][0];
  EXPECT_EQ(ranking["by"], "provider");
  EXPECT_EQ(ranking["within"], "terse");
  ASSERT_EQ(ranking["entries"].size(), 3u);
  std::map<std::string, json> entries;
  for (const json& entry : ranking["entries"]) entries[entry["id"].get<std::string>()] = entry;
  EXPECT_EQ(entries["healthy"]["rank"], 1);
  EXPECT_EQ(entries["replica"]["rank"], 1);
  EXPECT_EQ(entries["degraded"]["rank"], 3);
  EXPECT_EQ(ranking["entries"][2]["id"], "degraded");
  for (const auto& [id, entry] : entries) {
    EXPECT_LE(entry["ci_low"].get<double>(), entry["pass_rate"].get<double>()) << id;
    EXPECT_GE(entry["ci_high"].get<double>(), entry["pass_rate"].get<double>()) << id;
    EXPECT_EQ(entry["cases"], kCases);
  }
  EXPECT_DOUBLE_EQ(entries["healthy"]["pass_rate"].get<double>(), double(healthy_passes) / kCases);
  EXPECT_EQ(ranking["significant_pairs"],
            json::parse(R"([["healthy", "degraded"], ["replica", "degraded"]])"));
  EXPECT_THAT(run.out, HasSubstr("Ranking of providers within prompt terse"));
}

TEST(MatrixRunTest, CasesOneSideErroredOnAreCountedNotCompared) {
  const std::string dir = make_temp_dir("matrix-errors");
  FakeOpenAIServer healthy(fake(0, ""));
  FakeOpenAIServerOptions flaky_options = fake(0, "");
  flaky_options.fail_500 = 0.2;  // with one attempt, a fifth of the trials error
  flaky_options.seed = 7;
  FakeOpenAIServer flaky(flaky_options);
  constexpr int kFew = 60;
  write_cases(dir, kFew);
  const std::string suite =
      write_test_file(dir, "suite.yaml",
                      "suite: errors\nunder_test: [healthy, flaky]\nproviders:\n" +
                          provider_yaml("healthy", "model-h", healthy.base_url()) +
                          provider_yaml("flaky", "model-f", flaky.base_url(), 1) + "prompts:\n" +
                          prompt_yaml(kTerse) + "cases:\n  - file: cases.jsonl\n" + kScorers);
  const ProcessResult run = run_evalkit(
      {"run", suite, "--db", dir + "/evalkit.db", "-q", "--report-json", dir + "/run.json"});
  ASSERT_EQ(run.exit_code, 1) << run.out << run.err;
  const json doc = read_json_file(dir + "/run.json");
  const json& flaky_cell = find_cell(doc, "terse", "flaky");
  const int errors = flaky_cell["errors"].get<int>();
  ASSERT_GT(errors, 0);
  EXPECT_EQ(flaky_cell["passed"], kFew - errors);
  const json& comparison = find_comparison(doc, "provider", "terse", "healthy", "flaky");
  EXPECT_EQ(comparison["errored"], json({{"a", 0}, {"b", errors}, {"both", 0}}));
  EXPECT_EQ(comparison["paired"], kFew - errors);
  // Every answered case passed on both sides: errors are not counted as failures.
  const json& pass_rate = find_metric(comparison, "pass_rate");
  EXPECT_EQ(pass_rate["n"], kFew - errors);
  EXPECT_DOUBLE_EQ(pass_rate["b_mean"].get<double>(), 1.0);
  EXPECT_EQ(pass_rate["verdict"], "no significant difference");
  EXPECT_THAT(run.out, HasSubstr("left out for errors"));
}

}  // namespace
}  // namespace evalkit::testing

#include "tests/support/report_documents.h"

#include <algorithm>
#include <cmath>
#include <map>

namespace evalkit::testing {
namespace {

using nlohmann::json;

const std::vector<std::string>& capitals() {
  static const std::vector<std::string> names = {"Paris",  "Berlin", "Madrid", "Rome",
                                                 "Lisbon", "Vienna", "Oslo",   "Athens"};
  return names;
}

const std::vector<std::string>& countries() {
  static const std::vector<std::string> names = {"France",   "Germany", "Spain",  "Italy",
                                                 "Portugal", "Austria", "Norway", "Greece"};
  return names;
}

std::string plain_output(int i, bool baseline) {
  const std::string& capital = capitals()[size_t(i) % capitals().size()];
  if (baseline) return "The capital is " + capital + ", a large old city by the river.";
  return "The capital city is " + capital + ", an old city by a river.";
}

std::string judge_prompt(const std::string& country, const std::string& output,
                         const std::string& capital) {
  return "You are comparing a submitted answer to an expert answer on a given question.\n"
         "[BEGIN DATA]\n************\n[Question]: What is the capital of " +
         country + "?\n************\n[Expert]: " + capital +
         "\n************\n[Submission]: " + output +
         "\n************\n[END DATA]\nCompare the factual content of the submitted answer "
         "with the expert answer. Answer with one letter, A to E, then your reasoning.";
}

json make_trial(int i, const SyntheticReportOptions& options) {
  const bool grid = !options.prompts.empty() && !options.providers.empty();
  const int cells = grid ? int(options.prompts.size() * options.providers.size()) : 1;
  const int case_number = grid ? i / cells : i / options.repeats;
  const bool error = i % 17 == 6;
  const bool fail = !error && i % 5 == 3;
  const bool hostile = options.hostile && i % 7 == 1;
  const std::string& country = countries()[size_t(case_number) % countries().size()];
  const std::string& capital = capitals()[size_t(case_number) % capitals().size()];
  std::string output;
  if (!error) {
    output = hostile ? hostile_outputs()[size_t(i / 7) % hostile_outputs().size()]
                     : plain_output(case_number, grid && (i % cells) % 2 == 1);
  }
  const double rouge = error ? 0.0 : (fail ? 0.2 : 0.5 + 0.5 * double((i * 37) % 100) / 100.0);
  const bool exact_pass = !error && !fail;

  json labels = json::array({case_number % 3 == 0 ? "smoke" : "qa"});
  if (case_number % 4 == 1) labels.push_back("geo");

  json scores = json::array();
  if (!error) {
    scores.push_back({{"name", "exact_match"},
                      {"type", "exact_match"},
                      {"value", exact_pass ? 1.0 : 0.0},
                      {"pass", exact_pass},
                      {"error", false},
                      {"reason", exact_pass ? "matched '" + capital + "'"
                                            : "expected '" + capital + "', got other text"},
                      {"signature", "exact_match|norm:lower,trim"},
                      {"weight", 1.0},
                      {"details", json::object()}});
    scores.push_back({{"name", "rougeL"},
                      {"type", "rouge"},
                      {"value", rouge},
                      {"pass", rouge >= 0.4},
                      {"error", false},
                      {"reason", "F1 of the longest common subsequence"},
                      {"signature", "rougeL|stem:no"},
                      {"weight", 1.0},
                      {"details", json::object()}});
    scores.push_back({{"name", "factuality"},
                      {"type", "judge"},
                      {"value", exact_pass ? 1.0 : 0.0},
                      {"pass", exact_pass},
                      {"error", false},
                      {"reason", exact_pass ? "consistent with the reference" : "contradicts it"},
                      {"signature", "judge|template:factuality|model:gpt-4o"},
                      {"weight", 1.0},
                      {"details",
                       {{"verdict", exact_pass ? "A" : "D"},
                        {"reasoning", "The answer names " + capital +
                                          (exact_pass ? " as expected." : " wrongly.")}}}});
    if (options.judge_transcripts) {
      json& details = scores.back()["details"];
      const std::string verdict = exact_pass ? "A" : "D";
      details["template"] = "factuality";
      details["reason"] = scores.back()["reason"];  // the judge repeats its reason here
      details["system"] = "You are a careful grader. Follow the rubric exactly.";
      details["prompt"] = judge_prompt(country, output, capital);
      details["verdicts"] = json::array({{{"sample", 0},
                                          {"raw", verdict + "\nThe submission " +
                                                      (exact_pass ? "agrees with" : "contradicts") +
                                                      " the expert answer."},
                                          {"label", verdict},
                                          {"score", exact_pass ? 1.0 : 0.0},
                                          {"reason", details["reasoning"]}}});
    }
  }
  double weighted = 0;
  for (const auto& score : scores) weighted += score["value"].get<double>();
  if (!scores.empty()) weighted /= double(scores.size());

  json trial = {
      {"index", i},
      {"case_id", "capital-" + country + "-" + std::to_string(case_number)},
      {"prompt_id", grid ? options.prompts[size_t(i % cells) / options.providers.size()] : "qa"},
      {"provider_id", grid ? options.providers[size_t(i % cells) % options.providers.size()]
                           : (i % 2 == 0 ? "assistant" : "assistant-large")},
      {"repeat", grid ? 0 : i % options.repeats},
      {"labels", labels},
      {"vars", {{"country", country}}},
      {"expected", json::array({capital})},
      {"request",
       {{"messages",
         json::array({{{"role", "system"}, {"content", "Answer in one sentence."}},
                      {{"role", "user"}, {"content", "What is the capital of " + country + "?"}}})},
        {"params", {{"temperature", 0}}}}},
      {"output", output},
      {"finish_reason", error ? "" : "stop"},
      {"error", error ? "request timed out after 30 s" : ""},
      {"error_kind", error ? "timeout" : ""},
      {"latency_s", 0.1 + double(i % 50) / 100.0},
      {"duration_s", 0.12 + double(i % 50) / 100.0},
      {"prompt_tokens", error ? 0 : 20},
      {"completion_tokens", error ? 0 : 12},
      {"cost_usd", error ? 0.0 : 0.00001},
      {"attempts", error ? 3 : 1},
      {"cached", false},
      {"pass", exact_pass && rouge >= 0.4},
      {"weighted_score", weighted},
      {"scores", scores},
      {"baseline", nullptr}};
  if (options.with_comparison) {
    const bool baseline_pass = i % 11 == 3 ? true : exact_pass && rouge >= 0.4;
    trial["baseline"] = {
        {"output", plain_output(case_number, true)},
        {"pass", baseline_pass},
        {"weighted_score", baseline_pass ? 0.9 : 0.3},
        {"scores",
         {{"exact_match", baseline_pass ? 1.0 : 0.0}, {"rougeL", baseline_pass ? 0.8 : 0.2}}}};
  }
  return trial;
}

double percentile(std::vector<double> values, double q) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  return values[size_t(q * double(values.size() - 1))];
}

json make_summary(const json& trials) {
  int passed = 0, failed = 0, errors = 0;
  int64_t prompt_tokens = 0, completion_tokens = 0;
  double cost = 0;
  std::vector<double> latencies;
  for (const auto& trial : trials) {
    if (!trial["error_kind"].get<std::string>().empty()) {
      ++errors;
    } else if (trial["pass"].get<bool>()) {
      ++passed;
    } else {
      ++failed;
    }
    prompt_tokens += trial["prompt_tokens"].get<int64_t>();
    completion_tokens += trial["completion_tokens"].get<int64_t>();
    cost += trial["cost_usd"].get<double>();
    latencies.push_back(trial["latency_s"].get<double>());
  }
  const double n = std::max<double>(1, double(trials.size()));
  return {{"trials", trials.size()},
          {"cases", trials.size()},
          {"passed", passed},
          {"failed", failed},
          {"errors", errors},
          {"pass_rate", passed / n},
          {"prompt_tokens", prompt_tokens},
          {"completion_tokens", completion_tokens},
          {"cost_usd", cost},
          {"latency_p50_s", percentile(latencies, 0.5)},
          {"latency_p95_s", percentile(latencies, 0.95)},
          {"errors_by_kind", errors > 0 ? json{{"timeout", errors}} : json::object()}};
}

json make_scorer_summaries(const json& trials) {
  struct Totals {
    std::string type, signature;
    int count = 0, passes = 0;
    double sum = 0;
  };
  std::map<std::string, Totals> totals;
  std::vector<std::string> order;
  for (const auto& trial : trials) {
    for (const auto& score : trial["scores"]) {
      const std::string name = score["name"];
      if (!totals.count(name)) order.push_back(name);
      Totals& t = totals[name];
      t.type = score["type"];
      t.signature = score["signature"];
      ++t.count;
      t.passes += score["pass"].get<bool>() ? 1 : 0;
      t.sum += score["value"].get<double>();
    }
  }
  json scorers = json::array();
  for (const auto& name : order) {
    const Totals& t = totals[name];
    json corpus = nullptr;
    if (name == "rougeL") corpus = {{"score", 100.0 * t.sum / t.count}, {"scale", "0-100"}};
    scorers.push_back({{"name", name},
                       {"type", t.type},
                       {"signature", t.signature},
                       {"count", t.count},
                       {"mean", t.sum / t.count},
                       {"pass_rate", double(t.passes) / t.count},
                       {"errors", 0},
                       {"corpus", corpus}});
  }
  return scorers;
}

json make_comparison(const json& trials) {
  json flipped = json::array();
  json drops = json::array();
  int baseline_passes = 0, current_passes = 0;
  for (const auto& trial : trials) {
    const json& baseline = trial["baseline"];
    const bool was = baseline["pass"].get<bool>();
    const bool now = trial["pass"].get<bool>();
    baseline_passes += was ? 1 : 0;
    current_passes += now ? 1 : 0;
    const json key = {{"case_id", trial["case_id"]},
                      {"prompt_id", trial["prompt_id"]},
                      {"provider_id", trial["provider_id"]}};
    if (was != now) {
      json flip = key;
      flip.update({{"baseline_pass", was},
                   {"current_pass", now},
                   {"baseline_output", baseline["output"]},
                   {"current_output", trial["output"]}});
      flipped.push_back(flip);
    }
    if (was && !now && drops.size() < 10) {
      json drop = key;
      drop.update({{"metric", "rougeL"},
                   {"baseline", 0.8},
                   {"current", 0.2},
                   {"delta", -0.6},
                   {"baseline_output", baseline["output"]},
                   {"current_output", trial["output"]}});
      drops.push_back(drop);
    }
  }
  // pass -> fail first, as the contract orders them.
  std::stable_sort(flipped.begin(), flipped.end(), [](const json& a, const json& b) {
    return a["baseline_pass"].get<bool>() && !b["baseline_pass"].get<bool>();
  });
  const double n = std::max<double>(1, double(trials.size()));
  const double base_rate = baseline_passes / n, current_rate = current_passes / n;
  const double delta = current_rate - base_rate;
  return {
      {"baseline", {{"name", "main"}, {"run_id", "20261122T090000Z-quickstart-0001"}}},
      {"alpha", 0.05},
      {"verdict", delta < -0.02 ? "regressed" : "pass"},
      {"metrics", json::array({{{"metric", "pass_rate"},
                                {"kind", "binary"},
                                {"baseline", base_rate},
                                {"current", current_rate},
                                {"delta", delta},
                                {"ci_low", delta - 0.03},
                                {"ci_high", delta + 0.03},
                                {"p_value", 0.01},
                                {"p_adjusted", 0.02},
                                {"test", "mcnemar-exact"},
                                {"n_pairs", trials.size()},
                                {"max_drop", 0.02},
                                {"min", nullptr},
                                {"verdict", delta < -0.02 ? "regressed" : "no significant change"},
                                {"note", ""}},
                               {{"metric", "rougeL"},
                                {"kind", "continuous"},
                                {"baseline", 0.71},
                                {"current", 0.69},
                                {"delta", -0.02},
                                {"ci_low", -0.05},
                                {"ci_high", 0.01},
                                {"p_value", 0.2},
                                {"p_adjusted", 0.2},
                                {"test", "paired-bootstrap"},
                                {"n_pairs", trials.size()},
                                {"max_drop", 0.03},
                                {"min", 0.35},
                                {"verdict", "no significant change"},
                                {"note", ""}},
                               {{"metric", "bleu"},
                                {"kind", "continuous"},
                                {"baseline", 0.3},
                                {"current", 0.3},
                                {"delta", 0},
                                {"ci_low", 0},
                                {"ci_high", 0},
                                {"p_value", 1},
                                {"p_adjusted", 1},
                                {"test", "paired-bootstrap"},
                                {"n_pairs", 0},
                                {"max_drop", nullptr},
                                {"min", nullptr},
                                {"verdict", "not compared"},
                                {"note", "signature differs: tok:13a vs tok:intl"}}})},
      {"flipped", flipped},
      {"largest_drops", drops},
      {"only_in_baseline",
       json::array(
           {{{"case_id", "capital-atlantis"}, {"prompt_id", "qa"}, {"provider_id", "assistant"}}})},
      {"only_in_current", json::array()}};
}

}  // namespace

const std::vector<std::string>& hostile_outputs() {
  static const std::vector<std::string> outputs = {
      "<script>window.__pwned=1;document.body.appendChild(document.createElement('b')).id="
      "'evalkit-pwned-marker'</script>",
      "\"><img src=x onerror=\"window.__pwned=1;document.body.appendChild(document."
      "createElement('b')).id='evalkit-pwned-marker'\">",
      "</script><script>window.__pwned=1;document.body.appendChild(document.createElement("
      "'b')).id='evalkit-pwned-marker'</script>",
      "<b id=\"evalkit-pwned-marker\">injected</b> | `code` \u2028 & *bold* [link](http://x)",
  };
  return outputs;
}

json make_report_document(const SyntheticReportOptions& options) {
  json trials = json::array();
  for (int i = 0; i < options.trials; ++i) trials.push_back(make_trial(i, options));
  json cases = json::array();
  for (const auto& trial : trials) {
    if (trial["repeat"].get<int>() != 0) continue;
    cases.push_back({{"case_id", trial["case_id"]},
                     {"prompt_id", trial["prompt_id"]},
                     {"provider_id", trial["provider_id"]},
                     {"repeats", options.repeats},
                     {"passes", trial["pass"].get<bool>() ? 1 : 0},
                     {"pass", trial["pass"]},
                     {"flaky", false},
                     {"mean_weighted_score", trial["weighted_score"]}});
  }
  json document = {
      {"format_version", 1},
      {"evalkit_version", "0.1.0"},
      {"run",
       {{"id", "20261123T113000Z-" + options.suite + "-3f9a"},
        {"suite", options.suite},
        {"description", "Capital QA"},
        {"suite_path", "suites/quickstart/suite.yaml"},
        {"suite_hash", "9f2c"},
        {"started_at", "2026-11-23T11:30:00Z"},
        {"finished_at", "2026-11-23T11:30:02Z"},
        {"duration_s", 2.1},
        {"status", "complete"},
        {"status_reason", ""},
        {"git_commit", "abc123def456"},
        {"command_line", "evalkit run suites/quickstart/suite.yaml"},
        {"providers",
         json::array(
             {{{"id", "assistant"}, {"type", "replay"}, {"model", "gpt-4o-mini"}, {"base_url", ""}},
              {{"id", "assistant-large"},
               {"type", "replay"},
               {"model", "gpt-4o"},
               {"base_url", ""}}})}}},
      {"summary", make_summary(trials)},
      {"scorers", make_scorer_summaries(trials)},
      {"providers", json::array()},
      {"trials", trials},
      {"cases", cases},
      {"comparison", options.with_comparison ? make_comparison(trials) : json(nullptr)}};
  return document;
}

}  // namespace evalkit::testing

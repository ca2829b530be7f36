// Suites for gate tests run through the evalkit binary: 50-odd capital questions whose
// answers a fake endpoint gets right or wrong by case number, so pass rates are exact.
#pragma once

#include <set>
#include <string>

#include "tests/support/fake_openai_server.h"

namespace evalkit::testing {

// {from, ..., to - 1}.
std::set<int> range(int from, int to);

// Writes n JSONL cases "<prefix><i>" with vars {n: i} and expected "Paris".
void write_gate_cases(const std::string& path, int n, const std::string& prefix);

// A fake that answers "Lyon" (wrong) to the questions numbered in `wrong` and "Paris" to the
// rest; the question of case i contains "Q[i]".
FakeOpenAIServerOptions gate_model(const std::set<int>& wrong);

struct GateSuite {
  std::string file = "suite.yaml";
  std::string name = "capitals";
  std::string prompt_id = "qa";
  std::string prompt_extra;  // more keys of the prompt, e.g. "    replaces: qa\n"
  std::string cases_file = "cases.jsonl";
  std::string base_url;
  std::string model = "fake-chat";
  std::string params = "{temperature: 0}";
  std::string scorers = "  - {type: exact_match}\n";
  std::string gate;            // the body of `gate:`, e.g. "  pass_rate: {min: 0.9}\n"
  std::string more_providers;  // more entries of `providers:` (the first is "model")
  std::string defaults;        // e.g. "defaults: {provider: [model, other]}\n"
};

// Writes dir/<file> and returns its path.
std::string write_gate_suite(const std::string& dir, const GateSuite& suite);

}  // namespace evalkit::testing

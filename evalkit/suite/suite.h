// A loaded, validated eval suite: plain values, no I/O.
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "evalkit/base/status.h"
#include "evalkit/model/chat_message.h"
#include "evalkit/scorers/scorer.h"

namespace evalkit {

// USD per million tokens of a model's input (prompt) and output (completion).
struct TokenPrice {
  double input_per_million = 0;
  double output_per_million = 0;
};

struct ProviderConfig {
  std::string id;
  std::string type;  // "openai-chat", "openai-embeddings", "replay", "exec"
  std::string model;
  std::string base_url;     // after ${VAR} expansion; empty means OPENAI_BASE_URL or OpenAI's
  std::string api_key_env;  // name of the environment variable holding the key (never the key)
  nlohmann::json params = nlohmann::json::object();  // temperature, max_tokens, seed, ...
  int concurrency = 32;                              // requests in flight to this provider at most
  bool adaptive_concurrency = false;  // halve concurrency on 429/503 bursts, regrow on success
  double timeout_s = 60;                             // per HTTP attempt
  int max_attempts = 4;                              // including the first
  double deadline_s = 300;           // total time a trial may spend on this provider
  double requests_per_minute = 0;    // 0 = unlimited
  double tokens_per_minute = 0;      // 0 = unlimited
  int batch_size = 64;               // openai-embeddings: inputs per request
  std::optional<int> dimensions;     // openai-embeddings
  std::string responses_file;        // replay: recorded responses (relative to the suite)
  std::vector<std::string> command;  // exec: argv
  std::optional<TokenPrice> price;   // overrides the built-in price table (budgets, cost)
  nlohmann::json extra = nlohmann::json::object();  // type-specific keys not listed above
  SourceLocation where;
};

struct PromptConfig {
  std::string id;
  std::vector<ChatMessage> messages;  // contents are templates with {{var}} placeholders
  // `transform:` as written (null for none): every scorer of this prompt's trials scores this
  // part of the answer (scorers/answer_transform.h); checked when the suite loads.
  nlohmann::json transform;
  SourceLocation where;
};

struct CaseConfig {
  std::string id;
  nlohmann::json vars = nlohmann::json::object();
  std::vector<std::string> expected;  // zero or more references
  std::vector<std::string> labels;
  std::vector<ScorerSpec> scorers;    // added to the suite's scorers for this case
  std::optional<std::string> prompt;  // restrict to one prompt id
  std::optional<double> timeout_s;
  SourceLocation where;
};

// How a trial's scores decide pass/fail.
struct PassRule {
  enum class Kind { kAll, kWeightedScore };
  Kind kind = Kind::kAll;
  double min_weighted_score = 0.0;  // kWeightedScore: pass when weighted mean >= this
  // Over repeats: a case passes when at least k of its n repeats pass (0 = all of them).
  int k_of_n = 0;
};

struct GateRule {
  std::optional<double> max_drop;  // allowed drop in the mean before it can count as a regression
  std::optional<double> min;       // absolute floor
};

struct SuiteDefaults {
  std::string provider;  // a single system under test; a list goes to Suite::under_test
  std::string judge;
  std::string embedder;
};

struct Suite {
  std::string name;
  std::string description;
  std::string path;          // the suite file as given
  std::string directory;     // folder of the suite file; datasets are relative to it
  std::string content_hash;  // SHA-256 over the suite file and its dataset files
  SuiteDefaults defaults;
  std::vector<ProviderConfig> providers;
  std::vector<PromptConfig> prompts;
  std::vector<CaseConfig> cases;
  std::vector<ScorerSpec> scorers;
  PassRule pass;
  int repeat = 1;
  double alpha = 0.05;
  std::map<std::string, GateRule> gate;  // metric name -> rule; "pass_rate" for the case pass rate
  // The systems under test as the suite lists them (`under_test:` or a list in
  // `defaults.provider`), in order; validate_suite fills it from systems_under_test().
  std::vector<std::string> under_test;

  const ProviderConfig* find_provider(const std::string& id) const;
  const PromptConfig* find_prompt(const std::string& id) const;
  // The ids of the providers that answer the prompts, in order: under_test when given, else
  // defaults.provider, else every provider that can answer a prompt (not openai-embeddings)
  // and is not a helper. Ids are not checked here (validate_suite does that).
  std::vector<std::string> systems_under_test() const;
  // Providers that serve scorers rather than answer prompts: defaults.judge,
  // defaults.embedder and every scorer's `provider` option (suite and case scorers).
  std::set<std::string> helper_providers() const;
};

}  // namespace evalkit

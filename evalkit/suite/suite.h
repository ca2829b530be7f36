// A loaded, validated eval suite: plain values, no I/O.
#pragma once

#include <map>
#include <memory>
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

// A header or query parameter a provider sends. The value is kept as written: ${VAR} in it is
// read from the environment only when the provider is built, and the result is a secret
// (never stored, reported or logged).
struct SecretParam {
  std::string name;
  std::string value_template;
};

// Where a generic `http` provider finds things in the endpoint's JSON answer: a dotted path
// ("json.answer.text", "data.items.0.text"; a leading "json." is optional) or a JSON pointer
// ("/answer/text"). Empty means "not given".
struct HttpAnswerPaths {
  std::string output;  // the answer's text (required)
  std::string prompt_tokens;
  std::string completion_tokens;
  std::string tool_calls;     // an array of calls, OpenAI's or evalkit's {name, arguments} form
  std::string finish_reason;
  std::string error;          // when this holds a value other than null/false, the call failed
};

// The generic `http` provider: any JSON API.
struct HttpEndpointConfig {
  std::string url;  // after ${VAR} expansion (a secret-free URL; secrets go in `query`)
  std::string method = "POST";
  // The request body: JSON whose strings are templates ({{prompt}}, {{messages}}, {{vars}},
  // {{var.path}}); a string value that is exactly one placeholder becomes the JSON value.
  nlohmann::json body;
  HttpAnswerPaths paths;
  // Statuses that count as errors, as [low, high] ranges; empty means "not 2xx".
  std::vector<std::pair<int, int>> error_statuses;
};

struct ProviderConfig {
  std::string id;
  // "openai-chat", "openai-embeddings", "azure-openai", "anthropic-messages", "bedrock",
  // "http", "replay", "exec"
  std::string type;
  std::string model;
  std::string base_url;     // after ${VAR} expansion; empty means the type's default endpoint
  std::string api_key_env;  // name of the environment variable holding the key (never the key)
  std::vector<SecretParam> headers;  // extra request headers (openai-*, azure, anthropic, http)
  std::vector<SecretParam> query;    // extra URL query parameters (openai-*, azure, http)
  bool stream = false;  // ask for a streamed answer (server-sent events) and time it
  nlohmann::json tools;        // OpenAI function format; a prompt's own tools win; null: none
  nlohmann::json tool_choice;  // "auto", "none", "required" or {"type": "function", ...}
  std::string deployment;         // azure-openai: the deployment (default: model)
  std::string api_version;        // azure-openai: the api-version query parameter
  std::string anthropic_version;  // anthropic-messages: the anthropic-version header
  std::string region;             // bedrock: AWS region (default: AWS_REGION)
  HttpEndpointConfig http;        // http
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
  std::vector<std::string> prompts;  // prompt ids this provider runs; empty means every prompt
  std::string directory;  // the suite's folder: script providers run there
  SourceLocation where;
};

struct PromptConfig {
  std::string id;
  std::vector<ChatMessage> messages;  // contents are templates with {{var}} placeholders
  // Request parameters for this prompt, merged over the provider's (a response_format
  // schema, a max_tokens of its own).
  nlohmann::json params = nlohmann::json::object();
  // The prompt this one is a new version of (`replaces:`): a baseline that has cases of that
  // prompt and none of this one pairs them with this prompt's cases.
  std::string replaces;
  nlohmann::json tools;        // OpenAI function format; null: the provider's tools, if any
  nlohmann::json tool_choice;  // null: the provider's
  // `transform:` as written (null for none): every scorer of this prompt's trials scores this
  // part of the answer (scorers/answer_transform.h); checked when the suite loads.
  nlohmann::json transform;
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

struct CaseConfig {
  std::string id;
  std::string description;  // free text shown beside the id (promptfoo's test description)
  nlohmann::json vars = nlohmann::json::object();
  std::vector<std::string> expected;  // zero or more references
  std::vector<std::string> labels;
  // A conversation sent after the prompt's messages: user, assistant (with tool calls) and
  // tool turns; contents are templates like a prompt's. The model's reply is the answer.
  std::vector<ChatMessage> messages;
  std::vector<ScorerSpec> scorers;    // added to the suite's scorers for this case
  std::optional<PassRule> pass;       // this case's own rule instead of the suite's
  std::optional<std::string> prompt;  // restrict to one prompt id
  std::optional<double> timeout_s;
  SourceLocation where;
};

class DatasetFile;  // dataset_reader.h

// A `{file: ...}` entry of `cases:`. Its rows are not held: they are read from the file
// (through the descriptor opened when the suite loaded) each time the cases are walked
// (case_cursor.h), with these defaults applied.
struct DatasetSource {
  std::string path;  // resolved against the suite's folder
  nlohmann::json vars = nlohmann::json::object();  // a row's own vars win
  std::vector<std::string> labels;                 // appended to a row's labels
  std::vector<ScorerSpec> scorers;                 // appended to a row's scorers
  std::optional<std::string> prompt;               // for rows without their own
  std::optional<double> timeout_s;                 // for rows without their own
  std::string sha256;      // of the file's bytes when the suite loaded
  size_t rows = 0;         // cases in the file
  bool row_prompts = false;  // some row names its own prompt
  std::shared_ptr<const DatasetFile> file;
};

// A stretch of the `cases:` list: `count` inline cases from Suite::inline_cases[first], or
// the dataset Suite::datasets[first].
struct CaseSegment {
  bool dataset = false;
  size_t first = 0;
  size_t count = 0;
};

// How a gate rule decides that a drop is a regression.
enum class GateTest {
  kPaired,  // the drop exceeds max_drop and a paired test finds it significant (Holm family)
  kNone,    // the drop exceeds max_drop, whatever the noise (small suites; no test)
};

struct GateRule {
  std::optional<double> max_drop;  // allowed drop in the mean before it can count as a regression
  std::optional<double> min;       // absolute floor, checked on every run
  GateTest test = GateTest::kPaired;
  // latency_p95, latency_mean, cost_mean (gate/resource_metrics.h), which are worse when they
  // rise: the largest rise allowed as a share of the baseline's value (0.2 = 20% higher), and
  // a ceiling checked on every run (seconds or US dollars), as `min` is a floor.
  std::optional<double> max_increase;
  std::optional<double> max;
};

struct SuiteDefaults {
  std::string provider;  // a single system under test; a list goes to Suite::under_test
  std::string judge;
  std::string embedder;
};

// How many distinct case scorer specs Suite::case_scorers keeps before it keeps only new
// (type, name) pairs.
inline constexpr size_t kCaseScorerSpecs = 1000;

struct Suite {
  std::string name;
  std::string description;
  std::string path;          // the suite file as given
  SharedText directory;      // folder of the suite file; datasets are relative to it
  std::string content_hash;  // SHA-256 over the suite file and its dataset files
  SuiteDefaults defaults;
  std::vector<ProviderConfig> providers;
  std::vector<PromptConfig> prompts;
  // The cases, in the order of `cases:`: inline cases are held; dataset rows are read when
  // the cases are walked (CaseCursor in case_cursor.h visits them all in order).
  std::vector<CaseConfig> inline_cases;
  std::vector<DatasetSource> datasets;
  std::vector<CaseSegment> case_segments;
  size_t case_count = 0;  // inline cases plus dataset rows
  // What the scorers cases add (their own and their dataset entry's) need from outside the
  // cases, kept bounded however many cases carry their own: the providers they name, the
  // judge template files they name (with their first use), and for the run record their
  // distinct specs in the order of first use, the first kCaseScorerSpecs of them, then one
  // more for each (type, name) not yet among them.
  std::vector<ScorerSpec> case_scorers;
  std::set<std::string> case_scorer_providers;
  std::vector<std::pair<std::string, SourceLocation>> case_judge_templates;
  std::vector<ScorerSpec> scorers;
  PassRule pass;
  int repeat = 1;
  double alpha = 0.05;
  std::map<std::string, GateRule> gate;  // metric name -> rule; "pass_rate" for the case pass rate
  // The systems under test as the suite lists them (`under_test:` or a list in
  // `defaults.provider`), in order; validate_suite fills it from systems_under_test().
  std::vector<std::string> under_test;
  // Things that load but are probably mistakes ("file:line:col: ..."), shown by validate and run.
  std::vector<std::string> warnings;

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

// Completes a model-assisted scorer: without a `provider` it uses the suite's embedder or
// judge; a judge template given as a file is found next to the suite; scripts and schemas
// are found in the suite's folder.
void complete_model_scorer(const Suite& suite, ScorerSpec* spec);

// A key equal for specs that score alike (type, name, negation, weight, threshold, options,
// transform), whatever their `where`.
std::string scorer_spec_key(const ScorerSpec& spec);

}  // namespace evalkit

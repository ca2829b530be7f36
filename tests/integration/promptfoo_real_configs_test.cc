// Real promptfoo configs (tests/data/promptfoo/examples and users, see the README there):
// each is imported with the evalkit binary, validated, and run offline against the fake
// OpenAI-compatible server on 127.0.0.1 (every service's base URL points at it; `echo`
// runs as a local command). A config counts when its suite runs every trial with no error
// and with all of its converted checks, on its own systems under test. The counts are
// asserted, so a regression in the importer or the loader fails this test.
#include <filesystem>
#include <iostream>
#include <regex>
#include <set>

#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>
#include <nlohmann/json.hpp>

#include "evalkit/base/files.h"
#include "evalkit/suite/suite_loader.h"
#include "tests/support/fake_openai_server.h"
#include "tests/support/process.h"
#include "tests/support/test_files.h"

namespace evalkit::testing {
namespace {

// The services whose base URL an imported suite reads from <NAME>_BASE_URL.
const char* kServiceUrlVariables[] = {
    "OPENROUTER_BASE_URL", "GROQ_BASE_URL",      "MISTRAL_BASE_URL",     "DEEPSEEK_BASE_URL",
    "PERPLEXITY_BASE_URL", "CEREBRAS_BASE_URL",  "OLLAMA_BASE_URL",      "TOGETHERAI_BASE_URL",
    "TOGETHER_BASE_URL",   "FIREWORKS_BASE_URL", "XAI_BASE_URL",         "GOOGLE_BASE_URL",
    "HYPERBOLIC_BASE_URL", "GITHUB_BASE_URL",    "LMSTUDIO_BASE_URL",    "LOCALAI_BASE_URL",
    "LITELLM_BASE_URL",    "VERTEX_BASE_URL",    "HUGGINGFACE_BASE_URL", "OPENAI_BASE_URL"};

// Judges get a verdict in their template's format; everything else is echoed back.
FakeOpenAIServerOptions judging_fake() {
  FakeOpenAIServerOptions options;
  options.rules = {
      {"[Rubric]", R"({"reason": "meets the rubric", "pass": true, "score": 1})", {}, {}, {}},
      {"[Expert]:", "Consistent with the expert answer.\nANSWER: C", {}, {}, {}},
      {"[Criterion]:", "The submission meets it.\nGRADE: Y", {}, {}, {}},
      {"[Evaluation criteria]", "Good.\nSCORE: 5", {}, {}, {}},
  };
  return options;
}

struct Outcome {
  std::string name;
  bool imported = false, validated = false, ran = false;
  // Ran, and nothing but run settings (outputPath, sharing, red-team, ...) was left out: every
  // check, test, prompt and provider setting converted.
  bool complete = false;
  std::string why;
};

// Whether every "not converted" line the importer printed is about a top-level run setting.
bool only_run_settings_dropped(const std::string& err) {
  size_t position = 0;
  while ((position = err.find("not converted: ", position)) != std::string::npos) {
    const size_t end = err.find('\n', position);
    const std::string line = err.substr(position, end - position);
    if (line.find("top-level key") == std::string::npos &&
        line.find("evaluateOptions.") == std::string::npos) {
      return false;
    }
    position = end;
  }
  return true;
}

std::string config_of(const std::string& dir) {
  if (std::filesystem::exists(dir + "/promptfooconfig.yaml")) return dir + "/promptfooconfig.yaml";
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (entry.path().extension() == ".yaml") return entry.path().string();
  }
  return "";
}

// Rewrites every provider base_url that is not an environment default (`${X:-url}`) to url.
bool redirect_literal_urls(const std::string& suite_path, const std::string& url,
                           std::string* why) {
  std::string text;
  if (!read_file(suite_path, &text)) {
    *why = "cannot read the suite";
    return false;
  }
  YAML::Node suite = YAML::Load(text);
  bool changed = false;
  for (auto provider : suite["providers"]) {
    if (!provider["base_url"]) continue;
    const std::string base = provider["base_url"].as<std::string>();
    if (base.rfind("${", 0) == 0 && base.find(":-") != std::string::npos) continue;
    provider["base_url"] = url;
    changed = true;
  }
  if (!changed) return true;
  YAML::Emitter emitter;
  emitter << suite;
  if (!write_file_atomic(suite_path, emitter.c_str())) {
    *why = "cannot rewrite the suite";
    return false;
  }
  return true;
}

Outcome try_config(const std::string& dir, const FakeOpenAIServer& server) {
  Outcome out;
  out.name = std::filesystem::path(dir).filename().string();
  const std::string work = make_temp_dir("promptfoo-real-" + out.name);
  const std::string suite_path = work + "/suite.yaml";
  const ProcessResult imported =
      run_evalkit({"import", "promptfoo", config_of(dir), "-o", suite_path});
  if (imported.exit_code != 0) {
    out.why = "import: " + imported.err.substr(0, 300);
    return out;
  }
  out.imported = true;
  const ProcessResult validated = run_evalkit({"validate", suite_path});
  if (validated.exit_code != 0) {
    out.why = "validate: " + validated.err.substr(0, 300);
    return out;
  }
  out.validated = true;
  // Nothing may leave this machine: a base URL written into the suite (a config's own
  // apiBaseUrl) is pointed at the fake server too; models, params and prompts stay as they are.
  if (!redirect_literal_urls(suite_path, server.base_url(), &out.why)) return out;
  ProcessOptions env;
  for (const char* name : kServiceUrlVariables) env.env[name] = server.base_url();
  // Variables the suite reads without a default (a URL or key the config took from its
  // environment) point at the fake as well.
  std::string text;
  (void)read_file(suite_path, &text);
  static const std::regex kVariable(R"(\$\{([A-Za-z_][A-Za-z0-9_]*)\})");
  for (std::sregex_iterator it(text.begin(), text.end(), kVariable), end; it != end; ++it) {
    if (!env.env.count((*it)[1].str())) env.env[(*it)[1].str()] = server.base_url();
  }
  env.env["OPENAI_API_KEY"] = "test-key";
  env.timeout_s = 120;
  const ProcessResult run = run_evalkit({"run", suite_path, "--db", work + "/evalkit.db",
                                         "--report-json", work + "/run.json", "-j", "8", "-q"},
                                        env);
  if (run.exit_code != 0 && run.exit_code != 1) {
    out.why = "run exit " + std::to_string(run.exit_code) + ": " + run.err.substr(0, 300);
    return out;
  }
  // Every trial ran without an error and carried all of its case's checks, on a system
  // under test (never on a grader).
  Suite suite;
  if (Status s = load_suite(suite_path, &suite); !s) {
    out.why = "reload: " + s.message();
    return out;
  }
  std::map<std::string, size_t> checks;
  for (const auto& c : suite.cases) checks[c.id] = suite.scorers.size() + c.scorers.size();
  std::set<std::string> helpers = {suite.defaults.judge, suite.defaults.embedder};
  for (const auto& provider : suite.providers) {
    if (provider.id.rfind("grader", 0) == 0 || provider.id.rfind("embedder", 0) == 0) {
      helpers.insert(provider.id);
    }
  }
  const nlohmann::json report = read_json_file(work + "/run.json");
  const nlohmann::json& trials = report["trials"];
  if (trials.empty()) {
    out.why = "no trials ran";
    return out;
  }
  for (const auto& trial : trials) {
    const std::string case_id = trial.value("case_id", "");
    if (!trial.value("error", std::string()).empty()) {
      out.why =
          "trial " + case_id + " errored: " + trial["error"].get<std::string>().substr(0, 200);
      return out;
    }
    if (trial["scores"].size() != checks[case_id]) {
      out.why = "trial " + case_id + " has " + std::to_string(trial["scores"].size()) +
                " scores for " + std::to_string(checks[case_id]) + " checks";
      return out;
    }
    if (helpers.count(trial.value("provider_id", ""))) {
      out.why = "a grader ran as the system under test";
      return out;
    }
  }
  out.ran = true;
  out.complete = only_run_settings_dropped(imported.err);
  return out;
}

// Runs every config under data/promptfoo/<group> and returns how many ran.
int run_group(const std::string& group, int* total, int* complete) {
  FakeOpenAIServer server(judging_fake());
  std::vector<std::string> dirs;
  for (const auto& entry :
       std::filesystem::directory_iterator(test_data_path("promptfoo/" + group))) {
    if (entry.is_directory()) dirs.push_back(entry.path().string());
  }
  std::sort(dirs.begin(), dirs.end());
  int ran = 0;
  *complete = 0;
  for (const auto& dir : dirs) {
    const Outcome o = try_config(dir, server);
    ran += o.ran ? 1 : 0;
    *complete += o.complete ? 1 : 0;
    std::cout << (o.complete    ? "[complete]  "
                  : o.ran       ? "[ran]       "
                  : o.validated ? "[validated] "
                  : o.imported  ? "[imported]  "
                                : "[failed]    ")
              << group << "/" << o.name << (o.why.empty() ? "" : "  -- " + o.why) << "\n";
  }
  *total = int(dirs.size());
  std::cout << group << ": " << ran << " of " << *total << " run offline, " << *complete
            << " of them with every check, test, prompt and provider setting converted\n";
  return ran;
}

// How many configs of each set run today; a change that lowers either is a regression.
// Raise them as the importer learns more.
constexpr int kExamplesRunning = 19;  // of 21: the target is 80%
constexpr int kUsersRunning = 15;     // of 27: the target is 60%; most of the rest test their
                                      // own HTTP endpoint or provider code

TEST(PromptfooRealConfigsTest, ProjectExamplesImportValidateAndRun) {
  int total = 0, complete = 0;
  const int ran = run_group("examples", &total, &complete);
  EXPECT_GE(total, 20);
  EXPECT_GE(ran, kExamplesRunning) << ran << " of " << total;
  EXPECT_GE(ran * 100, total * 80) << ran << " of " << total;
}

TEST(PromptfooRealConfigsTest, UsersConfigsImportValidateAndRun) {
  int total = 0, complete = 0;
  const int ran = run_group("users", &total, &complete);
  EXPECT_GE(total, 20);
  EXPECT_GE(ran, kUsersRunning) << ran << " of " << total;
}

}  // namespace
}  // namespace evalkit::testing

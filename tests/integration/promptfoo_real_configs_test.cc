// Real promptfoo configs (tests/data/promptfoo/examples and users, see the README there):
// each is imported with the evalkit binary, validated, and run offline against the fake
// OpenAI-compatible server on 127.0.0.1 (every service's base URL points at it; `echo`
// runs as a local command; a team's own application behind an http provider is a fake
// application that answers where the provider reads its answer). A config counts when its suite
// runs every trial with no error and with all of its converted checks, on its own systems under
// test. The counts are asserted, so a regression in the importer or the loader fails this test.
#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <mutex>
#include <regex>
#include <set>

#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>
#include <nlohmann/json.hpp>

#include "evalkit/base/files.h"
#include "evalkit/suite/case_cursor.h"
#include "evalkit/suite/suite_loader.h"
#include "tests/support/event_loop_http_server.h"
#include "tests/support/fake_anthropic_server.h"
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

// A team's own application behind an imported http provider: every request is answered with
// JSON that holds "echo: <request body>" at the place the provider reads its answer from (its
// `output` path), so the config runs offline with its own system under test.
class FakeApplication : public HttpHandler {
 public:
  FakeApplication() : http_(0, *this) {}
  std::string base_url() const { return "http://127.0.0.1:" + std::to_string(http_.port()); }

  // Requests to url_path are answered with the echo at output_path ("" or "json": the whole
  // document is the echo text).
  void answer_at(const std::string& url_path, const std::string& output_path) {
    std::lock_guard<std::mutex> lock(mutex_);
    output_paths_[url_path] = output_path;
  }

  HttpReply handle(HttpRequest& request) override {
    std::string path;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      const auto it = output_paths_.find(request.path);
      if (it == output_paths_.end()) {
        HttpReply missing;
        missing.response.status = 404;
        missing.response.body = R"({"detail": "no such route in the fake application"})";
        return missing;
      }
      path = it->second;
    }
    nlohmann::json answer = "echo: " + request.body;
    if (path.rfind("json.", 0) == 0) path.erase(0, 5);
    if (path == "json") path.clear();
    // Build the document from the innermost step outwards.
    std::vector<std::string> steps;
    for (size_t start = 0; !path.empty() && start <= path.size();) {
      const size_t dot = std::min(path.find('.', start), path.size());
      steps.push_back(path.substr(start, dot - start));
      start = dot + 1;
    }
    for (auto step = steps.rbegin(); step != steps.rend(); ++step) {
      const bool index = !step->empty() && std::all_of(step->begin(), step->end(), ::isdigit);
      nlohmann::json outer = index ? nlohmann::json::array() : nlohmann::json::object();
      if (index) {
        for (int i = 0; i < std::stoi(*step); ++i) outer.push_back(nullptr);
        outer.push_back(std::move(answer));
      } else {
        outer[*step] = std::move(answer);
      }
      answer = std::move(outer);
    }
    HttpReply reply;
    reply.response.body = answer.dump();
    return reply;
  }

  HttpResponse reject(int status, std::string_view message) override {
    HttpResponse response;
    response.status = status;
    response.body = std::string(message);
    return response;
  }

 private:
  std::mutex mutex_;
  std::map<std::string, std::string> output_paths_;
  EventLoopHttpServer http_;
};

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

// Rewrites every provider base_url that is not an environment default (`${X:-url}`) to url,
// and points every http provider's url (the team's own application) at app, keeping its path.
bool redirect_literal_urls(const std::string& suite_path, const std::string& url,
                           FakeApplication& app, std::string* why) {
  std::string text;
  if (!read_file(suite_path, &text)) {
    *why = "cannot read the suite";
    return false;
  }
  YAML::Node suite = YAML::Load(text);
  bool changed = false;
  for (auto provider : suite["providers"]) {
    if (provider["type"] && provider["type"].as<std::string>() == "http" && provider["url"]) {
      // The path starts after "scheme://authority" or after a leading ${VAR}.
      const std::string original = provider["url"].as<std::string>();
      size_t path_start = 0;
      if (const size_t scheme = original.find("://"); scheme != std::string::npos) {
        path_start = std::min(original.find('/', scheme + 3), original.size());
      } else if (original.rfind("${", 0) == 0) {
        path_start = original.find('}') + 1;
      }
      std::string path = original.substr(path_start);
      if (path.empty() || path[0] != '/') path = "/" + path;
      provider["url"] = app.base_url() + path;
      app.answer_at(path.substr(0, path.find('?')),
                    provider["output"] ? provider["output"].as<std::string>() : "");
      changed = true;
      continue;
    }
    if (!provider["base_url"]) continue;
    const std::string base = provider["base_url"].as<std::string>();
    if (base.rfind("${", 0) == 0 && base.find(":-") != std::string::npos) continue;
    // Azure's deployment route is at the fake's root, OpenAI's under /v1.
    const bool azure = provider["type"] && provider["type"].as<std::string>() == "azure-openai";
    provider["base_url"] = azure ? url.substr(0, url.rfind("/v1")) : url;
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

// The fakes a config's suite runs against.
// The same verdicts from an Anthropic grader.
FakeAnthropicServerOptions judging_anthropic_fake() {
  FakeAnthropicServerOptions options;
  for (const auto& rule : judging_fake().rules)
    options.replies.emplace_back(rule.match, rule.reply);
  return options;
}

struct Fakes {
  FakeOpenAIServer openai{judging_fake()};
  FakeAnthropicServer anthropic{judging_anthropic_fake()};
  FakeApplication app;
};

// What every step after the import sees: each service's base URL and every variable the suite
// reads without a default (a URL or key the config took from its environment) point at the
// fakes, and a proxy that refuses every connection stands in for anything else, so a URL
// nobody redirected fails at once instead of leaving the machine.
ProcessOptions offline_environment(const std::string& suite_path, const Fakes& fakes) {
  ProcessOptions env;
  for (const char* name : kServiceUrlVariables) env.env[name] = fakes.openai.base_url();
  std::string text;
  (void)read_file(suite_path, &text);
  static const std::regex kVariable(R"(\$\{([A-Za-z_][A-Za-z0-9_]*)\})");
  for (std::sregex_iterator it(text.begin(), text.end(), kVariable), end; it != end; ++it) {
    const std::string name = (*it)[1].str();
    if (env.env.count(name)) continue;
    // A URL or host goes to the fake; anything else (a deployment, a key) is a plain word.
    const bool url = std::regex_search(name, std::regex("URL|ENDPOINT|BASE|HOST"));
    env.env[name] = url ? fakes.openai.base_url() : "fake-value";
  }
  env.env["ANTHROPIC_BASE_URL"] = fakes.anthropic.base_url();
  const std::string openai = fakes.openai.base_url();
  env.env["AZURE_OPENAI_ENDPOINT"] = openai.substr(0, openai.rfind("/v1"));
  env.env["OPENAI_API_KEY"] = "test-key";
  env.env["ANTHROPIC_API_KEY"] = "test-key";
  for (const char* proxy : {"http_proxy", "https_proxy", "HTTPS_PROXY", "ALL_PROXY", "all_proxy"}) {
    env.env[proxy] = "http://127.0.0.1:9";
  }
  env.env["NO_PROXY"] = env.env["no_proxy"] = "127.0.0.1,localhost";
  env.timeout_s = 120;
  return env;
}

Outcome try_config(const std::string& dir, Fakes& fakes) {
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
  const ProcessOptions env = offline_environment(suite_path, fakes);
  const ProcessResult validated = run_evalkit({"validate", suite_path}, env);
  if (validated.exit_code != 0) {
    out.why = "validate: " + validated.err.substr(0, 300);
    return out;
  }
  out.validated = true;
  // Nothing may leave this machine: a base URL written into the suite (a config's own
  // apiBaseUrl) is pointed at the fake server too, and an http provider's url (the team's own
  // application) at the fake application; models, params and prompts stay as they are.
  if (!redirect_literal_urls(suite_path, fakes.openai.base_url(), fakes.app, &out.why)) return out;
  const ProcessResult run = run_evalkit({"run", suite_path, "--db", work + "/evalkit.db",
                                         "--report-json", work + "/run.json", "-j", "8", "-q"},
                                        env);
  if (run.exit_code != 0 && run.exit_code != 1) {
    out.why = "run exit " + std::to_string(run.exit_code) + ": " + run.err.substr(0, 300);
    return out;
  }
  // Every trial ran without an error and carried all of its case's checks, on a system
  // under test (never on a grader).
  // The reload below reads the same variables the run did.
  for (const auto& [name, value] : env.env) {
    if (name.find("proxy") == std::string::npos && name.find("PROXY") == std::string::npos) {
      setenv(name.c_str(), value.c_str(), 0);
    }
  }
  Suite suite;
  if (Status s = load_suite(suite_path, &suite); !s) {
    out.why = "reload: " + s.message();
    return out;
  }
  std::map<std::string, size_t> checks;
  for (const auto& c : all_cases(suite)) checks[c.id] = suite.scorers.size() + c.scorers.size();
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
  Fakes fakes;
  std::vector<std::string> dirs;
  for (const auto& entry :
       std::filesystem::directory_iterator(test_data_path("promptfoo/" + group))) {
    if (entry.is_directory()) dirs.push_back(entry.path().string());
  }
  std::sort(dirs.begin(), dirs.end());
  int ran = 0;
  *complete = 0;
  for (const auto& dir : dirs) {
    const Outcome o = try_config(dir, fakes);
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
constexpr int kUsersRunning = 18;     // of 27: the target is 60%; most of the rest are red-team
                                      // only or need provider code that was not published

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
  EXPECT_GE(ran * 100, total * 60) << ran << " of " << total;
}

}  // namespace
}  // namespace evalkit::testing

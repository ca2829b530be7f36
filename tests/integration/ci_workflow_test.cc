// The CI recipes `evalkit init` writes, run as written: each job's shell steps in order, in a
// fresh copy of the repository, with the CI's caches and conditions emulated. The suite has a
// case that is known to fail; the gate must fail only on a regression, the baseline must be
// saved on main whatever the run's exit code, and a missing baseline must be said.
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include "tests/support/process.h"
#include "tests/support/test_files.h"

namespace evalkit::testing {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using ::testing::Not;

// A repository made by `evalkit init`, with one more case the stand-in app cannot answer.
std::string make_repository(const std::string& dir) {
  const std::string repo = dir + "/repo";
  const ProcessResult init = run_evalkit({"init", repo});
  EXPECT_EQ(init.exit_code, 0) << init.err;
  std::ofstream(repo + "/evals/data/cases.jsonl", std::ios::app)
      << R"({"id": "capital-chile", "vars": {"country": "Chile"}, "expected": "Santiago"})"
      << "\n";
  return repo;
}

// The stand-in app now answers France wrongly: a regression.
void break_the_app(const std::string& repo) {
  const std::string path = repo + "/evals/suite.yaml";
  std::string suite = read_text_file(path);
  const size_t at = suite.find("echo Paris");
  ASSERT_NE(at, std::string::npos);
  suite.replace(at, 10, "echo Lyon");
  std::ofstream(path) << suite;
}

// A fresh clone: the repository's files without the run database or any baseline file.
std::string fresh_clone(const std::string& repo, const std::string& where) {
  fs::remove_all(where);
  fs::copy(repo, where, fs::copy_options::recursive);
  fs::remove_all(where + "/.evalkit");
  fs::remove(where + "/evals/baseline.json");
  fs::remove_all(where + "/out");
  return where;
}

ProcessOptions shell_options(const std::string& cwd, std::map<std::string, std::string> env) {
  ProcessOptions options;
  options.working_dir = cwd;
  options.env = std::move(env);
  options.env["PATH"] = fs::path(evalkit_binary()).parent_path().string() + ":" +
                        std::string(std::getenv("PATH") ? std::getenv("PATH") : "/usr/bin:/bin");
  options.unset_env = {"EVALKIT_DB", "OPENAI_API_KEY", "OPENAI_BASE_URL"};
  options.timeout_s = 120;
  return options;
}

struct JobResult {
  bool failed = false;
  std::vector<std::string> ran;  // names of the steps that ran
  std::string log;
  std::string summary;  // GitHub's step summary
};

// GitHub Actions: `if:` as the recipe uses it (always(), success(), github.ref == '...').
bool github_condition(const std::string& expression, bool failed, const std::string& ref) {
  if (expression.empty()) return !failed;
  bool status_function = false, value = true;
  size_t start = 0;
  while (start <= expression.size()) {
    size_t end = expression.find("&&", start);
    if (end == std::string::npos) end = expression.size();
    std::string term = expression.substr(start, end - start);
    term.erase(0, term.find_first_not_of(' '));
    term.erase(term.find_last_not_of(' ') + 1);
    if (term == "always()") {
      status_function = true;
    } else if (term == "success()") {
      status_function = true;
      value = value && !failed;
    } else if (term.rfind("github.ref == '", 0) == 0) {
      value = value && term.substr(15, term.size() - 16) == ref;
    } else {
      ADD_FAILURE() << "unsupported condition: " << term;
    }
    start = end + 2;
  }
  return value && (status_function || !failed);
}

JobResult run_github_job(const std::string& workflow_path, const std::string& repo,
                         const std::string& cache, const std::string& ref) {
  JobResult job;
  const YAML::Node workflow = YAML::LoadFile(workflow_path);
  const YAML::Node definition = workflow["jobs"]["evals"];
  const std::string summary = repo + "/../step-summary.md";
  std::ofstream(summary, std::ios::trunc).close();
  std::map<std::string, std::string> env = {
      {"GITHUB_STEP_SUMMARY", summary}, {"GITHUB_REF", ref}, {"GITHUB_ACTIONS", "true"}};
  for (const auto& entry : definition["env"]) {
    env[entry.first.as<std::string>()] = "";  // ${{ secrets.* }}: none on this runner
  }
  for (const auto& step : definition["steps"]) {
    const std::string name =
        step["name"] ? step["name"].as<std::string>() : step["uses"].as<std::string>();
    const std::string condition = step["if"] ? step["if"].as<std::string>() : "";
    if (!github_condition(condition, job.failed, ref)) continue;
    job.ran.push_back(name);
    if (step["run"]) {
      const std::string script = repo + "/../step.sh";
      std::ofstream(script, std::ios::trunc) << step["run"].as<std::string>();
      // GitHub's default shell for `run:` on Linux.
      const ProcessResult r =
          run_process({"/bin/bash", "--noprofile", "--norc", "-eo", "pipefail", script},
                      shell_options(repo, env));
      job.log += "## " + name + " (exit " + std::to_string(r.exit_code) + ")\n" + r.out + r.err;
      if (r.exit_code != 0) job.failed = true;
      continue;
    }
    const std::string uses = step["uses"].as<std::string>();
    const YAML::Node with = step["with"];
    if (uses.rfind("actions/cache/restore", 0) == 0) {
      const std::string path = with["path"].as<std::string>();
      if (fs::exists(cache + "/" + path)) {
        fs::create_directories(fs::path(repo + "/" + path).parent_path());
        fs::copy_file(cache + "/" + path, repo + "/" + path);
      }
    } else if (uses.rfind("actions/cache/save", 0) == 0) {
      const std::string path = with["path"].as<std::string>();
      if (fs::exists(repo + "/" + path)) {
        fs::create_directories(fs::path(cache + "/" + path).parent_path());
        fs::copy_file(repo + "/" + path, cache + "/" + path, fs::copy_options::overwrite_existing);
      }
    } else if (uses.rfind("actions/upload-artifact", 0) == 0) {
      EXPECT_TRUE(fs::exists(repo + "/" + with["path"].as<std::string>())) << name;
    } else if (uses.rfind("mikepenz/action-junit-report", 0) == 0) {
      EXPECT_TRUE(fs::exists(repo + "/" + with["report_paths"].as<std::string>())) << name;
    }
  }
  job.summary = read_text_file(summary);
  return job;
}

// GitLab CI: the script entries run in order in one shell that stops at the first failure;
// the cache is restored before and saved after (`when: always`).
JobResult run_gitlab_job(const std::string& ci_path, const std::string& repo,
                         const std::string& cache, const std::string& branch) {
  JobResult job;
  const YAML::Node job_definition = YAML::LoadFile(ci_path)["evals"];
  std::vector<std::string> paths;
  for (const auto& path : job_definition["cache"]["paths"]) paths.push_back(path.as<std::string>());
  for (const std::string& path : paths) {
    if (fs::exists(cache + "/" + path)) {
      fs::create_directories(fs::path(repo + "/" + path).parent_path());
      fs::copy_file(cache + "/" + path, repo + "/" + path, fs::copy_options::overwrite_existing);
    }
  }
  std::string script = "set -eo pipefail\n";
  for (const auto& line : job_definition["script"]) script += line.as<std::string>() + "\n";
  const std::string script_path = repo + "/../job.sh";
  std::ofstream(script_path, std::ios::trunc) << script;
  const ProcessResult r = run_process({"/bin/bash", "--noprofile", "--norc", script_path},
                                      shell_options(repo, {{"CI_COMMIT_BRANCH", branch},
                                                           {"CI_DEFAULT_BRANCH", "main"},
                                                           {"GITLAB_CI", "true"}}));
  job.log = r.out + r.err;
  job.failed = r.exit_code != 0;
  EXPECT_EQ(job_definition["cache"]["when"].as<std::string>(), "always");
  for (const std::string& path : paths) {
    if (fs::exists(repo + "/" + path)) {
      fs::create_directories(fs::path(cache + "/" + path).parent_path());
      fs::copy_file(repo + "/" + path, cache + "/" + path, fs::copy_options::overwrite_existing);
    }
  }
  return job;
}

TEST(CiWorkflowTest, TheGitHubRecipeGatesOnRegressionsAndKeepsTheBaselineFresh) {
  const std::string dir = make_temp_dir("ci-github");
  const std::string repo = make_repository(dir);
  const std::string workflow = repo + "/.github/workflows/evals.yml";
  const std::string cache = dir + "/cache";

  // 1. The first run on main: no baseline yet. A known-failing case does not fail the job;
  //    the summary says the baseline is missing; the baseline is saved and cached.
  JobResult first =
      run_github_job(workflow, fresh_clone(repo, dir + "/job1"), cache, "refs/heads/main");
  EXPECT_FALSE(first.failed) << first.log;
  EXPECT_THAT(first.summary, HasSubstr("No baseline found"));
  EXPECT_THAT(first.summary, HasSubstr("evalkit: capitals: 1 failed"));
  EXPECT_TRUE(fs::exists(cache + "/evals/baseline.json")) << first.log;

  // 2. A pull request with no change: compared, passes.
  JobResult same =
      run_github_job(workflow, fresh_clone(repo, dir + "/job2"), cache, "refs/pull/7/merge");
  EXPECT_FALSE(same.failed) << same.log;
  EXPECT_THAT(same.summary, Not(HasSubstr("No baseline found")));
  EXPECT_THAT(same.summary, HasSubstr("no regression against main"));
  EXPECT_THAT(same.ran,
              Not(::testing::Contains("Save the baseline (main only, whatever the gate said)")));

  // 3. A pull request that breaks a passing case: the job fails on the gate.
  break_the_app(repo);
  JobResult broken =
      run_github_job(workflow, fresh_clone(repo, dir + "/job3"), cache, "refs/pull/8/merge");
  EXPECT_TRUE(broken.failed) << broken.log;
  EXPECT_THAT(broken.log, HasSubstr("## Run the evals (exit 2)"));
  EXPECT_THAT(broken.summary, HasSubstr("regressed against main"));
  EXPECT_THAT(read_text_file(cache + "/evals/baseline.json"), Not(HasSubstr("Lyon")));

  // 4. The same change merged to main fails the job too, but the baseline is refreshed.
  JobResult merged =
      run_github_job(workflow, fresh_clone(repo, dir + "/job4"), cache, "refs/heads/main");
  EXPECT_TRUE(merged.failed);
  EXPECT_THAT(merged.ran,
              ::testing::Contains("Save the baseline (main only, whatever the gate said)"));
  EXPECT_THAT(read_text_file(cache + "/evals/baseline.json"), HasSubstr("Lyon")) << merged.log;
}

TEST(CiWorkflowTest, TheGitLabRecipeGatesOnRegressionsAndKeepsTheBaselineFresh) {
  const std::string dir = make_temp_dir("ci-gitlab");
  const std::string repo = make_repository(dir);
  const std::string ci = repo + "/.gitlab-ci.yml";
  const std::string cache = dir + "/cache";

  JobResult first = run_gitlab_job(ci, fresh_clone(repo, dir + "/job1"), cache, "main");
  EXPECT_FALSE(first.failed) << first.log;
  EXPECT_THAT(first.log, HasSubstr("No baseline found"));
  EXPECT_TRUE(fs::exists(cache + "/evals/baseline.json")) << first.log;

  JobResult same = run_gitlab_job(ci, fresh_clone(repo, dir + "/job2"), cache, "feature");
  EXPECT_FALSE(same.failed) << same.log;
  EXPECT_THAT(same.log, HasSubstr("Gate: passed"));

  break_the_app(repo);
  JobResult broken = run_gitlab_job(ci, fresh_clone(repo, dir + "/job3"), cache, "feature");
  EXPECT_TRUE(broken.failed) << broken.log;
  EXPECT_THAT(broken.log, HasSubstr("Gate: REGRESSED"));
  EXPECT_THAT(read_text_file(cache + "/evals/baseline.json"), Not(HasSubstr("Lyon")));

  JobResult merged = run_gitlab_job(ci, fresh_clone(repo, dir + "/job4"), cache, "main");
  EXPECT_TRUE(merged.failed);
  EXPECT_THAT(read_text_file(cache + "/evals/baseline.json"), HasSubstr("Lyon")) << merged.log;
}

TEST(CiWorkflowTest, DocsShowTheRecipesInitWritesAndThisTestRuns) {
  const std::string dir = make_temp_dir("ci-docs");
  ASSERT_EQ(run_evalkit({"init", dir}).exit_code, 0);
  const std::string docs = read_text_file(source_path("docs/ci.md"));
  for (const char* file : {"/.github/workflows/evals.yml", "/.gitlab-ci.yml"}) {
    const std::string recipe = read_text_file(dir + file);
    ASSERT_FALSE(recipe.empty()) << file;
    EXPECT_NE(docs.find("```yaml\n" + recipe + "```"), std::string::npos)
        << file << " differs from its copy in docs/ci.md";
  }
}

TEST(CiWorkflowTest, InitKeepsTheRunDatabaseOutOfGit) {
  const std::string dir = make_temp_dir("ci-gitignore");
  std::ofstream(dir + "/.gitignore") << "build/";  // no final newline
  ASSERT_EQ(run_evalkit({"init", dir}).exit_code, 0);
  EXPECT_EQ(read_text_file(dir + "/.gitignore"),
            "build/\n# evalkit's run database (evalkit runs, baselines); CI keeps baselines as "
            "files\n.evalkit/\n");
  ASSERT_EQ(run_evalkit({"init", dir, "--force"}).exit_code, 0);  // not added twice
  EXPECT_EQ(read_text_file(dir + "/.gitignore").find(".evalkit/"),
            read_text_file(dir + "/.gitignore").rfind(".evalkit/"));
}

}  // namespace
}  // namespace evalkit::testing

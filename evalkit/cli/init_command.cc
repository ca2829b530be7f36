// evalkit init [DIR]: a suite that runs offline at once, its dataset, and CI workflows.
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "evalkit/base/files.h"
#include "evalkit/cli/commands.h"
#include "evalkit/cli/exit_codes.h"

namespace evalkit::cli {
namespace {

// The system under test is a shell command until the user points the suite at a model, so
// the scaffold runs with no network and no key.
const char* kSuite = R"(# Created by 'evalkit init'. Run it:   evalkit run evals/suite.yaml
# The system under test is the `app` command below (it reads the prompt on stdin and prints
# the answer). Point it at your own program, or evaluate a model instead:
#   - id: app
#     type: openai-chat
#     model: gpt-4o-mini
#     base_url: ${OPENAI_BASE_URL:-https://api.openai.com/v1}
#     api_key_env: OPENAI_API_KEY
suite: capitals
description: Capital cities, answered by a stand-in app
providers:
  - id: app
    type: exec
    command:
      - sh
      - -c
      - |
        q=$(cat)
        case "$q" in
          *France*) echo Paris ;;
          *Japan*) echo "Tokyo." ;;
          *Peru*) echo "It is Lima" ;;
          *) echo "I do not know" ;;
        esac
    concurrency: 4
prompts:
  - id: qa
    messages:
      - {role: system, content: "Answer with the name of the city only."}
      - {role: user, content: "What is the capital of {{country}}?"}
cases:
  - file: data/cases.jsonl
scorers:
  - {type: contains, name: mentions_answer}
  - {type: exact_match, normalize: [lower, trim, strip_punctuation], weight: 0.5}
pass: {weighted_score: 0.6}
gate:
  mentions_answer: {max_drop: 0.05}
)";

const char* kCases =
    R"({"id": "capital-france", "vars": {"country": "France"}, "expected": "Paris", "labels": ["smoke"]}
{"id": "capital-japan", "vars": {"country": "Japan"}, "expected": "Tokyo"}
{"id": "capital-peru", "vars": {"country": "Peru"}, "expected": "Lima"}
)";

const char* kGitHubWorkflow =
    R"(# Created by 'evalkit init'. Pull requests are compared with the baseline saved on main.
name: evals
on:
  pull_request:
  push:
    branches: [main]
jobs:
  evals:
    runs-on: ubuntu-latest
    permissions:
      contents: read
      checks: write
    env:
      OPENAI_API_KEY: ${{ secrets.OPENAI_API_KEY }}
    steps:
      - uses: actions/checkout@v4
      - name: Check that evalkit is on PATH
        # Provide evalkit the way your runners get tools: a container image, a package, or a
        # build from source (cmake -S evalkit -B build && sudo cmake --install build).
        run: evalkit --version
      - name: Restore the baseline
        uses: actions/cache/restore@v4
        with:
          path: evals/baseline.json
          key: evals-baseline-${{ github.sha }}
          restore-keys: evals-baseline-
      - name: Run the evals
        run: |
          args=()
          if [ -f evals/baseline.json ]; then
            evalkit baseline import evals/baseline.json main
            args=(--baseline main)
          fi
          evalkit run evals/suite.yaml "${args[@]}" --no-progress \
            --report-html out/evals.html --junit out/evals.xml --report-md out/evals.md \
            --report-json out/evals.json
      - name: Summary
        if: always()
        run: cat out/evals.md >> "$GITHUB_STEP_SUMMARY" || true
      - name: Upload the report
        if: always()
        uses: actions/upload-artifact@v4
        with:
          name: evals-report
          path: out/
      - name: Publish JUnit results
        if: always()
        uses: mikepenz/action-junit-report@v4
        with:
          report_paths: out/evals.xml
      - name: Save the baseline (main only)
        if: github.ref == 'refs/heads/main'
        run: |
          evalkit baseline save main
          evalkit baseline export main evals/baseline.json
      - name: Store the baseline
        if: github.ref == 'refs/heads/main'
        uses: actions/cache/save@v4
        with:
          path: evals/baseline.json
          key: evals-baseline-${{ github.sha }}
)";

const char* kGitLabCi =
    R"(# Created by 'evalkit init'. Merge requests are compared with the baseline saved on the
# default branch. Merge this job into your own .gitlab-ci.yml if you have one.
evals:
  stage: test
  script:
    - evalkit --version
    - |
      BASELINE=""
      if [ -f evals/baseline.json ]; then
        evalkit baseline import evals/baseline.json main
        BASELINE="--baseline main"
      fi
      evalkit run evals/suite.yaml $BASELINE --no-progress \
        --report-html out/evals.html --junit out/evals.xml --report-md out/evals.md \
        --report-json out/evals.json
    - |
      if [ "$CI_COMMIT_BRANCH" = "$CI_DEFAULT_BRANCH" ]; then
        evalkit baseline save main
        evalkit baseline export main evals/baseline.json
      fi
  cache:
    key: evals-baseline
    paths: [evals/baseline.json]
    when: always
  artifacts:
    when: always
    paths: [out/]
    expose_as: evals report
    reports:
      junit: out/evals.xml
)";

struct ScaffoldFile {
  const char* path;
  const char* text;
};

const ScaffoldFile kFiles[] = {
    {"evals/suite.yaml", kSuite},
    {"evals/data/cases.jsonl", kCases},
    {".github/workflows/evals.yml", kGitHubWorkflow},
    {".gitlab-ci.yml", kGitLabCi},
};

}  // namespace

int init_command(const Args& args) {
  std::string dir = ".";
  bool force = false;
  for (const auto& arg : args) {
    if (arg == "--help" || arg == "-h") {
      std::puts(
          "Usage: evalkit init [DIR] [--force]\n\n"
          "Creates, under DIR (default: the current folder):\n"
          "  evals/suite.yaml              a suite that runs offline at once (an `exec` app)\n"
          "  evals/data/cases.jsonl        its dataset\n"
          "  .github/workflows/evals.yml   GitHub Actions: run on every PR, baseline on main\n"
          "  .gitlab-ci.yml                the same for GitLab CI\n"
          "Existing files are left alone unless --force is given. See docs/ci.md.");
      return exit_code::kPassed;
    }
    if (arg == "--force") {
      force = true;
    } else if (!arg.empty() && arg[0] == '-') {
      std::fprintf(stderr, "evalkit init: unknown option '%s'\n", arg.c_str());
      return exit_code::kUsageError;
    } else {
      dir = arg;
    }
  }
  namespace fs = std::filesystem;
  int written = 0;
  for (const auto& file : kFiles) {
    const fs::path path = fs::path(dir) / file.path;
    std::error_code ec;
    if (fs::exists(path, ec) && !force) {
      std::printf("  kept     %s (exists)\n", path.c_str());
      continue;
    }
    if (Status s = write_file_atomic(path.string(), file.text); !s) {
      std::fprintf(stderr, "evalkit init: %s\n", s.message().c_str());
      return exit_code::kInfrastructure;
    }
    std::printf("  created  %s\n", path.c_str());
    ++written;
  }
  const std::string suite = (fs::path(dir) / "evals/suite.yaml").string();
  std::printf("\n%d file%s written. Next:\n  evalkit run %s\n", written, written == 1 ? "" : "s",
              suite.c_str());
  return exit_code::kPassed;
}

}  // namespace evalkit::cli

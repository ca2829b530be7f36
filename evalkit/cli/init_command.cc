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
# The gate compares each run with the baseline saved on main (docs/gating.md). With a handful
# of cases no significance test can tell a drop from noise, so these rules are plain thresholds
# (`test: none`): any drop fails. With a few hundred cases, remove `test: none` and let the
# paired test decide, with max_drop set to the largest drop you would ship; `min` sets a floor
# that every run must hold, with or without a baseline.
gate:
  pass_rate: {max_drop: 0, test: none}
  mentions_answer: {max_drop: 0, test: none}
)";

const char* kCases =
    R"({"id": "capital-france", "vars": {"country": "France"}, "expected": "Paris", "labels": ["smoke"]}
{"id": "capital-japan", "vars": {"country": "Japan"}, "expected": "Tokyo"}
{"id": "capital-peru", "vars": {"country": "Peru"}, "expected": "Lima"}
)";

const char* kGitHubWorkflow =
    R"(# Created by 'evalkit init'. Pull requests are compared with the baseline saved on main;
# the check fails only when the gate fails (a regression, a floor, or nothing to compare), not
# on cases that already failed in the baseline. See docs/ci.md.
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
          mkdir -p out
          args=()
          if [ -f evals/baseline.json ]; then
            evalkit baseline import evals/baseline.json main
            args=(--baseline main)
          else
            echo "> **No baseline found** (evals/baseline.json): this run was checked against the suite's floors only. The baseline is saved by the next run on main." >> "$GITHUB_STEP_SUMMARY"
          fi
          evalkit run evals/suite.yaml "${args[@]}" --fail-on regressions --no-progress \
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
      - name: Save the baseline (main only, whatever the gate said)
        if: always() && github.ref == 'refs/heads/main'
        run: |
          if evalkit baseline save main; then
            evalkit baseline export main evals/baseline.json
          else
            echo "> The baseline was not refreshed: this run cannot stand for the suite (see the log)." >> "$GITHUB_STEP_SUMMARY"
          fi
      - name: Store the baseline
        if: always() && github.ref == 'refs/heads/main'
        uses: actions/cache/save@v4
        with:
          path: evals/baseline.json
          key: evals-baseline-${{ github.sha }}
)";

const char* kGitLabCi =
    R"(# Created by 'evalkit init'. Merge requests are compared with the baseline saved on the
# default branch; the job fails only when the gate fails. Merge this job into your own
# .gitlab-ci.yml if you have one. See docs/ci.md.
evals:
  stage: test
  script:
    - evalkit --version
    - mkdir -p out
    - |
      BASELINE=""
      if [ -f evals/baseline.json ]; then
        evalkit baseline import evals/baseline.json main
        BASELINE="--baseline main"
      else
        echo "No baseline found (evals/baseline.json): this run was checked against the suite's floors only; the baseline is saved by the next pipeline on $CI_DEFAULT_BRANCH." | tee out/no-baseline.txt
      fi
      status=0
      evalkit run evals/suite.yaml $BASELINE --fail-on regressions --no-progress \
        --report-html out/evals.html --junit out/evals.xml --report-md out/evals.md \
        --report-json out/evals.json || status=$?
      if [ "$CI_COMMIT_BRANCH" = "$CI_DEFAULT_BRANCH" ]; then
        if evalkit baseline save main; then
          evalkit baseline export main evals/baseline.json
        else
          echo "The baseline was not refreshed: this run cannot stand for the suite."
        fi
      fi
      exit $status
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
          "and adds the run database (.evalkit/) to .gitignore.\n"
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
  // The run database is the user's local history, not the repository's.
  const fs::path ignore = fs::path(dir) / ".gitignore";
  std::string ignored;
  std::error_code ec;
  const bool existed = fs::exists(ignore, ec);
  if (existed) {
    if (Status s = read_file(ignore.string(), &ignored); !s) {
      std::fprintf(stderr, "evalkit init: %s\n", s.message().c_str());
      return exit_code::kInfrastructure;
    }
  }
  bool listed = false;
  for (size_t start = 0; start <= ignored.size();) {
    size_t end = ignored.find('\n', start);
    if (end == std::string::npos) end = ignored.size();
    std::string line = ignored.substr(start, end - start);
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.pop_back();
    if (line == ".evalkit" || line == ".evalkit/" || line == "/.evalkit/" || line == "/.evalkit") {
      listed = true;
    }
    start = end + 1;
  }
  if (!listed) {
    if (!ignored.empty() && ignored.back() != '\n') ignored += '\n';
    ignored +=
        "# evalkit's run database (evalkit runs, baselines); CI keeps baselines as files\n"
        ".evalkit/\n";
    if (Status s = write_file_atomic(ignore.string(), ignored); !s) {
      std::fprintf(stderr, "evalkit init: %s\n", s.message().c_str());
      return exit_code::kInfrastructure;
    }
    std::printf("  %s  %s (.evalkit/ added)\n", existed ? "updated" : "created ", ignore.c_str());
  }
  const std::string suite = (fs::path(dir) / "evals/suite.yaml").string();
  std::printf("\n%d file%s written. Next:\n  evalkit run %s\n", written, written == 1 ? "" : "s",
              suite.c_str());
  return exit_code::kPassed;
}

}  // namespace evalkit::cli

// evalkit validate / list: look at suites without running them.
#include <cstdio>
#include <iostream>

#include <boost/program_options.hpp>

#include "evalkit/cli/commands.h"
#include "evalkit/cli/exit_codes.h"
#include "evalkit/report/report_text.h"
#include "evalkit/run/trial_plan.h"
#include "evalkit/suite/suite_loader.h"

namespace po = boost::program_options;

namespace evalkit::cli {

int validate_command(const Args& args) {
  if (args.empty() || args[0] == "--help" || args[0] == "-h") {
    std::puts(
        "Usage: evalkit validate [--strict] [--confine-paths] SUITE...\n\nLoads and checks "
        "each suite (keys, types, datasets, scorers, providers, template variables) "
        "without running it.\n"
        "  --confine-paths  refuse files outside the suite's folder (.., absolute paths, "
        "symbolic links)\n"
        "  --strict         the strictest checks, --confine-paths included\n"
        "Also refused before any model call: scorers that compare with references on cases "
        "without any, a scorer's provider of the wrong kind, out-of-range thresholds and "
        "params. Warnings (probable mistakes that still load): {single} braces where "
        "{{placeholders}} were meant, case variables no prompt uses.\n"
        "Errors name file:line:column. Exit code 0 when every suite is valid, 3 otherwise.");
    return args.empty() ? exit_code::kUsageError : exit_code::kPassed;
  }
  SuiteLoadOptions load_options;
  std::vector<std::string> paths;
  for (const auto& arg : args) {
    if (arg == "--confine-paths" || arg == "--strict") {
      load_options.confine_paths = true;
    } else if (arg.rfind("--", 0) == 0) {
      std::fprintf(stderr, "evalkit validate: unknown option '%s'\n", arg.c_str());
      return exit_code::kUsageError;
    } else {
      paths.push_back(arg);
    }
  }
  if (paths.empty()) {
    std::fprintf(stderr, "evalkit validate: no suite given\n");
    return exit_code::kUsageError;
  }
  int code = exit_code::kPassed;
  for (const auto& path : paths) {
    Suite suite;
    if (Status s = load_suite(path, &suite, load_options); !s) {
      std::fprintf(stderr, "%s\n", s.message().c_str());
      code = exit_code::kUsageError;
      continue;
    }
    for (const std::string& warning : suite.warnings) {
      std::fprintf(stderr, "warning: %s\n", warning.c_str());
    }
    std::printf("%s: suite '%s' is valid: %zu cases, %zu prompts, %zu providers, %zu scorers\n",
                path.c_str(), suite.name.c_str(), suite.case_count, suite.prompts.size(),
                suite.providers.size(), suite.scorers.size());
  }
  return code;
}

int list_command(const Args& args) {
  po::options_description options("evalkit list SUITE [options]");
  std::string path;
  CaseFilter filter;
  int repeat = 0;
  options.add_options()("help,h", "show this help")
      ("tests-regex,R", po::value<std::vector<std::string>>(&filter.include), "cases whose id matches REGEX")
      ("exclude-regex,E", po::value<std::vector<std::string>>(&filter.exclude), "skip cases whose id matches REGEX")
      ("label-regex,L", po::value<std::vector<std::string>>(&filter.labels), "cases with LABEL")
      ("repeat", po::value<int>(&repeat), "repeats");
  po::options_description hidden;
  hidden.add_options()("suite", po::value<std::string>(&path));
  po::options_description all;
  all.add(options).add(hidden);
  po::positional_options_description positional;
  positional.add("suite", 1);
  po::variables_map vm;
  try {
    po::store(po::command_line_parser(args).options(all).positional(positional).run(), vm);
    po::notify(vm);
  } catch (const po::error& e) {
    std::fprintf(stderr, "evalkit list: %s\n", e.what());
    return exit_code::kUsageError;
  }
  if (vm.count("help") || path.empty()) {
    std::cout << options << "\nLists the trials a run would execute, like 'ctest -N'.\n";
    return path.empty() && !vm.count("help") ? exit_code::kUsageError : exit_code::kPassed;
  }
  Suite suite;
  if (Status s = load_suite(path, &suite); !s) {
    std::fprintf(stderr, "%s\n", s.message().c_str());
    return exit_code::kUsageError;
  }
  TrialPlan plan;
  if (Status s = TrialPlan::make(suite, filter, repeat > 0 ? repeat : suite.repeat, &plan); !s) {
    std::fprintf(stderr, "evalkit list: %s\n", s.message().c_str());
    return exit_code::kUsageError;
  }
  const int width = int(std::to_string(std::max<int64_t>(1, plan.size())).size());
  TrialCursor trials(plan);
  TrialSpec spec;
  while (trials.next(&spec)) {
    const int64_t i = spec.index;
    std::string labels;
    for (const auto& l : spec.test_case->labels) labels += (labels.empty() ? "" : ",") + l;
    std::printf("  Test #%*lld: %s%s\n", width, static_cast<long long>(i + 1),
                terminal_safe(plan.display_name(spec)).c_str(),
                labels.empty() ? "" : terminal_safe("  [" + labels + "]").c_str());
  }
  if (!trials.status()) {
    std::fprintf(stderr, "evalkit list: %s\n", trials.status().message().c_str());
    return exit_code::kUsageError;
  }
  std::printf("\nTotal Tests: %lld\n", static_cast<long long>(plan.size()));
  return plan.size() == 0 ? exit_code::kNothingSelected : exit_code::kPassed;
}

}  // namespace evalkit::cli

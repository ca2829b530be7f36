// evalkit merge INPUT... : joins the shards of one suite (JSON reports or stored runs) into
// one stored run that can be gated (evalkit compare) and reported like any other.
#include <algorithm>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <iostream>
#include <map>
#include <random>
#include <tuple>

#include <boost/program_options.hpp>

#include "evalkit/base/files.h"
#include "evalkit/cli/commands.h"
#include "evalkit/cli/exit_codes.h"
#include "evalkit/cli/report_outputs.h"
#include "evalkit/cli/run_document_import.h"
#include "evalkit/report/run_document.h"
#include "evalkit/store/store.h"

namespace po = boost::program_options;

namespace evalkit::cli {
namespace {

std::string merged_run_id(const std::string& suite) {
  std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  char stamp[32];
  std::strftime(stamp, sizeof stamp, "%Y%m%dT%H%M%SZ", &tm);
  std::random_device rd;
  char suffix[8];
  std::snprintf(suffix, sizeof suffix, "%04x", rd() & 0xffff);
  std::string name;
  for (char c : suite) name.push_back(std::isalnum(static_cast<unsigned char>(c)) ? c : '-');
  return std::string(stamp) + "-" + name + "-merged-" + suffix;
}

struct Shard {
  std::string source;  // the file or run reference it came from
  RunRecord run;
  std::vector<TrialResult> trials;
};

Status load_shard(Store& store, const std::string& input, Shard* shard) {
  shard->source = input;
  std::error_code ec;
  if (std::filesystem::is_regular_file(input, ec)) {
    return read_run_document(input, &shard->run, &shard->trials);
  }
  std::string run_id;
  if (Status s = store.resolve_run_id(input, "", &run_id); !s) {
    return Status::error("'" + input + "' is neither a JSON report file nor a run in " +
                         store.path() + ": " + s.message());
  }
  if (Status s = store.load_run(run_id, &shard->run); !s) return s;
  return store.load_trials(run_id, &shard->trials);
}

}  // namespace

int merge_command(const Args& args) {
  po::options_description options("evalkit merge INPUT... [options]");
  std::vector<std::string> inputs;
  std::string db = default_db_path(), into;
  ReportPaths reports;
  // clang-format off
  options.add_options()("help,h", "show this help")
      ("db", po::value<std::string>(&db), "SQLite database the merged run is stored in (default .evalkit/evalkit.db or $EVALKIT_DB)")
      ("into", po::value<std::string>(&into), "also name the merged run NAME (a baseline name, usable by compare and baseline export)");
  // clang-format on
  po::options_description hidden;
  hidden.add_options()("input", po::value<std::vector<std::string>>(&inputs));
  add_report_options(options, hidden, &reports);
  // -o/--output: the older spelling of --report-json here.
  hidden.add_options()("output,o", po::value<std::string>(&reports.json), "same as --report-json");
  po::positional_options_description positional;
  positional.add("input", -1);
  po::variables_map vm;
  if (!parse_command_options("merge", args, options, hidden, positional, &vm)) {
    return exit_code::kUsageError;
  }
  if (vm.count("help") || inputs.empty()) {
    std::cout << options
              << "\nINPUT is a JSON report (--report-json of a shard) or a stored run (id, prefix, "
                 "'last').\nAll inputs must be runs of the same suite with no trial in two of "
                 "them.\nExit code 1 when a merged trial failed, 0 otherwise.\n"
                 "Example:\n  evalkit merge shard-*.json --into nightly -o merged.json\n"
                 "  evalkit compare main nightly\n";
    return vm.count("help") ? exit_code::kPassed : exit_code::kUsageError;
  }
  Store store;
  if (Status s = store.open(db); !s) {
    std::fprintf(stderr, "evalkit merge: %s\n", s.message().c_str());
    return exit_code::kInfrastructure;
  }
  std::vector<Shard> shards(inputs.size());
  for (size_t i = 0; i < inputs.size(); ++i) {
    if (Status s = load_shard(store, inputs[i], &shards[i]); !s) {
      std::fprintf(stderr, "evalkit merge: %s\n", s.message().c_str());
      return exit_code::kUsageError;
    }
  }
  const RunRecord& first = shards[0].run;
  RunRecord merged = first;
  merged.id = merged_run_id(first.suite);
  merged.command_line = "evalkit merge";
  merged.planned_trials = 0;
  merged.duration_s = 0;
  merged.status = "complete";
  merged.status_reason.clear();
  nlohmann::json sources = nlohmann::json::array();
  using Key = std::tuple<std::string, std::string, std::string, int>;
  std::map<Key, std::string> seen;  // trial key -> the input it came from
  std::vector<TrialResult> trials;
  for (const Shard& shard : shards) {
    const RunRecord& run = shard.run;
    merged.command_line += " " + shard.source;
    if (run.suite != first.suite) {
      std::fprintf(stderr, "evalkit merge: %s is a run of suite '%s', %s of '%s'\n",
                   shard.source.c_str(), run.suite.c_str(), shards[0].source.c_str(),
                   first.suite.c_str());
      return exit_code::kUsageError;
    }
    if (run.suite_hash != first.suite_hash) {
      std::fprintf(stderr,
                   "evalkit merge: %s ran another version of suite '%s' than %s (the suite or "
                   "its datasets changed between shards)\n",
                   shard.source.c_str(), run.suite.c_str(), shards[0].source.c_str());
      return exit_code::kUsageError;
    }
    for (const TrialResult& trial : shard.trials) {
      const Key key{trial.key.case_id, trial.key.prompt_id, trial.key.provider_id,
                    trial.key.repeat};
      const auto [it, inserted] = seen.emplace(key, shard.source);
      if (!inserted) {
        std::fprintf(stderr, "evalkit merge: trial %s/%s is in both %s and %s\n",
                     trial.key.prompt_id.c_str(), trial.key.case_id.c_str(), it->second.c_str(),
                     shard.source.c_str());
        return exit_code::kUsageError;
      }
      trials.push_back(trial);
    }
    merged.planned_trials += run.planned_trials;
    // Shards run side by side: the merged run spans the earliest start to the latest finish.
    merged.started_at = std::min(merged.started_at, run.started_at);
    merged.finished_at = std::max(merged.finished_at, run.finished_at);
    merged.duration_s = std::max(merged.duration_s, run.duration_s);
    if (run.status != "complete") {
      merged.status = "incomplete";
      merged.status_reason += (merged.status_reason.empty() ? "" : "; ") + shard.source + " is " +
                              run.status;
    }
    sources.push_back({{"source", shard.source}, {"run", run.id}});
  }
  merged.config["merged_from"] = sources;
  // The shards together cover the suite: the merged run is not filtered by --shard.
  if (merged.config.contains("filters") && merged.config["filters"].is_object()) {
    merged.config["filters"].erase("shard");
  }
  // One order whatever the order of the inputs: by case, prompt, provider, repeat.
  std::sort(trials.begin(), trials.end(), [](const TrialResult& a, const TrialResult& b) {
    return std::tie(a.key.case_id, a.key.prompt_id, a.key.provider_id, a.key.repeat) <
           std::tie(b.key.case_id, b.key.prompt_id, b.key.provider_id, b.key.repeat);
  });
  int64_t failed = 0;
  for (size_t i = 0; i < trials.size(); ++i) {
    trials[i].index = int64_t(i);
    if (!trials[i].pass) ++failed;
  }
  if (Status s = store_imported_run(store, merged, trials); !s) {
    std::fprintf(stderr, "evalkit merge: %s\n", s.message().c_str());
    return exit_code::kInfrastructure;
  }
  if (!into.empty()) {
    if (Status s = store.save_baseline(into, merged.id); !s) {
      std::fprintf(stderr, "evalkit merge: %s\n", s.message().c_str());
      return exit_code::kInfrastructure;
    }
  }
  if (reports.any()) {
    RunRecord stored;
    store.load_run(merged.id, &stored);
    if (Status s = write_reports(build_run_document(stored, trials), reports); !s) {
      std::fprintf(stderr, "evalkit merge: %s\n", s.message().c_str());
      return exit_code::kInfrastructure;
    }
  }
  std::FILE* out = stdout;
  for (const std::string* path :
       {&reports.json, &reports.html, &reports.junit, &reports.markdown}) {
    if (is_standard_output(*path)) out = stderr;
  }
  std::fprintf(out, "Merged %zu runs of suite '%s': %zu trials, %lld passed, %lld failed%s\n",
               shards.size(), first.suite.c_str(), trials.size(),
               static_cast<long long>(int64_t(trials.size()) - failed),
               static_cast<long long>(failed),
               merged.status == "complete" ? "" : (" (" + merged.status_reason + ")").c_str());
  std::fprintf(out, "Results: run %s in %s%s\n", merged.id.c_str(), store.path().c_str(),
               into.empty() ? "" : (" (named '" + into + "')").c_str());
  return failed > 0 || merged.status != "complete" ? exit_code::kCaseFailures : exit_code::kPassed;
}

}  // namespace evalkit::cli

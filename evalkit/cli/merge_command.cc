// evalkit merge INPUT... : joins the shards of one suite (JSON reports or stored runs) into
// one stored run that can be gated (evalkit compare) and reported like any other. Reports are
// read as streams and their trials go to the store as they are read, so merging a million
// trials holds a batch of them, not the million.
#include <algorithm>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <iostream>
#include <random>

#include <boost/program_options.hpp>

#include "evalkit/base/files.h"
#include "evalkit/cli/commands.h"
#include "evalkit/cli/exit_codes.h"
#include "evalkit/cli/report_outputs.h"
#include "evalkit/cli/run_document_import.h"
#include "evalkit/report/run_document.h"
#include "evalkit/report/run_document_stream.h"
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

// The merged run as its inputs stream in: each input's run is checked against the first and
// folded into the merged record, and its trials go to the store in batches under provisional
// indices (renumbered by key once every input is read), so no input is ever whole in memory.
class MergedRun {
 public:
  explicit MergedRun(Store& store) : store_(store) {}

  // Removes a merged run left unfinished by an error.
  ~MergedRun() {
    if (created_ && !finished_) store_.delete_run(merged_.id);
  }

  const RunRecord& record() const { return merged_; }
  int64_t trials() const { return next_index_; }
  int64_t failed() const { return failed_; }

  // Starts the input named source, whose run is run.
  Status add_run(const std::string& source, const RunRecord& run) {
    starts_.push_back({next_index_, source});
    if (!created_) {
      first_source_ = source;
      merged_ = run;
      merged_.id = merged_run_id(run.suite);
      merged_.command_line = "evalkit merge";
      merged_.planned_trials = 0;
      merged_.duration_s = 0;
      merged_.status = "complete";
      merged_.status_reason.clear();
      RunRecord running = merged_;
      running.status = "running";
      if (Status s = store_.create_run(running); !s) {
        store_failed_ = true;
        return s;
      }
      created_ = true;
    } else if (run.suite != merged_.suite) {
      return Status::error(source + " is a run of suite '" + run.suite + "', " + first_source_ +
                           " of '" + merged_.suite + "'");
    } else if (run.suite_hash != merged_.suite_hash) {
      return Status::error(source + " ran another version of suite '" + run.suite + "' than " +
                           first_source_ + " (the suite or its datasets changed between shards)");
    }
    merged_.command_line += " " + source;
    if (run.planned_trials >= 0) merged_.planned_trials += run.planned_trials;
    // Shards run side by side: the merged run spans the earliest start to the latest finish.
    merged_.started_at = std::min(merged_.started_at, run.started_at);
    merged_.finished_at = std::max(merged_.finished_at, run.finished_at);
    merged_.duration_s = std::max(merged_.duration_s, run.duration_s);
    if (run.status != "complete") {
      merged_.status = "incomplete";
      merged_.status_reason +=
          (merged_.status_reason.empty() ? "" : "; ") + source + " is " + run.status;
    }
    sources_.push_back({{"source", source}, {"run", run.id}});
    return Status::ok();
  }

  // A report that did not give its planned trials planned as many as it holds.
  void add_planned(int64_t trials) { merged_.planned_trials += trials; }

  Status add_trial(TrialResult trial) {
    trial.index = next_index_++;
    if (!trial.pass) ++failed_;
    batch_.push_back(std::move(trial));
    return batch_.size() >= 512 ? flush() : Status::ok();
  }

  // Whether a database write failed (rather than an input being unusable).
  bool store_failed() const { return store_failed_; }

  // Stores the last trials and refuses a trial that two inputs hold (store_failed() tells a
  // database error from that).
  Status refuse_duplicates() {
    if (Status s = flush(); !s) return s;
    bool twice = false;
    TrialKey key;
    int64_t first = 0, second = 0;
    if (Status s = store_.find_duplicate_trial(merged_.id, &twice, &key, &first, &second); !s) {
      store_failed_ = true;
      return s;
    }
    if (twice) {
      return Status::error("trial " + key.prompt_id + "/" + key.case_id + " is in both " +
                           source_of(first) + " and " + source_of(second));
    }
    return Status::ok();
  }

  // Orders the trials by key and writes the merged record.
  Status finish() {
    // One order whatever the order of the inputs: by case, prompt, provider, repeat.
    if (Status s = store_.renumber_trials_by_key(merged_.id); !s) return s;
    merged_.config["merged_from"] = sources_;
    // The shards together cover the suite: the merged run is not filtered by --shard.
    if (merged_.config.contains("filters") && merged_.config["filters"].is_object()) {
      merged_.config["filters"].erase("shard");
    }
    if (Status s = store_.update_run(merged_); !s) return s;
    finished_ = true;
    return Status::ok();
  }

 private:
  Status flush() {
    if (batch_.empty()) return Status::ok();
    Status s = store_.write_trials(merged_.id, batch_);
    batch_.clear();
    if (!s) store_failed_ = true;
    return s;
  }

  // The input that trial index came from.
  std::string source_of(int64_t index) const {
    std::string source;
    for (const auto& [start, name] : starts_) {
      if (start <= index) source = name;
    }
    return source;
  }

  Store& store_;
  RunRecord merged_;
  bool created_ = false, finished_ = false, store_failed_ = false;
  std::string first_source_;
  nlohmann::json sources_ = nlohmann::json::array();
  std::vector<std::pair<int64_t, std::string>> starts_;  // first index of each input
  std::vector<TrialResult> batch_;
  int64_t next_index_ = 0;
  int64_t failed_ = 0;
};

// Reads one input into merged: a JSON report as a stream, a stored run from the store.
Status merge_input(Store& store, const std::string& input, MergedRun* merged) {
  std::error_code ec;
  if (std::filesystem::is_regular_file(input, ec)) {
    int64_t planned = 0, count = 0;
    Status s = stream_run_document(
        input,
        [&](const RunRecord& run) {
          planned = run.planned_trials;
          return merged->add_run(input, run);
        },
        [&](TrialResult trial) { return merged->add_trial(std::move(trial)); }, &count);
    if (s && planned < 0) merged->add_planned(count);
    return s;
  }
  std::string run_id;
  if (Status s = store.resolve_run_id(input, "", &run_id); !s) {
    return Status::error("'" + input + "' is neither a JSON report file nor a run in " +
                         store.path() + ": " + s.message());
  }
  RunRecord run;
  if (Status s = store.load_run(run_id, &run); !s) return s;
  if (Status s = merged->add_run(input, run); !s) return s;
  // A batch of the stored run's trials at a time, never the whole run.
  return store.for_each_trial(run_id, 512, [&](const TrialResult& trial) {
    return merged->add_trial(TrialResult(trial));
  });
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
  // Every input is checked before any is read, so a typo costs nothing.
  for (const std::string& input : inputs) {
    std::error_code ec;
    std::string run_id;
    if (!std::filesystem::is_regular_file(input, ec) &&
        !store.resolve_run_id(input, "", &run_id).is_ok()) {
      std::fprintf(stderr, "evalkit merge: '%s' is neither a JSON report file nor a run in %s\n",
                   input.c_str(), store.path().c_str());
      return exit_code::kUsageError;
    }
  }
  MergedRun merged(store);
  for (const std::string& input : inputs) {
    if (Status s = merge_input(store, input, &merged); !s) {
      std::fprintf(stderr, "evalkit merge: %s\n", s.message().c_str());
      return merged.store_failed() ? exit_code::kInfrastructure : exit_code::kUsageError;
    }
  }
  if (Status s = merged.refuse_duplicates(); !s) {
    std::fprintf(stderr, "evalkit merge: %s\n", s.message().c_str());
    return merged.store_failed() ? exit_code::kInfrastructure : exit_code::kUsageError;
  }
  if (Status s = merged.finish(); !s) {
    std::fprintf(stderr, "evalkit merge: %s\n", s.message().c_str());
    return exit_code::kInfrastructure;
  }
  const RunRecord& run = merged.record();
  if (!into.empty()) {
    if (Status s = store.save_baseline(into, run.id); !s) {
      std::fprintf(stderr, "evalkit merge: %s\n", s.message().c_str());
      return exit_code::kInfrastructure;
    }
  }
  if (reports.any()) {
    // The reports are written as the merged run is read from the store (docs/scale.md).
    RunRecord stored;
    StreamedDocument document;
    Status s = store.load_run(run.id, &stored);
    if (s) s = stored_run_document(store, stored, {}, &document);
    if (s) s = write_reports(document, reports);
    if (!s) {
      std::fprintf(stderr, "evalkit merge: %s\n", s.message().c_str());
      return exit_code::kInfrastructure;
    }
  }
  std::FILE* out = stdout;
  for (const std::string* path :
       {&reports.json, &reports.html, &reports.junit, &reports.markdown}) {
    if (is_standard_output(*path)) out = stderr;
  }
  const int64_t failed = merged.failed();
  std::fprintf(out, "Merged %zu runs of suite '%s': %lld trials, %lld passed, %lld failed%s\n",
               inputs.size(), run.suite.c_str(), static_cast<long long>(merged.trials()),
               static_cast<long long>(merged.trials() - failed), static_cast<long long>(failed),
               run.status == "complete" ? "" : (" (" + run.status_reason + ")").c_str());
  std::fprintf(out, "Results: run %s in %s%s\n", run.id.c_str(), store.path().c_str(),
               into.empty() ? "" : (" (named '" + into + "')").c_str());
  return failed > 0 || run.status != "complete" ? exit_code::kCaseFailures : exit_code::kPassed;
}

}  // namespace evalkit::cli

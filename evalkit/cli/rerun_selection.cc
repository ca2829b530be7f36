#include "evalkit/cli/rerun_selection.h"

#include <regex>
#include <set>

namespace evalkit::cli {
namespace {

std::string escape_regex(const std::string& text) {
  static const std::string special = R"(\^$.|?*+()[]{}/)";
  std::string out;
  for (char c : text) {
    if (special.find(c) != std::string::npos) out += '\\';
    out += c;
  }
  return out;
}

}  // namespace

Status select_failed_cases(Store& store, const std::string& run_id, CaseFilter* filter,
                           size_t* failed_cases) {
  std::vector<std::regex> include;
  try {
    for (const auto& pattern : filter->include)
      include.emplace_back(pattern, std::regex::ECMAScript);
  } catch (const std::regex_error& e) {
    return Status::error("invalid -R pattern: " + std::string(e.what()));
  }
  // The stored run's outcomes a batch at a time: only the failed case ids are kept.
  std::set<std::string> failed;
  Status read = store.for_each_trial_outcome(run_id, 4096, [&](const TrialResult& trial) {
    if (trial.pass || failed.count(trial.key.case_id)) return Status::ok();
    bool matches = include.empty();
    for (const auto& re : include) matches = matches || std::regex_search(trial.key.case_id, re);
    if (matches) failed.insert(trial.key.case_id);
    return Status::ok();
  });
  if (!read) return read;
  filter->include.clear();
  for (const auto& id : failed) {
    std::string pattern = "^";
    pattern += escape_regex(id);
    pattern += '$';
    filter->include.push_back(std::move(pattern));
  }
  *failed_cases = failed.size();
  return Status::ok();
}

bool parse_repeat_mode(const std::string& text, RepeatMode* mode) {
  RepeatMode parsed;
  std::string number = text;
  if (text.rfind("until-fail:", 0) == 0) {
    parsed.kind = RepeatMode::kUntilFail;
    number = text.substr(11);
  } else if (text.rfind("until-pass:", 0) == 0) {
    parsed.kind = RepeatMode::kUntilPass;
    number = text.substr(11);
  }
  if (number.empty() || number.find_first_not_of("0123456789") != std::string::npos ||
      number.size() > 9) {
    return false;
  }
  parsed.count = std::stoi(number);
  if (parsed.count < 1) return false;
  *mode = parsed;
  return true;
}

void StopOnFailureObserver::on_start(const TrialPlan& plan, const std::string& run_id,
                                     int64_t already_done) {
  inner_.on_start(plan, run_id, already_done);
}

void StopOnFailureObserver::on_trial(const TrialSpec& spec, const TrialResult& result,
                                     int64_t finished) {
  inner_.on_trial(spec, result, finished);
  if (!result.pass && !triggered_) {
    triggered_ = true;
    stop_->store(true);
  }
}

}  // namespace evalkit::cli

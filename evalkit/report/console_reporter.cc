#include "evalkit/report/console_reporter.h"

#include <algorithm>
#include <cmath>

#include "evalkit/report/report_text.h"

namespace evalkit {
namespace {

// text on one line, cut to about max bytes, with control characters shown as escapes.
std::string one_line(const std::string& text, size_t max) {
  std::string s;
  for (char c : text) s.push_back(c == '\n' || c == '\r' || c == '\t' ? ' ' : c);
  if (s.size() > max) {
    size_t cut = max;
    while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xC0) == 0x80) --cut;
    s = s.substr(0, cut) + "…";
  }
  return terminal_safe(s);
}

}  // namespace

ConsoleReporter::ConsoleReporter(std::FILE* out, const ConsoleOptions& options)
    : out_(out), options_(options) {}

void ConsoleReporter::on_start(const TrialPlan& plan, const std::string& run_id,
                               int64_t already_done) {
  plan_ = &plan;
  total_ = plan.size();
  already_done_ = already_done;
  index_width_ = int(std::to_string(std::max<int64_t>(1, total_)).size());
  // Dots pad names to a common column, as CTest does; the first 10,000 trials set it, so
  // huge plans stay cheap (their cases are read from datasets as the run goes).
  size_t longest = 20;
  TrialCursor trials(plan);
  TrialSpec spec;
  for (int sampled = 0; sampled < 10000 && trials.next(&spec); ++sampled) {
    longest = std::max(longest, plan.display_name(spec).size());
  }
  name_width_ = std::min<size_t>(longest + 3, 80);
  if (options_.verbosity > 0) {
    std::fprintf(out_, "Run %s: %lld trials%s\n", run_id.c_str(), static_cast<long long>(total_),
                 already_done > 0
                     ? (" (" + std::to_string(already_done) + " already done, resuming)").c_str()
                     : "");
  }
  std::fflush(out_);
}

void ConsoleReporter::clear_progress() {
  if (progress_drawn_) {
    std::fputs("\r\033[K", out_);
    progress_drawn_ = false;
  }
}

void ConsoleReporter::draw_progress(int64_t finished) {
  if (!options_.progress) return;
  const int64_t done = finished + already_done_;
  const int width = 30;
  const int filled = total_ > 0 ? int(width * done / total_) : width;
  std::fprintf(out_, "[%s%s] %lld/%lld", std::string(size_t(filled), '#').c_str(),
               std::string(size_t(width - filled), ' ').c_str(), static_cast<long long>(done),
               static_cast<long long>(total_));
  progress_drawn_ = true;
  std::fflush(out_);
}

void ConsoleReporter::on_trial(const TrialSpec& spec, const TrialResult& result, int64_t finished) {
  const std::string name = terminal_safe(plan_->display_name(spec));
  const bool failed = !result.pass;
  std::string status;
  std::vector<std::string> details;
  if (!result.error.empty()) {
    status = result.error_kind == error_kind::kTimeout ? "***Timeout" : "***Error";
    details.push_back(result.error_kind + ": " + one_line(result.error, 300));
  } else if (failed) {
    status = "***Failed";
    for (const auto& score : result.scores) {
      if (!score.pass) details.push_back(score.name + ": " + one_line(score.reason, 300));
    }
  } else {
    status = "   Passed";
  }
  if (failed) failures_.push_back({spec.index + 1, name, status.substr(3)});
  const bool show = options_.verbosity > 0 || failed;
  if (!show) {
    draw_progress(finished);
    return;
  }
  clear_progress();
  const char* color_on = "";
  const char* color_off = "";
  if (options_.color) {
    color_on = failed ? "\033[31m" : "\033[32m";
    color_off = "\033[0m";
  }
  std::string dots = " ";
  if (name.size() + 1 < name_width_) dots += std::string(name_width_ - name.size() - 1, '.');
  std::string number = "#";
  number += std::to_string(spec.index + 1);  // not "#" + ...: GCC 12 warns falsely (-Wrestrict)
  std::fprintf(out_, "%*lld/%lld Test %*s: %s%s%s%s%s %7.2f sec\n", index_width_,
               static_cast<long long>(finished + already_done_), static_cast<long long>(total_),
               index_width_ + 1, number.c_str(), name.c_str(), dots.c_str(),
               color_on, status.c_str(), color_off, result.duration_s);
  for (const auto& d : details) std::fprintf(out_, "      %s\n", d.c_str());
  if (options_.verbosity > 1 || (failed && options_.output_on_failure)) {
    std::fprintf(out_, "      output: %s\n", one_line(result.answer.text, 500).c_str());
  }
  draw_progress(finished);
}

void ConsoleReporter::print_summary(const RunSummary& summary) {
  clear_progress();
  const int64_t ran = summary.finished;
  const int64_t failed = summary.failed + summary.errors;
  const int percent =
      ran > 0 ? int(std::floor(100.0 * double(summary.passed) / double(ran))) : 0;
  std::fprintf(out_, "\n%d%% tests passed, %lld tests failed out of %lld\n", percent,
               static_cast<long long>(failed), static_cast<long long>(ran));
  if (summary.errors > 0) {
    std::fprintf(out_, "  (%lld failed, %lld errors)\n", static_cast<long long>(summary.failed),
                 static_cast<long long>(summary.errors));
  }
  std::fprintf(out_, "\nTotal Test time (real) = %7.2f sec\n", summary.duration_s);
  std::fprintf(out_, "Tokens: %lld prompt + %lld completion\n",
               static_cast<long long>(summary.prompt_tokens),
               static_cast<long long>(summary.completion_tokens));
  if (summary.retries > 0 || !summary.errors_by_kind.empty()) {
    std::fprintf(out_, "Model calls: %lld attempts, %lld retries", summary.attempts, summary.retries);
    for (const auto& [kind, count] : summary.errors_by_kind) {
      std::fprintf(out_, ", %lld %s", count, kind.c_str());
    }
    if (summary.concurrency_cuts > 0) {
      std::fprintf(out_, ", concurrency halved %lld times", summary.concurrency_cuts);
    }
    std::fputs("\n", out_);
  }
  if (!failures_.empty()) {
    std::sort(failures_.begin(), failures_.end(),
              [](const Failure& a, const Failure& b) { return a.number < b.number; });
    std::fputs("\nThe following tests FAILED:\n", out_);
    const size_t shown = std::min<size_t>(failures_.size(), 50);
    for (size_t i = 0; i < shown; ++i) {
      std::fprintf(out_, "\t%*lld - %s (%s)\n", index_width_,
                   static_cast<long long>(failures_[i].number), failures_[i].name.c_str(),
                   failures_[i].what.c_str());
    }
    if (failures_.size() > shown) {
      std::fprintf(out_, "\t... and %zu more\n", failures_.size() - shown);
    }
  }
  std::fflush(out_);
}

}  // namespace evalkit

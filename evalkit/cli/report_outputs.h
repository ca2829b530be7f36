// The report flags every command that writes reports shares (run, report, merge, compare), and
// writing the reports a user asked for from one run document.
#pragma once

#include <string>

#include <boost/program_options.hpp>
#include <nlohmann/json.hpp>

#include "evalkit/base/status.h"
#include "evalkit/report/run_document_stream.h"

namespace evalkit::cli {

struct ReportPaths {
  std::string json;
  std::string html;
  std::string junit;
  std::string markdown;

  bool any() const { return !json.empty() || !html.empty() || !junit.empty() || !markdown.empty(); }
  // With several suites in one invocation, each suite's report gets "-<tag>" before the
  // extension so files don't overwrite each other; `-` (standard output) and non-regular
  // targets (/dev/stdout, a FIFO) are kept as they are.
  ReportPaths for_suite(const std::string& tag, bool several) const;
};

// Adds --report-json, --report-html, --report-md and --junit (FILE, or `-` for standard
// output) to visible, and the older spellings --json, --html, --md to hidden, all writing to
// *paths.
void add_report_options(boost::program_options::options_description& visible,
                        boost::program_options::options_description& hidden, ReportPaths* paths);

// Writes every report asked for. A target of `-` is standard output; a non-regular file
// (/dev/stdout, a FIFO, a terminal) is written in place; a regular file is replaced
// atomically (see write_file_atomic). Reports that can be written are written even when one
// fails; the first error is returned.
Status write_reports(const nlohmann::json& document, const ReportPaths& paths);

// The same for a run document read from the store as it is written: the JSON report and
// JUnit list every trial, streamed; the HTML page holds at most kHtmlReportTrials trials and
// the Markdown summary reads at most kMarkdownReportTrials (bounded_document: those that did
// not pass first). A run within those bounds gets the reports write_reports writes.
inline constexpr size_t kHtmlReportTrials = 10000;
inline constexpr size_t kMarkdownReportTrials = 1000;
Status write_reports(const StreamedDocument& document, const ReportPaths& paths);

// Parses args against visible + hidden options and positional names. On an error prints
// "evalkit COMMAND: ..." with a did-you-mean for a misspelled option and returns false.
bool parse_command_options(const std::string& command, const std::vector<std::string>& args,
                           const boost::program_options::options_description& visible,
                           const boost::program_options::options_description& hidden,
                           const boost::program_options::positional_options_description& positional,
                           boost::program_options::variables_map* vm);

}  // namespace evalkit::cli

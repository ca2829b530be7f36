#include "evalkit/cli/report_outputs.h"

#include <sys/stat.h>

#include <cstdio>
#include <filesystem>

#include "evalkit/base/suggest.h"
#include "evalkit/base/secrets.h"
#include "evalkit/report/html_report.h"
#include "evalkit/report/junit_report.h"
#include "evalkit/report/markdown_report.h"
#include "evalkit/report/run_document.h"

namespace po = boost::program_options;

namespace evalkit::cli {
namespace {

// True for `-` and for paths that exist and are not regular files (devices, FIFOs).
bool is_stream_target(const std::string& path) {
  if (path == "-") return true;
  struct stat info;
  return ::stat(path.c_str(), &info) == 0 && !S_ISREG(info.st_mode);
}

std::string with_suffix(const std::string& path, const std::string& tag) {
  if (path.empty() || is_stream_target(path)) return path;
  std::filesystem::path p(path);
  return (p.parent_path() / (p.stem().string() + "-" + tag + p.extension().string())).string();
}

}  // namespace

ReportPaths ReportPaths::for_suite(const std::string& tag, bool several) const {
  if (!several) return *this;
  return {with_suffix(json, tag), with_suffix(html, tag), with_suffix(junit, tag),
          with_suffix(markdown, tag)};
}

void add_report_options(po::options_description& visible, po::options_description& hidden,
                        ReportPaths* paths) {
  // clang-format off
  visible.add_options()
      ("report-json", po::value<std::string>(&paths->json), "write the JSON report to FILE ('-' for standard output)")
      ("report-html", po::value<std::string>(&paths->html), "write the HTML report to FILE ('-' for standard output)")
      ("report-md", po::value<std::string>(&paths->markdown), "write a Markdown summary to FILE ('-' for standard output)")
      ("junit", po::value<std::string>(&paths->junit), "write JUnit XML to FILE ('-' for standard output)");
  hidden.add_options()
      ("json", po::value<std::string>(&paths->json), "same as --report-json")
      ("html", po::value<std::string>(&paths->html), "same as --report-html")
      ("md", po::value<std::string>(&paths->markdown), "same as --report-md");
  // clang-format on
}

Status write_reports(const nlohmann::json& run_document, const ReportPaths& paths) {
  // A store written by an older evalkit, or a document read from a file, may hold a secret
  // this process knows (register_environment_secrets): reports never carry it.
  nlohmann::json redacted;
  if (has_secrets()) {
    redacted = run_document;
    redact_secrets_in_place(&redacted);
  }
  const nlohmann::json& document = has_secrets() ? redacted : run_document;
  Status first = Status::ok();
  auto keep = [&](Status s) {
    if (!s && first) first = std::move(s);
  };
  if (!paths.json.empty()) keep(write_json_report(document, paths.json));
  if (!paths.html.empty()) keep(write_html_report(document, paths.html));
  if (!paths.junit.empty()) keep(write_junit_report(document, paths.junit));
  if (!paths.markdown.empty()) keep(write_markdown_report(document, paths.markdown));
  return first;
}

Status write_reports(const StreamedDocument& run_document, const ReportPaths& paths) {
  const StreamedDocument document = has_secrets() ? redacted_document(run_document) : run_document;
  Status first = Status::ok();
  auto keep = [&](Status s) {
    if (!s && first) first = std::move(s);
  };
  auto write_bounded = [&](size_t max_trials, const auto& write) {
    nlohmann::json bounded;
    Status s = bounded_document(document, max_trials, &bounded);
    keep(s ? write(bounded) : s);
  };
  if (!paths.json.empty()) keep(write_json_report(document, paths.json));
  if (!paths.html.empty()) {
    write_bounded(kHtmlReportTrials,
                  [&](const nlohmann::json& d) { return write_html_report(d, paths.html); });
  }
  if (!paths.junit.empty()) keep(write_junit_report(document, paths.junit));
  if (!paths.markdown.empty()) {
    write_bounded(kMarkdownReportTrials, [&](const nlohmann::json& d) {
      return write_markdown_report(d, paths.markdown);
    });
  }
  return first;
}

bool parse_command_options(const std::string& command, const std::vector<std::string>& args,
                           const po::options_description& visible,
                           const po::options_description& hidden,
                           const po::positional_options_description& positional,
                           po::variables_map* vm) {
  po::options_description all;
  all.add(visible).add(hidden);
  try {
    po::store(po::command_line_parser(args).options(all).positional(positional).run(), *vm);
    po::notify(*vm);
  } catch (const po::unknown_option& e) {
    std::string name = e.get_option_name();
    const std::string bare = name.rfind("--", 0) == 0 ? name.substr(2) : name;
    std::vector<std::string> names;
    for (const auto& option : visible.options()) names.push_back(option->long_name());
    for (const auto& option : hidden.options()) names.push_back(option->long_name());
    const std::string close = closest_match(bare, names);
    std::fprintf(stderr, "evalkit %s: unknown option '%s'%s. Run 'evalkit %s --help'.\n",
                 command.c_str(), name.c_str(),
                 close.empty() ? "" : (" (did you mean '--" + close + "'?)").c_str(),
                 command.c_str());
    return false;
  } catch (const po::error& e) {
    std::fprintf(stderr, "evalkit %s: %s\n", command.c_str(), e.what());
    return false;
  }
  return true;
}

}  // namespace evalkit::cli

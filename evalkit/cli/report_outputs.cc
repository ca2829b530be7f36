#include "evalkit/cli/report_outputs.h"

#include <filesystem>

#include "evalkit/base/secrets.h"
#include "evalkit/report/html_report.h"
#include "evalkit/report/junit_report.h"
#include "evalkit/report/markdown_report.h"
#include "evalkit/report/run_document.h"

namespace evalkit::cli {
namespace {

std::string with_suffix(const std::string& path, const std::string& suite) {
  if (path.empty()) return path;
  std::filesystem::path p(path);
  return (p.parent_path() / (p.stem().string() + "-" + suite + p.extension().string())).string();
}

}  // namespace

ReportPaths ReportPaths::for_suite(const std::string& suite, bool several) const {
  if (!several) return *this;
  return {with_suffix(json, suite), with_suffix(html, suite), with_suffix(junit, suite),
          with_suffix(markdown, suite)};
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
  if (!paths.json.empty()) {
    if (Status s = write_json_report(document, paths.json); !s) return s;
  }
  if (!paths.html.empty()) {
    if (Status s = write_html_report(document, paths.html); !s) return s;
  }
  if (!paths.junit.empty()) {
    if (Status s = write_junit_report(document, paths.junit); !s) return s;
  }
  if (!paths.markdown.empty()) {
    if (Status s = write_markdown_report(document, paths.markdown); !s) return s;
  }
  return Status::ok();
}

}  // namespace evalkit::cli

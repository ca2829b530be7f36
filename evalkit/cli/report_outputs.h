// Writes the reports a user asked for (--report-json, --report-html, --junit, --report-md)
// from one run document.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "evalkit/base/status.h"

namespace evalkit::cli {

struct ReportPaths {
  std::string json;
  std::string html;
  std::string junit;
  std::string markdown;

  bool any() const { return !json.empty() || !html.empty() || !junit.empty() || !markdown.empty(); }
  // With several suites in one invocation, each suite's report gets "-<suite>" before the
  // extension so files don't overwrite each other.
  ReportPaths for_suite(const std::string& suite, bool several) const;
};

Status write_reports(const nlohmann::json& document, const ReportPaths& paths);

}  // namespace evalkit::cli

// JUnit XML for CI systems (GitLab `artifacts:reports:junit`, Jenkins `junit`): one
// <testsuite> per suite run, one <testcase> per trial.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "evalkit/base/status.h"
#include "evalkit/report/run_document_stream.h"

namespace evalkit {

// The JUnit document for one or more JSON report documents (docs/json-report.md), one
// <testsuite> each. A trial that failed its pass rule gets a <failure> naming the failing
// scorers and their reasons; an infrastructure or scorer error gets an <error>; a trial
// never sent (budget, interrupt) is <skipped>. Output goes to <system-out>, truncated.
// All text is made valid XML 1.0 (invalid UTF-8 and forbidden controls become U+FFFD).
std::string render_junit_report(const std::vector<nlohmann::json>& documents);
std::string render_junit_report(const nlohmann::json& document);

// render_junit_report written to path (atomically).
Status write_junit_report(const nlohmann::json& document, const std::string& path);
Status write_junit_report(const std::vector<nlohmann::json>& documents, const std::string& path);

// The same report of one document, written trial by trial without holding the document or
// the XML (the bytes write_junit_report writes for the same document).
Status write_junit_report(const StreamedDocument& document, const std::string& path);

}  // namespace evalkit

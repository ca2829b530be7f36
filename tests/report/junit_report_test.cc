#include "evalkit/report/junit_report.h"

#include <filesystem>
#include <fstream>
#include <regex>

#include <gtest/gtest.h>

#include "evalkit/base/files.h"
#include "tests/support/process.h"
#include "tests/support/report_documents.h"

namespace evalkit {
namespace {

using nlohmann::json;
using testing::make_report_document;
using testing::SyntheticReportOptions;

constexpr const char* kXmllint = "/usr/bin/xmllint";

int count_of(const std::string& haystack, const std::string& needle) {
  int count = 0;
  for (size_t pos = haystack.find(needle); pos != std::string::npos;
       pos = haystack.find(needle, pos + needle.size())) {
    ++count;
  }
  return count;
}

// Writes xml to a fresh file and returns its path.
std::string write_xml(const std::string& name, const std::string& xml) {
  const std::string path = testing::make_temp_dir("junit") + "/" + name;
  EXPECT_TRUE(write_file_atomic(path, xml).is_ok());
  return path;
}

testing::ProcessResult xmllint(const std::vector<std::string>& args) {
  std::vector<std::string> argv = {kXmllint};
  argv.insert(argv.end(), args.begin(), args.end());
  testing::ProcessOptions options;
  options.timeout_s = 60;
  return testing::run_process(argv, options);
}

TEST(JunitReportTest, CountsMatchTheTrials) {
  const json document = make_report_document({.trials = 40});
  const std::string xml = render_junit_report(document);
  const json& summary = document["summary"];
  EXPECT_EQ(count_of(xml, "<testcase "), 40);
  EXPECT_EQ(count_of(xml, "<testsuite "), 1);
  EXPECT_EQ(count_of(xml, "<failure "), summary["failed"].get<int>());
  EXPECT_EQ(count_of(xml, "<error "), summary["errors"].get<int>());
  const std::string suite_counts = "tests=\"40\" failures=\"" + summary["failed"].dump() +
                                   "\" errors=\"" + summary["errors"].dump() + "\" skipped=\"0\"";
  EXPECT_EQ(count_of(xml, suite_counts), 2) << "on <testsuites> and <testsuite>";
  EXPECT_NE(xml.find("timestamp=\"2026-11-23T11:30:00Z\""), std::string::npos);
  EXPECT_NE(xml.find("classname=\"quickstart.qa.assistant\""), std::string::npos);
  EXPECT_NE(xml.find("name=\"evalkit.run_id\" value=\"20261123T113000Z-quickstart-3f9a\""),
            std::string::npos);
}

TEST(JunitReportTest, FailureNamesFailingScorersAndReasons) {
  json document = make_report_document({.trials = 4, .with_comparison = false});
  const json& failing = document["trials"][3];  // i % 5 == 3 fails
  ASSERT_FALSE(failing["pass"].get<bool>());
  const std::string xml = render_junit_report(document);
  const size_t testcase = xml.find("name=\"" + failing["case_id"].get<std::string>() + "\"");
  ASSERT_NE(testcase, std::string::npos);
  const size_t failure = xml.find("<failure ", testcase);
  ASSERT_NE(failure, std::string::npos);
  const std::string element = xml.substr(failure, xml.find("</failure>", failure) - failure);
  EXPECT_NE(element.find("message=\"failing scorers: exact_match, rougeL, factuality\""),
            std::string::npos)
      << element;
  EXPECT_NE(element.find("rougeL = 0.200: F1 of the longest common subsequence"), std::string::npos)
      << element;
  EXPECT_NE(element.find("expected &apos;Rome&apos;, got other text"), std::string::npos)
      << element;
}

TEST(JunitReportTest, ErrorsCarryTheirKindAndUnsentTrialsAreSkipped) {
  json document = make_report_document({.trials = 8, .with_comparison = false});
  document["trials"][7]["error_kind"] = "budget";
  document["trials"][7]["error"] = "not sent: budget of $1.00 exhausted";
  const std::string xml = render_junit_report(document);
  EXPECT_NE(xml.find("<error message=\"request timed out after 30 s\" type=\"timeout\">"),
            std::string::npos);
  EXPECT_NE(xml.find("<skipped message=\"not sent: budget of $1.00 exhausted\"/>"),
            std::string::npos);
  EXPECT_NE(xml.find("skipped=\"1\""), std::string::npos);
}

TEST(JunitReportTest, RepeatsAreNumberedInTheName) {
  const json document = make_report_document({.trials = 4, .repeats = 2});
  const std::string xml = render_junit_report(document);
  EXPECT_NE(xml.find("name=\"capital-France-0 #0\""), std::string::npos);
  EXPECT_NE(xml.find("name=\"capital-France-0 #1\""), std::string::npos);
  const json single = make_report_document({.trials = 2});
  EXPECT_EQ(render_junit_report(single).find(" #0\""), std::string::npos);
}

TEST(JunitReportTest, EscapesMarkupAndDropsCharactersXmlForbids) {
  json document = make_report_document({.trials = 3, .with_comparison = false});
  document["run"]["suite"] = "suite\"<&>'";
  document["trials"][0]["output"] = std::string("bell\x07 esc\x1b[31m bad\xff\xfe utf8 nul") +
                                    std::string(1, '\0') + " end ]]> \xEF\xBF\xBF";
  const std::string xml = render_junit_report(document);
  EXPECT_NE(xml.find("name=\"suite&quot;&lt;&amp;&gt;&apos;\""), std::string::npos);
  EXPECT_EQ(xml.find("<script>"), std::string::npos);
  EXPECT_NE(xml.find("&lt;script&gt;window.__pwned=1"), std::string::npos);
  for (char forbidden : {'\x07', '\x1b', '\0'}) {
    EXPECT_EQ(xml.find(forbidden), std::string::npos) << int(forbidden);
  }
  EXPECT_EQ(xml.find('\xff'), std::string::npos);
  EXPECT_EQ(xml.find("\xEF\xBF\xBF"), std::string::npos);
  EXPECT_NE(xml.find("bell\xEF\xBF\xBD esc\xEF\xBF\xBD[31m bad\xEF\xBF\xBD\xEF\xBF\xBD utf8"),
            std::string::npos);
  EXPECT_NE(xml.find("end ]]&gt;"), std::string::npos);
}

TEST(JunitReportTest, TruncatesLongOutputOnACodePointBoundary) {
  json document = make_report_document({.trials = 1, .with_comparison = false});
  std::string long_output;
  for (int i = 0; i < 20000; ++i) long_output += "é";  // two bytes each
  document["trials"][0]["output"] = long_output;
  const std::string xml = render_junit_report(document);
  const size_t start = xml.find("<system-out>") + 12;
  const size_t end = xml.find("</system-out>");
  const std::string text = xml.substr(start, end - start);
  EXPECT_LE(text.size(), 16u * 1024 + 16);
  EXPECT_NE(text.find("[output truncated]"), std::string::npos);
  EXPECT_EQ(text.find('\xC3' + std::string("[")), std::string::npos) << "split code point";
}

TEST(JunitReportTest, WritesSeveralSuites) {
  const std::vector<json> documents = {make_report_document({.trials = 3, .suite = "alpha"}),
                                       make_report_document({.trials = 5, .suite = "beta"})};
  const std::string path = testing::make_temp_dir("junit") + "/both.xml";
  ASSERT_TRUE(write_junit_report(documents, path).is_ok());
  std::string xml;
  ASSERT_TRUE(read_file(path, &xml).is_ok());
  EXPECT_NE(xml.find("<testsuite name=\"alpha\" id=\"0\" tests=\"3\""), std::string::npos);
  EXPECT_NE(xml.find("<testsuite name=\"beta\" id=\"1\" tests=\"5\""), std::string::npos);
  EXPECT_NE(xml.find("<testsuites name=\"evalkit\" tests=\"8\""), std::string::npos);
}

TEST(JunitReportTest, ToleratesAPartialDocument) {
  const std::string xml = render_junit_report(json{{"trials", json::array({json::object()})}});
  EXPECT_NE(xml.find("<testsuite name=\"evalkit\""), std::string::npos);
  EXPECT_NE(xml.find("<testcase classname=\"evalkit..\" name=\"\" time=\"0.000\">"),
            std::string::npos);
}

class JunitSchemaTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!std::filesystem::exists(kXmllint)) {
      GTEST_SKIP() << kXmllint << " not found; install Debian package libxml2-utils to "
                   << "validate the JUnit XML against tests/data/junit/junit.xsd";
    }
  }
  const std::string schema_ = testing::test_data_path("junit/junit.xsd");
};

TEST_F(JunitSchemaTest, ReportValidatesAgainstTheSchema) {
  json document = make_report_document({.trials = 200, .repeats = 2});
  document["trials"][0]["output"] = std::string("ctl\x01\x1b bad\xc3(") + " <&>";
  document["trials"][1]["error_kind"] = "cancelled";
  const std::string path = write_xml("report.xml", render_junit_report(document));
  const auto result = xmllint({"--noout", "--schema", schema_, path});
  EXPECT_EQ(result.exit_code, 0) << result.err;
}

TEST_F(JunitSchemaTest, SchemaRejectsATestcaseWithoutAName) {
  // The schema must be able to fail, or the test above proves nothing.
  const std::string path =
      write_xml("bad.xml",
                "<testsuites><testsuite name=\"s\" tests=\"1\" failures=\"0\" errors=\"0\">"
                "<testcase classname=\"c\" time=\"1\"/></testsuite></testsuites>");
  const auto result = xmllint({"--noout", "--schema", schema_, path});
  EXPECT_NE(result.exit_code, 0);
}

TEST_F(JunitSchemaTest, HostileOutputSurvivesAsText) {
  const json document = make_report_document({.trials = 30});
  const std::string path = write_xml("hostile.xml", render_junit_report(document));
  for (int i : {1, 8, 15, 22}) {
    const json& trial = document["trials"][i];
    const std::string query = "string(//testcase[@name='" + trial["case_id"].get<std::string>() +
                              "' and contains(@classname, '" +
                              trial["provider_id"].get<std::string>() + "')]/system-out)";
    const auto result = xmllint({"--xpath", query, path});
    ASSERT_EQ(result.exit_code, 0) << result.err;
    EXPECT_EQ(result.out, trial["output"].get<std::string>() + "\n") << "trial " << i;
  }
}

}  // namespace
}  // namespace evalkit

// `evalkit report`, `evalkit list` and `run --report-html` through the binary: reports of a
// stored run in every format, the trials a run would execute, and the HTML report of a run.
#include <algorithm>
#include <filesystem>
#include <regex>
#include <set>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "evalkit/base/files.h"
#include "evalkit/report/html_page_data.h"
#include "tests/support/echo_suite.h"
#include "tests/support/fake_openai_server.h"
#include "tests/support/process.h"
#include "tests/support/test_files.h"

namespace evalkit::testing {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;

// Six echo cases; q5 expects a wrong answer, so the run has one failure.
std::string echo_suite_with_a_failure() {
  return echo_suite("reported", 5, "",
                    "  - {id: q5, vars: {n: '5'}, expected: \"not the echo\"}\n");
}

std::string read_text(const std::string& path) {
  std::string text;
  EXPECT_TRUE(read_file(path, &text).is_ok()) << path;
  return text;
}

// The JSON the HTML report embeds for its script.
json embedded_page_data(const std::string& html) {
  const std::string open = "<script type=\"application/json\" id=\"evalkit-data\">";
  const size_t start = html.find(open);
  if (start == std::string::npos) {
    ADD_FAILURE() << "no embedded data";
    return json();
  }
  const size_t end = html.find("</script>", start);
  return json::parse(html.substr(start + open.size(), end - start - open.size()));
}

std::set<std::string> case_ids(const json& document) {
  std::set<std::string> ids;
  for (const json& trial : document.at("trials"))
    ids.insert(trial.at("case_id").get<std::string>());
  return ids;
}

// The same from the page's data, where each trial is an array in "trial_fields" order and
// the case id an index into "shared" (html_page_data.h).
std::set<std::string> page_case_ids(const json& page) {
  const json& fields = page.at("trial_fields");
  const size_t at = size_t(std::find(fields.begin(), fields.end(), "case_id") - fields.begin());
  std::set<std::string> ids;
  for (const json& trial : page.at("trials")) {
    ids.insert(page.at("shared").at(trial.at(at).get<size_t>()).get<std::string>());
  }
  return ids;
}

class ReportCommandTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = make_temp_dir("report-command");
    suite_ = write_test_file(dir_, "suite.yaml", echo_suite_with_a_failure());
    db_ = dir_ + "/evalkit.db";
    env_.env["FAKE_BASE_URL"] = server_.base_url();
  }

  ProcessResult run_suite(const std::vector<std::string>& extra) {
    std::vector<std::string> args = {"run", suite_, "--db", db_, "-q"};
    args.insert(args.end(), extra.begin(), extra.end());
    return run_evalkit(args, env_);
  }

  FakeOpenAIServer server_;
  std::string dir_, suite_, db_;
  ProcessOptions env_;
};

TEST_F(ReportCommandTest, ReportWritesEveryFormatForAStoredRun) {
  const std::string run_json = dir_ + "/run.json";
  const ProcessResult run = run_suite({"--report-json", run_json});
  ASSERT_EQ(run.exit_code, 1) << run.out << run.err;  // q5 fails

  const std::string out = dir_ + "/later";
  const ProcessResult r =
      run_evalkit({"report", "last", "--db", db_, "--json", out + "/r.json", "--html",
                   out + "/r.html", "--junit", out + "/r.xml", "--md", out + "/r.md"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;

  // The JSON report written later is the run's own report: same run, same trials.
  const json during = read_json_file(run_json);
  const json later = read_json_file(out + "/r.json");
  EXPECT_EQ(later["run"]["id"], during["run"]["id"]);
  EXPECT_EQ(later["summary"], during["summary"]);
  EXPECT_EQ(later["trials"], during["trials"]);
  EXPECT_EQ(later["summary"]["trials"], 6);
  EXPECT_EQ(later["summary"]["failed"], 1);

  // The HTML page embeds that document, cut to what the page shows.
  const std::string html = read_text(out + "/r.html");
  EXPECT_EQ(html.rfind("<!doctype html>", 0), 0u);
  EXPECT_EQ(embedded_page_data(html), html_page_data(later));

  const std::string xml = read_text(out + "/r.xml");
  EXPECT_THAT(xml, HasSubstr("tests=\"6\""));
  EXPECT_THAT(xml, HasSubstr("failures=\"1\""));
  EXPECT_EQ(std::regex_search(xml, std::regex("<testcase [^>]*name=\"[^\"]*q5")), true) << xml;

  const std::string markdown = read_text(out + "/r.md");
  EXPECT_THAT(markdown, HasSubstr("reported"));
  EXPECT_THAT(markdown, HasSubstr("q5"));  // the failing case is named

  // A unique prefix of the run id names the run too.
  const std::string id = later["run"]["id"];
  const ProcessResult by_prefix =
      run_evalkit({"report", id.substr(0, 8), "--db", db_, "--json", out + "/prefix.json"});
  EXPECT_EQ(by_prefix.exit_code, 0) << by_prefix.err;
  EXPECT_EQ(read_json_file(out + "/prefix.json")["trials"], during["trials"]);
}

TEST_F(ReportCommandTest, ReportRefusesAnUnknownRunAndAMissingOutput) {
  ASSERT_EQ(run_suite({}).exit_code, 1);
  const std::string json_path = dir_ + "/never.json";
  const ProcessResult unknown =
      run_evalkit({"report", "no-such-run", "--db", db_, "--json", json_path});
  EXPECT_EQ(unknown.exit_code, 3) << unknown.out << unknown.err;
  EXPECT_THAT(unknown.err, HasSubstr("no-such-run"));
  EXPECT_FALSE(std::filesystem::exists(json_path));
  const ProcessResult nothing_asked = run_evalkit({"report", "last", "--db", db_});
  EXPECT_EQ(nothing_asked.exit_code, 3);
  EXPECT_THAT(nothing_asked.out + nothing_asked.err, HasSubstr("--report-html"));  // the usage
}

TEST_F(ReportCommandTest, RunWritesTheHtmlReportOfItsOwnRun) {
  const std::string html_path = dir_ + "/out/report.html";
  const std::string json_path = dir_ + "/out/report.json";
  const ProcessResult run = run_suite({"--report-html", html_path, "--report-json", json_path});
  ASSERT_EQ(run.exit_code, 1) << run.out << run.err;
  const std::string html = read_text(html_path);
  EXPECT_EQ(html.rfind("<!doctype html>", 0), 0u);
  const json page = embedded_page_data(html);
  const json document = read_json_file(json_path);
  EXPECT_EQ(page, html_page_data(document));
  EXPECT_EQ(page["run"]["suite"], "reported");
  EXPECT_EQ(page_case_ids(page), case_ids(document));
  EXPECT_EQ(page["trials"].size(), 6u);
}

TEST_F(ReportCommandTest, ListNumbersTheTrialsARunWouldExecuteAndSendsNothing) {
  const ProcessResult all = run_evalkit({"list", suite_}, env_);
  ASSERT_EQ(all.exit_code, 0) << all.out << all.err;
  for (const char* id : {"q0", "q1", "q2", "q3", "q4", "q5"}) {
    EXPECT_THAT(all.out, HasSubstr(id)) << all.out;
  }
  EXPECT_THAT(all.out, HasSubstr("Total Tests: 6")) << all.out;

  const ProcessResult some = run_evalkit({"list", suite_, "-R", "^q[12]$", "--repeat", "2"}, env_);
  ASSERT_EQ(some.exit_code, 0) << some.err;
  EXPECT_THAT(some.out, HasSubstr("Total Tests: 4")) << some.out;
  EXPECT_THAT(some.out, ::testing::Not(HasSubstr("q3")));

  const ProcessResult none = run_evalkit({"list", suite_, "-R", "^nothing$"}, env_);
  EXPECT_EQ(none.exit_code, 5) << none.out << none.err;
  // Listing is offline: the endpoint never heard of it.
  EXPECT_EQ(server_.stats().total_requests(), 0u);
}

}  // namespace
}  // namespace evalkit::testing

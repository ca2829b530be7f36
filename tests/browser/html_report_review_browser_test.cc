// Review tools of the HTML report in headless Chromium: "Copy link" and "Copy as Markdown"
// reach the clipboard, and a reviewer's verdicts and comments make the whole round trip:
// set in the page of a real run, exported as JSON, imported with `evalkit annotate import`,
// and shown by the next report of the run in a browser that never saw them. Imported
// comments are untrusted text.
#include <cstdio>
#include <regex>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/support/echo_suite.h"
#include "tests/support/fake_openai_server.h"
#include "tests/support/report_documents.h"
#include "tests/support/report_page.h"
#include "tests/support/suite_fixture.h"
#include "tests/support/test_files.h"

namespace evalkit::testing {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;
using ::testing::Not;

class HtmlReportReviewTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!BrowserPage::available()) {
      GTEST_SKIP() << kChromiumPath << " not found; install Debian package chromium";
    }
  }
};

TEST_F(HtmlReportReviewTest, CopyLinkAndCopyAsMarkdownReachTheClipboard) {
  const std::string dir = make_temp_dir("html-review-copy");
  const json doc = make_report_document({.trials = 40, .with_comparison = false});
  const std::string url = write_report_page(doc, dir, "copy.html");
  BrowserPage page;
  page.command("Browser.grantPermissions",
               {{"permissions", json::array({"clipboardReadWrite", "clipboardSanitizedWrite"})}},
               true);
  page.open(url + "#open=4");
  page.click(".trial-detail button[data-action=copy-link]");
  ASSERT_TRUE(page.wait_for(
      "document.querySelector('.trial-detail button[data-action=copy-link]').textContent === "
      "'Copied'"));
  const std::string link = page.evaluate("navigator.clipboard.readText()").get<std::string>();
  EXPECT_EQ(link, url + "#open=4");

  // The link lands on its trial for someone who opens it with no state of their own.
  page.open(url + "?fresh=1");
  page.evaluate("window.scrollTo(0, 0)");
  page.open(link.substr(0, link.find('#')) + "?again=1" + link.substr(link.find('#')));
  ASSERT_TRUE(page.wait_for("document.querySelector('.trial-detail[data-number=\"4\"]')"));
  const json row = box_of(page, "tr.case-row.open");
  EXPECT_GE(row["top"].get<double>(), 0);
  EXPECT_LT(row["top"].get<double>(), 1000);

  page.click(".trial-detail button[data-action=copy-markdown]");
  ASSERT_TRUE(page.wait_for(
      "document.querySelector('.trial-detail button[data-action=copy-markdown]').textContent === "
      "'Copied'"));
  const std::string markdown = page.evaluate("navigator.clipboard.readText()").get<std::string>();
  EXPECT_THAT(markdown, HasSubstr("**capital-Italy-3** · test #4 · prompt qa · provider "
                                  "assistant-large — ❌ fail"));
  EXPECT_THAT(markdown,
              HasSubstr("| exact\\_match | 0.000 | fail | expected 'Rome', got other text |"));
  EXPECT_THAT(markdown,
              HasSubstr("```text\nThe capital city is Rome, an old city by a river.\n```"));
  EXPECT_THAT(markdown, HasSubstr("Expected:\n```text\nRome\n```"));
  EXPECT_THAT(markdown, HasSubstr("[Open in the report](" + url.substr(0, url.find('#'))));
  std::filesystem::remove_all(dir);
}

// Console lines "Test #N: echo/qK" of a run, as {N: "qK"}.
std::map<std::string, std::string> console_numbers(const std::string& out) {
  std::map<std::string, std::string> numbers;
  const std::regex line(R"(Test +#(\d+): echo/(q\d+))");
  for (auto it = std::sregex_iterator(out.begin(), out.end(), line); it != std::sregex_iterator();
       ++it) {
    numbers[(*it)[1]] = (*it)[2];
  }
  return numbers;
}

TEST_F(HtmlReportReviewTest, AnnotationsRoundTripThroughTheStoreIntoTheNextReport) {
  FakeOpenAIServerOptions options;
  options.rules = {{.match = "question 2", .reply = "a wrong answer"}};
  FakeOpenAIServer server(options);
  SuiteFixture files("html-review-round-trip");
  const std::string suite = files.write("suite.yaml", echo_suite("reviewed", 6));
  const std::string db = files.dir() + "/evalkit.db";
  ProcessOptions env;
  env.env["FAKE_BASE_URL"] = server.base_url();
  const ProcessResult run = run_evalkit({"run", suite, "--db", db, "-j", "2", "-V"}, env);
  ASSERT_EQ(run.exit_code, 1) << run.out << run.err;  // q2 fails
  const ProcessResult report =
      run_evalkit({"report", "last", "--db", db, "--html", files.dir() + "/first.html"});
  ASSERT_EQ(report.exit_code, 0) << report.err;
  const std::string first = "file://" + files.dir() + "/first.html";

  BrowserPage::Options browser;
  browser.download_dir = files.dir() + "/downloads";
  BrowserPage page(browser);
  // The console's test numbers open the same trials in the page.
  const auto numbers = console_numbers(run.out);
  ASSERT_EQ(numbers.size(), 6u) << run.out;
  for (const auto& [number, case_id] : numbers) {
    page.open(first + "?n=" + number + "#open=" + number);
    ASSERT_TRUE(page.wait_for("document.querySelector('.trial-detail')")) << number;
    EXPECT_EQ(text_of(page, "tr.case-row.open td.case-id"), case_id) << "test #" << number;
  }
  std::string failing_number;
  for (const auto& [number, case_id] : numbers) {
    if (case_id == "q2") failing_number = number;
  }

  // Reviewer: q2's answer is acceptable after all; q4's pass is overridden to fail.
  page.open(first + "#open=" + failing_number);
  page.click(".review input[data-review=pass]");
  page.type(".review textarea.review-comment", "Wording differs; the answer is right.");
  page.evaluate(
      "document.querySelector('.review textarea.review-comment').dispatchEvent("
      "new Event('change'))");
  std::string q4_number;
  for (const auto& [number, case_id] : numbers) {
    if (case_id == "q4") q4_number = number;
  }
  page.open(first + "?second=1#open=" + q4_number);
  page.click(".review input[data-review=fail]");
  ASSERT_TRUE(page.wait_for("document.getElementById('review-count').dataset.count === '2'"))
      << text_of(page, "#review-count");
  EXPECT_THAT(text_of(page, "tr.case-row[data-number='" + q4_number + "'] td.status"),
              HasSubstr("reviewed fail"));

  page.click("button[data-action=export-reviews]");
  const std::string exported = page.wait_for_download(20);
  ASSERT_FALSE(exported.empty()) << "no download";
  const json reviews = read_json_file(exported);
  EXPECT_EQ(reviews["format"], "evalkit-annotations");
  ASSERT_EQ(reviews["annotations"].size(), 2u) << reviews.dump(2);

  const ProcessResult imported =
      run_evalkit({"annotate", "import", exported, "--db", db, "--author", "alice"});
  ASSERT_EQ(imported.exit_code, 0) << imported.out << imported.err;
  EXPECT_THAT(imported.out, HasSubstr("Stored 2 annotations (2 with a verdict)"));
  const ProcessResult listed = run_evalkit({"annotate", "list", "last", "--db", db});
  EXPECT_THAT(listed.out, HasSubstr("reviewed pass (evalkit: fail) — Wording differs"));

  ASSERT_EQ(
      run_evalkit({"report", "last", "--db", db, "--html", files.dir() + "/second.html"}).exit_code,
      0);
  // A browser that never saw the reviews: what it shows comes from the store.
  BrowserPage fresh;
  fresh.open("file://" + files.dir() + "/second.html#open=" + failing_number);
  EXPECT_THAT(text_of(fresh, "tr.case-row[data-number='" + failing_number + "'] td.status"),
              HasSubstr("reviewed pass"));
  EXPECT_EQ(fresh.evaluate("document.querySelector('.review textarea').value"),
            "Wording differs; the answer is right.");
  EXPECT_THAT(text_of(fresh, ".review .review-source"), HasSubstr("Stored with the run by alice"));
  EXPECT_THAT(text_of(fresh, "[data-card=reviews]"), HasSubstr("2 verdicts overridden"));

  // Clearing a review in the page and importing again removes it from the store.
  fresh.click(".review input[data-review=none]");
  fresh.evaluate(
      "(() => { const t = document.querySelector('.review textarea'); t.value = '';"
      " t.dispatchEvent(new Event('change')); })()");
  fresh.click("button[data-action=export-reviews]");
  const std::string cleared = fresh.wait_for_download(20);
  ASSERT_FALSE(cleared.empty());
  const ProcessResult again = run_evalkit({"annotate", "import", cleared, "--db", db});
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_THAT(again.out, HasSubstr("removed 1"));
  EXPECT_THAT(run_evalkit({"annotate", "list", "last", "--db", db}).out,
              Not(HasSubstr("Wording differs")));
}

TEST_F(HtmlReportReviewTest, ImportedAndStoredReviewTextIsShownAsTextAndNeverRuns) {
  const std::string dir = make_temp_dir("html-review-hostile");
  json doc = make_report_document({.trials = 30, .with_comparison = false});
  doc["trials"][3]["annotation"] = {{"verdict", "pass"},
                                    {"comment", hostile_outputs()[0]},
                                    {"author", hostile_outputs()[1]},
                                    {"updated_at", hostile_outputs()[2]}};
  doc["trials"][4]["annotation"] = {{"verdict", "<img src=x onerror=alert(1)>"},
                                    {"comment", json::object({{"a", 1}})}};
  const std::string url = write_report_page(doc, dir, "hostile-review.html");
  BrowserPage page;
  page.open(url);
  // The browser's own storage is untrusted too: a saved entry of the wrong shape.
  page.evaluate(
      "localStorage.setItem('evalkit.annotations.' + JSON.parse(document.getElementById("
      "'evalkit-data').textContent).run.id, JSON.stringify({version: 1, items: {'5': "
      "{verdict: '\"><img src=x onerror=window.__pwned=1>', comment: ['x']}, '6': 7}}))");
  page.open(url + "?again=1#open=4");
  EXPECT_EQ(page.evaluate("document.querySelector('.review textarea').value"),
            hostile_outputs()[0]);
  EXPECT_THAT(text_of(page, ".review .review-source"), HasSubstr(hostile_outputs()[1]));
  EXPECT_TRUE(page.evaluate("window.__pwned === undefined").get<bool>());
  std::string marker = "#";
  marker += kInjectedMarkerId;
  EXPECT_EQ(count_in_page(page, marker), 0);
  EXPECT_EQ(count_in_page(page, "img"), 0);
  // The entries of the wrong shape count as no review.
  EXPECT_EQ(page.evaluate("document.getElementById('review-count').dataset.count"), "1");
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace evalkit::testing

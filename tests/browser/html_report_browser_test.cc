// Opens HTML reports in headless Chromium and checks what the page really drew: totals,
// filters taken from the URL fragment, the regression section, the word diff, and that
// no hostile output ever became markup or ran.
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <regex>

#include <gtest/gtest.h>

#include "evalkit/cli/report_outputs.h"
#include "evalkit/report/html_report.h"
#include "evalkit/report/run_document_stream.h"
#include "tests/support/browser_page.h"
#include "tests/support/process.h"
#include "tests/support/report_documents.h"

namespace evalkit {
namespace {

using nlohmann::json;
using testing::make_report_document;

constexpr const char* kChromium = "/usr/bin/chromium";

struct PageDump {
  std::string dom;
  double wall_seconds = 0;
};

std::vector<std::string> chromium_command(const std::string& url) {
  std::vector<std::string> argv = {kChromium};
  for (const std::string& flag : testing::headless_chromium_flags()) argv.push_back(flag);
  std::string profile = "--user-data-dir=";
  profile += testing::make_temp_dir("chromium-profile");
  argv.push_back(profile);
  argv.push_back("--virtual-time-budget=5000");
  argv.push_back(url);
  return argv;
}

testing::ProcessResult run_chromium(std::vector<std::string> argv) {
  testing::ProcessOptions options;
  options.timeout_s = 120;  // SIGKILL after this, so a hung browser can't outlive the test
  auto result = testing::run_process(argv, options);
  for (const auto& arg : argv) {
    if (arg.rfind("--user-data-dir=", 0) == 0) std::filesystem::remove_all(arg.substr(16));
  }
  return result;
}

// The DOM of file://path#fragment after the page's script ran.
PageDump dump_dom(const std::string& path, const std::string& fragment = "") {
  std::vector<std::string> argv = chromium_command("file://" + path + fragment);
  argv.insert(argv.end() - 1, "--dump-dom");
  const auto start = std::chrono::steady_clock::now();
  const auto result = run_chromium(argv);
  PageDump dump;
  dump.wall_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_EQ(result.exit_code, 0) << result.err;
  dump.dom = result.out;
  return dump;
}

// The value of attribute `name` on the element with id `id` ("" when absent).
std::string attribute_of(const std::string& dom, const std::string& id, const std::string& name) {
  std::smatch element;
  if (!std::regex_search(dom, element, std::regex("<[a-z]+[^>]*id=\"" + id + "\"[^>]*>"))) {
    return "";
  }
  std::smatch value;
  const std::string tag = element[0];
  if (!std::regex_search(tag, value, std::regex(" " + name + "=\"([^\"]*)\""))) return "";
  return value[1];
}

int count_of(const std::string& haystack, const std::string& needle) {
  int count = 0;
  for (size_t pos = haystack.find(needle); pos != std::string::npos;
       pos = haystack.find(needle, pos + needle.size())) {
    ++count;
  }
  return count;
}

// The dump without the embedded data element, so only what the page drew is searched.
std::string drawn_part(const std::string& dom) {
  const size_t start = dom.find("<script type=\"application/json\" id=\"evalkit-data\">");
  if (start == std::string::npos) return dom;
  const size_t end = dom.find("</script>", start);
  return dom.substr(0, start) + dom.substr(end);
}

class HtmlReportBrowserTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (!std::filesystem::exists(kChromium)) return;
    dir_ = testing::make_temp_dir("html-browser");
    const std::string& dir = dir_;
    large_ = new json(make_report_document({.trials = 10000}));
    large_path_ = dir + "/large.html";
    ASSERT_TRUE(write_html_report(*large_, large_path_).is_ok());

    json hostile = make_report_document({.trials = 60});
    hostile["run"]["suite"] = testing::hostile_outputs()[2];
    hostile["run"]["description"] = testing::hostile_outputs()[1];
    hostile["trials"][0]["labels"].push_back(testing::hostile_outputs()[0]);
    hostile["trials"][2]["scores"][2]["details"]["reasoning"] = testing::hostile_outputs()[1];
    hostile_ = new json(hostile);
    medium_ = new json(make_report_document({.trials = 1000}));
    medium_path_ = dir + "/medium.html";
    ASSERT_TRUE(write_html_report(*medium_, medium_path_).is_ok());
    hostile_path_ = dir + "/hostile.html";
    ASSERT_TRUE(write_html_report(hostile, hostile_path_).is_ok());
  }

  static void TearDownTestSuite() {
    delete large_;
    delete hostile_;
    delete medium_;
    large_ = hostile_ = medium_ = nullptr;
    if (!dir_.empty()) std::filesystem::remove_all(dir_);  // ~16 MB of pages; the PNG stays
  }

  void SetUp() override {
    if (!std::filesystem::exists(kChromium)) {
      GTEST_SKIP() << kChromium << " not found; install Debian package chromium to run the "
                   << "browser tests of the HTML report";
    }
  }

  static inline json* large_ = nullptr;
  static inline json* hostile_ = nullptr;
  static inline json* medium_ = nullptr;  // for filters: fast to load, still several pages
  static inline std::string medium_path_;
  static inline std::string dir_;
  static inline std::string large_path_;
  static inline std::string hostile_path_;
};

TEST_F(HtmlReportBrowserTest, TenThousandTrialsShowTotalsOnePageAndTheRegressions) {
  const PageDump page = dump_dom(large_path_);
  const std::string& dom = page.dom;
  EXPECT_EQ(attribute_of(dom, "case-count", "data-total"), "10000");
  EXPECT_EQ(attribute_of(dom, "case-count", "data-shown"), "10000");
  EXPECT_EQ(attribute_of(dom, "case-count", "data-rendered"), "100");
  EXPECT_EQ(count_of(dom, "<tr class=\"case-row"), 100);
  EXPECT_NE(dom.find("Showing 1–100 of 10,000 trials"), std::string::npos);

  EXPECT_NE(dom.find("id=\"regressions\""), std::string::npos);
  EXPECT_NE(dom.find("id=\"gate-table\""), std::string::npos);
  // The charts are folded under one line (drawn when unfolded: the layout test does that).
  EXPECT_NE(dom.find("Charts: baseline vs current, score distributions of 3 scorers"),
            std::string::npos);
  EXPECT_GT(count_of(dom, "class=\"flip-row\""), 0);
  // Compared runs list regressed trials first.
  const size_t first_row = dom.find("<tr class=\"case-row");
  EXPECT_NE(dom.find("regressed", first_row), std::string::npos);
  EXPECT_LT(dom.find("regressed", first_row), dom.find("</tr>", first_row));

  std::smatch match;
  ASSERT_TRUE(std::regex_search(dom, match, std::regex("<html[^>]* data-ready-ms=\"(\\d+)\"")))
      << "the page never became interactive";
  const int ready_ms = std::stoi(match[1]);
  std::printf(
      "10,000-trial report: interactive after %d ms (performance.now), browser run %.2f s\n",
      ready_ms, page.wall_seconds);
  // The target is under 2000 ms (about 1 s on an idle 2-core machine, docs/reports.md); the
  // bound leaves room for a loaded CI machine, not for a page that got several times slower.
  EXPECT_LT(ready_ms, 3000) << "the target is under 2000 ms";
}

TEST_F(HtmlReportBrowserTest, ALargerRunShowsASampleAndSaysSoWithTheRunsTotals) {
  // 12,000 trials written as `run` and `report` write them: the page holds 10,000.
  const json document = make_report_document({.trials = 12000});
  const StreamedDocument streamed = streamed_document(document);
  ASSERT_GT(streamed.counts.not_passed(), 0);
  cli::ReportPaths paths;
  paths.html = dir_ + "/sampled.html";
  ASSERT_TRUE(cli::write_reports(streamed, paths).is_ok());
  const std::string dom = drawn_part(dump_dom(paths.html).dom);
  EXPECT_EQ(attribute_of(dom, "case-count", "data-total"), "10000");
  const size_t banner = dom.find("id=\"trial-sample\"");
  ASSERT_NE(banner, std::string::npos) << "no banner says the page is a sample";
  const std::string text = dom.substr(banner, dom.find("</div>", banner) - banner);
  auto with_commas = [](int64_t n) {
    const std::string digits = std::to_string(n);
    std::string out;
    for (size_t i = 0; i < digits.size(); ++i) {
      if (i > 0 && (digits.size() - i) % 3 == 0) out.push_back(',');
      out.push_back(digits[i]);
    }
    return out;
  };
  const int64_t not_passed = std::min<int64_t>(streamed.counts.not_passed(), 10000);
  EXPECT_NE(text.find("This page shows 10,000 of the run's 12,000 trials: the " +
                      with_commas(not_passed) + " first that did not pass"),
            std::string::npos)
      << text;
  const json& summary = document["summary"];
  // The whole run's totals, not the sample's.
  EXPECT_NE(text.find("The whole run: " + with_commas(summary["passed"].get<int64_t>()) +
                      " passed, " + with_commas(summary["failed"].get<int64_t>()) + " failed"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("--report-json FILE"), std::string::npos);
}

TEST_F(HtmlReportBrowserTest, StatusFilterFromTheFragmentNarrowsTheTable) {
  const std::string dom = dump_dom(medium_path_, "#status=fail").dom;
  const int failed = (*medium_)["summary"]["failed"].get<int>();
  ASSERT_GT(failed, 100);
  EXPECT_EQ(attribute_of(dom, "case-count", "data-shown"), std::to_string(failed));
  EXPECT_EQ(attribute_of(dom, "case-count", "data-total"), "1000");
  EXPECT_EQ(count_of(dom, "<tr class=\"case-row"), 100);
  EXPECT_EQ(count_of(dom, "data-status=\"fail\""), 100);
  EXPECT_EQ(count_of(dom, "data-status=\"pass\""), 0);
}

TEST_F(HtmlReportBrowserTest, TextAndLabelFiltersFromTheFragmentCombine) {
  const std::string one = dump_dom(medium_path_, "#q=capital-NORWAY-406").dom;
  EXPECT_EQ(attribute_of(one, "case-count", "data-shown"), "1");
  EXPECT_EQ(count_of(one, "<tr class=\"case-row"), 1);
  EXPECT_NE(one.find("capital-Norway-406"), std::string::npos);

  int expected = 0;
  for (const auto& trial : (*medium_)["trials"]) {
    const auto& labels = trial["labels"];
    const bool geo = std::find(labels.begin(), labels.end(), "geo") != labels.end();
    const std::string error_kind = trial["error_kind"];
    if (geo && !error_kind.empty()) ++expected;
  }
  ASSERT_GT(expected, 0);
  const std::string both = dump_dom(medium_path_, "#label=geo&status=error").dom;
  EXPECT_EQ(attribute_of(both, "case-count", "data-shown"), std::to_string(expected));
}

TEST_F(HtmlReportBrowserTest, SortFromTheFragmentOrdersTheRows) {
  // Latencies are 0.10 s .. 0.59 s; descending puts the slowest first, ties by position.
  const std::string dom = dump_dom(medium_path_, "#sort=latency&dir=desc").dom;
  const size_t first = dom.find("<tr class=\"case-row");
  ASSERT_NE(first, std::string::npos);
  const std::string row = dom.substr(first, dom.find("</tr>", first) - first);
  EXPECT_NE(row.find("data-index=\"49\""), std::string::npos) << row;
  EXPECT_NE(row.find(">0.59 s<"), std::string::npos) << row;
  EXPECT_NE(dom.find("data-key=\"latency\" scope=\"col\" aria-sort=\"descending\""),
            std::string::npos);
}

TEST_F(HtmlReportBrowserTest, HostileTextIsShownAsTextAndNeverRuns) {
  const std::string dom = dump_dom(hostile_path_, "#q=__pwned").dom;
  // Search matches are wrapped in <mark>; the payloads must read as text around them.
  const std::string drawn = std::regex_replace(drawn_part(dom), std::regex("</?mark>"), "");
  EXPECT_GT(count_of(dom, "<mark>__pwned</mark>"), 0) << "search matches are highlighted";
  ASSERT_NE(drawn.find("id=\"case-table\""), std::string::npos) << "the page did not render";
  // Nothing the payloads would have created exists.
  EXPECT_FALSE(std::regex_search(
      drawn, std::regex("<[a-z]+[^<>]*id=\"?" + std::string(testing::kInjectedMarkerId))));
  EXPECT_EQ(drawn.find("<img"), std::string::npos);
  EXPECT_EQ(count_of(dom, "<script"), 2) << "only the data and the page's own script";
  // The payloads are visible, as text.
  EXPECT_NE(drawn.find("&lt;script&gt;window.__pwned=1;"), std::string::npos);
  EXPECT_NE(drawn.find("&lt;/script&gt;&lt;script&gt;window.__pwned=1;"), std::string::npos);
  EXPECT_NE(drawn.find("\"&gt;&lt;img src=x onerror=\"window.__pwned=1;"), std::string::npos);
  EXPECT_NE(drawn.find("<h1 id=\"suite-name\">&lt;/script&gt;&lt;script&gt;window.__pwned=1;"),
            std::string::npos);
  // Search covers outputs, labels and score reasons (trial 2's judge reasoning is hostile).
  int hostile_trials = 0;
  for (const auto& trial : (*hostile_)["trials"]) {
    const std::string text =
        trial["output"].get<std::string>() + trial["labels"].dump() + trial["scores"].dump();
    if (text.find("__pwned") != std::string::npos) ++hostile_trials;
  }
  EXPECT_EQ(attribute_of(dom, "case-count", "data-shown"), std::to_string(hostile_trials));
}

// With no filter in the URL every trial is on the page, so every payload is drawn, the raw
// markup one (an element carrying the marker id, trials 22 and 50) included.
TEST_F(HtmlReportBrowserTest, EveryHostilePayloadIsDrawnAsTextWithNoFilter) {
  const std::string dom = dump_dom(hostile_path_).dom;
  const std::string drawn = drawn_part(dom);
  ASSERT_NE(drawn.find("id=\"case-table\""), std::string::npos) << "the page did not render";
  const size_t trials = (*hostile_)["trials"].size();
  EXPECT_EQ(attribute_of(dom, "case-count", "data-shown"), std::to_string(trials));
  EXPECT_EQ(attribute_of(dom, "case-count", "data-rendered"), std::to_string(trials));
  EXPECT_FALSE(std::regex_search(
      drawn, std::regex("<[a-z]+[^<>]*id=\"?" + std::string(testing::kInjectedMarkerId))));
  EXPECT_EQ(drawn.find("<img"), std::string::npos);
  EXPECT_EQ(count_of(dom, "<script"), 2) << "only the data and the page's own script";
  // Each payload's opening markup, as the page's text shows it.
  const std::vector<std::string> shown = {
      "&lt;script&gt;window.__pwned=1;",
      "\"&gt;&lt;img src=x onerror=\"window.__pwned=1;",
      "&lt;/script&gt;&lt;script&gt;window.__pwned=1;",
      "&lt;b id=\"evalkit-pwned-marker\"&gt;injected&lt;/b&gt;",
  };
  ASSERT_EQ(shown.size(), testing::hostile_outputs().size());
  for (size_t payload = 0; payload < shown.size(); ++payload) {
    int rows = 0;  // trials whose output is this payload
    for (const auto& trial : (*hostile_)["trials"]) {
      if (trial["output"] == testing::hostile_outputs()[payload]) ++rows;
    }
    ASSERT_GT(rows, 0) << "payload " << payload << " is in no trial";
    EXPECT_GE(count_of(drawn, shown[payload]), rows) << "payload " << payload;
  }
  // The raw-markup payload in its trial's detail panel, too (trial 22 is the console's #23).
  const std::string open = drawn_part(dump_dom(hostile_path_, "#open=23").dom);
  const size_t detail = open.find("class=\"trial-detail\" data-index=\"22\"");
  ASSERT_NE(detail, std::string::npos);
  EXPECT_NE(open.find(shown[3], detail), std::string::npos);
  EXPECT_FALSE(std::regex_search(
      open, std::regex("<[a-z]+[^<>]*id=\"?" + std::string(testing::kInjectedMarkerId))));
}

TEST_F(HtmlReportBrowserTest, OpenTrialShowsPromptScoresJudgeAndWordDiff) {
  // Trial 2 (the console's test #3) has a baseline, a judge score and a hostile judge
  // reasoning. #open= takes the number the console prints.
  const std::string dom = drawn_part(dump_dom(hostile_path_, "#open=3").dom);
  const size_t detail = dom.find("class=\"trial-detail\" data-index=\"2\" data-number=\"3\"");
  ASSERT_NE(detail, std::string::npos);
  const std::string box = dom.substr(detail);
  EXPECT_NE(box.find("What is the capital of Spain?"), std::string::npos);
  EXPECT_NE(box.find("F1 of the longest common subsequence"), std::string::npos);
  EXPECT_NE(box.find("rougeL|stem:no"), std::string::npos);
  EXPECT_NE(box.find("judge|template:factuality|model:gpt-4o"), std::string::npos);
  EXPECT_NE(box.find("\"country\": \"Spain\""), std::string::npos) << "the variables";
  EXPECT_NE(box.find("<pre class=\"expected\">Madrid</pre>"), std::string::npos) << "the reference";
  // The judge's reason is printed once: as the score's reason, not again among its notes.
  EXPECT_EQ(count_of(box, "consistent with the reference"), 1);
  EXPECT_NE(box.find("<b>verdict: </b>A"), std::string::npos);
  EXPECT_NE(box.find("<b>reasoning: </b>\"&gt;&lt;img src=x"), std::string::npos);
  // Baseline "The capital is Madrid, a large old city by the river." against
  // "The capital city is Madrid, an old city by a river.".
  ASSERT_NE(box.find("class=\"grid baseline-diff\""), std::string::npos);
  EXPECT_NE(box.find("<del>large "), std::string::npos) << box.substr(0, 4000);
  EXPECT_NE(box.find("<ins>city "), std::string::npos);
  EXPECT_NE(box.find("<ins>an"), std::string::npos);
  EXPECT_EQ(box.find("<del>Madrid"), std::string::npos) << "common words are not marked";
}

// A 1400x1000 PNG of the page; returns its size in bytes (0 when none was written).
uintmax_t screenshot(const std::string& page, const std::string& png) {
  std::filesystem::remove(png);
  std::vector<std::string> argv = chromium_command("file://" + page);
  argv.insert(argv.end() - 1, "--screenshot=" + png);
  argv.insert(argv.end() - 1, "--window-size=1400,1000");
  argv.insert(argv.end() - 1, "--hide-scrollbars");
  const auto result = run_chromium(argv);
  EXPECT_EQ(result.exit_code, 0) << result.err;
  if (!std::filesystem::exists(png)) return 0;
  // The PNG signature, then the IHDR chunk: width and height, big-endian, at bytes 16-23.
  std::ifstream in(png, std::ios::binary);
  unsigned char header[24] = {};
  in.read(reinterpret_cast<char*>(header), sizeof header);
  EXPECT_EQ(std::string(reinterpret_cast<char*>(header) + 1, 3), "PNG");
  const auto be32 = [&](int at) {
    return uint32_t(header[at]) << 24 | uint32_t(header[at + 1]) << 16 |
           uint32_t(header[at + 2]) << 8 | uint32_t(header[at + 3]);
  };
  EXPECT_EQ(be32(16), 1400u);
  EXPECT_EQ(be32(20), 1000u);
  return std::filesystem::file_size(png);
}

TEST_F(HtmlReportBrowserTest, Screenshot) {
  const std::string png = testing::test_output_dir() + "/html_report.png";
  const uintmax_t bytes = screenshot(large_path_, png);
  ASSERT_GT(bytes, 0u) << "no screenshot";
  // The same window of an empty page compresses to a few kilobytes; a drawn report, with
  // its summary, charts and a table of 100 rows, to many times that.
  const std::string blank_page = dir_ + "/blank.html";
  std::ofstream(blank_page) << "<!doctype html><html><body></body></html>";
  const uintmax_t blank = screenshot(blank_page, dir_ + "/blank.png");
  ASSERT_GT(blank, 0u);
  std::printf("screenshot: %s, %ju bytes (an empty page: %ju)\n", png.c_str(), bytes, blank);
  EXPECT_GT(bytes, 10 * blank) << "the report drew little more than an empty page";
}

}  // namespace
}  // namespace evalkit

// The HTML report's matrix view in headless Chromium: cases by (prompt, provider) cells,
// each cell coloured by its trial's outcome with its scores on hover; the label, status and
// "cells disagree" filters; sorting by disagreement; a row opening its trials side by side
// with a word diff between two chosen columns; and 10,000 cases x 4 cells interactive
// within two seconds.
#include <algorithm>
#include <cstdio>
#include <fstream>
#include <map>
#include <set>
#include <string>
#include <thread>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/support/report_documents.h"
#include "tests/support/report_page.h"

namespace evalkit::testing {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;

const std::vector<std::string> kPrompts = {"terse", "verbose"};
const std::vector<std::string> kProviders = {"model-a", "model-b"};

json grid_document(int cases) {
  return make_report_document({.trials = cases * 4,
                               .with_comparison = false,
                               .prompts = kPrompts,
                               .providers = kProviders});
}

std::string outcome_of(const json& trial) {
  if (!trial["error_kind"].get<std::string>().empty()) return "error";
  return trial["pass"].get<bool>() ? "pass" : "fail";
}

class HtmlReportMatrixTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (BrowserPage::available()) dir_ = make_temp_dir("html-matrix");
  }
  static void TearDownTestSuite() {
    if (!dir_.empty()) std::filesystem::remove_all(dir_);  // the 40,000-trial page is large
  }
  void SetUp() override {
    if (!BrowserPage::available()) {
      GTEST_SKIP() << kChromiumPath << " not found; install Debian package chromium";
    }
  }
  static inline std::string dir_;
};

TEST_F(HtmlReportMatrixTest, CellsFiltersSortAndSideBySideDiff) {
  const json doc = grid_document(100);
  BrowserPage page;
  page.open(write_report_page(doc, dir_, "matrix.html") + "#view=matrix");
  const json heads = page.evaluate(
      "[...document.querySelectorAll('#matrix-table thead th')].map((th) => th.textContent)");
  EXPECT_EQ(heads, json({"Case", "terse × model-a", "terse × model-b", "verbose × model-a",
                         "verbose × model-b"}));
  EXPECT_EQ(count_in_page(page, "#matrix-table tr.matrix-row"), 100);
  EXPECT_EQ(shown_count(page, "matrix-count"), "100");
  EXPECT_TRUE(page.evaluate("document.getElementById('cases').hidden").get<bool>());

  // Every cell carries its trial's outcome (trial i is case i / 4, cell i % 4).
  const json drawn = page.evaluate(
      "[...document.querySelectorAll('#matrix-table tr.matrix-row')].map((tr) =>"
      " [...tr.querySelectorAll('td.cell')].map((td) => td.dataset.outcome))");
  ASSERT_EQ(drawn.size(), 100u);
  int disagreeing = 0, max_disagreement = 0;
  for (size_t c = 0; c < 100; ++c) {
    std::map<std::string, int> decided;
    for (size_t cell = 0; cell < 4; ++cell) {
      const std::string outcome = outcome_of(doc["trials"][c * 4 + cell]);
      EXPECT_EQ(drawn[c][cell], outcome) << "case " << c << " cell " << cell;
      if (outcome != "error") ++decided[outcome];
    }
    int total = 0, top = 0;
    for (const auto& [o, n] : decided) {
      total += n;
      top = std::max(top, n);
    }
    disagreeing += total - top > 0 ? 1 : 0;
    max_disagreement = std::max(max_disagreement, total - top);
  }
  ASSERT_GT(disagreeing, 0);
  // Scores on hover.
  EXPECT_THAT(page.evaluate("document.querySelector('#matrix-table tr.matrix-row td.cell.pass')"
                            ".title")
                  .get<std::string>(),
              HasSubstr("exact_match 1.000 pass"));

  // A row opens its four trials side by side, with a word diff of columns a and b.
  // Case 3 (trials 12-15): cells 0 and 1 answered in different wordings, cell 2 as cell 0.
  page.click("#matrix-table tr.matrix-row[data-case='capital-Italy-3'] td.case-id");
  ASSERT_TRUE(page.wait_for("document.querySelector('tr.matrix-detail .matrix-detail-box')"));
  EXPECT_EQ(count_in_page(page, "tr.matrix-detail .side"), 4);
  EXPECT_THAT(page.evaluate("[...document.querySelectorAll('.matrix-diff ins')].map((e) =>"
                            " e.textContent).join('|')")
                  .get<std::string>(),
              HasSubstr("large"));
  EXPECT_GT(count_in_page(page, ".matrix-diff del"), 0);
  // Cells 0 and 2 gave the same words: choosing column 2 as b leaves nothing marked.
  choose(page, "select[data-diff=b]", "2");
  ASSERT_TRUE(page.wait_for("location.hash.indexOf('mb=2') >= 0"));
  EXPECT_EQ(count_in_page(page, ".matrix-diff ins, .matrix-diff del"), 0);

  // "cells disagree" keeps the cases whose cells differ.
  page.click("input[data-matrix-filter=disagree]");
  ASSERT_TRUE(page.wait_for("document.getElementById('matrix-count').dataset.shown === '" +
                            std::to_string(disagreeing) + "'"))
      << shown_count(page, "matrix-count") << " vs " << disagreeing;
  // Sorted by disagreement, the most divided case comes first.
  choose(page, "select[data-matrix-filter=msort]", "disagree");
  ASSERT_TRUE(page.wait_for("location.hash.indexOf('msort=disagree') >= 0"));
  EXPECT_EQ(page.evaluate("document.querySelector('#matrix-table tr.matrix-row')"
                          ".dataset.disagreement"),
            std::to_string(max_disagreement));
  // Status and label filters combine with it.
  choose(page, "select[data-matrix-filter=label]", "geo");
  int geo = 0;
  for (size_t c = 0; c < 100; ++c) geo += c % 4 == 1 ? 1 : 0;
  page.click("input[data-matrix-filter=disagree]");  // off again
  ASSERT_TRUE(page.wait_for("document.getElementById('matrix-count').dataset.shown === '" +
                            std::to_string(geo) + "'"))
      << shown_count(page, "matrix-count");
  // The trials view is one click away and keeps its own state.
  page.click("a.tab[data-view=trials]");
  ASSERT_TRUE(page.wait_for("!document.getElementById('cases').hidden"));
  EXPECT_TRUE(page.evaluate("document.getElementById('matrix-holder').hidden").get<bool>());
}

// The 1-minute load average per core (0 when unknown).
double load_per_core() {
  std::ifstream in("/proc/loadavg");
  double load = 0;
  in >> load;
  const unsigned cores = std::max(1u, std::thread::hardware_concurrency());
  return load / cores;
}

TEST_F(HtmlReportMatrixTest, TenThousandCasesByFourCellsAreInteractiveWithinTwoSeconds) {
  const json doc = grid_document(10000);
  const std::string url = write_report_page(doc, dir_, "matrix-large.html");
  const auto bytes = std::filesystem::file_size(url.substr(7));
  int best = 1 << 30;
  double best_cpu = 1e9;
  BrowserPage page;
  for (int attempt = 0; attempt < 3; ++attempt) {
    // A new query string makes each load a fresh document.
    const int ready = page.open(url + "?load=" + std::to_string(attempt) + "#view=matrix");
    const double cpu = page.main_thread_cpu_ms();
    std::printf(
        "10,000 cases x 4 cells (%.1f MB): matrix interactive after %d ms, "
        "%.0f ms of main-thread CPU\n",
        double(bytes) / 1e6, ready, cpu);
    best = std::min(best, ready);
    best_cpu = std::min(best_cpu, cpu);
  }
  EXPECT_EQ(shown_count(page, "matrix-count"), "10000");
  EXPECT_EQ(count_in_page(page, "#matrix-table tr.matrix-row"), 100);
  // The page's own work, whatever else the machine is doing: about 0.5 s today.
  EXPECT_LT(best_cpu, 1000) << "main-thread CPU time to interactive";
  // The wall-clock target (2 s) holds on a machine that is not oversubscribed; with more
  // runnable processes than cores the page waits for a core, which measures the machine.
  const double load = load_per_core();
  if (load <= 1.5) {
    EXPECT_LT(best, 2000) << "time to interactive of the matrix view (best of 3 loads)";
  } else {
    std::printf("load %.1f per core: the 2 s wall-clock target is not checked\n", load);
  }
  // A filter over all 10,000 cases answers at once.
  const double filter_ms =
      page.evaluate(
              "(() => { const t0 = performance.now();"
              " document.querySelector('input[data-matrix-filter=disagree]').click();"
              " return performance.now() - t0; })()")
          .get<double>();
  std::printf("cells-disagree filter over 10,000 cases: %.0f ms\n", filter_ms);
  EXPECT_LT(filter_ms, 1000);
  EXPECT_NE(shown_count(page, "matrix-count"), "10000");
}

}  // namespace
}  // namespace evalkit::testing

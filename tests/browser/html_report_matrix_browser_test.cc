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

#include "tests/support/fake_openai_server.h"
#include "tests/support/report_documents.h"
#include "tests/support/report_page.h"
#include "tests/support/test_files.h"

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

// A real run of 2 prompts x 2 providers against two fake endpoints (one answers a quarter of
// the questions wrongly): the page's matrix, per-group figures and in-run comparisons must
// agree with the run document evalkit wrote.
TEST_F(HtmlReportMatrixTest, RealTwoByTwoRunShowsItsCellsComparisonsAndGroupFigures) {
  constexpr int kCases = 200;
  FakeOpenAIServerOptions healthy_options, degraded_options;
  healthy_options.rules = degraded_options.rules = {{"", "Paris", {}, {}, {}}};
  healthy_options.degrade_rate = 0.05;
  healthy_options.degrade_reply = "Lyon";
  degraded_options.degrade_rate = 0.25;
  degraded_options.degrade_reply = "I am not sure, maybe Paris.";
  FakeOpenAIServer healthy(healthy_options), degraded(degraded_options);
  const std::string dir = make_temp_dir("html-matrix-run");
  std::string cases;
  for (int i = 0; i < kCases; ++i) {
    cases += "{\"id\": \"q" + std::to_string(i) + "\", \"vars\": {\"n\": " + std::to_string(i) +
             "}, \"expected\": \"Paris\"}\n";
  }
  write_test_file(dir, "cases.jsonl", cases);
  const auto provider = [](const std::string& id, const FakeOpenAIServer& server) {
    return "  - {id: " + id + ", type: openai-chat, model: model-" + id + ", base_url: \"" +
           server.base_url() + "\"}\n";
  };
  const std::string suite = write_test_file(
      dir, "suite.yaml",
      "suite: matrix\nunder_test: [healthy, degraded]\nproviders:\n" +
          provider("healthy", healthy) + provider("degraded", degraded) +
          "prompts:\n  - id: terse\n    messages: [{role: user, content: \"Question {{n}}: the "
          "capital of France?\"}]\n  - id: polite\n    messages: [{role: user, content: \"Please "
          "answer question {{n}}: which city is France's capital?\"}]\n"
          "cases:\n  - file: cases.jsonl\nscorers:\n  - {type: exact_match}\n");
  const ProcessResult run =
      run_evalkit({"run", suite, "--db", dir + "/evalkit.db", "-q", "--report-json",
                   dir + "/run.json", "--report-html", dir + "/run.html"});
  ASSERT_EQ(run.exit_code, 1) << run.out << run.err;
  const json doc = read_json_file(dir + "/run.json");
  ASSERT_TRUE(doc.contains("group_comparisons")) << "the run document has in-run comparisons";

  BrowserPage page;
  page.open("file://" + dir + "/run.html#view=matrix");
  const json heads = page.evaluate(
      "[...document.querySelectorAll('#matrix-table thead th')].map((th) => th.textContent)");
  ASSERT_EQ(heads.size(), 5u) << heads.dump();
  // Every drawn cell has the outcome of its trial in the document.
  std::map<std::string, std::string> outcome;  // "case|cell label" -> outcome
  for (const json& t : doc["trials"]) {
    outcome[t["case_id"].get<std::string>() + "|" + t["prompt_id"].get<std::string>() + " × " +
            t["provider_id"].get<std::string>()] = outcome_of(t);
  }
  const json cells = page.evaluate(
      "[...document.querySelectorAll('#matrix-table tr.matrix-row')].flatMap((tr) =>"
      " [...tr.querySelectorAll('td.cell')].map((td, c) => [tr.dataset.case,"
      " document.querySelectorAll('#matrix-table thead th')[c + 1].textContent,"
      " td.dataset.outcome]))");
  ASSERT_EQ(cells.size(), 400u);  // 100 cases a page x 4 cells
  for (const json& cell : cells) {
    EXPECT_EQ(cell[2], outcome[cell[0].get<std::string>() + "|" + cell[1].get<std::string>()])
        << cell.dump();
  }
  // A case where the cells disagree opens with a word diff of its first two columns.
  page.click("input[data-matrix-filter=disagree]");
  ASSERT_TRUE(page.wait_for("document.getElementById('matrix-count').dataset.shown !== '200'"));
  page.click("#matrix-table tr.matrix-row td.case-id");
  ASSERT_TRUE(page.wait_for("document.querySelector('.matrix-detail-box')"));
  EXPECT_EQ(count_in_page(page, ".matrix-detail-box .side"), 4);

  // The in-run comparisons of the document, drawn: degraded is worse than healthy within
  // each prompt.
  int worse = 0;
  for (const json& c : doc["group_comparisons"]) {
    for (const json& m : c["metrics"]) worse += m["verdict"] == "worse" ? 1 : 0;
  }
  ASSERT_GE(worse, 2);
  EXPECT_EQ(count_in_page(page, "#group-comparison-table tr.group-comparison[data-verdict=worse]"),
            worse);
  // The page's per-provider figures are the document's.
  page.click("a.tab[data-view=trials]");
  for (const json& group : doc["groups"]["by_provider"]) {
    choose(page, "select[data-filter=provider]", group["provider_id"]);
    ASSERT_TRUE(page.wait_for("document.getElementById('case-count').dataset.shown === '" +
                              std::to_string(group["trials"].get<int>()) + "'"));
    EXPECT_EQ(page.evaluate("document.querySelector('[data-card=pass-rate]').dataset.passed"),
              std::to_string(group["passed"].get<int>()))
        << group.dump();
  }
  std::filesystem::remove_all(dir);
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

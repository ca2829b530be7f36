// The HTML report as a reviewer meets it, in a real 1,400 x 1,000 headless Chromium window
// driven over the DevTools protocol: what failed is above the fold, case links land on
// their trial, the drops that failed the gate are listed, an open trial never scrolls
// sideways, the judge's prompt and raw verdict are shown, search reaches variables,
// expected answers and reasons, filters and summary cards agree, and histograms are
// coloured by each scorer's own threshold and filter the table when clicked.
#include <cstdio>
#include <memory>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/support/report_documents.h"
#include "tests/support/report_page.h"

namespace evalkit::testing {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;

class HtmlReportLayoutTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (!BrowserPage::available()) return;
    dir_ = make_temp_dir("html-layout");
    page_ = new BrowserPage();
  }
  static void TearDownTestSuite() {
    delete page_;
    page_ = nullptr;
    if (!dir_.empty()) std::filesystem::remove_all(dir_);
  }
  void SetUp() override {
    if (!BrowserPage::available()) {
      GTEST_SKIP() << kChromiumPath << " not found; install Debian package chromium";
    }
  }
  BrowserPage& page() { return *page_; }
  static std::string write(const json& doc, const std::string& name) {
    return write_report_page(doc, dir_, name);
  }

  static inline BrowserPage* page_ = nullptr;
  static inline std::string dir_;
};

// Trial i's case id in the documents below: "case-i", so case-3 is a prefix of case-30..39.
json with_prefix_case_ids(json doc) {
  std::map<std::string, std::string> renamed;
  for (auto& trial : doc["trials"]) {
    const std::string id = "case-" + std::to_string(trial["index"].get<int>());
    renamed[trial["case_id"]] = id;
    trial["case_id"] = id;
  }
  for (const char* list : {"flipped", "largest_drops", "only_in_baseline"}) {
    for (auto& entry : doc["comparison"][list]) {
      const auto it = renamed.find(entry["case_id"]);
      if (it != renamed.end()) entry["case_id"] = it->second;
    }
  }
  return doc;
}

TEST_F(HtmlReportLayoutTest, PlainRunShowsTheFirstFailureAndItsReasonInTheFirstViewport) {
  const json doc = make_report_document({.trials = 1000, .with_comparison = false});
  page().open(write(doc, "plain.html"));
  const json first = page().evaluate(
      "(() => { const r = document.querySelector('#case-table tbody tr.case-row');"
      " const b = r.getBoundingClientRect(); return {status: r.dataset.status, number: "
      "r.dataset.number, top: b.top, bottom: b.bottom, why: r.querySelector('td.why').textContent,"
      " height: innerHeight}; })()");
  std::printf("plain run: first trial row at y=%.0f..%.0f of a %d px window\n",
              first["top"].get<double>(), first["bottom"].get<double>(),
              first["height"].get<int>());
  // Failures sort first; trial 3 (test #4) is the first failure, and its reason is in the row.
  EXPECT_EQ(first["status"], "fail");
  EXPECT_EQ(first["number"], "4");
  EXPECT_GE(first["top"].get<double>(), 0);
  EXPECT_LE(first["bottom"].get<double>(), first["height"].get<double>());
  EXPECT_EQ(first["why"], "exact_match 0.000: expected 'Rome', got other text +2 more");
  // Passing rows name no failing scorer.
  EXPECT_EQ(page().evaluate("[...document.querySelectorAll('tr.case-row[data-status=pass] td.why')]"
                            ".filter((td) => td.textContent !== '').length"),
            0);
  EXPECT_GT(count_in_page(page(), "tr.case-row[data-status=fail]"), 0);
  // A row opens from the keyboard too.
  page().evaluate("document.querySelector('#case-table tbody tr.case-row').focus()");
  page().press("Enter");
  ASSERT_TRUE(page().wait_for("document.querySelector('.trial-detail[data-number=\"4\"]')"));
  page().press("Enter");
  EXPECT_TRUE(page().wait_for("!document.querySelector('.trial-detail')"));
}

// Informational (weight 0) scorers may fail on a trial that passes; the trial list must not
// present them as the reason of a failure that did not happen.
TEST_F(HtmlReportLayoutTest, PassingRowsNameNoFailingScorerEvenWhenAnInformationalOneFailed) {
  json doc = make_report_document({.trials = 40, .with_comparison = false});
  int passing = 0;
  for (auto& trial : doc["trials"]) {
    if (!trial["pass"].get<bool>() || trial["error_kind"] != "") continue;
    ++passing;
    for (const char* name : {"tone", "brevity"}) {
      trial["scores"].push_back({{"name", name},
                                 {"type", "contains"},
                                 {"value", 0.0},
                                 {"pass", false},
                                 {"error", false},
                                 {"reason", std::string(name) + " not met"},
                                 {"signature", std::string("contains|") + name},
                                 {"weight", 0.0}});
    }
  }
  ASSERT_GT(passing, 20);
  page().open(write(doc, "informational.html"));
  ASSERT_TRUE(page().wait_for("document.querySelector('#case-table tr.case-row')"));
  EXPECT_EQ(count_in_page(page(), "tr.case-row[data-status=pass]"), passing);
  const json pass_rows = page().evaluate(
      "[...document.querySelectorAll('tr.case-row[data-status=pass] td.why')]"
      ".map((td) => td.textContent).filter((text) => text !== '')");
  EXPECT_EQ(pass_rows, json::array()) << "passing rows show a reason";
  // The failing-scorer filter offers only scorers that failed a failing trial.
  const json offered = page().evaluate(
      "[...document.querySelectorAll('select[data-filter=scorer] option')]"
      ".map((o) => o.value).filter((v) => v !== '')");
  EXPECT_EQ(offered, json::array({"exact_match", "factuality", "rougeL"}));
}

TEST_F(HtmlReportLayoutTest, RegressionRunShowsTheFirstRegressedCaseInTheFirstViewport) {
  const json doc = make_report_document({.trials = 1000});
  page().open(write(doc, "regression.html"));
  const json flip = box_of(page(), "#flipped-table tbody tr.flip-row");
  const json table = box_of(page(), "#case-table");
  const json banner = box_of(page(), "#verdict");
  ASSERT_TRUE(flip.is_object() && table.is_object() && banner.is_object());
  std::printf("regression run: first flipped case at y=%.0f, trial table at y=%.0f\n",
              flip["top"].get<double>(), table["top"].get<double>());
  EXPECT_GE(banner["top"].get<double>(), 0);
  EXPECT_GE(flip["top"].get<double>(), 0);
  EXPECT_LE(flip["bottom"].get<double>(), 1000);
  const std::string row = text_of(page(), "#flipped-table tbody tr.flip-row");
  EXPECT_THAT(row, HasSubstr("pass → fail"));
  EXPECT_THAT(row, HasSubstr("exact_match 0.000: expected"));  // why it fails now
  // The trial table is no longer below the charts: they are folded away, and drawn when
  // unfolded: baseline vs current, and one histogram per scorer.
  EXPECT_LT(table["top"].get<double>(), 2000);
  EXPECT_FALSE(page().evaluate("document.getElementById('charts').open").get<bool>());
  page().click("#charts > summary");
  ASSERT_TRUE(page().wait_for("document.getElementById('comparison-chart')"));
  for (const char* scorer : {"exact_match", "rougeL", "factuality"}) {
    std::string chart = "#charts .chart[data-scorer=";
    chart += scorer;
    chart += "] svg";
    EXPECT_EQ(count_in_page(page(), chart), 1) << scorer;
  }
}

TEST_F(HtmlReportLayoutTest, FlippedCaseLinkOpensExactlyThatTrialInView) {
  const json doc = with_prefix_case_ids(make_report_document({.trials = 120}));
  // Trial 3 passed in the baseline and fails now: the first flipped case, case-3 (test #4).
  ASSERT_EQ(doc["comparison"]["flipped"][0]["case_id"], "case-3");
  page().open(write(doc, "links.html"));
  for (int attempt = 0; attempt < 2; ++attempt) {  // the same link works twice
    page().evaluate("window.scrollTo(0, 0)");
    page().click("#flipped-table tr.flip-row[data-case='case-3'] a.case-link");
    ASSERT_TRUE(page().wait_for("document.querySelector('.trial-detail[data-number=\"4\"]')"))
        << "the link did not open test #4";
    const json detail = box_of(page(), "tr.case-row.open");
    EXPECT_GE(detail["top"].get<double>(), 0) << "attempt " << attempt;
    EXPECT_LT(detail["top"].get<double>(), 1000) << "attempt " << attempt;
    // Exactly case-3, not case-30..39.
    EXPECT_EQ(shown_count(page()), "1");
    EXPECT_EQ(text_of(page(), "tr.case-row.open td.case-id"), "case-3");
    const std::string hash = page().evaluate("location.hash").get<std::string>();
    EXPECT_THAT(hash, HasSubstr("case=case-3"));
    EXPECT_THAT(hash, HasSubstr("open=4"));
  }
  // The "case = case-3" chip removes that filter again.
  page().click("button.chip[data-chip=case]");
  EXPECT_TRUE(page().wait_for("document.getElementById('case-count').dataset.shown === '120'"));
}

TEST_F(HtmlReportLayoutTest, DropsListLeadsWithTheRegressedMetricsLargestDrops) {
  json doc = make_report_document({.trials = 200});
  json& comparison = doc["comparison"];
  comparison["metrics"].push_back({{"metric", "contains"},
                                   {"kind", "binary"},
                                   {"verdict", "regressed"},
                                   {"delta", -0.4},
                                   {"baseline", 0.9},
                                   {"current", 0.5}});
  comparison["metrics"].push_back({{"metric", "judge_rubric"},
                                   {"kind", "continuous"},
                                   {"verdict", "regressed"},
                                   {"delta", -0.3}});
  comparison["metrics"][2]["verdict"] = "no significant change";  // bleu
  // As the gate lists them: by metric name, bleu's small drops first.
  json drops = json::array();
  const auto drop = [&](const std::string& metric, int trial, double baseline, double delta) {
    const json& t = doc["trials"][size_t(trial)];
    drops.push_back({{"metric", metric},
                     {"case_id", t["case_id"]},
                     {"prompt_id", t["prompt_id"]},
                     {"provider_id", t["provider_id"]},
                     {"baseline", baseline},
                     {"current", baseline + delta},
                     {"delta", delta},
                     {"baseline_output", "b"},
                     {"current_output", t["output"]}});
  };
  for (int i = 0; i < 10; ++i) drop("bleu", 20 + i, 0.4, -0.05 - 0.01 * i);
  for (int i = 0; i < 5; ++i) drop("contains", 40 + i, 1.0, -1.0);
  for (int i = 0; i < 5; ++i) drop("judge_rubric", 60 + i, 1.0, -1.0);
  comparison["largest_drops"] = drops;
  page().open(write(doc, "drops.html"));
  const json rows = page().evaluate(
      "[...document.querySelectorAll('#drops-table tbody tr')].map((tr) => "
      "[tr.dataset.metric, tr.querySelector('td.delta').textContent])");
  ASSERT_GE(rows.size(), 10u);
  for (size_t i = 0; i < 10; ++i) {
    EXPECT_TRUE(rows[i][0] == "contains" || rows[i][0] == "judge_rubric") << rows.dump();
    EXPECT_EQ(rows[i][1], "-1.000") << rows.dump();
  }
  // The largest of the other drops follow, largest first.
  ASSERT_GT(rows.size(), 10u);
  EXPECT_EQ(rows[10][0], "bleu");
  EXPECT_EQ(rows[10][1], "-0.140");
}

TEST_F(HtmlReportLayoutTest, OpenTrialFitsA1400PixelWindowAndShowsBaselineColumns) {
  json doc = make_report_document({.trials = 60, .judge_transcripts = true});
  // Trial 8 (test #9) fails; give it what widened the panel before: a long signature, an
  // output of one 3,000-character token, and long variables.
  json& trial = doc["trials"][8];
  trial["output"] = std::string(3000, 'x') + " tail";
  trial["scores"][1]["signature"] = "rougeL|" + std::string(300, 's');
  trial["vars"]["document"] = std::string(2000, 'v');
  trial["baseline"]["scores"]["exact_match"] = 1.0;
  // Trial 10's reference reads like its output: the panel word-diffs the two.
  doc["trials"][10]["expected"] =
      json::array({"The capital is Madrid, a large old city by the river."});
  page().open(write(doc, "wide.html") + "#open=9");
  ASSERT_TRUE(page().wait_for("document.querySelector('.trial-detail[data-number=\"9\"]')"));
  const json width = page().evaluate(
      "({page: document.documentElement.scrollWidth, view: document.documentElement.clientWidth,"
      " scores: document.querySelector('.trial-detail "
      "table.scores').getBoundingClientRect().right})");
  std::printf("open trial: page %d px wide in a %d px viewport\n", width["page"].get<int>(),
              width["view"].get<int>());
  EXPECT_LE(width["page"].get<int>(), width["view"].get<int>()) << "the page scrolls sideways";
  EXPECT_LE(width["scores"].get<double>(), width["view"].get<double>());
  // With a baseline the scores table has baseline and current columns.
  const std::string head = text_of(page(), ".trial-detail table.scores thead");
  EXPECT_THAT(head, HasSubstr("Baseline"));
  EXPECT_THAT(head, HasSubstr("Current"));
  // exact_match: baseline 1, current 0.
  EXPECT_EQ(page().evaluate("[...document.querySelectorAll('.trial-detail table.scores "
                            "tr[data-scorer=exact_match] td.num')].map((td) => td.textContent)"),
            json({"1.000", "0.000", "-1.000"}));
  // The judge's reason is printed once (it is also in the judge's details).
  EXPECT_EQ(page().evaluate("document.querySelector('.trial-detail table.scores').textContent"
                            ".split('contradicts it').length - 1"),
            1);

  page().open(write(doc, "wide.html") + "#open=11");
  ASSERT_TRUE(page().wait_for("document.querySelector('.trial-detail[data-number=\"11\"]')"));
  EXPECT_THAT(page()
                  .evaluate("[...document.querySelectorAll('.trial-detail pre.expected del')]"
                            ".map((d) => d.textContent).join('|')")
                  .get<std::string>(),
              HasSubstr("large"));
  EXPECT_THAT(text_of(page(), ".trial-detail pre.trial-output"), HasSubstr("The capital city is"));
  EXPECT_GT(count_in_page(page(), ".trial-detail pre.trial-output ins"), 0);
}

TEST_F(HtmlReportLayoutTest, JudgePromptAndRawVerdictAreShown) {
  const json doc = make_report_document({.trials = 20, .judge_transcripts = true});
  page().open(write(doc, "judge.html") + "#open=4");
  ASSERT_TRUE(page().wait_for("document.querySelector('.trial-detail details.judge-view')"));
  page().click(".trial-detail details.judge-view > summary");
  ASSERT_TRUE(page().wait_for("document.querySelector('.trial-detail details.judge-view').open"));
  const std::string prompt = text_of(page(), ".trial-detail pre.judge-prompt");
  EXPECT_THAT(prompt, HasSubstr("[Expert]: Rome"));
  EXPECT_THAT(prompt, HasSubstr("[Submission]: " + doc["trials"][3]["output"].get<std::string>()));
  EXPECT_EQ(text_of(page(), ".trial-detail pre.judge-raw"),
            "D\nThe submission contradicts the expert answer.");
  EXPECT_THAT(text_of(page(), ".trial-detail details.judge-view"),
              HasSubstr("You are a careful grader."));
  const json raw = box_of(page(), ".trial-detail pre.judge-raw");
  EXPECT_GT(raw["height"].get<double>(), 0) << "the raw verdict is drawn";
}

TEST_F(HtmlReportLayoutTest, SearchFindsVariablesExpectedAndReasonsAndHighlightsThem) {
  json doc = make_report_document({.trials = 200, .with_comparison = false});
  doc["trials"][5]["vars"]["country"] = "Narnia";
  doc["trials"][7]["expected"] = json::array({"Cair Paravel"});
  doc["trials"][8]["scores"][0]["reason"] = "expected 'Rome', got a needle-in-reason answer";
  page().open(write(doc, "search.html"));
  const auto search = [&](const std::string& text) {
    page().evaluate("(() => { const s = document.getElementById('search'); s.value = ''; })()");
    page().type("#search", text);
    // The table follows the search once the URL holds it.
    return page().wait_for(
        "new URLSearchParams(location.hash.slice(1)).get('q') === " + json(text).dump() +
        " && document.getElementById('case-count').dataset.shown === '1'");
  };
  ASSERT_TRUE(search("narnia")) << shown_count(page());
  EXPECT_EQ(text_of(page(), "tr.case-row td.num"), "6");
  page().click("tr.case-row[data-number='6'] td.case-id");
  ASSERT_TRUE(page().wait_for("document.querySelector('.trial-detail pre.vars mark')"));
  EXPECT_EQ(text_of(page(), ".trial-detail pre.vars mark"), "Narnia");

  ASSERT_TRUE(search("cair paravel"));
  EXPECT_EQ(text_of(page(), "tr.case-row td.num"), "8");

  ASSERT_TRUE(search("needle-in-reason"));
  EXPECT_EQ(text_of(page(), "tr.case-row td.num"), "9");
  EXPECT_EQ(text_of(page(), "tr.case-row td.why mark"), "needle-in-reason");
}

TEST_F(HtmlReportLayoutTest, PromptAndProviderFiltersAndTheCardsFollowThem) {
  const json doc = make_report_document({.trials = 400,
                                         .with_comparison = false,
                                         .prompts = {"terse", "verbose"},
                                         .providers = {"model-a", "model-b"}});
  page().open(write(doc, "cells.html"));
  // Unfiltered, the cards are the document's summary.
  const json summary = doc["summary"];
  const json card =
      page().evaluate("({...document.querySelector('[data-card=pass-rate]').dataset})");
  EXPECT_EQ(card["passed"], std::to_string(summary["passed"].get<int>()));
  EXPECT_EQ(card["failed"], std::to_string(summary["failed"].get<int>()));
  EXPECT_EQ(card["errors"], std::to_string(summary["errors"].get<int>()));
  // The per-group tables unfold from a one-line headline.
  EXPECT_THAT(text_of(page(), "#groups > summary"), HasSubstr("Pass rate by provider: model-a"));
  page().click("#groups > summary");
  ASSERT_TRUE(page().wait_for("document.querySelector('#groups-by-cell')"));
  EXPECT_EQ(count_in_page(page(), "#groups-by-cell tbody tr"), 4);
  EXPECT_EQ(count_in_page(page(), "#groups-by-provider tbody tr"), 2);
  EXPECT_EQ(count_in_page(page(), "#groups-by-prompt tbody tr"), 2);

  choose(page(), "select[data-filter=provider]", "model-b");
  choose(page(), "select[data-filter=prompt]", "verbose");
  int passed = 0, trials = 0;
  for (const auto& t : doc["trials"]) {
    if (t["provider_id"] != "model-b" || t["prompt_id"] != "verbose") continue;
    ++trials;
    if (t["pass"].get<bool>() && t["error_kind"] == "") ++passed;
  }
  ASSERT_TRUE(page().wait_for("document.getElementById('case-count').dataset.shown === '" +
                              std::to_string(trials) + "'"));
  EXPECT_EQ(trials, 100);
  const json filtered =
      page().evaluate("({...document.querySelector('[data-card=pass-rate]').dataset})");
  EXPECT_EQ(filtered["passed"], std::to_string(passed));
  EXPECT_THAT(text_of(page(), "#summary-scope"), HasSubstr("100 trials"));
  EXPECT_EQ(count_in_page(page(), "#groups-by-cell tbody tr"), 1);
  EXPECT_EQ(text_of(page(), "#groups-by-cell tbody tr td.group-id"), "verbose × model-b");
  EXPECT_EQ(page().evaluate("location.hash").get<std::string>(),
            "#prompt=verbose&provider=model-b");
}

TEST_F(HtmlReportLayoutTest, HistogramsAreColouredByEachScorersThresholdAndFilterOnClick) {
  json doc = make_report_document({.trials = 200, .with_comparison = false});
  // A similarity scorer with threshold 0.85: 0.848 fails, 0.86 passes, both in bin 0.8-0.9.
  int in_bin = 0, failing_in_bin = 0;
  for (auto& t : doc["trials"]) {
    if (t["scores"].empty()) continue;
    const int i = t["index"];
    const double value = i % 4 == 0 ? 0.848 : i % 4 == 1 ? 0.86 : i % 4 == 2 ? 0.5 : 0.95;
    t["scores"].push_back({{"name", "similarity"},
                           {"type", "similarity"},
                           {"value", value},
                           {"pass", value >= 0.85},
                           {"reason", "cosine"},
                           {"signature", "sim"}});
    in_bin += value > 0.8 && value < 0.9 ? 1 : 0;
    failing_in_bin += value == 0.848 ? 1 : 0;
  }
  doc["run"]["scorer_specs"] = json::array({{{"type", "similarity"}, {"threshold", 0.85}}});
  page().open(write(doc, "histogram.html"));
  ASSERT_TRUE(page().evaluate("document.getElementById('charts').open").get<bool>())
      << "a small plain run shows its charts";
  const std::string bin = ".chart[data-scorer=similarity] g.bin[data-bin='8']";
  const json counts = page().evaluate("({...document.querySelector(\"" + bin + "\").dataset})");
  EXPECT_EQ(counts["fail"], std::to_string(failing_in_bin));
  EXPECT_EQ(counts["pass"], std::to_string(in_bin - failing_in_bin));
  EXPECT_EQ(count_in_page(page(), bin + " rect.bar.fail"), 1) << "0.848 is red under 0.85";
  EXPECT_EQ(count_in_page(page(), ".chart[data-scorer=similarity] line.threshold"), 1);

  page().click(bin);
  ASSERT_TRUE(page().wait_for("document.getElementById('case-count').dataset.shown === '" +
                              std::to_string(in_bin) + "'"))
      << shown_count(page());
  EXPECT_THAT(page().evaluate("location.hash").get<std::string>(),
              HasSubstr("hist=similarity%3A8"));
  EXPECT_THAT(text_of(page(), "button.chip[data-chip=hist]"), HasSubstr("similarity in 0.8–0.9"));
  const json table = box_of(page(), "#cases");
  EXPECT_LT(table["top"].get<double>(), 200) << "the click brings the table into view";
}

}  // namespace
}  // namespace evalkit::testing

#include "evalkit/report/markdown_report.h"

#include <gtest/gtest.h>

#include "evalkit/base/files.h"
#include "tests/support/process.h"
#include "tests/support/report_documents.h"

namespace evalkit {
namespace {

using nlohmann::json;
using testing::make_report_document;

int count_of(const std::string& haystack, const std::string& needle) {
  int count = 0;
  for (size_t pos = haystack.find(needle); pos != std::string::npos;
       pos = haystack.find(needle, pos + needle.size())) {
    ++count;
  }
  return count;
}

// The lines of `markdown` that are rows of the table under `heading` (after its rule).
std::vector<std::string> table_rows(const std::string& markdown, const std::string& heading) {
  std::vector<std::string> rows;
  size_t pos = markdown.find(heading);
  if (pos == std::string::npos) return rows;
  pos = markdown.find("|---", pos);
  pos = markdown.find('\n', pos) + 1;
  while (pos < markdown.size() && markdown[pos] == '|') {
    const size_t end = markdown.find('\n', pos);
    rows.push_back(markdown.substr(pos, end - pos));
    pos = end + 1;
  }
  return rows;
}

// Cells of a table row, splitting on pipes that are not backslash-escaped.
std::vector<std::string> cells(const std::string& row) {
  std::vector<std::string> out;
  std::string cell;
  for (size_t i = 1; i < row.size(); ++i) {
    if (row[i] == '\\' && i + 1 < row.size()) {
      cell += row.substr(i, 2);
      ++i;
    } else if (row[i] == '|') {
      out.push_back(cell);
      cell.clear();
    } else {
      cell += row[i];
    }
  }
  return out;
}

TEST(MarkdownReportTest, HeadlineAndTotalsAgreeWithTheSummary) {
  const json document = make_report_document({.trials = 40});
  const std::string md = render_markdown_report(document);
  const json& summary = document["summary"];
  const std::string counts =
      summary["failed"].dump() + " failed, " + summary["errors"].dump() + " errors";
  EXPECT_EQ(md.rfind("## ❌ evalkit: quickstart: " + counts + ", regressed against main", 0), 0u)
      << md.substr(0, 200);
  EXPECT_NE(md.find("**" + summary["passed"].dump() + " / 40 passed ("), std::string::npos);
  EXPECT_NE(md.find("commit abc123def456"), std::string::npos);
}

TEST(MarkdownReportTest, AllPassingRunSaysSo) {
  json document = make_report_document({.trials = 3, .with_comparison = false});
  for (auto& trial : document["trials"]) trial["pass"] = true;
  document["summary"]["failed"] = 0;
  document["summary"]["errors"] = 0;
  const std::string md = render_markdown_report(document);
  EXPECT_EQ(md.rfind("## ✅ evalkit: quickstart: all passed\n", 0), 0u) << md.substr(0, 200);
  EXPECT_EQ(md.find("### Failing cases"), std::string::npos);
  EXPECT_EQ(md.find("### Gate"), std::string::npos);
}

TEST(MarkdownReportTest, ScorerTableHasOneRowPerScorer) {
  const json document = make_report_document({.trials = 20});
  const auto rows = table_rows(render_markdown_report(document), "### Scorers");
  ASSERT_EQ(rows.size(), document["scorers"].size());
  const auto rouge = cells(rows[1]);
  ASSERT_EQ(rouge.size(), 5u);
  EXPECT_EQ(rouge[0], " rougeL ");
  char mean[16];
  std::snprintf(mean, sizeof mean, " %.3f ", document["scorers"][1]["mean"].get<double>());
  EXPECT_EQ(rouge[1], mean);
  EXPECT_NE(rouge[3], " – ") << "rougeL has a corpus score";
  EXPECT_EQ(cells(rows[0])[3], " – ") << "exact_match has none";
}

TEST(MarkdownReportTest, GateVerdictsAndFlippedCasesWhenCompared) {
  const json document = make_report_document({.trials = 600});
  const std::string md = render_markdown_report(document);
  const auto gate = table_rows(md, "### Gate against baseline main");
  ASSERT_EQ(gate.size(), 3u);
  EXPECT_NE(gate[0].find("❌ regressed"), std::string::npos) << gate[0];
  EXPECT_NE(gate[2].find("not compared (signature differs"), std::string::npos) << gate[2];
  const auto flipped = table_rows(md, "### Flipped cases");
  ASSERT_EQ(flipped.size(), 10u);
  EXPECT_NE(md.find("### Flipped cases (10 of " +
                    std::to_string(document["comparison"]["flipped"].size())),
            std::string::npos);
  EXPECT_NE(flipped[0].find("pass → fail"), std::string::npos);
}

TEST(MarkdownReportTest, FailingCasesAreCappedAndShowTheirScorers) {
  const json document = make_report_document({.trials = 200, .with_comparison = false});
  const std::string md = render_markdown_report(document);
  const auto rows = table_rows(md, "### Failing cases");
  ASSERT_EQ(rows.size(), 10u);
  // Trial 3 is the first failure; trial 6 the first error.
  EXPECT_EQ(rows[0].rfind("| capital-Italy-3 | qa | assistant-large | ", 0), 0u) << rows[0];
  EXPECT_NE(rows[0].find("exact\\_match 0.00, rougeL 0.20, factuality 0.00"), std::string::npos)
      << rows[0];
  EXPECT_NE(rows[1].find("error: timeout"), std::string::npos) << rows[1];
  EXPECT_NE(rows[1].find("request timed out after 30 s"), std::string::npos) << rows[1];
}

TEST(MarkdownReportTest, UntrustedTextCannotFormMarkupOrBreakTables) {
  json document = make_report_document({.trials = 12, .with_comparison = false});
  document["run"]["suite"] = "<img src=x> *bold* @octocat";
  document["trials"][3]["output"] =
      "a | b `code` <script>x</script> [link](http://x) ~~s~~ _i_ & @admin\nsecond line";
  document["trials"][3]["case_id"] = "case|with|pipes";
  const std::string md = render_markdown_report(document);
  EXPECT_EQ(md.find("<img"), std::string::npos);
  EXPECT_EQ(md.find("<script>"), std::string::npos);
  EXPECT_EQ(md.find("@octocat"), std::string::npos);
  EXPECT_EQ(md.find("@admin"), std::string::npos);
  EXPECT_NE(md.find("&lt;img src=x&gt; \\*bold\\* @\u2060octocat"), std::string::npos);
  const auto rows = table_rows(md, "### Failing cases");
  ASSERT_FALSE(rows.empty());
  const auto first = cells(rows[0]);
  ASSERT_EQ(first.size(), 5u) << "escaped pipes must not add cells: " << rows[0];
  EXPECT_EQ(first[0], " case\\|with\\|pipes ");
  EXPECT_EQ(first[4].rfind(" a \\| b \\`code\\` &lt;script&gt;x&lt;/script&gt; \\[link\\](http", 0),
            0u)
      << first[4];
  EXPECT_NE(first[4].find("\\~\\~s\\~\\~ \\_i\\_ &amp;"), std::string::npos) << first[4];
  EXPECT_EQ(rows[0].find('\n'), std::string::npos);
}

TEST(MarkdownReportTest, OutputsAreCutOnCharacters) {
  json document = make_report_document({.trials = 4, .with_comparison = false});
  std::string long_output;
  for (int i = 0; i < 300; ++i) long_output += "é";
  document["trials"][3]["output"] = long_output;
  const std::string md = render_markdown_report(document, {.output_chars = 50});
  std::string expected;
  for (int i = 0; i < 50; ++i) expected += "é";
  EXPECT_NE(md.find(" " + expected + "… |"), std::string::npos);
}

TEST(MarkdownReportTest, NeverExceedsTheSizeCap) {
  json document = make_report_document({.trials = 500});
  for (auto& trial : document["trials"]) trial["case_id"] = std::string(300, 'c');
  for (size_t cap : {1500u, 4000u, 20000u}) {
    const std::string md = render_markdown_report(document, {.max_bytes = cap, .max_cases = 10000});
    EXPECT_LE(md.size(), cap);
    EXPECT_NE(md.find("_Summary cut to fit"), std::string::npos) << cap;
  }
  EXPECT_EQ(render_markdown_report(document).find("_Summary cut"), std::string::npos)
      << "ten rows of each table fit in the default cap";
}

TEST(MarkdownReportTest, WritesTheFile) {
  const std::string path = testing::make_temp_dir("markdown") + "/summary.md";
  ASSERT_TRUE(write_markdown_report(make_report_document({.trials = 5}), path).is_ok());
  std::string md;
  ASSERT_TRUE(read_file(path, &md).is_ok());
  EXPECT_EQ(md.rfind("## ", 0), 0u);
  EXPECT_EQ(count_of(md, "\n## "), 0) << "one top-level heading";
}

}  // namespace
}  // namespace evalkit

#include "evalkit/report/html_report.h"
#include "evalkit/report/html_page_data.h"

#include <regex>

#include <gtest/gtest.h>

#include "evalkit/base/embedded.h"
#include "evalkit/base/files.h"
#include "evalkit/base/hash.h"
#include "tests/support/process.h"
#include "tests/support/report_documents.h"

namespace evalkit {
namespace {

using nlohmann::json;
using testing::make_report_document;

// The text between <script type="application/json" id="evalkit-data"> and </script>.
std::string embedded_data(const std::string& html) {
  const std::string open = "<script type=\"application/json\" id=\"evalkit-data\">";
  const size_t start = html.find(open);
  EXPECT_NE(start, std::string::npos);
  const size_t end = html.find("</script>", start);
  return html.substr(start + open.size(), end - start - open.size());
}

std::string hex_of_base64(const std::string& text) {
  const std::string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string bytes;
  unsigned buffer = 0;
  int bits = 0;
  for (char c : text) {
    if (c == '=') break;
    buffer = buffer << 6 | unsigned(alphabet.find(c));
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      bytes += char((buffer >> bits) & 0xFF);
    }
  }
  std::string hex;
  for (unsigned char b : bytes) {
    hex += "0123456789abcdef"[b >> 4];
    hex += "0123456789abcdef"[b & 15];
  }
  return hex;
}

TEST(HtmlReportTest, DataRoundTripsAndCannotCloseItsElement) {
  json document = make_report_document({.trials = 30});
  document["run"]["suite"] = "</script><script>window.__pwned=1</script>";
  document["trials"][0]["output"] = "a\u2028b\u2029c </SCRIPT> <!-- & ]]>";
  const std::string html = render_html_report(document);
  const std::string data = embedded_data(html);
  for (const char* forbidden : {"<", ">", "&", "\u2028", "\u2029"}) {
    EXPECT_EQ(data.find(forbidden), std::string::npos) << forbidden;
  }
  EXPECT_NE(data.find("\\u003c/script\\u003e\\u003cscript\\u003e"), std::string::npos);
  EXPECT_NE(data.find("a\\u2028b\\u2029c"), std::string::npos);
  EXPECT_EQ(json::parse(data), html_page_data(document));
}

TEST(HtmlReportTest, EveryScriptElementIsOurs) {
  const json document = make_report_document({.trials = 50});
  const std::string html = render_html_report(document);
  // Two script elements: the data and the page script; hostile outputs add none.
  const std::regex script_tag("<script", std::regex::icase);
  const auto count = std::distance(std::sregex_iterator(html.begin(), html.end(), script_tag),
                                   std::sregex_iterator());
  EXPECT_EQ(count, 2);
  EXPECT_EQ(html.find("<img"), std::string::npos);
}

TEST(HtmlReportTest, PolicyAllowsOnlyThePageScriptByHash) {
  const std::string html = render_html_report(make_report_document({.trials = 2}));
  std::smatch match;
  ASSERT_TRUE(std::regex_search(
      html, match, std::regex("http-equiv=\"Content-Security-Policy\" content=\"([^\"]*)\"")));
  const std::string policy = match[1];
  EXPECT_NE(policy.find("default-src 'none'"), std::string::npos) << policy;
  EXPECT_NE(policy.find("img-src data:"), std::string::npos) << policy;
  EXPECT_NE(policy.find("style-src 'unsafe-inline'"), std::string::npos) << policy;
  std::smatch hash;
  ASSERT_TRUE(
      std::regex_search(policy, hash, std::regex("script-src 'sha256-([A-Za-z0-9+/=]+)';")));
  // The hash must match the script exactly as it appears in the page.
  const std::string script = html_report_script();
  for (const char* part : {"reports/report_widgets.js", "reports/report_summary.js",
                           "reports/report_review.js", "reports/report_matrix.js",
                           "reports/report.js"}) {
    EXPECT_NE(script.find(*embedded_file(part)), std::string::npos) << part;
  }
  EXPECT_NE(html.find("<script>" + script + "</script>"), std::string::npos);
  EXPECT_EQ(hex_of_base64(hash[1]), sha256_hex(script));
}

TEST(HtmlReportTest, AssetsCannotEndTheirOwnElements) {
  const std::string style(*embedded_file("reports/report.css"));
  EXPECT_EQ(std::regex_search(style, std::regex("</style", std::regex::icase)), false);
  for (const char* path : {"reports/report.js", "reports/report_widgets.js",
                           "reports/report_summary.js", "reports/report_review.js",
                           "reports/report_matrix.js"}) {
    const std::string script(*embedded_file(path));
    EXPECT_EQ(std::regex_search(script, std::regex("</script", std::regex::icase)), false) << path;
    // The script never parses markup from strings.
    for (const char* sink : {"innerHTML", "outerHTML", "insertAdjacentHTML", "document.write"}) {
      EXPECT_EQ(script.find(sink), std::string::npos) << path << ": " << sink;
    }
  }
}

TEST(HtmlReportTest, TitleIsEscapedAndDataPlaceholdersAreNotExpanded) {
  json document = make_report_document({.trials = 2});
  document["run"]["suite"] = "<b>{{script}}</b>";
  document["trials"][0]["output"] = "{{style}} {{data}}";
  const std::string html = render_html_report(document);
  EXPECT_NE(html.find("<title>evalkit · &lt;b&gt;{{script}}&lt;/b&gt;</title>"), std::string::npos);
  EXPECT_NE(embedded_data(html).find("{{style}} {{data}}"), std::string::npos);
}

TEST(HtmlReportTest, InvalidUtf8IsReplacedNotRejected) {
  json document = make_report_document({.trials = 1});
  document["trials"][0]["output"] = std::string("bad \xff\xfe bytes");
  const std::string html = render_html_report(document);
  EXPECT_NE(embedded_data(html).find("bad \xEF\xBF\xBD\xEF\xBF\xBD bytes"), std::string::npos);
}

TEST(HtmlReportTest, WritesTheFile) {
  const std::string path = testing::make_temp_dir("html") + "/report.html";
  ASSERT_TRUE(write_html_report(make_report_document({.trials = 3}), path).is_ok());
  std::string html;
  ASSERT_TRUE(read_file(path, &html).is_ok());
  EXPECT_EQ(html.rfind("<!doctype html>", 0), 0u);
}

}  // namespace
}  // namespace evalkit

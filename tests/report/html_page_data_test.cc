#include "evalkit/report/html_page_data.h"

#include <set>

#include <gtest/gtest.h>

#include "tests/support/report_documents.h"

namespace evalkit {
namespace {

using nlohmann::json;
using testing::make_report_document;

// What the page's sharedValue() does: an index into "shared" stands for the value there.
json resolve(const json& page, const json& value) {
  if (!value.is_number_unsigned()) return value;
  const json& shared = page.at("shared");
  const size_t index = value.get<size_t>();
  EXPECT_LT(index, shared.size());
  return index < shared.size() ? shared[index] : json();
}

// The value the page sees for `field`, with an absent field read as the document's default.
json page_field(const json& trial, const std::string& field, const json& absent) {
  const auto it = trial.find(field);
  return it == trial.end() ? absent : *it;
}

// The same for a field stored in "shared".
json shared_field(const json& page, const json& trial, const std::string& field,
                  const json& absent) {
  const auto it = trial.find(field);
  return it == trial.end() ? absent : resolve(page, *it);
}

TEST(HtmlPageDataTest, EveryFieldThePageShowsResolvesToTheDocumentsValue) {
  json document = make_report_document({.trials = 120, .repeats = 4});
  document["trials"][1]["cached"] = true;
  const json page = html_page_data(document);
  ASSERT_EQ(page["trials"].size(), document["trials"].size());

  for (size_t i = 0; i < document["trials"].size(); ++i) {
    const json& original = document["trials"][i];
    const json& trial = page["trials"][i];
    for (const char* field :
         {"index", "case_id", "prompt_id", "provider_id", "repeat", "pass", "weighted_score",
          "latency_s", "prompt_tokens", "completion_tokens", "attempts"}) {
      EXPECT_EQ(page_field(trial, field, nullptr), original[field]) << i << " " << field;
    }
    for (const char* field : {"output", "error", "error_kind", "finish_reason"}) {
      EXPECT_EQ(page_field(trial, field, ""), original[field]) << i << " " << field;
    }
    EXPECT_EQ(page_field(trial, "cached", false), original["cached"]) << i;
    EXPECT_EQ(page_field(trial, "baseline", nullptr), original["baseline"]) << i;
    for (const char* field : {"request", "vars", "expected", "labels"}) {
      EXPECT_EQ(shared_field(page, trial, field, json()), original[field]) << i << " " << field;
    }
    const json scores = page_field(trial, "scores", json::array());
    ASSERT_EQ(scores.size(), original["scores"].size()) << i;
    for (size_t s = 0; s < scores.size(); ++s) {
      const json& score = scores[s];
      const json& want = original["scores"][s];
      EXPECT_EQ(score["name"], want["name"]);
      EXPECT_EQ(score["value"], want["value"]);
      EXPECT_EQ(score["pass"], want["pass"]);
      EXPECT_EQ(score.value("error", false), want["error"]);
      EXPECT_EQ(shared_field(page, score, "reason", ""), want["reason"]);
      EXPECT_EQ(shared_field(page, score, "details", json::object()), want["details"]);
      EXPECT_EQ(resolve(page, score["signature"]), want["signature"]);
    }
  }
}

TEST(HtmlPageDataTest, EverythingOutsideTheTrialsIsKept) {
  const json document = make_report_document({.trials = 40});
  const json page = html_page_data(document);
  for (const auto& [key, value] : document.items()) {
    if (key != "trials") {
      EXPECT_EQ(page[key], value) << key;
    }
  }
}

TEST(HtmlPageDataTest, RepeatedValuesAreStoredOnce) {
  const json document = make_report_document({.trials = 200, .repeats = 4});
  const json page = html_page_data(document);
  std::set<json> distinct_requests;
  for (const json& trial : document["trials"]) distinct_requests.insert(trial["request"]);
  size_t shared_requests = 0;
  for (const json& value : page["shared"]) {
    if (value.is_object() && value.contains("messages")) ++shared_requests;
  }
  ASSERT_LT(distinct_requests.size(), 200u);
  EXPECT_EQ(shared_requests, distinct_requests.size());
  const json& shared = page["shared"];
  for (size_t i = 0; i < shared.size(); ++i) {
    for (size_t j = i + 1; j < shared.size(); ++j) EXPECT_NE(shared[i], shared[j]) << i << " " << j;
  }
  // Fields the page never shows are gone, so the page carries well under the document.
  EXPECT_LT(page.dump().size() * 10, document.dump().size() * 6);
  EXPECT_FALSE(page["trials"][0].contains("cost_usd"));
  EXPECT_FALSE(page["trials"][0]["scores"][0].contains("weight"));
}

TEST(HtmlPageDataTest, AFailingScoreSaysSoExplicitly) {
  json document = make_report_document({.trials = 3});
  document["trials"][0]["pass"] = false;
  document["trials"][0]["scores"][0]["pass"] = false;
  document["trials"][0]["scores"][0]["error"] = true;
  const json page = html_page_data(document);
  EXPECT_EQ(page["trials"][0]["pass"], false);
  EXPECT_EQ(page["trials"][0]["scores"][0]["pass"], false);
  EXPECT_EQ(page["trials"][0]["scores"][0]["error"], true);
}

TEST(HtmlPageDataTest, ANonObjectDocumentIsReturnedAsItIs) {
  EXPECT_EQ(html_page_data(json::array({1, 2})), json::array({1, 2}));
}

}  // namespace
}  // namespace evalkit

#include "evalkit/report/html_page_data.h"

#include <cmath>
#include <set>
#include <string>

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

// What the page's decodeTrials() does: each array back into an object by the page's field
// names (nulls dropped), 1/0 flags back into booleans, a baseline's scores resolved.
json object_of(const json& values, const json& fields) {
  json out = json::object();
  for (size_t i = 0; i < values.size() && i < fields.size(); ++i) {
    if (!values[i].is_null()) out[fields[i].get<std::string>()] = values[i];
  }
  return out;
}

json decoded_trial(const json& page, size_t index) {
  json t = object_of(page["trials"][index], page["trial_fields"]);
  for (const char* id : {"case_id", "prompt_id", "provider_id", "finish_reason", "error_kind"}) {
    if (t.contains(id)) t[id] = resolve(page, t[id]);
  }
  t["pass"] = t.value("pass", 0) == 1;
  if (t.contains("cached")) t["cached"] = t["cached"] == 1;
  if (t.contains("scores")) {
    json scores = json::array();
    for (const json& s : t["scores"]) {
      json score = object_of(s, page["score_fields"]);
      score["name"] = resolve(page, score["name"]);
      score["pass"] = score.value("pass", 0) == 1;
      score["error"] = score.value("error", 0) == 1;
      scores.push_back(std::move(score));
    }
    t["scores"] = std::move(scores);
  }
  if (t.contains("baseline")) {
    json b = object_of(t["baseline"], page["baseline_fields"]);
    b["pass"] = b.value("pass", 0) == 1;
    b["scores"] = resolve(page, b["scores"]);
    t["baseline"] = std::move(b);
  }
  return t;
}

// Numbers keep six significant digits on the page.
void expect_close(const json& got, const json& want, const std::string& where) {
  if (want.is_number_float() && got.is_number()) {
    EXPECT_NEAR(got.get<double>(), want.get<double>(), 1e-6 * std::abs(want.get<double>()))
        << where;
  } else {
    EXPECT_EQ(got, want) << where;
  }
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
    const json trial = decoded_trial(page, i);
    for (const char* field : {"index", "case_id", "prompt_id", "provider_id", "pass",
                              "prompt_tokens", "completion_tokens", "attempts"}) {
      EXPECT_EQ(page_field(trial, field, nullptr), original[field]) << i << " " << field;
    }
    EXPECT_EQ(page_field(trial, "repeat", 0), original["repeat"]) << i;
    for (const char* field : {"weighted_score", "latency_s", "cost_usd"}) {
      expect_close(page_field(trial, field, 0.0), original[field],
                   std::to_string(i) + " " + field);
    }
    for (const char* field : {"output", "error", "error_kind", "finish_reason"}) {
      EXPECT_EQ(page_field(trial, field, ""), original[field]) << i << " " << field;
    }
    EXPECT_EQ(page_field(trial, "cached", false), original["cached"]) << i;
    const json baseline = page_field(trial, "baseline", nullptr);
    ASSERT_EQ(baseline.is_null(), original["baseline"].is_null()) << i;
    if (!baseline.is_null()) {
      for (const char* field : {"output", "pass", "scores"}) {
        EXPECT_EQ(baseline[field], original["baseline"][field]) << i << " " << field;
      }
      expect_close(baseline["weighted_score"], original["baseline"]["weighted_score"],
                   std::to_string(i));
    }
    for (const char* field : {"request", "vars", "expected", "labels"}) {
      EXPECT_EQ(shared_field(page, trial, field, json()), original[field]) << i << " " << field;
    }
    const json scores = page_field(trial, "scores", json::array());
    ASSERT_EQ(scores.size(), original["scores"].size()) << i;
    for (size_t s = 0; s < scores.size(); ++s) {
      const json& score = scores[s];
      const json& want = original["scores"][s];
      EXPECT_EQ(score["name"], want["name"]);
      expect_close(score["value"], want["value"], "score value");
      EXPECT_EQ(score["pass"], want["pass"]);
      EXPECT_EQ(score.value("error", false), want["error"]);
      EXPECT_EQ(shared_field(page, score, "reason", ""), want["reason"]);
      EXPECT_EQ(shared_field(page, score, "details", json::object()), want["details"]);
      EXPECT_EQ(resolve(page, score["signature"]), want["signature"]);
    }
  }
}

TEST(HtmlPageDataTest, EverythingOutsideTheTrialsButThePerCaseAggregatesIsKept) {
  const json document = make_report_document({.trials = 40});
  const json page = html_page_data(document);
  for (const auto& [key, value] : document.items()) {
    if (key != "trials" && key != "cases") {
      EXPECT_EQ(page[key], value) << key;
    }
  }
  EXPECT_FALSE(page.contains("cases"));
  EXPECT_EQ(page["trial_fields"][1], "case_id");
  EXPECT_EQ(page["score_fields"][0], "name");
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
  // Fields the page never shows are gone and field names are written once, so the page
  // carries well under half the document.
  EXPECT_LT(page.dump().size() * 10, document.dump().size() * 4)
      << page.dump().size() << " vs " << document.dump().size();
  for (const json& field : page["trial_fields"]) EXPECT_NE(field, "duration_s");
  for (const json& field : page["score_fields"]) EXPECT_NE(field, "weight");
}

// What the page's judge view does: a prompt stored as shared lines, the system message by
// reference.
json judge_details_as_the_page_reads_them(const json& page, const json& stored) {
  json details = stored;
  for (const char* field : {"prompt", "prompt_swapped"}) {
    const std::string lines = std::string(field) + "_lines";
    if (!details.contains(lines)) continue;
    std::string text;
    for (size_t i = 0; i < details[lines].size(); ++i) {
      if (i > 0) text += '\n';
      text += resolve(page, details[lines][i]).get<std::string>();
    }
    details[field] = text;
    details.erase(lines);
  }
  if (details.contains("system_ref")) {
    details["system"] = resolve(page, details["system_ref"]);
    details.erase("system_ref");
  }
  return details;
}

TEST(HtmlPageDataTest, JudgeTranscriptsAreKeptWithTheirTemplateLinesStoredOnce) {
  json document = make_report_document({.trials = 300, .judge_transcripts = true});
  document["trials"][0]["annotation"] = {{"verdict", "pass"}, {"comment", "fine"}};
  const json page = html_page_data(document);
  EXPECT_EQ(decoded_trial(page, 0)["annotation"], document["trials"][0]["annotation"]);
  size_t with_prompt = 0;
  for (size_t i = 0; i < document["trials"].size(); ++i) {
    const json& original = document["trials"][i];
    for (size_t s = 0; s < original["scores"].size(); ++s) {
      const json& want = original["scores"][s]["details"];
      const json stored =
          shared_field(page, decoded_trial(page, i)["scores"][s], "details", json::object());
      EXPECT_EQ(judge_details_as_the_page_reads_them(page, stored), want) << i << " " << s;
      with_prompt += want.contains("prompt") ? 1 : 0;
    }
  }
  ASSERT_GT(with_prompt, 200u);
  // The template's instruction line and the system message are stored once for every trial.
  int instruction = 0, system = 0;
  for (const json& value : page["shared"]) {
    if (value == "[BEGIN DATA]") ++instruction;
    if (value == "You are a careful grader. Follow the rubric exactly.") ++system;
  }
  EXPECT_EQ(instruction, 1);
  EXPECT_EQ(system, 1);
  // So the transcripts add to the page well under what they add to the document.
  const json plain = make_report_document({.trials = 300});
  const double page_growth = double(page.dump().size()) - double(html_page_data(plain).dump().size());
  const double document_growth = double(document.dump().size()) - double(plain.dump().size());
  EXPECT_LT(page_growth * 2, document_growth) << page_growth << " vs " << document_growth;
}

TEST(HtmlPageDataTest, AFailingScoreSaysSoExplicitly) {
  json document = make_report_document({.trials = 3});
  document["trials"][0]["pass"] = false;
  document["trials"][0]["scores"][0]["pass"] = false;
  document["trials"][0]["scores"][0]["error"] = true;
  const json page = html_page_data(document);
  // Not left out (which a reader could take for "unknown"): 0, in its place.
  EXPECT_EQ(page["trials"][0][4], 0);
  EXPECT_EQ(page["trials"][0][7][0][2], 0);
  EXPECT_EQ(decoded_trial(page, 0)["pass"], false);
  EXPECT_EQ(decoded_trial(page, 0)["scores"][0]["pass"], false);
  EXPECT_EQ(decoded_trial(page, 0)["scores"][0]["error"], true);
}

TEST(HtmlPageDataTest, ANonObjectDocumentIsReturnedAsItIs) {
  EXPECT_EQ(html_page_data(json::array({1, 2})), json::array({1, 2}));
}

}  // namespace
}  // namespace evalkit

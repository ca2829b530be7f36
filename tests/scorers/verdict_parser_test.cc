#include "evalkit/scorers/verdict_parser.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace evalkit {
namespace {

using ::testing::HasSubstr;

VerdictSpec json_spec() {
  VerdictSpec spec;
  spec.format = VerdictSpec::Format::kJson;
  return spec;
}

VerdictSpec factuality_spec() {
  VerdictSpec spec;
  spec.format = VerdictSpec::Format::kChoice;
  spec.prefix = "ANSWER:";
  spec.choices = {{"A", 0.4}, {"B", 0.6}, {"C", 1.0}, {"D", 0.0}, {"E", 1.0}};
  return spec;
}

VerdictSpec grade_spec() {
  VerdictSpec spec;
  spec.format = VerdictSpec::Format::kChoice;
  spec.prefix = "GRADE:";
  spec.choices = {{"Y", 1.0}, {"N", 0.0}};
  return spec;
}

VerdictSpec scale_spec() {
  VerdictSpec spec;
  spec.format = VerdictSpec::Format::kScale;
  spec.prefix = "SCORE:";
  spec.scale_min = 1;
  spec.scale_max = 5;
  return spec;
}

TEST(VerdictParserTest, JsonObjectAlone) {
  const Verdict v =
      parse_verdict(json_spec(), R"({"reason": "covers both points", "score": 0.75})");
  ASSERT_TRUE(v.ok) << v.error;
  EXPECT_DOUBLE_EQ(v.score, 0.75);
  EXPECT_EQ(v.reason, "covers both points");
}

TEST(VerdictParserTest, JsonInsideCodeFenceWithProseAround) {
  const Verdict v = parse_verdict(json_spec(),
                                  "Here is my grade:\n```json\n{\"reason\": \"wrong year\", "
                                  "\"score\": 0}\n```\nLet me know if you need more.");
  ASSERT_TRUE(v.ok) << v.error;
  EXPECT_DOUBLE_EQ(v.score, 0.0);
  EXPECT_EQ(v.reason, "wrong year");
}

TEST(VerdictParserTest, JsonWithBracesInsideStringsAndNestedObjects) {
  const Verdict v = parse_verdict(
      json_spec(),
      R"(Verdict: {"reason": "uses {braces} and \"quotes\"", "meta": {"k": 1}, "score": true} done)");
  ASSERT_TRUE(v.ok) << v.error;
  EXPECT_DOUBLE_EQ(v.score, 1.0);
  EXPECT_EQ(v.label, "true");
  EXPECT_EQ(v.reason, "uses {braces} and \"quotes\"");
}

TEST(VerdictParserTest, JsonSkipsObjectsWithoutTheScoreField) {
  const Verdict v = parse_verdict(
      json_spec(), R"(Example: {"reason": "x"}. Mine: {"score": 0.5, "reason": "ok"})");
  ASSERT_TRUE(v.ok) << v.error;
  EXPECT_DOUBLE_EQ(v.score, 0.5);
  EXPECT_EQ(v.reason, "ok");
}

TEST(VerdictParserTest, TruncatedJsonIsAnError) {
  const Verdict v = parse_verdict(json_spec(), R"({"reason": "the answer is corr)");
  EXPECT_FALSE(v.ok);
  EXPECT_THAT(v.error, HasSubstr("no complete JSON object"));
}

TEST(VerdictParserTest, MalformedJsonIsAnError) {
  EXPECT_FALSE(parse_verdict(json_spec(), "{score: 1, reason: 'fine'}").ok);
  const Verdict out_of_range = parse_verdict(json_spec(), R"({"score": 7})");
  EXPECT_FALSE(out_of_range.ok);
  EXPECT_THAT(out_of_range.error, HasSubstr("outside 0..1"));
  const Verdict not_a_score = parse_verdict(json_spec(), R"({"score": null})");
  EXPECT_FALSE(not_a_score.ok);
  EXPECT_THAT(not_a_score.error, HasSubstr("not a score"));
}

TEST(VerdictParserTest, JsonScoreOnAScale) {
  VerdictSpec spec = json_spec();
  spec.scale_min = 1;
  spec.scale_max = 5;
  const Verdict v = parse_verdict(spec, R"({"score": 4})");
  ASSERT_TRUE(v.ok) << v.error;
  EXPECT_DOUBLE_EQ(v.score, 0.75);
}

TEST(VerdictParserTest, EmptyAndBlankAnswersAreErrors) {
  for (const auto& spec : {json_spec(), factuality_spec(), scale_spec()}) {
    EXPECT_FALSE(parse_verdict(spec, "").ok);
    const Verdict blank = parse_verdict(spec, "  \n\t ");
    EXPECT_FALSE(blank.ok);
    EXPECT_THAT(blank.error, HasSubstr("empty"));
  }
}

TEST(VerdictParserTest, ChoiceAfterReasoningKeepsTheReason) {
  const Verdict v = parse_verdict(
      factuality_spec(), "The submission names the same city.\nIt adds nothing.\nANSWER: C");
  ASSERT_TRUE(v.ok) << v.error;
  EXPECT_EQ(v.label, "C");
  EXPECT_DOUBLE_EQ(v.score, 1.0);
  EXPECT_EQ(v.reason, "The submission names the same city.\nIt adds nothing.");
}

TEST(VerdictParserTest, ChoiceLettersMatchIgnoringCaseAndDecoration) {
  EXPECT_EQ(parse_verdict(factuality_spec(), "reasoning\nanswer: d").label, "D");
  EXPECT_EQ(parse_verdict(factuality_spec(), "reasoning\n**Answer:** (b)").label, "B");
  EXPECT_DOUBLE_EQ(parse_verdict(factuality_spec(), "reasoning\nAnswer: b.").score, 0.6);
  EXPECT_EQ(parse_verdict(grade_spec(), "It is right.\ngrade: y").label, "Y");
}

TEST(VerdictParserTest, TheLastMarkerWins) {
  const Verdict v = parse_verdict(grade_spec(), "A GRADE: Y would need the date.\nGRADE: N");
  ASSERT_TRUE(v.ok) << v.error;
  EXPECT_EQ(v.label, "N");
  EXPECT_DOUBLE_EQ(v.score, 0.0);
}

TEST(VerdictParserTest, BareChoiceOnTheLastLineWithoutMarker) {
  const Verdict v = parse_verdict(grade_spec(), "The answer is right.\n\nY\n");
  ASSERT_TRUE(v.ok) << v.error;
  EXPECT_EQ(v.label, "Y");
  EXPECT_EQ(v.reason, "The answer is right.");
}

TEST(VerdictParserTest, ProseWithoutMarkerIsAnError) {
  const Verdict v = parse_verdict(grade_spec(), "I think the submission is mostly right.");
  EXPECT_FALSE(v.ok);
  EXPECT_THAT(v.error, HasSubstr("no 'GRADE:' marker"));
}

TEST(VerdictParserTest, UnknownChoiceAndTruncatedMarkerAreErrors) {
  const Verdict unknown = parse_verdict(factuality_spec(), "reasoning\nANSWER: F");
  EXPECT_FALSE(unknown.ok);
  EXPECT_THAT(unknown.error, HasSubstr("not one of A, B, C, D, E"));
  const Verdict truncated = parse_verdict(factuality_spec(), "reasoning\nANSWER:");
  EXPECT_FALSE(truncated.ok);
  EXPECT_THAT(truncated.error, HasSubstr("what follows 'ANSWER:'"));
}

TEST(VerdictParserTest, MultiLetterChoices) {
  VerdictSpec spec = factuality_spec();
  spec.prefix = "WINNER:";
  spec.choices = {{"A", 1.0}, {"B", 0.0}, {"TIE", 0.5}};
  const Verdict v = parse_verdict(spec, "Both are equally good.\nWinner: tie");
  ASSERT_TRUE(v.ok) << v.error;
  EXPECT_EQ(v.label, "TIE");
  EXPECT_DOUBLE_EQ(v.score, 0.5);
}

TEST(VerdictParserTest, ScaleMapsOntoZeroToOne) {
  EXPECT_DOUBLE_EQ(parse_verdict(scale_spec(), "ok\nSCORE: 1").score, 0.0);
  EXPECT_DOUBLE_EQ(parse_verdict(scale_spec(), "ok\nSCORE: 4").score, 0.75);
  EXPECT_DOUBLE_EQ(parse_verdict(scale_spec(), "ok\nScore: 5/5").score, 1.0);
  EXPECT_DOUBLE_EQ(parse_verdict(scale_spec(), "ok\nscore: 3.5").score, 0.625);
}

TEST(VerdictParserTest, ScaleOutOfRangeOrNotANumberIsAnError) {
  const Verdict high = parse_verdict(scale_spec(), "great\nSCORE: 9");
  EXPECT_FALSE(high.ok);
  EXPECT_THAT(high.error, HasSubstr("outside 1..5"));
  const Verdict words = parse_verdict(scale_spec(), "great\nSCORE: four");
  EXPECT_FALSE(words.ok);
  EXPECT_THAT(words.error, HasSubstr("not a number from 1 to 5"));
}

}  // namespace
}  // namespace evalkit

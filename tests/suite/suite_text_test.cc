// A suite's text while it is read (SuiteText), and large JSON and YAML suites, whose cases
// are parsed as the pages of the cases before them are given back.
#include "evalkit/suite/suite_text.h"

#include <string>

#include <gtest/gtest.h>

#include "evalkit/suite/yaml_block_scanner.h"
#include "tests/support/suite_fixture.h"

namespace evalkit {
namespace {

using testing::SuiteFixture;

TEST(SuiteTextTest, ReadsAFileWholeAndGivesBackOnlyWhatLiesBefore) {
  SuiteFixture fixture("suite-text");
  std::string text;
  for (int i = 0; i < 1000000; ++i) text += char('a' + i % 26);
  const std::string path = fixture.write("big.txt", text);
  SuiteText held;
  ASSERT_TRUE(held.read(path));
  ASSERT_EQ(held.view(), text);
  // Drop everything before the last 1000 bytes (pages are given back a quarter megabyte at a
  // time): the tail is untouched, the head reads as zeros once given back.
  const char* tail = held.view().data() + text.size() - 1000;
  held.drop_before(tail);
  EXPECT_EQ(held.view().substr(text.size() - 1000), text.substr(text.size() - 1000));
  EXPECT_EQ(held.view().size(), text.size());
  EXPECT_EQ(held.view()[0], '\0');
  // Outside the text, or behind what is gone: nothing happens.
  held.drop_before(nullptr);
  held.drop_before(held.view().data());
  EXPECT_EQ(held.view().substr(text.size() - 1000), text.substr(text.size() - 1000));

  SuiteText empty;
  ASSERT_TRUE(empty.read(fixture.write("empty.txt", "")));
  EXPECT_EQ(empty.view(), "");
  SuiteText missing;
  const Status status = missing.read(fixture.dir() + "/nope.txt");
  EXPECT_FALSE(status);
  EXPECT_NE(status.message().find("cannot read"), std::string::npos) << status.message();
  SuiteText copy;
  copy.assign("{}");
  EXPECT_EQ(copy.view(), "{}");
  copy.clear();
  EXPECT_EQ(copy.view(), "");
}

// Several megabytes of cases, each on its own line: a case far from the start reads whole,
// and an error in the last one names its line and column.
std::string big_json_suite(int cases, const std::string& last_case) {
  std::string text =
      "{\"providers\": [{\"id\": \"assistant\", \"type\": \"openai-chat\", \"model\": \"m\"}],\n"
      " \"prompts\": [{\"id\": \"qa\", \"prompt\": \"{{question}}\"}],\n"
      " \"scorers\": [\"exact_match\"],\n"
      " \"cases\": [\n";
  for (int i = 0; i < cases; ++i) {
    text += "  {\"id\": \"case-" + std::to_string(i) + "\", \"vars\": {\"question\": \"Question " +
            std::to_string(i) + std::string(200, 'q') + "\"}, \"expected\": \"answer " +
            std::to_string(i) + "\"},\n";
  }
  text += "  " + last_case + "\n ]\n}\n";
  return text;
}

TEST(SuiteTextTest, EveryCaseOfALargeJsonSuiteReadsWhole) {
  SuiteFixture fixture("suite-text-big");
  const int cases = 20000;  // about 5 MB
  const std::string text = big_json_suite(
      cases, "{\"id\": \"last\", \"vars\": {\"question\": \"Q\"}, \"expected\": \"A\"}");
  fixture.write("big.json", text);
  Suite suite;
  ASSERT_TRUE(fixture.load("big.json", &suite));
  ASSERT_EQ(suite.inline_cases.size(), size_t(cases) + 1);
  for (int i = 0; i < cases; ++i) {
    const CaseConfig& config = suite.inline_cases[size_t(i)];
    ASSERT_EQ(config.id, "case-" + std::to_string(i));
    ASSERT_EQ(config.vars["question"], "Question " + std::to_string(i) + std::string(200, 'q'));
    ASSERT_EQ(config.expected, std::vector<std::string>{"answer " + std::to_string(i)});
    ASSERT_EQ(config.where.line, 5 + i);
    ASSERT_EQ(config.where.column, 3);
  }
  EXPECT_EQ(suite.inline_cases.back().id, "last");
  // Every location holds the one copy of the file's name, every scorer the suite's folder.
  EXPECT_EQ(suite.inline_cases[0].where.file, fixture.dir() + "/big.json");
  EXPECT_EQ(suite.inline_cases[0].where.file.c_str(),
            suite.inline_cases[cases - 1].where.file.c_str());
  ASSERT_EQ(suite.scorers.size(), 1u);
  EXPECT_EQ(suite.scorers[0].directory, fixture.dir());
  EXPECT_EQ(suite.scorers[0].directory.c_str(), suite.directory.c_str());
  const SharedText copy = suite.directory;
  EXPECT_EQ(copy.c_str(), suite.directory.c_str());
  EXPECT_EQ(SharedText(std::string(suite.directory)), suite.directory);
  EXPECT_NE(SharedText(std::string(suite.directory)).c_str(), suite.directory.c_str());
  EXPECT_TRUE(SharedText().empty());
  EXPECT_EQ(SharedText().str(), "");
  // The same text given as text (load_suite_text) loads the same cases.
  Suite same;
  ASSERT_TRUE(load_suite_text(fixture.dir() + "/big.json", text, &same));
  EXPECT_EQ(same.inline_cases.size(), suite.inline_cases.size());
  EXPECT_EQ(same.content_hash, suite.content_hash);
}

TEST(SuiteTextTest, AnErrorInTheLastCaseOfALargeJsonSuiteNamesItsPlace) {
  SuiteFixture fixture("suite-text-error");
  const int cases = 20000;
  fixture.write("big.json", big_json_suite(cases, "{\"id\": \"last\", \"timeout\": -1}"));
  EXPECT_EQ(fixture.error("big.json"), "big.json:" + std::to_string(5 + cases) +
                                           ":29: 'timeout' must be a positive number of seconds");
}

// The same as block YAML: each case is recorded when the text is read and built when its turn
// comes.
std::string big_yaml_suite(int cases, const std::string& last_case) {
  std::string text =
      "providers:\n  - {id: assistant, type: openai-chat, model: m}\n"
      "prompts:\n  - {id: qa, prompt: \"{{question}}\"}\n"
      "scorers: [exact_match]\n"
      "cases:\n";
  for (int i = 0; i < cases; ++i) {
    text += "  - id: case-" + std::to_string(i) + "\n    vars:\n      question: \"Question " +
            std::to_string(i) + std::string(200, 'q') + "\"\n    expected: answer " +
            std::to_string(i) + "\n";
  }
  return text + last_case;
}

TEST(SuiteTextTest, EveryCaseOfALargeYamlSuiteReadsWhole) {
  SuiteFixture fixture("suite-text-big-yaml");
  const int cases = 20000;  // about 5 MB, recorded over several pages
  fixture.write("big.yaml",
                big_yaml_suite(cases, "  - id: last\n    vars: {question: Q}\n    expected: A\n"));
  Suite suite;
  ASSERT_TRUE(fixture.load("big.yaml", &suite));
  ASSERT_EQ(suite.inline_cases.size(), size_t(cases) + 1);
  for (int i = 0; i < cases; ++i) {
    const CaseConfig& config = suite.inline_cases[size_t(i)];
    ASSERT_EQ(config.id, "case-" + std::to_string(i));
    ASSERT_EQ(config.vars["question"], "Question " + std::to_string(i) + std::string(200, 'q'));
    ASSERT_EQ(config.expected, std::vector<std::string>{"answer " + std::to_string(i)});
    ASSERT_EQ(config.where.line, 7 + 4 * i);
    ASSERT_EQ(config.where.column, 5);
  }
  EXPECT_EQ(suite.inline_cases.back().id, "last");
  EXPECT_EQ(suite.inline_cases.back().where.line, 7 + 4 * cases);
  // Written in the YAML suites are mostly written in, it is read without libyaml.
  EXPECT_EQ(scan_block_yaml(big_yaml_suite(3, ""), [](const yaml_event_t&) { return true; }),
            BlockScan::kRead);
}

TEST(SuiteTextTest, AnErrorInTheLastCaseOfALargeYamlSuiteNamesItsPlace) {
  SuiteFixture fixture("suite-text-yaml-error");
  const int cases = 20000;
  fixture.write("big.yaml", big_yaml_suite(cases, "  - id: last\n    timeout: -1\n"));
  EXPECT_EQ(fixture.error("big.yaml"), "big.yaml:" + std::to_string(8 + 4 * cases) +
                                           ":14: 'timeout' must be a positive number of seconds");
  // A case far down whose text is not YAML at all: the whole text is read again by the
  // parser that words the error.
  fixture.write("broken.yaml", big_yaml_suite(cases, "  - id: last\n    vars: {question: [}\n"));
  const std::string error = fixture.error("broken.yaml");
  EXPECT_EQ(error.rfind("broken.yaml:" + std::to_string(8 + 4 * cases) + ":", 0), 0u) << error;
}

TEST(SuiteTextTest, HostileValuesInALateYamlCaseAreRefusedAtTheirPlace) {
  SuiteFixture fixture("suite-text-yaml-hostile");
  const int cases = 3000;
  const int line = 8 + 4 * cases;  // the last case's second line
  // 100,000 nested flow lists in one value: refused by the nesting bound, not a crash.
  fixture.write("deep.yaml", big_yaml_suite(cases, "  - id: last\n    vars: {question: " +
                                                       std::string(100000, '[') +
                                                       std::string(100000, ']') + "}\n"));
  const std::string deep = fixture.error("deep.yaml");
  EXPECT_EQ(deep.rfind("deep.yaml:", 0), 0u) << deep.substr(0, 200);
  // Bytes that are not UTF-8 in a late case: refused at the place of the first one.
  fixture.write("bytes.yaml",
                big_yaml_suite(cases, "  - id: last\n    vars: {question: \"a\xff\xfe" "b\"}\n"));
  const std::string bytes = fixture.error("bytes.yaml");
  EXPECT_EQ(bytes.rfind("bytes.yaml:" + std::to_string(line) + ":", 0), 0u) << bytes;
  EXPECT_NE(bytes.find("UTF-8"), std::string::npos) << bytes;
  // A megabyte-long value and quotes in a case id are data, read whole.
  fixture.write("long.yaml", big_yaml_suite(cases, "  - id: \"it's \\\"quoted\\\"\"\n"
                                                   "    vars: {question: " +
                                                       std::string(1 << 20, 'x') +
                                                       "}\n    expected: A\n"));
  Suite suite;
  ASSERT_TRUE(fixture.load("long.yaml", &suite));
  EXPECT_EQ(suite.inline_cases.back().id, "it's \"quoted\"");
  EXPECT_EQ(suite.inline_cases.back().vars["question"], std::string(1 << 20, 'x'));
}

TEST(SuiteTextTest, AliasesAcrossYamlCasesStillResolve) {
  SuiteFixture fixture("suite-text-yaml-alias");
  const std::string head =
      "providers:\n  - {id: assistant, type: openai-chat, model: m}\n"
      "prompts:\n  - {id: qa, prompt: \"{{question}}\"}\n"
      "scorers: [exact_match]\n";
  // An anchor in one case, its alias in a later one; an anchor in a later case too.
  fixture.write("alias.yaml", head +
                                  "cases:\n"
                                  "  - id: first\n"
                                  "    vars: &shared\n"
                                  "      question: Where is Paris\n"
                                  "    expected: France\n"
                                  "  - id: second\n"
                                  "    vars: *shared\n"
                                  "    expected: &answer Europe\n"
                                  "  - id: third\n"
                                  "    vars: {question: Which continent}\n"
                                  "    expected: *answer\n");
  Suite suite;
  ASSERT_TRUE(fixture.load("alias.yaml", &suite));
  ASSERT_EQ(suite.inline_cases.size(), 3u);
  EXPECT_EQ(suite.inline_cases[1].vars["question"], "Where is Paris");
  EXPECT_EQ(suite.inline_cases[1].where.line, 11);
  EXPECT_EQ(suite.inline_cases[2].expected, std::vector<std::string>{"Europe"});
  EXPECT_EQ(suite.inline_cases[2].where.line, 14);
  // An anchor outside the cases, used inside one.
  fixture.write("outside.yaml", head +
                                    "description: &topic geography\n"
                                    "cases:\n"
                                    "  - id: first\n"
                                    "    vars: {question: *topic}\n"
                                    "    expected: France\n");
  Suite outside;
  ASSERT_TRUE(fixture.load("outside.yaml", &outside));
  ASSERT_EQ(outside.inline_cases.size(), 1u);
  EXPECT_EQ(outside.inline_cases[0].vars["question"], "geography");
  // A merge key is no key a case knows, wherever its anchor is.
  fixture.write("merge.yaml", head +
                                  "cases:\n"
                                  "  - &base\n"
                                  "    id: first\n"
                                  "    vars: {question: Where is Paris}\n"
                                  "    expected: France\n"
                                  "  - <<: *base\n"
                                  "    id: second\n");
  EXPECT_EQ(fixture.error("merge.yaml"), "merge.yaml:11:5: unknown key '<<' in case");
}

}  // namespace
}  // namespace evalkit

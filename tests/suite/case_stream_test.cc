// Cases stream from datasets: one walk visits inline cases and dataset rows in the order of
// `cases:`, the plan keeps counts rather than cases, and a dataset replaced or changed after
// the suite loaded gives the loaded rows or a clear error.
#include <fstream>
#include <memory>
#include <regex>
#include <string>
#include <unordered_map>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "evalkit/base/hash.h"
#include "evalkit/run/trial_plan.h"
#include "evalkit/suite/case_cursor.h"
#include "evalkit/suite/suite_parser.h"
#include "tests/support/suite_fixture.h"

namespace evalkit {
namespace {

using ::testing::HasSubstr;
using testing::SuiteFixture;

const char kSuite[] = R"(suite: stream
providers:
  - {id: a, type: openai-chat, model: m1}
  - {id: b, type: openai-chat, model: m2, prompts: [p1]}
  - {id: grader, type: openai-chat, model: g}
under_test: [a, b]
defaults: {judge: grader}
prompts:
  - {id: p1, prompt: "Q {{q}}"}
  - {id: p2, prompt: "R {{q}}"}
scorers: [exact_match]
cases:
  - {id: inline-1, vars: {q: one}, expected: x, labels: [keep]}
  - file: rows.jsonl
    labels: [ds]
    vars: {q: default}
    scorers: [{type: judge, template: factuality}]
  - {id: inline-2, vars: {q: two}, expected: y, prompt: p2}
  - {file: rows.csv}
)";

const char kRows[] =
    "{\"id\": \"r1\", \"vars\": {\"q\": \"a\"}, \"expected\": \"A\"}\n"
    "{\"vars\": {\"q\": \"b\"}, \"expected\": \"B\", \"prompt\": \"p2\", \"labels\": [\"keep\"]}\n"
    "\n"
    "{\"id\": \"r3\", \"expected\": \"C\", \"scorers\": [{\"type\": \"judge\", \"template\": "
    "\"factuality\"}]}\n";

const char kCsv[] = "id,q,expected,labels\nc1,x,X,keep\nc2,y,Y,\n";

class CaseStreamTest : public ::testing::Test {
 protected:
  CaseStreamTest() : fixture_("case-stream") {
    fixture_.write("rows.jsonl", kRows);
    fixture_.write("rows.csv", kCsv);
    fixture_.write("suite.yaml", kSuite);
  }

  void load() {
    const Status status = fixture_.load("suite.yaml", &suite_);
    ASSERT_TRUE(status.is_ok()) << status.message();
  }

  SuiteFixture fixture_;
  Suite suite_;
};

std::vector<std::string> ids(const std::vector<CaseConfig>& cases) {
  std::vector<std::string> out;
  for (const auto& c : cases) out.push_back(c.id);
  return out;
}

TEST_F(CaseStreamTest, CasesAreVisitedInTheOrderOfTheListWithTheirDatasetDefaults) {
  load();
  EXPECT_EQ(suite_.case_count, 7u);
  EXPECT_EQ(suite_.inline_cases.size(), 2u);  // dataset rows are not held
  const std::vector<CaseConfig> cases = all_cases(suite_);
  EXPECT_EQ(ids(cases),
            (std::vector<std::string>{"inline-1", "r1", "rows-2", "r3", "inline-2", "c1", "c2"}));
  EXPECT_EQ(cases[1].labels, (std::vector<std::string>{"ds"}));
  EXPECT_EQ(cases[2].labels, (std::vector<std::string>{"keep", "ds"}));
  EXPECT_EQ(cases[2].prompt, "p2");
  EXPECT_EQ(cases[3].vars["q"], "default");  // the entry's vars fill what a row lacks
  EXPECT_EQ(cases[1].vars["q"], "a");        // and a row's own win
  EXPECT_EQ(cases[3].where.str(), fixture_.dir() + "/rows.jsonl:4");
  // The row's own judge, then the entry's, both completed with the suite's judge.
  ASSERT_EQ(cases[3].scorers.size(), 2u);
  for (const auto& spec : cases[3].scorers) EXPECT_EQ(spec.options["provider"], "grader");
  EXPECT_EQ(cases[6].where.str(), fixture_.dir() + "/rows.csv:3");
  // The distinct case scorers, for the run record and the helper providers.
  ASSERT_EQ(suite_.case_scorers.size(), 1u);
  EXPECT_EQ(suite_.case_scorers[0].options["provider"], "grader");
  EXPECT_EQ(suite_.helper_providers(), (std::set<std::string>{"grader"}));
}

struct Trial {
  int64_t index;
  std::string text;  // provider:prompt/case#repeat
};

std::string describe(const std::string& provider, const std::string& prompt, const std::string& id,
                     int repeat) {
  return provider + ":" + prompt + "/" + id + "#" + std::to_string(repeat);
}

// The trials a plan must give, computed from every case held, the way a plan of (case,
// prompt) pairs did.
std::vector<std::string> expected_trials(const Suite& suite, const CaseFilter& filter, int repeat) {
  std::vector<std::string> out;
  for (const CaseConfig& c : all_cases(suite)) {
    const auto search = [&](const std::string& r) {
      return std::regex_search(c.id, std::regex(r));
    };
    if (!filter.include.empty() &&
        std::none_of(filter.include.begin(), filter.include.end(), search)) {
      continue;
    }
    if (std::any_of(filter.exclude.begin(), filter.exclude.end(), search)) continue;
    if (!filter.labels.empty() &&
        std::none_of(filter.labels.begin(), filter.labels.end(), [&](const std::string& l) {
          return std::find(c.labels.begin(), c.labels.end(), l) != c.labels.end();
        })) {
      continue;
    }
    if (filter.shard_count > 1 &&
        int(fnv1a64(c.id) % uint64_t(filter.shard_count)) != filter.shard_index) {
      continue;
    }
    for (const auto& prompt : suite.prompts) {
      if (c.prompt && *c.prompt != prompt.id) continue;
      for (const auto& id : suite.under_test) {
        const auto& only = suite.find_provider(id)->prompts;
        if (!only.empty() && std::find(only.begin(), only.end(), prompt.id) == only.end()) {
          continue;
        }
        for (int r = 0; r < repeat; ++r) out.push_back(describe(id, prompt.id, c.id, r));
      }
    }
  }
  return out;
}

std::vector<std::string> planned_trials(const Suite& suite, const CaseFilter& filter, int repeat,
                                        int64_t* size) {
  TrialPlan plan;
  const Status made = TrialPlan::make(suite, filter, repeat, &plan);
  EXPECT_TRUE(made.is_ok()) << made.message();
  *size = plan.size();
  std::vector<std::string> out;
  TrialCursor trials(plan);
  TrialSpec spec;
  while (trials.next(&spec)) {
    EXPECT_EQ(spec.index, int64_t(out.size()));
    out.push_back(describe(spec.provider->id, spec.prompt->id, spec.test_case->id, spec.repeat));
  }
  EXPECT_TRUE(trials.status().is_ok()) << trials.status().message();
  return out;
}

TEST_F(CaseStreamTest, FiltersShardsRepeatsAndPromptLimitedProvidersGiveTheSameTrials) {
  load();
  std::vector<std::pair<CaseFilter, int>> runs;
  runs.push_back({CaseFilter{}, 1});
  runs.push_back({CaseFilter{}, 3});
  runs.push_back({CaseFilter{{"^r", "^c"}, {}, {}, 0, 1}, 1});
  runs.push_back({CaseFilter{{}, {"2$"}, {}, 0, 1}, 2});
  runs.push_back({CaseFilter{{}, {}, {"keep"}, 0, 1}, 1});
  for (int shard = 0; shard < 3; ++shard) runs.push_back({CaseFilter{{}, {}, {}, shard, 3}, 1});
  size_t sharded = 0;
  for (const auto& [filter, repeat] : runs) {
    const std::vector<std::string> expected = expected_trials(suite_, filter, repeat);
    int64_t size = 0;
    EXPECT_EQ(planned_trials(suite_, filter, repeat, &size), expected);
    EXPECT_EQ(size, int64_t(expected.size()));
    if (filter.shard_count == 3) sharded += expected.size();
  }
  int64_t whole = 0;
  planned_trials(suite_, {}, 1, &whole);
  EXPECT_EQ(int64_t(sharded), whole);  // every trial in exactly one shard
  EXPECT_EQ(whole, 17);  // 5 cases on both prompts (a and b on p1, a on p2), 2 on p2 (a)
}

TEST_F(CaseStreamTest, AStreamedRowIsFreedWithItsLastTrial) {
  fixture_.write("suite.yaml", std::regex_replace(std::string(kSuite),
                                                  std::regex("  - \\{id: inline-[^\n]*\n"), ""));
  load();
  TrialPlan plan;
  ASSERT_TRUE(TrialPlan::make(suite_, {}, 2, &plan).is_ok());
  std::vector<std::weak_ptr<const CaseConfig>> seen;
  TrialCursor trials(plan);
  TrialSpec spec;
  while (trials.next(&spec)) {
    if (seen.empty() || seen.back().lock() != spec.test_case) seen.push_back(spec.test_case);
    size_t alive = 0;
    for (const auto& weak : seen) alive += weak.expired() ? 0 : 1;
    EXPECT_EQ(alive, 1u) << "trial " << spec.index;  // the plan holds no row behind the walk
  }
  EXPECT_EQ(seen.size(), 5u);
  spec = TrialSpec();
  for (const auto& weak : seen) EXPECT_TRUE(weak.expired());
}

TEST_F(CaseStreamTest, ADatasetReplacedAfterLoadingStillGivesTheLoadedRows) {
  load();
  const std::string path = fixture_.dir() + "/rows.jsonl";
  fixture_.write("rows.new",
                 "{\"id\": \"intruder\", \"vars\": {\"q\": \"z\"}, \"expected\": \"Z\"}\n");
  ASSERT_EQ(std::rename((fixture_.dir() + "/rows.new").c_str(), path.c_str()), 0);
  EXPECT_EQ(ids(all_cases(suite_)),
            (std::vector<std::string>{"inline-1", "r1", "rows-2", "r3", "inline-2", "c1", "c2"}));
  int64_t size = 0;
  EXPECT_EQ(planned_trials(suite_, {}, 1, &size).size(), 17u);
}

TEST_F(CaseStreamTest, ADatasetChangedInPlaceAfterLoadingIsAClearError) {
  for (const bool same_size : {false, true}) {
    fixture_.write("rows.jsonl", kRows);
    load();
    std::string changed = kRows;
    if (same_size) {
      changed.replace(changed.find("\"A\""), 3, "\"Z\"");  // same length: the digest tells
    } else {
      changed += "{\"id\": \"r9\", \"expected\": \"N\"}\n";
    }
    {
      std::ofstream out(fixture_.dir() + "/rows.jsonl", std::ios::binary | std::ios::trunc);
      out << changed;
    }
    const Status walked = for_each_case(suite_, [](const CaseConfig&) { return Status::ok(); });
    ASSERT_FALSE(walked.is_ok()) << "same size: " << same_size;
    EXPECT_THAT(walked.message(), HasSubstr("dataset file " + fixture_.dir() + "/rows.jsonl"));
    EXPECT_THAT(walked.message(), HasSubstr("changed after the suite was loaded"));

    // The plan reads these rows to count them (one names its own prompt), so it notices too.
    TrialPlan plan;
    const Status made = TrialPlan::make(suite_, {}, 1, &plan);
    ASSERT_FALSE(made.is_ok());
    EXPECT_THAT(made.message(), HasSubstr("changed after the suite was loaded"));
  }
}

TEST_F(CaseStreamTest, ARowChangedInPlaceDuringAWalkIsNoticedAtItsEnd) {
  // Larger than the reader's block, so the last rows are read after the change.
  std::string big;
  for (int i = 0; i < 3000; ++i) {
    big += "{\"id\": \"b" + std::to_string(1000 + i) + "\", \"vars\": {\"q\": \"v\"}, " +
           "\"expected\": \"A\"}\n";
  }
  fixture_.write("rows.jsonl", big);
  load();
  CaseCursor cursor(suite_);
  std::shared_ptr<const CaseConfig> test_case;
  ASSERT_TRUE(cursor.next(&test_case));  // inline-1
  ASSERT_TRUE(cursor.next(&test_case));  // b1000: the file is open and read
  {
    // Same size, same place: only the digest of the rows read tells.
    std::fstream out(fixture_.dir() + "/rows.jsonl",
                     std::ios::in | std::ios::out | std::ios::binary);
    out.seekp(std::streamoff(big.size() - 4));  // the last row's expected "A"
    out << "Z";
  }
  size_t rows = 1;
  while (cursor.next(&test_case)) ++rows;
  EXPECT_THAT(cursor.status().message(),
              HasSubstr("rows.jsonl changed after the suite was loaded (its SHA-256 differs)"));
  EXPECT_EQ(rows, 3000u);  // every row was read; the walk ends with the error, not later
}

TEST_F(CaseStreamTest, ScorersOfEveryRowAreKeptAsBoundedFacts) {
  // 1,500 rows, each with its own `contains` value, and a last row with a scorer of a new type.
  std::string big;
  for (int i = 0; i < 1500; ++i) {
    big +=
        "{\"vars\": {\"q\": \"v\"}, \"expected\": \"A\", \"scorers\": [{\"type\": "
        "\"contains\", \"value\": \"v" +
        std::to_string(i) + "\"}]}\n";
  }
  big +=
      "{\"vars\": {\"q\": \"v\"}, \"expected\": \"A\", \"scorers\": [{\"type\": "
      "\"icontains\", \"value\": \"v\"}]}\n";
  fixture_.write("rows.jsonl", big);
  load();
  // The first kCaseScorerSpecs distinct specs (the entry's judge among them), then one for
  // each new (type, name): the run record and corpus scores still see every kind.
  ASSERT_EQ(suite_.case_scorers.size(), kCaseScorerSpecs + 1);
  EXPECT_EQ(suite_.case_scorers.back().type, "icontains");
  EXPECT_TRUE(suite_.case_scorer_providers.empty());  // the judge's is the suite's default
  EXPECT_EQ(suite_.helper_providers(), (std::set<std::string>{"grader"}));
  ASSERT_EQ(suite_.case_judge_templates.size(), 1u);
  EXPECT_EQ(suite_.case_judge_templates[0].first, "factuality");
  EXPECT_EQ(suite_.case_count, 1505u);
}

// Two ids whose hashes collide, found by the birthday bound (about 2^16 tries).
std::pair<std::string, std::string> colliding_ids() {
  std::unordered_map<uint32_t, std::string> seen;
  for (int i = 0;; ++i) {
    const std::string id = "id-" + std::to_string(i);
    const auto [it, inserted] = seen.emplace(case_id_hash(id), id);
    if (!inserted) return {it->second, id};
  }
}

TEST_F(CaseStreamTest, IdsWhoseHashesCollideAreComparedExactly) {
  const auto [a, b] = colliding_ids();
  ASSERT_NE(a, b);
  ASSERT_EQ(case_id_hash(a), case_id_hash(b));
  const std::string row_a =
      "{\"id\": \"" + a + "\", \"vars\": {\"q\": \"v\"}, \"expected\": \"A\"}\n";
  const std::string row_b =
      "{\"id\": \"" + b + "\", \"vars\": {\"q\": \"v\"}, \"expected\": \"A\"}\n";
  fixture_.write("rows.jsonl", row_a + row_b);
  load();  // different ids: no duplicate, whatever their hashes
  EXPECT_EQ(suite_.case_count, 6u);
  fixture_.write("rows.jsonl", row_a + row_b + row_b);
  EXPECT_EQ(fixture_.error("suite.yaml"),
            "rows.jsonl:3: duplicate case id '" + b + "' (first defined at rows.jsonl:2)");
}

TEST_F(CaseStreamTest, DuplicateIdsAcrossDatasetsAndInlineCasesNameBothPlaces) {
  fixture_.write("rows.csv", "id,q,expected\nc1,x,X\nr1,y,Y\n");
  EXPECT_EQ(fixture_.error("suite.yaml"),
            "rows.csv:3: duplicate case id 'r1' (first defined at rows.jsonl:1)");
}

}  // namespace
}  // namespace evalkit

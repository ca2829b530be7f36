// `evalkit score` reproduces the reference implementations on the golden vectors.
#include <sstream>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "tests/support/golden_jsonl.h"
#include "tests/support/process.h"

namespace evalkit::testing {
namespace {

std::vector<nlohmann::json> parse_lines(const std::string& text) {
  std::vector<nlohmann::json> out;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) out.push_back(nlohmann::json::parse(line));
  return out;
}

TEST(ScoreCommandTest, BleuMatchesSacrebleuOnEveryGoldenVector) {
  const auto golden = read_jsonl("golden/bleu.jsonl");
  ASSERT_EQ(golden.size(), 226u);  // an empty or cut file must not pass
  std::string input;
  for (const auto& g : golden) {
    input +=
        nlohmann::json{
            {"id", g["id"]}, {"hypothesis", g["hypothesis"]}, {"references", g["references"]}}
            .dump() +
        "\n";
  }
  ProcessOptions options;
  options.stdin_data = input;
  const ProcessResult r = run_evalkit({"score", "bleu"}, options);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto lines = parse_lines(r.out);
  ASSERT_EQ(lines.size(), golden.size());
  for (size_t i = 0; i < golden.size(); ++i) {
    const auto& want = golden[i]["sacrebleu_sentence_bleu_details"];
    EXPECT_EQ(lines[i]["id"], golden[i]["id"]);
    EXPECT_NEAR(lines[i]["score"].get<double>(), golden[i]["sacrebleu_sentence_bleu"].get<double>(),
                1e-7)
        << golden[i]["id"];
    EXPECT_EQ(lines[i]["counts"], want["counts"]) << golden[i]["id"];
    EXPECT_EQ(lines[i]["totals"], want["totals"]) << golden[i]["id"];
    EXPECT_EQ(lines[i]["sys_len"], want["sys_len"]) << golden[i]["id"];
    EXPECT_EQ(lines[i]["ref_len"], want["ref_len"]) << golden[i]["id"];
  }
}

TEST(ScoreCommandTest, CorpusBleuMatchesSacrebleu) {
  const auto golden = read_jsonl("golden/bleu_corpus.jsonl");
  ASSERT_EQ(golden.size(), 3u);  // an empty or cut file must not pass
  for (const auto& g : golden) {
    ASSERT_FALSE(g["hypotheses"].empty()) << g["id"];
    std::string input;
    for (size_t i = 0; i < g["hypotheses"].size(); ++i) {
      input +=
          nlohmann::json{{"hypothesis", g["hypotheses"][i]}, {"references", g["references"][i]}}
              .dump() +
          "\n";
    }
    ProcessOptions options;
    options.stdin_data = input;
    const ProcessResult r = run_evalkit({"score", "bleu", "--corpus"}, options);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const auto out = nlohmann::json::parse(r.out);
    EXPECT_NEAR(out["score"].get<double>(), g["sacrebleu_corpus_bleu"].get<double>(), 1e-7)
        << g["id"];
    EXPECT_EQ(out["counts"], g["sacrebleu_corpus_bleu_details"]["counts"]) << g["id"];
    EXPECT_THAT(out["signature"].get<std::string>(), ::testing::HasSubstr("tok:13a"));
  }
}

TEST(ScoreCommandTest, RougeReportsAllVariantsWithAndWithoutStemming) {
  const auto golden = read_jsonl("golden/rouge.jsonl");
  ASSERT_EQ(golden.size(), 209u);  // an empty or cut file must not pass
  std::string input;
  for (const auto& g : golden) {
    input += nlohmann::json{{"hypothesis", g["prediction"]}, {"references", {g["target"]}}}.dump() +
             "\n";
  }
  for (const bool stem : {false, true}) {
    ProcessOptions options;
    options.stdin_data = input;
    std::vector<std::string> args = {"score", "rouge"};
    if (stem) args.insert(args.end(), {"--stemmer", "porter"});
    const ProcessResult r = run_evalkit(args, options);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const auto lines = parse_lines(r.out);
    ASSERT_EQ(lines.size(), golden.size());
    for (size_t i = 0; i < golden.size(); ++i) {
      for (const char* variant : {"rouge1", "rouge2", "rougeL", "rougeLsum"}) {
        const auto& want = golden[i][std::string(variant) + (stem ? "_stem" : "")];
        for (const char* m : {"p", "r", "f"}) {
          EXPECT_NEAR(lines[i][variant][m].get<double>(), want[m].get<double>(), 1e-9)
              << golden[i]["id"] << " " << variant << " " << m << (stem ? " stem" : "");
        }
      }
    }
  }
}

TEST(ScoreCommandTest, ChrfAndChrfPlusPlusMatchSacrebleu) {
  const auto golden = read_jsonl("golden/chrf.jsonl");
  ASSERT_EQ(golden.size(), 226u);  // an empty or cut file must not pass
  std::string input;
  for (const auto& g : golden) {
    input +=
        nlohmann::json{{"hypothesis", g["hypothesis"]}, {"references", g["references"]}}.dump() +
        "\n";
  }
  for (const bool plus : {false, true}) {
    ProcessOptions options;
    options.stdin_data = input;
    std::vector<std::string> args = {"score", "chrf"};
    if (plus) args.insert(args.end(), {"--word-order", "2"});
    const ProcessResult r = run_evalkit(args, options);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const auto lines = parse_lines(r.out);
    ASSERT_EQ(lines.size(), golden.size());
    for (size_t i = 0; i < golden.size(); ++i) {
      EXPECT_NEAR(lines[i]["score"].get<double>(),
                  golden[i][plus ? "chrf_pp" : "chrf"].get<double>(), 1e-7)
          << golden[i]["id"];
    }
  }
}

TEST(ScoreCommandTest, BadInputIsAUsageErrorNamingTheLine) {
  ProcessOptions options;
  options.stdin_data = "{\"hypothesis\": \"a\", \"references\": [\"a\"]}\nnot json\n";
  const ProcessResult r = run_evalkit({"score", "bleu"}, options);
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_THAT(r.err, ::testing::HasSubstr("stdin:2:"));
  const ProcessResult unknown = run_evalkit({"score", "blue"});
  EXPECT_EQ(unknown.exit_code, 3);
  EXPECT_THAT(unknown.err, ::testing::HasSubstr("did you mean 'bleu'"));
}

TEST(ScoreCommandTest, EachMetricPrintsItsOwnOptions) {
  const ProcessResult bleu = run_evalkit({"score", "bleu", "--help"});
  EXPECT_EQ(bleu.exit_code, 0) << bleu.err;
  EXPECT_THAT(bleu.out, ::testing::HasSubstr("Usage: evalkit score bleu"));
  EXPECT_THAT(bleu.out, ::testing::HasSubstr("--tokenize 13a|intl|none"));
  EXPECT_THAT(bleu.out, ::testing::HasSubstr("--corpus"));
  const ProcessResult regex = run_evalkit({"score", "regex", "-h"});
  EXPECT_EQ(regex.exit_code, 0);
  EXPECT_THAT(regex.out, ::testing::HasSubstr("--pattern RE"));
  const ProcessResult judge = run_evalkit({"score", "judge", "--help"});
  EXPECT_EQ(judge.exit_code, 0);
  EXPECT_THAT(judge.out, ::testing::HasSubstr("runs only inside a suite"));
}

TEST(ScoreCommandTest, MatchScorersScoreAndModelScorersAreRefused) {
  ProcessOptions options;
  options.stdin_data =
      "{\"id\": 1, \"hypothesis\": \"Paris\", \"references\": [\"Paris\"]}\n"
      "{\"id\": 2, \"hypothesis\": \"Lyon\", \"references\": [\"Paris\"]}\n";
  const ProcessResult r = run_evalkit({"score", "exact_match"}, options);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  const std::vector<nlohmann::json> lines = parse_lines(r.out);
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[0]["id"], 1);
  EXPECT_EQ(lines[0]["value"], 1.0);
  EXPECT_EQ(lines[0]["pass"], true);
  EXPECT_EQ(lines[1]["value"], 0.0);
  EXPECT_EQ(lines[1]["pass"], false);
  EXPECT_THAT(lines[1]["reason"].get<std::string>(), ::testing::HasSubstr("Lyon"));
  // Options and --threshold reach the scorer.
  const ProcessResult contains = run_evalkit({"score", "contains", "--value", "yo"}, options);
  EXPECT_EQ(parse_lines(contains.out)[1]["pass"], true);
  const ProcessResult strict = run_evalkit({"score", "levenshtein", "--threshold", "0.9"}, options);
  EXPECT_EQ(parse_lines(strict.out)[1]["pass"], false);
  EXPECT_EQ(run_evalkit({"score", "levenshtein", "--threshold", "high"}, options).exit_code, 3);
  const ProcessResult similarity = run_evalkit({"score", "similarity"}, options);
  EXPECT_EQ(similarity.exit_code, 3);
  EXPECT_THAT(similarity.err, ::testing::HasSubstr("needs a model provider"));
}

}  // namespace
}  // namespace evalkit::testing

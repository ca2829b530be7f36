#include "evalkit/text/segment_tokenizer.h"

#include <map>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "evalkit/text/python_whitespace.h"
#include "evalkit/text/word_tokenizer.h"
#include "tests/support/golden_jsonl.h"

namespace evalkit {
namespace {

// The cached, chunk-by-chunk path must give the same tokens as tokenizing whole lines: the
// same number of tokens, and equal ids exactly where the tokens are equal.
void expect_same_tokens(SegmentTokenizer& tokenizer, const std::vector<std::string>& texts,
                        WordTokenizer kind, bool lowercase, const std::string& where) {
  tokenizer.begin_segment();
  std::vector<std::string> expected;
  std::vector<uint32_t> ids;
  for (const auto& text : texts) {
    std::string joined;
    tokenize_for_bleu(text, kind, lowercase, &joined);
    for_each_python_word(joined, [&](std::string_view t) { expected.emplace_back(t); });
    tokenizer.tokenize(text, kind, lowercase, &ids);
  }
  ASSERT_EQ(ids.size(), expected.size()) << where;
  std::map<std::string, uint32_t> id_of;
  std::map<uint32_t, std::string> token_of;
  for (std::size_t i = 0; i < ids.size(); ++i) {
    const auto [a, new_token] = id_of.emplace(expected[i], ids[i]);
    EXPECT_EQ(a->second, ids[i]) << where << ": token '" << expected[i] << "'";
    const auto [b, new_id] = token_of.emplace(ids[i], expected[i]);
    EXPECT_EQ(b->second, expected[i]) << where << ": id " << ids[i];
  }
}

TEST(SegmentTokenizer, MatchesWholeLineTokenizationOnGoldenTexts) {
  const auto records = testing::read_jsonl("golden/bleu.jsonl");
  ASSERT_FALSE(records.empty());
  SegmentTokenizer tokenizer;
  for (int pass = 0; pass < 2; ++pass) {  // the second pass reads from the chunk cache
    for (const auto& record : records) {
      std::vector<std::string> texts = record.at("references");
      texts.push_back(record.at("hypothesis"));
      for (auto kind : {WordTokenizer::k13a, WordTokenizer::kIntl, WordTokenizer::kNone}) {
        for (bool lowercase : {false, true}) {
          expect_same_tokens(tokenizer, texts, kind, lowercase,
                             record.at("id").get<std::string>() + " " + word_tokenizer_name(kind) +
                                 (lowercase ? " lc" : ""));
        }
      }
    }
  }
}

TEST(SegmentTokenizer, LineEdgesAndJoinsAcrossChunks) {
  SegmentTokenizer tokenizer;
  const std::vector<std::string> texts = {".5 starts, ends 5.", "co-\nop and co-\n", "a<skipped> b",
                                          "x &amp;lt; y", "(a) [b]"};
  expect_same_tokens(tokenizer, texts, WordTokenizer::k13a, false, "edges");
  expect_same_tokens(tokenizer, texts, WordTokenizer::kIntl, false, "edges intl");
}

}  // namespace
}  // namespace evalkit

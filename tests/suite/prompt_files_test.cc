// Prompts read from files: text (several prompts separated by `---` lines), JSON and YAML
// chats, JSONL with one chat a line, and per-prompt request params.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "evalkit/suite/prompt_parser.h"
#include "tests/support/suite_fixture.h"

namespace evalkit {
namespace {

using ::testing::HasSubstr;
using testing::SuiteFixture;

const std::string kProviders = "providers: [{id: a, type: exec, command: \"cat\"}]\n";
const std::string kCases = "cases: [{id: c, vars: {topic: tides, n: 3}}]\n";

TEST(PromptFilesTest, TextFileWithSeparatorsGivesSeveralPrompts) {
  SuiteFixture fixture("prompt-files-text");
  fixture.write("prompts/qa.txt",
                "Explain {{topic}} simply.\n"
                "---\n"
                "Explain {{topic}} in {{n}} bullet points.\n"
                "It has two lines.\n"
                "  ---  \r\n"
                "\n");
  fixture.write("prompts/one.md", "# Task\n\nSummarise {{topic}}.\n");
  fixture.write("s.yaml", kProviders + R"(prompts:
  - file: prompts/qa.txt
  - {id: single, file: prompts/one.md, params: {max_tokens: 50, response_format: {type: json_object}}}
)" + kCases);
  Suite suite;
  const Status status = fixture.load("s.yaml", &suite);
  ASSERT_TRUE(status.is_ok()) << status.message();
  ASSERT_EQ(suite.prompts.size(), 3u);
  EXPECT_EQ(suite.prompts[0].id, "qa-1");
  EXPECT_EQ(suite.prompts[1].id, "qa-2");
  EXPECT_EQ(suite.prompts[2].id, "single");
  ASSERT_EQ(suite.prompts[0].messages.size(), 1u);
  EXPECT_EQ(suite.prompts[0].messages[0].role, "user");
  EXPECT_EQ(suite.prompts[0].messages[0].content, "Explain {{topic}} simply.");
  EXPECT_EQ(suite.prompts[1].messages[0].content,
            "Explain {{topic}} in {{n}} bullet points.\nIt has two lines.");
  EXPECT_EQ(suite.prompts[2].messages[0].content, "# Task\n\nSummarise {{topic}}.");
  EXPECT_EQ(suite.prompts[2].params,
            nlohmann::json({{"max_tokens", 50}, {"response_format", {{"type", "json_object"}}}}));
  EXPECT_TRUE(suite.prompts[0].params.empty());
}

TEST(PromptFilesTest, ChatFilesInJsonYamlAndJsonl) {
  SuiteFixture fixture("prompt-files-chat");
  fixture.write(
      "chat.json",
      R"([{"role": "system", "content": "Be brief."}, {"role": "user", "content": "About {{topic}}"}])");
  fixture.write("chat.yaml",
                "- role: system\n  content: Be terse.\n- role: user\n  content: \"{{topic}}?\"\n");
  fixture.write("chats.jsonl",
                "[{\"role\": \"user\", \"content\": \"one {{topic}}\"}]\n\n"
                "[{\"role\": \"user\", \"content\": \"two {{topic}}\"}]\n");
  fixture.write("s.yaml",
                kProviders +
                    "prompts: [{file: chat.json}, {file: chat.yaml}, {file: chats.jsonl}]\n" +
                    kCases);
  Suite suite;
  const Status status = fixture.load("s.yaml", &suite);
  ASSERT_TRUE(status.is_ok()) << status.message();
  ASSERT_EQ(suite.prompts.size(), 4u);
  EXPECT_EQ(suite.prompts[0].id, "chat");
  ASSERT_EQ(suite.prompts[0].messages.size(), 2u);
  EXPECT_EQ(suite.prompts[0].messages[0].role, "system");
  EXPECT_EQ(suite.prompts[0].messages[1].content, "About {{topic}}");
  EXPECT_EQ(suite.prompts[1].id, "chat-2");  // two files with one stem
  EXPECT_EQ(suite.prompts[1].messages[1].content, "{{topic}}?");
  EXPECT_EQ(suite.prompts[2].id, "chats-1");
  EXPECT_EQ(suite.prompts[3].messages[0].content, "two {{topic}}");
}

TEST(PromptFilesTest, PromptFilesChangeTheContentHash) {
  SuiteFixture fixture("prompt-files-hash");
  fixture.write("p.txt", "About {{topic}}");
  fixture.write("s.yaml", kProviders + "prompts: [{file: p.txt}]\n" + kCases);
  Suite before, after;
  ASSERT_TRUE(fixture.load("s.yaml", &before).is_ok());
  fixture.write("p.txt", "Tell me about {{topic}}");
  ASSERT_TRUE(fixture.load("s.yaml", &after).is_ok());
  EXPECT_NE(before.content_hash, after.content_hash);
}

TEST(PromptFilesTest, ErrorsNameTheFileAndWhere) {
  SuiteFixture fixture("prompt-files-errors");
  fixture.write("s.yaml", kProviders + "prompts: [{file: missing.txt}]\n" + kCases);
  EXPECT_THAT(fixture.error("s.yaml"),
              HasSubstr("s.yaml:2:18: prompt file 'missing.txt' not found (looked for "));
  fixture.write("bad.json", "[{\"role\": \"user\",\n \"content\": }]");
  fixture.write("s.yaml", kProviders + "prompts: [{file: bad.json}]\n" + kCases);
  EXPECT_THAT(fixture.error("s.yaml"), HasSubstr("bad.json:2:13: invalid JSON: "));
  fixture.write("role.json", R"([{"role": "robot", "content": "hi"}])");
  fixture.write("s.yaml", kProviders + "prompts: [{file: role.json}]\n" + kCases);
  EXPECT_EQ(fixture.error("s.yaml"),
            "role.json: message role 'robot' is unknown (use system, user or assistant)");
  fixture.write("parts.json", R"([{"role": "user", "content": [{"type": "text", "text": "hi"}]}])");
  fixture.write("s.yaml", kProviders + "prompts: [{file: parts.json}]\n" + kCases);
  EXPECT_EQ(fixture.error("s.yaml"),
            "parts.json: message content must be text (content parts such as images are not "
            "supported)");
  fixture.write("open.txt", "line one\nAbout {{topic\n");
  fixture.write("s.yaml", kProviders + "prompts: [{file: open.txt}]\n" + kCases);
  EXPECT_THAT(fixture.error("s.yaml"), HasSubstr("open.txt:1:1: template has '{{' without"));
  fixture.write("empty.txt", "\n---\n\n");
  fixture.write("s.yaml", kProviders + "prompts: [{file: empty.txt}]\n" + kCases);
  EXPECT_EQ(fixture.error("s.yaml"), "s.yaml:2:18: prompt file 'empty.txt' is empty");
  fixture.write("s.yaml", kProviders + "prompts: [{prompt: x, file: empty.txt}]\n" + kCases);
  EXPECT_EQ(fixture.error("s.yaml"),
            "s.yaml:2:23: a prompt has one of 'messages', 'prompt' or 'file'");
  // Variables of file prompts are checked against the cases like any prompt's.
  fixture.write("p.txt", "About {{subject}}");
  fixture.write("s.yaml", kProviders + "prompts: [{file: p.txt}]\n" + kCases);
  EXPECT_THAT(fixture.error("s.yaml"),
              HasSubstr("case 'c' has no variable 'subject' used by prompt 'p'"));
  fixture.write("s.yaml", kProviders + "prompts: [{prompt: x, params: 3}]\n" + kCases);
  EXPECT_EQ(fixture.error("s.yaml"), "s.yaml:2:31: expected a map for 'params', got '3'");
}

TEST(PromptFilesTest, SplitPromptTextTrimsAndDropsEmptyParts) {
  EXPECT_EQ(split_prompt_text("a\n---\nb"), (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(split_prompt_text("---\na\n---\n---\n"), std::vector<std::string>{"a"});
  EXPECT_EQ(split_prompt_text("a --- b\n----\nc"), std::vector<std::string>{"a --- b\n----\nc"});
  EXPECT_TRUE(split_prompt_text("").empty());
}

}  // namespace
}  // namespace evalkit

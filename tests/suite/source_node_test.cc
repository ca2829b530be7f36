// The JSON reader gives the tree the YAML reader gives for the same JSON text (so a suite's
// errors name the same file:line:column whichever read it), and leaves to the YAML reader
// whatever yaml-cpp reads otherwise.
#include "evalkit/suite/source_node.h"

#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace evalkit {
namespace {

// Every node in document order: type, position, tag and text.
void describe_tree(const SourceNode& node, std::string* out) {
  *out += std::to_string(static_cast<int>(node.type())) + " " + std::to_string(node.mark().line) +
          ":" + std::to_string(node.mark().column) + " " + std::string(node.tag()) + " [" +
          node.scalar() + "]\n";
  if (node.is_map()) {
    for (auto it = node.begin(); it != node.end(); ++it) {
      describe_tree(it->first, out);
      describe_tree(it->second, out);
    }
  } else if (node.is_sequence()) {
    for (const auto& item : node) describe_tree(item, out);
  }
}

std::string tree_of(const SourceDocument& document) {
  std::string out;
  describe_tree(document.root(), &out);
  return out;
}

void expect_same_tree(const std::string& json) {
  SourceDocument from_json, from_yaml;
  ASSERT_TRUE(read_json_source(json, &from_json)) << json;
  ASSERT_TRUE(read_yaml_source("suite.json", json, &from_yaml)) << json;
  EXPECT_EQ(tree_of(from_json), tree_of(from_yaml)) << json;
}

TEST(SourceNodeTest, JsonGivesTheTreeYamlGives) {
  expect_same_tree(R"({"a": 1})");
  expect_same_tree(
      "{\"suite\": \"s\", \"n\": null, \"list\": [1.50, true, false, -0, 1e5, -2.5E-3, \"x\"],\n"
      "  \"empty\": {}, \"none\": [ ],\r\n\t\"nested\": {\"x\": [[], [{}], {\"y\": [null]}]},\n"
      "  \"escapes\": \"a\\\"b\\\\c\\/d\\te\\u00e9\", \"caf\xc3\xa9\": \"\xc3\xa9t\xc3\xa9\",\n"
      "  \"suite\": \"repeated keys are kept, in order\"}\n");
  expect_same_tree(
      "{\n  \"cases\": [\n    {\"id\": \"c1\", \"vars\": {\"q\": \"What?\"}, \"expected\": "
      "\"42\"},\n"
      "    {\"id\": \"c2\", \"scorers\": [{\"type\": \"contains\", \"value\": \"x\"}]}\n  ]\n}\n");
}

TEST(SourceNodeTest, JsonPositionsAreYamlCppMarks) {
  SourceDocument document;
  ASSERT_TRUE(read_json_source("{\"a\": [1,\n  \"\xc3\xa9\", {\"b\": null}]}", &document));
  const SourceNode list = document.root()["a"];
  ASSERT_TRUE(list.is_sequence());
  EXPECT_EQ(list.mark().line, 0);
  EXPECT_EQ(list.mark().column, 6);
  EXPECT_EQ(list[1].mark().line, 1);  // 0-based: yaml-cpp's marks, shown 1-based in errors
  EXPECT_EQ(list[1].mark().column, 2);
  EXPECT_EQ(list[1].tag(), "!");        // quoted
  EXPECT_EQ(list[0].tag(), "?");        // plain
  EXPECT_EQ(list[2].mark().column, 8);  // columns count bytes: "é" is two
  EXPECT_TRUE(list[2]["b"].is_null());
  EXPECT_FALSE(list[2]["c"]);
  EXPECT_FALSE(list[3]);
}

TEST(SourceNodeTest, WhatYamlCppReadsOtherwiseIsLeftToIt) {
  SourceDocument document;
  // A lone carriage return is whitespace to JSON but not to yaml-cpp.
  EXPECT_FALSE(read_json_source("{\"a\": 1,\r\"b\": 2}", &document));
  // yaml-cpp refuses surrogate escapes that JSON accepts in pairs.
  EXPECT_FALSE(read_json_source(R"({"a": "\ud83d\ude00"})", &document));
  EXPECT_FALSE(read_json_source(R"({"a": 1} trailing)", &document));
  EXPECT_FALSE(read_json_source(R"(["not", "a map"])", &document));
  EXPECT_FALSE(read_json_source("a: yaml", &document));
  EXPECT_FALSE(read_json_source(R"({"a": 1,})", &document));
  EXPECT_FALSE(read_json_source(std::string(600, '[') + std::string(600, ']'), &document));
  EXPECT_FALSE(document.root().is_map());  // nothing half-built is left
}

// A JSON suite's cases are kept as text until each is parsed: expanded, each is the tree the
// whole text gives, at the same positions; what is not a map is read as before.
TEST(SourceNodeTest, DeferredCasesExpandToTheTreeTheWholeTextGives) {
  const std::string json =
      "{\"suite\": \"s\",\n \"cases\": [\n  {\"id\": \"c1\", \"vars\": {\"q\": \"caf\xc3\xa9 \\u00e9\"},\n"
      "   \"scorers\": [{\"type\": \"contains\", \"value\": [1, 2.50, null, true]}]},\n"
      "  \"not a map\", [1], {},\n  {\"cases\": [{\"nested\": 1}]}],\n"
      " \"nested\": {\"cases\": [{\"x\": 1}]}}\n";
  SourceDocument deferred, whole;
  ASSERT_TRUE(read_json_source(json, &deferred, {}, /*defer_case_items=*/true));
  ASSERT_TRUE(read_yaml_source("suite.json", json, &whole));
  const SourceNode cases = deferred.root()["cases"];
  ASSERT_TRUE(cases.is_sequence());
  ASSERT_EQ(cases.size(), 5u);
  std::string expanded_tree;
  SourceDocument scratch;
  for (const auto& item : cases) {
    const SourceNode expanded = expand_deferred(item, &scratch);
    describe_tree(expanded, &expanded_tree);
  }
  std::string whole_tree;
  for (const auto& item : whole.root()["cases"]) describe_tree(item, &whole_tree);
  EXPECT_EQ(expanded_tree, whole_tree);
  // Unexpanded, a case is an empty map: nothing of it is built until it is asked for.
  EXPECT_EQ(cases[0].size(), 0u);
  EXPECT_EQ(expand_deferred(cases[0], &scratch).size(), 3u);
  // Only the root's `cases` defers; everything else is built as it is read.
  EXPECT_EQ(deferred.root()["nested"]["cases"][0].size(), 1u);
}

// Items only checked, not built, count against the limits as built ones do.
TEST(SourceNodeTest, DeferredCasesCountAgainstTheLimits) {
  const std::string json = R"({"cases": [{"id": "a", "v": "\u00e9\u20ac"}, {"id": "b"}]})";
  // Keys and strings, unescaped: cases 5, id 2, a 1, v 1, "\u00e9\u20ac" 5 (2 + 3 UTF-8 bytes),
  // id 2, b 1: 17 bytes.
  for (const uint64_t max_bytes : {uint64_t(16), uint64_t(17)}) {
    YamlExpansionLimits limits;
    limits.max_scalar_bytes = max_bytes;
    SourceDocument built, deferred;
    EXPECT_EQ(read_json_source(json, &built, limits), max_bytes == 17) << max_bytes;
    EXPECT_EQ(read_json_source(json, &deferred, limits, /*defer_case_items=*/true),
              max_bytes == 17)
        << max_bytes;
  }
  YamlExpansionLimits few;
  few.max_nodes = 6;
  SourceDocument deferred;
  EXPECT_FALSE(read_json_source(json, &deferred, few, /*defer_case_items=*/true));
}

// Strings are scanned eight plain bytes at a time: a quote, backslash, control character or
// byte of a multi-byte sequence at any place in a string, on either side of an eight-byte
// boundary, is still seen, and the string reads as a JSON parser reads it.
TEST(SourceNodeTest, EveryByteOfAStringIsSeenWhereverItFalls) {
  const std::vector<std::string> specials = {
      "\\\"", "\\\\",     "\\n",          "\\u00e9",          "\t",   "\x01", "\x1f", "\x7f", " ",
      "~",    "\xc3\xa9", "\xe2\x82\xac", "\xf0\x9f\x98\x80", "\x80", "\xc3", "\xff", "\"",   "\\"};
  for (const std::string& special : specials) {
    for (size_t before = 0; before <= 17; ++before) {
      const std::string value = std::string(before, 'a') + special + std::string(9, 'b');
      const std::string text = "{\"v\": \"" + value + "\", \"w\": 1}";
      SourceDocument document;
      const bool accepted = nlohmann::json::accept(text);
      ASSERT_EQ(read_json_source(text, &document), accepted) << text;
      if (!accepted) continue;
      EXPECT_EQ(document.root()["v"].scalar(), nlohmann::json::parse(text)["v"].get<std::string>())
          << text;
      // Columns count bytes: the key after the string sits where its bytes put it.
      EXPECT_EQ(document.root()["w"].mark().column, int(text.find("1}"))) << text;
    }
  }
}

// The JSON reader is strict: what it accepts is exactly what a JSON parser (nlohmann's)
// accepts, so text that is not JSON always reaches the YAML reader, which words the error.
TEST(SourceNodeTest, TheJsonReaderAcceptsJsonAndNothingElse) {
  const std::vector<std::string> values = {
      // grammar of numbers
      "0", "-0", "12", "1.5", "-1.5e10", "1E+2", "1e-2", "01", "1.", ".5", "-", "+1", "1e",
      "1e+", "0x10", "1.5.2", "--1", "1_000",
      // literals
      "true", "false", "null", "nul", "True", "nullx", "truefalse",
      // strings and escapes
      "\"\"", "\"\\\"\"", "\"\\/\\b\\f\\n\\r\\t\"", "\"\\u00e9\\u20AC\"", "\"\\x41\"",
      "\"\\u12G4\"", "\"\\u12\"", "\"unterminated", "\"tab\tinside\"", "\"line\nfeed\"",
      "\"\x7f\"",
      // UTF-8: well-formed, overlong, a surrogate, past U+10FFFF, cut short, a stray
      // continuation byte
      "\"\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\"", "\"\xc0\x80\"", "\"\xe0\x80\xaf\"",
      "\"\xed\xa0\x80\"", "\"\xf4\x90\x80\x80\"", "\"\xf5\x80\x80\x80\"", "\"\xe2\x82\"",
      "\"\x80\"", "\"\xf0\x9f\x98\"",
      // collections
      "[]", "[1,2]", "[1,]", "[,1]", "[1 2]", "{}", "{\"k\": 1, \"k\": 2}", "{\"k\" 1}",
      "{\"k\": 1,}", "{k: 1}", "{\"k\": }", "[1", "{\"k\": [}", "[[[[[]]]]]"};
  for (const std::string& value : values) {
    for (const std::string& text : {"{\"v\": " + value + "}", "{\"v\": [" + value + "]}\n"}) {
      SourceDocument document;
      EXPECT_EQ(read_json_source(text, &document), nlohmann::json::accept(text)) << text;
    }
  }
  for (const std::string& text : {std::string("{\"a\": 1} {}"), std::string("{\"a\": 1}]"),
                                  std::string("{\"a\": 1}\n\n  \t"), std::string("  {}  ")}) {
    SourceDocument document;
    EXPECT_EQ(read_json_source(text, &document), nlohmann::json::accept(text)) << text;
  }
}

TEST(SourceNodeTest, JsonPastTheExpansionLimitsIsLeftToTheYamlReader) {
  YamlExpansionLimits limits;
  limits.max_nodes = 5;
  SourceDocument document;
  const std::string json = R"({"a": [1, 2, 3, 4, 5, 6]})";
  EXPECT_FALSE(read_json_source(json, &document, limits));
  const Status status = read_yaml_source("suite.json", json, &document, limits);
  ASSERT_FALSE(status);
  EXPECT_THAT(status.message(), ::testing::StartsWith("suite.json:1:"));
  EXPECT_THAT(status.message(), ::testing::HasSubstr("expand to more than 5 values"));
}

TEST(SourceNodeTest, YamlAliasesShareTheirAnchorsNodeAndAreCounted) {
  SourceDocument document;
  ASSERT_TRUE(read_yaml_source("s.yaml", "base: &b {x: 1}\nuse: *b\n", &document));
  EXPECT_EQ(document.root()["use"]["x"].scalar(), "1");
  EXPECT_EQ(document.root()["use"].mark().line, 0);  // the anchored node itself

  std::string laughs = "a: &a [x, x, x, x, x, x, x, x, x, x]\n";
  for (char c = 'b'; c <= 'i'; ++c) {
    const char previous = static_cast<char>(c - 1);
    laughs += std::string(1, c) + ": &" + c + " [*" + previous + ", *" + previous + ", *" +
              previous + ", *" + previous + ", *" + previous + ", *" + previous + ", *" + previous +
              ", *" + previous + ", *" + previous + ", *" + previous + "]\n";
  }
  const Status status = read_yaml_source("laughs.yaml", laughs, &document);
  ASSERT_FALSE(status);
  EXPECT_THAT(status.message(), ::testing::HasSubstr("billion laughs"));
  EXPECT_FALSE(document.root().is_sequence());
}

TEST(SourceNodeTest, YamlSyntaxErrorsNameTheirPosition) {
  SourceDocument document;
  const Status status = read_yaml_source("bad.yaml", "a: [1, 2\nb: 3\n", &document);
  ASSERT_FALSE(status);
  EXPECT_THAT(status.message(), ::testing::StartsWith("bad.yaml:"));
}

TEST(SourceNodeTest, NodesThatAreNotThereAreNullOrUndefinedAsInYamlCpp) {
  SourceDocument document;
  ASSERT_TRUE(read_yaml_source("empty.yaml", "", &document));
  EXPECT_TRUE(document.root().is_null());  // YAML::Load("") is a null node
  EXPECT_EQ(describe_node(document.root()), "nothing");
  const SourceNode made;  // a default node is null and defined, as YAML::Node() is
  EXPECT_TRUE(made.is_null());
  EXPECT_TRUE(made);
  ASSERT_TRUE(read_yaml_source("s.yaml", "a: [1]\n", &document));
  EXPECT_FALSE(document.root()["b"]);  // a missing key is undefined
  EXPECT_FALSE(document.root()["b"].is_null());
  EXPECT_FALSE(document.root()["a"][1]);
}

}  // namespace
}  // namespace evalkit

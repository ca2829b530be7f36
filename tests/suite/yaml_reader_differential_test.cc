// The YAML reader reads with libyaml what libyaml reads as yaml-cpp does, and leaves the rest
// to yaml-cpp: for every text, read_yaml_source gives exactly what yaml-cpp alone gives (the
// same tree: type, line:column, tag and text of every node, aliases sharing their anchor's
// node; or the same error, word for word). Held to it on every YAML file in the repository
// (suites, examples, judges, the real promptfoo configs), on constructs where the two parsers
// are known to part ways, and on thousands of seeded edits of the real files. Read with its
// cases recorded (defer_case_items), every text gives the same tree once they are built.
#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "evalkit/suite/libyaml_source.h"
#include "evalkit/suite/source_node.h"
#include "evalkit/suite/yaml_block_scanner.h"
#include "tests/support/process.h"

namespace evalkit {
namespace {

// Every node in document order: type, position, tag and text. A recorded case is built
// (expand_deferred) as it is reached.
void describe(const SourceNode& listed, std::string* out, int depth = 0) {
  if (depth > 50) {  // an alias inside its own anchor loops
    *out += "...\n";
    return;
  }
  SourceDocument scratch;
  const SourceNode node = expand_deferred(listed, &scratch);
  *out += std::to_string(static_cast<int>(node.type())) + " " + std::to_string(node.mark().line) +
          ":" + std::to_string(node.mark().column) + " <" + std::string(node.tag()) + "> [" +
          node.scalar() + "]\n";
  if (node.is_map()) {
    for (auto it = node.begin(); it != node.end(); ++it) {
      describe(it->first, out, depth + 1);
      describe(it->second, out, depth + 1);
    }
  } else if (node.is_sequence()) {
    for (const auto& item : node) describe(item, out, depth + 1);
  }
}

std::string tree_of(const SourceDocument& document) {
  std::string out;
  describe(document.root(), &out);
  return out;
}

struct Reading {
  bool ok = false;
  std::string message;
  std::string tree;
  bool by_libyaml = false;
};

// An event as the reader sees it: type, where it starts (and for a scalar where it ends),
// and a node's style, value, tag and anchor.
std::string describe_event(const yaml_event_t& event) {
  std::string out = std::to_string(event.type);
  // Appended piece by piece: chains of operator+ trip GCC 12's -Wrestrict.
  const auto mark = [&](const yaml_mark_t& at) {
    out += " ";
    out += std::to_string(at.line);
    out += ":";
    out += std::to_string(at.column);
  };
  const auto text = [&](const yaml_char_t* value) {
    if (value == nullptr) {
      out += " -";
      return;
    }
    out += " <";
    out += reinterpret_cast<const char*>(value);
    out += ">";
  };
  switch (event.type) {
    case YAML_SCALAR_EVENT:
      mark(event.start_mark);
      mark(event.end_mark);
      out += " ";
      out += std::to_string(event.data.scalar.style);
      out += " [";
      out.append(reinterpret_cast<const char*>(event.data.scalar.value), event.data.scalar.length);
      out += "]";
      text(event.data.scalar.anchor);
      text(event.data.scalar.tag);
      break;
    case YAML_SEQUENCE_START_EVENT:
      mark(event.start_mark);
      out += " " + std::to_string(event.data.sequence_start.style);
      text(event.data.sequence_start.anchor);
      text(event.data.sequence_start.tag);
      break;
    case YAML_MAPPING_START_EVENT:
      mark(event.start_mark);
      out += " " + std::to_string(event.data.mapping_start.style);
      text(event.data.mapping_start.anchor);
      text(event.data.mapping_start.tag);
      break;
    case YAML_DOCUMENT_START_EVENT:
      out += event.data.document_start.version_directive != nullptr ||
                     event.data.document_start.tag_directives.start !=
                         event.data.document_start.tag_directives.end
                 ? " directives"
                 : "";
      break;
    default:
      break;
  }
  return out + "\n";
}

// Texts the block scanner read, and read as libyaml does, in the readings so far.
size_t scanned_texts = 0;

// Whatever the block scanner reads, it reads event for event as libyaml's parser does.
void expect_scanner_reads_as_libyaml(const std::string& text) {
  std::string scanned;
  const BlockScan scan = scan_block_yaml(text, [&](const yaml_event_t& event) {
    scanned += describe_event(event);
    return true;
  });
  if (scan != BlockScan::kRead) return;
  ++scanned_texts;
  std::string parsed;
  yaml_parser_t parser;
  ASSERT_TRUE(yaml_parser_initialize(&parser));
  yaml_parser_set_input_string(&parser, reinterpret_cast<const unsigned char*>(text.data()),
                               text.size());
  while (true) {
    yaml_event_t event;
    if (yaml_parser_parse(&parser, &event) == 0) {
      parsed += "error\n";
      break;
    }
    parsed += describe_event(event);
    const bool end = event.type == YAML_STREAM_END_EVENT;
    yaml_event_delete(&event);
    if (end) break;
  }
  yaml_parser_delete(&parser);
  EXPECT_EQ(scanned, parsed) << text.substr(0, 3000);
}

// Cases recorded rather than built by the readings so far: a map of `cases` that holds
// nothing until it is built.
size_t recorded_cases = 0;

size_t count_recorded(const SourceDocument& document) {
  const SourceNode cases = document.root()["cases"];
  size_t count = 0;
  if (cases.is_sequence()) {
    for (const auto& item : cases) count += item.is_map() && item.size() == 0 ? 1 : 0;
  }
  return count;
}

Reading read_both_ways(const std::string& text, Reading* reference) {
  expect_scanner_reads_as_libyaml(text);
  Reading fast;
  SourceDocument document;
  const Status status = read_yaml_source("t.yaml", text, &document);
  fast.ok = status.is_ok();
  fast.message = status.message();
  fast.tree = tree_of(document);
  SourceDocument probe;
  fast.by_libyaml = read_yaml_source_with_libyaml(text, &probe);

  // The block scanner gives libyaml's events, so the same reading as libyaml alone.
  SourceDocument libyaml_only;
  const bool by_libyaml_only =
      read_yaml_source_with_libyaml(text, &libyaml_only, {}, false, /*block_scanner=*/false);
  EXPECT_EQ(fast.by_libyaml, by_libyaml_only) << text.substr(0, 3000);
  if (tree_of(probe) != tree_of(libyaml_only)) {
    ADD_FAILURE() << "the block scanner's tree differs from libyaml's\n--- scanner:\n"
                  << tree_of(probe).substr(0, 3000) << "\n--- libyaml:\n"
                  << tree_of(libyaml_only).substr(0, 3000) << "\n--- text:\n"
                  << text.substr(0, 3000);
  }

  // With the cases recorded: the same reading once they are built.
  SourceDocument recorded;
  const Status recorded_status = read_yaml_source("t.yaml", text, &recorded, {}, true);
  recorded_cases += count_recorded(recorded);
  EXPECT_EQ(recorded_status.is_ok(), fast.ok);
  EXPECT_EQ(recorded_status.message(), fast.message);
  const std::string recorded_tree = tree_of(recorded);
  if (recorded_tree != fast.tree) {
    ADD_FAILURE() << "with its cases recorded, the tree differs\n--- recorded:\n"
                  << recorded_tree.substr(0, 3000) << "\n--- read whole:\n"
                  << fast.tree.substr(0, 3000) << "\n--- text:\n"
                  << text.substr(0, 3000);
  }

  SourceDocument slow;
  const Status slow_status = read_yaml_source_with_yaml_cpp("t.yaml", text, &slow);
  reference->ok = slow_status.is_ok();
  reference->message = slow_status.message();
  reference->tree = tree_of(slow);
  return fast;
}

// Returns whether libyaml read it (so tests can check the fast path is really taken).
bool expect_same_reading(const std::string& text, const std::string& what) {
  Reading reference;
  const Reading fast = read_both_ways(text, &reference);
  const std::string shown = text.size() > 3000 ? text.substr(0, 3000) + "..." : text;
  EXPECT_EQ(fast.ok, reference.ok) << what << "\n--- read:\n"
                                   << fast.tree.substr(0, 1500) << "\n--- text:\n"
                                   << shown;
  EXPECT_EQ(fast.message, reference.message) << what << "\n---\n" << shown;
  if (fast.tree != reference.tree) {
    // From a few nodes before the first that differs.
    const size_t differs =
        static_cast<size_t>(std::mismatch(fast.tree.begin(), fast.tree.end(),
                                          reference.tree.begin(), reference.tree.end())
                                .first -
                            fast.tree.begin());
    size_t from = differs;
    for (int lines = 0; from > 0 && lines < 4; lines += fast.tree[from - 1] == '\n' ? 1 : 0) --from;
    ADD_FAILURE() << what << ": trees differ\n--- read:\n"
                  << fast.tree.substr(from, 400) << "\n--- yaml-cpp:\n"
                  << reference.tree.substr(from, 400) << "\n--- text:\n"
                  << shown;
  }
  return fast.by_libyaml;
}

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

std::vector<std::filesystem::path> repository_yaml_files() {
  std::vector<std::filesystem::path> files;
  for (const char* folder : {"suites", "examples", "judges", "tests/data", "tests/fuzz"}) {
    const std::filesystem::path root = testing::source_path(folder);
    if (!std::filesystem::exists(root)) continue;
    for (const auto& entry : std::filesystem::recursive_directory_iterator(root)) {
      const std::string extension = entry.path().extension().string();
      if (entry.is_regular_file() && (extension == ".yaml" || extension == ".yml")) {
        files.push_back(entry.path());
      }
    }
  }
  std::sort(files.begin(), files.end());
  return files;
}

TEST(YamlReaderDifferentialTest, EveryYamlFileInTheRepositoryReadsAsYamlCppReadsIt) {
  const auto files = repository_yaml_files();
  ASSERT_GE(files.size(), 40u);  // suites, examples, judges and the promptfoo configs
  size_t by_libyaml = 0;
  recorded_cases = 0;
  scanned_texts = 0;
  for (const auto& file : files) {
    const bool fast = expect_same_reading(read_file(file), file.string());
    by_libyaml += fast ? 1 : 0;
    if (!fast) std::cout << "left to yaml-cpp: " << file.string() << "\n";
  }
  // The fast path is the one taken: real files are not left to yaml-cpp (only the
  // billion-laughs regression, which crosses the limits).
  std::cout << by_libyaml << " of " << files.size() << " read by libyaml\n";
  EXPECT_GE(by_libyaml + 1, files.size()) << by_libyaml << " of " << files.size();
  // The block scanner reads most of them.
  std::cout << scanned_texts << " read by the block scanner\n";
  EXPECT_GE(scanned_texts, 10u);
  // And their cases are recorded (most suites list cases as block maps).
  std::cout << recorded_cases << " cases recorded\n";
  EXPECT_GE(recorded_cases, 10u);
}

TEST(YamlReaderDifferentialTest, ConstructsWhereTheParsersMayDifferReadAsYamlCppReadsThem) {
  const std::vector<std::string> snippets = {
      // scalars: plain, quoted, multi-line, block literal and folded with every chomping
      "a: plain text\nb: 'single ''quoted'''\nc: \"double \\\"quoted\\\" \\t \\u00e9 \\x41\"\n",
      "a: first line\n  continued\n\n  after a blank\nb: x\n",
      "a: \"folded\n  quoted\n\n  text\"\nb: 'single\n\n  folded'\n",
      "a: |\n  literal\n    indented\n\n  end\nb: >\n  folded\n  text\n\n  para\n    more\n  "
      "back\n",
      "a: |-\n  strip\n\nb: |+\n  keep\n\n\nc: >-\n  x\nd: >+\n  y\n\n",
      "a: |2\n    explicit indent\nb: >1\n  x\n",
      "a: |\n\n  leading blank\n",
      "a: |\n   \n  spaces then text\n",
      "a: >\n  folded with\n\n\n  blank lines\n   and more indented\n  end\n",
      "a: |\n  trailing spaces   \n  x\n",
      "a: plain with trailing spaces   \nb: 1\n",
      "key with spaces: value with: colon\nurl: http://x.y/z?a=b#frag\n",
      "a: x # comment\n# whole line\nb: 'y' # another\n",
      "a: #not a comment\n",
      "a: -1\nb: 1.5e3\nc: 0x1F\nd: true\ne: ~\nf: null\ng: Null\nh: NULL\ni: \"null\"\nj: ''\n",
      // empty values and where yaml-cpp places them
      "a:\nb:\n",
      "a:\n  b:\nc: 1\n",
      "- \n- a\n-\n",
      "a: {b: , c}\n",
      "a: [b, , c]\n",
      "a: [ ]\nb: { }\n",
      "? a\n: b\n? c\n",
      "? |\n  block key\n: v\n",
      "? # empty key\n: value\n",
      "?\n: v\n",
      ": no key\n",
      "a:",
      "a:\n",
      "a:\n\n\n",
      "a: &x\nb: *x\n",
      "a: !!str\nb: !foo\n",
      "--- \n",
      "---\n...\n",
      "",
      "# only a comment\n",
      // flow collections
      "a: [1, [2, 3], {b: c, d: [e]}]\nf: {g: h, i: {j: k}}\n",
      "a: [b: c, d: e]\n",
      "a: {b: [c: d]}\n",
      "[a, b]\n",
      "{a: b}\n",
      "a: [\n  b,\n  c\n]\n",
      "a: {\n  b: c,\n}\n",
      "a: [b,]\n",
      "a: {\"b\": c, 'd': e}\n",
      // anchors, aliases, merge keys
      "base: &b {x: 1, y: [2]}\nuse: *b\nmerged:\n  <<: *b\n  z: 3\n",
      "a: &s scalar\nb: *s\nc: &s other\nd: *s\n",
      "list: &l\n  - 1\n  - 2\nagain: *l\n",
      "a: &n\nb: *n\n",
      "a: *missing\n",
      "a: &x [1, *x]\n",
      "- &a x\n- *a\n- [*a, *a]\n",
      "<<: [*a]\n",
      // explicit tags and documents
      "a: !!str 1\nb: !!int '2'\nc: !custom x\nd: !<tag:example.com,2000:x> y\ne: ! z\n",
      "a: !!map {b: c}\nd: !!seq [e]\nf: !!null ''\n",
      "!!map\na: b\n",
      "- &a >-\n  folded\n- b\n",
      "- !!str |\n  literal\n- b\n",
      "a: &a |\n  literal\nb: *a\n",
      "a: !!str >\n  folded\nb: c\n",
      "a:\n  - &a |\n    x\n  - y\n",
      "- &a\n  b: c\n- d\n",
      "- !t\n  - x\n",
      "- &a x\n- b\n",
      "- &a 'x'\n- b\n",
      "- &a [x]\n- b\n",
      "- \n>-\n  folded\n- x\n",
      "-\n  a: b\n-\n    - c\n",
      "a: &l\n  - x\n  - y\nb: *l\n",
      "- \n|\n  literal\n",
      "- \n'quoted'\n",
      "- \n[a]\n",
      "a:\n>-\n  folded\nb: c\n",
      "a:\n|\n x\n",
      "a:\n'q'\n",
      "a:\n- x\n- y\nb:\n  - z\n",
      "a: !...!str 3\nb: !<!foo> x\nc: !e!x y\nd: !!\ne: !a.b c\n",
      "%YAML 1.2\n---\na: b\n",
      "%TAG ! tag:example.com,2000:\n---\na: !x b\n",
      "--- a\n",
      "---\na: 1\n---\nb: 2\n",
      "a: 1\n...\n---\nb: 2\n",
      "a: 1\n--- [\n",
      "a: 1\n---\n: : :\n",
      "--- |\n  doc literal\n",
      // block structure
      "a:\n- b\n- c\nd: e\n",
      "a:\n  - b:\n      c: d\n    e: f\n  - g\n",
      "- - a\n  - b\n- - c\n",
      "- a: b\n  c: d\n- e\n",
      "a:\n    b: c\n    d:\n        - e\n",
      // tabs, line ends, byte-order mark, unicode, long lines
      "a:\tb\n",
      "a: b\t\nc: d\n",
      "a:\n\tb: c\n",
      "a: |\n\tx\n",
      "a: [b,\tc]\n",
      "\ta: b\n",
      "a: 'x\ty'\n",
      "a: b\r\nc: d\r\n",
      "a: |\r\n  x\r\n  y\r\nb: c\r\n",
      "a: b\rc: d\r",
      "\xEF\xBB\xBF"
      "a: b\nc: d\n",
      "\xEF\xBB\xBF",
      "caf\xC3\xA9: \xC3\xA9t\xC3\xA9\n\xE6\x97\xA5\xE6\x9C\xAC: {\xE8\xAA\x9E: [\xF0\x9F\x98\x80, "
      "x]}\n",
      "a: \xC3\xA9\xC3\xA9 b: c\n",
      "- \xF0\x9F\x98\x80: x\n  y: z\n",
      "a: \"\\U0001F600\"\nb: \"\\ud83d\\ude00\"\n",
      "a: x\xC2\x85y\n",
      "a: x\xE2\x80\xA8y\n",
      std::string("a: \x01\n"),
      std::string("a: b\0c\n", 7),
      "a: " + std::string(5000, 'x') + "\n",
      std::string(2000, 'k') + ": v\n",
      "a: \"" + std::string(3000, 'q') + "\"\n",
      // duplicate keys, odd keys
      "a: 1\na: 2\n",
      "[a]: b\n",
      "{a: b}: c\n",
      "1: 2\n",
      "? [a, b]\n: c\n",
      // errors yaml-cpp words
      "a: [1, 2\nb: 3\n",
      "a: b: c\n",
      "a: 'unterminated\n",
      "a: \"bad \\q escape\"\n",
      "a:\n  b: c\n d: e\n",
      "- a\nb: c\n",
      "a: }\n",
      "a: ]\n",
      "@a: b\n",
      "`a: b\n",
      "a: |x\n  y\n",
      "a: &\n",
      "a: *\n",
      "a: !\n",
      // explicitly tagged empty nodes, at the root too (a bare "!" is a null to yaml-cpp)
      "!", "!\n", "!!str\n", "a: !!str\n", "- !\n- !!null\n", "{a: !}\n",
      // tagged plain scalars over two lines
      "!t speaking \n st", "a: !!str first\n  second\n", "- !x one\n  two\n",
      // a byte order mark past the start of the text
      "cafS:\r\nct:\r\n\r\n\xEF\xBB\xBF", "a: b\n\xEF\xBB\xBF" "c: d\n", "\xEF\xBB\xBF" "a: b\n",
      "a: [b\n",
      "a: {b: c\n",
      "a: \"x\n",
      "- a\n  - b\n",
      "a\nb\n",
      "a: b\nc\n",
  };
  for (size_t i = 0; i < snippets.size(); ++i) {
    expect_same_reading(snippets[i], "snippet " + std::to_string(i));
  }
}

// What suites are made of is read by libyaml, not left to yaml-cpp.
TEST(YamlReaderDifferentialTest, CommonConstructsAreReadByLibyaml) {
  const std::vector<std::string> common = {
      "suite: s\nproviders:\n  - id: a\n    type: openai-chat\n",
      "a: [1, {b: c}]\nd: {e: [f, g]}\n",
      "a: 'single'\nb: \"double \\t \\u00e9\"\n",
      "a: |\n  literal\n  text\nb: >\n  folded\n  text\nc: |-\n  x\n",
      "base: &b {x: 1}\nuse: *b\nmerged:\n  <<: *b\n  y: 2\n",
      "checks: &c\n  - {type: contains, value: x}\n  - not: {type: equals, value: y}\nmore: *c\n",
      "a:\nb: ~\nc:\n  - \n  - x\n",
      "caf\xC3\xA9: \xE6\x97\xA5\xE6\x9C\xAC\n",
      "a: b\r\nc: |\r\n  d\r\n",
      "\xEF\xBB\xBF"
      "a: b\n",
      "a: !!str 1\nb: !custom x\n",
      "# comment\na: b # trailing\n---\nc: d\n",
      "a: first line\n  continued\n",
      "",
  };
  for (const auto& text : common) {
    SourceDocument document;
    EXPECT_TRUE(read_yaml_source_with_libyaml(text, &document)) << text;
    expect_same_reading(text, text);
  }
}

// Each block map of the root's block `cases` list is recorded, and built as it would have been
// read; anything else is read as before, and a case with an anchor or alias has the whole
// text read without recording.
TEST(YamlReaderDifferentialTest, CasesAreRecordedAndBuiltAsTheyWouldBeRead) {
  const std::vector<std::pair<std::string, size_t>> snippets = {
      {"cases:\n  - id: a\n    vars: {q: x}\n  - id: b\n", 2},
      {"cases:\n- id: a\n  expected:\n- id: b\n  expected:\n", 2},
      {"cases:\n  - id: a\n    expected:\n\n# after\nscorers: [x]\n", 1},
      {"cases:\n  - id: a\n    v: &x 1\n  - id: b\n    w: *x\n", 0},
      {"top: &t 1\ncases:\n  - id: a\n    v: *t\n", 0},
      {"top: &t {a: 1}\ncases:\n  - id: a\nother: *t\n", 1},
      {"cases:\n  - {id: a}\n  - id: b\n  - plain\n  - - nested\n  - !!map\n    id: t\n"
       "  - &a\n    id: c\n  - id: d\n",
       2},
      {"cases: &all\n  - id: a\nagain: *all\n", 0},
      {"cases: !!seq\n  - id: a\n", 0},
      {"cases:\n  - id: a\n    text: |\n      literal\n      block\n\n    folded: >-\n      x\n"
       "      y\n  # comment\n  - id: b # c\n    q: 'it''s'\n    r: \"\\t\\u00e9\"\n",
       2},
      {"cases:\n  - id: \"caf\xC3\xA9\"\n    v: !!str 1\n    w: !custom x\n    e: \xE6\x97\xA5\n"
       "    after: \xE6\x97\xA5 [x]\n",
       1},
      {"cases:\n  - id: a\n    nested:\n      - [1, 2]\n      - {a: b}\n      - - deep\n"
       "        - deeper\n    m:\n      ? complex\n      : value\n",
       1},
      {"cases:\n  - id: a\n  - id: c\ncases:\n  - id: b\n", 2},
      {"{cases: [{id: a}]}\n", 0},
      {"- cases:\n  - id: a\n", 0},
      {"a:\n  cases:\n    - id: a\n", 0},
      {"? cases\n: - id: a\n", 1},
      {"[cases]: \n  - id: a\ncases:\n  - id: b\n", 1},
      {"cases:\n  - id: a\n---\nb: 1\n", 1},
      {"cases:\r\n  - id: a\r\n    b: c\r\n", 1},
      {"cases:\n  - id: a\n    x: [1, 2\n", 0},
      {"cases:\n  - id: a\n  - id: b\n    x: *nope\n", 0},
      {"cases:\n  - id: a\n  -\n    id: b\n", 0},
      {"cases:\n  - id: a\n    e:", 0},
      {"cases:\n  - id: a\n    e: x", 1},
  };
  for (const auto& [text, recorded] : snippets) {
    expect_same_reading(text, text);
    SourceDocument document;
    read_yaml_source("t.yaml", text, &document, {}, true);
    EXPECT_EQ(count_recorded(document), recorded) << text;
  }
}

// Recordings larger than a page of their own, and a case larger than the rest together, read
// whole; each case is built once, after which its pages are given back.
TEST(YamlReaderDifferentialTest, LargeRecordingsReadWholeAndEachCaseIsBuiltOnce) {
  std::string text = "cases:\n";
  for (int i = 0; i < 4000; ++i) {
    text += "  - id: c" + std::to_string(i) + "\n    q: " + std::string(300, 'x') + "\n";
    if (i == 2000) text += "    big: " + std::string(3 << 20, 'y') + "\n";
  }
  SourceDocument whole;
  ASSERT_TRUE(read_yaml_source_with_libyaml(text, &whole));
  SourceDocument recorded;
  ASSERT_TRUE(read_yaml_source_with_libyaml(text, &recorded, {}, true));
  ASSERT_EQ(count_recorded(recorded), 4000u);
  EXPECT_EQ(tree_of(recorded), tree_of(whole));
  // Built already, and given back with the pages after it: nothing is built again.
  SourceDocument scratch;
  EXPECT_TRUE(expand_deferred(recorded.root()["cases"][0], &scratch).is_null());
  EXPECT_FALSE(expand_deferred(recorded.root()["cases"][0], &scratch).is_map());
}

// The block scanner reads what it reads event for event as libyaml does, and leaves the rest
// to it; around every edge of what it reads, the tree is still yaml-cpp's.
TEST(YamlReaderDifferentialTest, TheBlockScannerReadsAsLibyamlOrLeavesTheTextToIt) {
  const std::vector<std::pair<std::string, bool>> snippets = {
      {"a: b\n", true},
      {"a: b", false},
      {"a:\n  b: c\n", true},
      {"a:\n- x\n- y\n", true},
      {"a:\n  - x\n  - y\nb: z\n", true},
      {"- a\n- b\n", true},
      {"- a: b\n  c: d\n- e\n", true},
      {"a: b # c\n", true},
      {"a: b#c\n", true},
      {"a: \"x\"#c\n", false},
      {"a: \"x\" # c\n", true},
      {"a: 'it''s'\n", true},
      {"a: \"\\u0041\\n\\t\\\\\\\"\\/\\r\"\n", true},
      {"a: \"\\u00e9\"\n", false},
      {"a: \"\\x41\"\n", false},
      {"a: \"\\u0001\"\n", false},
      {"a: {b: c, d: [e, f], g: \"h\", i: 'j'}\n", true},
      {"a: [a, b,]\n", false},
      {"a: [a: b]\n", false},
      {"a: {b}\n", false},
      {"a: {b: }\n", false},
      {"a: {b:c}\n", false},
      {"a: [ a , b ]\n", true},
      {"a: [ ]\n", true},
      {"a: {}\n", true},
      {"a: [{b: c}, [d], []]\n", true},
      {"a: [a b, c.d, -1, ~]\n", true},
      {"a: [a:b]\n", false},
      {"a: [a?]\n", false},
      {"a: b: c\n", false},
      {"a: b:\n", false},
      {"a: http://x.y/z?q=1\n", true},
      {"a: x:y\n", true},
      {"a: -1\n", true},
      {"a: -x\n", true},
      {"a: - x\n", false},
      {"a: ~\n", true},
      {"a: null\nb: Null\nc: NULL\n", true},
      {"null: a\n", true},
      {"a: .5\n", true},
      {"a: (x) [y] {z}, w\n", true},
      {"a: <<\n", true},
      {"a: b\n  c\n", false},
      {"a:\n  b: c\n   d: e\n", false},
      {"a:\n  b: c\n d: e\n", false},
      {"a:\nb: c\n", false},
      {"a:\n", false},
      {"a: b\n\n\n# end\n", true},
      {"# head\n\na: b\n", true},
      {"  a: b\n  c: d\n", true},
      {"a: b\n c: d\n", false},
      {"- - a\n", false},
      {"-\n  a: b\n", false},
      {"- \n", false},
      {"- a\n  - b\n", false},
      {"a:\n  - b\n  c: d\n", false},
      {"a:\n- b\nc: d\n", true},
      {"a:\n  -  b\n  -   c: d\n      e: f\n", true},
      {"a:   # c\n  b: c\n", true},
      {"a b: c\n", false},
      {"a.b/c-d_e: f\n", true},
      {"'a': b\n", false},
      {"a : b\n", false},
      {"a:  b  \n", true},
      {"a: b\t\n", false},
      {"a: b\r\n", false},
      {"a: caf\xC3\xA9\n", false},
      {"---\na: b\n", false},
      {"a: b\n...\n", false},
      {"a: b\n---\nc: d\n", false},
      {"%YAML 1.2\n---\na: b\n", false},
      {"a: !t b\n", false},
      {"a: &x b\nc: *x\n", false},
      {"a: |\n  b\n", false},
      {"a: >\n  b\n", false},
      {"? a\n: b\n", false},
      {"a: [b\n  , c]\n", false},
      {"a: \"b\n  c\"\n", false},
      {"a: 'b\n  c'\n", false},
      {"a: `b`\n", false},
      {"a: @b\n", false},
      {"a: %b\n", false},
      {"a: ,b\n", false},
      {"a: #b\n", false},
      {"a: b #\n", true},
      {"a: 'x' y\n", false},
      {"a: b\na: c\n", true},
      {"cases:\n  - id: a\n    vars: {q: \"Q: x?\"}\n    expected: y z\n", true},
      // '|', '>', '&', '*' and '!' inside a value, and where a value starts
      {"a: x | y > z & w * v!\nb: c-> d\n", true},
      {"a: b\nc: x\nd: |\n  late\n", false},
      {"a: b\nc: [x, !t y]\n", false},
      {"a: b\nc: {d: *x}\n", false},
      {"a: b\n- &x c\n", false},
      {"\n", false},
      {"", false},
  };
  for (const auto& [text, scanned] : snippets) {
    expect_same_reading(text, text);
    const BlockScan scan = scan_block_yaml(text, [](const yaml_event_t&) { return true; });
    EXPECT_EQ(scan == BlockScan::kRead, scanned) << text;
  }
  // Nesting past what yaml-cpp allows is still left to it.
  std::string deep;
  for (size_t i = 0; i < 450; ++i) deep += std::string(2 * i, ' ') + "a:\n";
  deep += std::string(900, ' ') + "b: c\n";
  expect_same_reading(deep, "450 nested block maps");
  SourceDocument document;
  EXPECT_FALSE(read_yaml_source_with_libyaml(deep, &document));
}

TEST(YamlReaderDifferentialTest, DeepNestingIsLeftToYamlCppsLimit) {
  for (const size_t depth : {10u, 900u, 1500u, 2500u, 100000u}) {
    const std::string flow = std::string(depth, '[') + std::string(depth, ']') + "\n";
    expect_same_reading(flow, "flow depth " + std::to_string(depth));
  }
  std::string block;
  for (size_t i = 0; i < 1200; ++i) block += std::string(i, ' ') + "- \n";
  expect_same_reading(block, "block depth 1200");
}

// Columns are counted along a line once, not from the line's start for every node: a
// 300 KB one-line flow list (minified JSON that JSON readers refuse) reads in one pass.
TEST(YamlReaderDifferentialTest, ALongFlowLineIsWalkedOnce) {
  std::string line = "cases: [";
  for (int i = 0; i < 30000; ++i)
    line += (i > 0 ? ", " : "") + std::string("\xC3\xA9") + std::to_string(i);
  line += "]\n";
  SourceDocument document;
  ASSERT_TRUE(read_yaml_source_with_libyaml(line, &document));
  const SourceNode last = document.root()["cases"][29999];
  EXPECT_EQ(last.scalar(),
            "\xC3\xA9"
            "29999");
  EXPECT_EQ(static_cast<size_t>(last.mark().column), line.size() - 9);  // bytes, "é29999]\n"
  expect_same_reading(line, "one long flow line");
}

TEST(YamlReaderDifferentialTest, AliasesShareTheirAnchorsNodeAndCountAgainstTheLimits) {
  SourceDocument document;
  ASSERT_TRUE(read_yaml_source_with_libyaml("base: &b {x: [1]}\nuse: *b\n", &document));
  const SourceNode base = document.root()["base"];
  const SourceNode use = document.root()["use"];
  EXPECT_EQ(&base["x"][0].scalar(), &use["x"][0].scalar());  // one node, not a copy
  EXPECT_EQ(use.mark().line, 0);

  YamlExpansionLimits limits;
  limits.max_nodes = 30;
  const std::string text = "a: &a [1, 2, 3, 4, 5]\nb: [*a, *a, *a, *a, *a, *a]\n";
  EXPECT_FALSE(read_yaml_source_with_libyaml(text, &document, limits));
  const Status status = read_yaml_source("t.yaml", text, &document, limits);
  ASSERT_FALSE(status);
  SourceDocument reference;
  EXPECT_EQ(status.message(),
            read_yaml_source_with_yaml_cpp("t.yaml", text, &reference, limits).message());
}

TEST(YamlReaderDifferentialTest, MarksAreYamlCppsBytesNotLibyamlsCharacters) {
  SourceDocument document;
  ASSERT_TRUE(
      read_yaml_source_with_libyaml("\xC3\xA9t\xC3\xA9: [x, \xF0\x9F\x98\x80, y]\n", &document));
  const SourceNode list = document.root().begin()->second;
  EXPECT_EQ(list.mark().column, 7);      // after "été: " (5 characters, 7 bytes)
  EXPECT_EQ(list[2].mark().column, 17);  // after "[x, 😀, " (a 4-byte character)
}

// Edits of the real files: characters that mean something to YAML inserted, dropped or
// swapped at seeded places. Each edit reads the same both ways, whatever it breaks.
TEST(YamlReaderDifferentialTest, SeededEditsOfTheRealFilesReadAsYamlCppReadsThem) {
  static const char* const kTokens[] = {"---",    "...",
                                        ": ",     "- ",
                                        "? ",     "\n- ",
                                        "\n  ",   "\n\n",
                                        "&a ",    "*a",
                                        "!!str ", "!t ",
                                        "|",      ">-",
                                        "|+",     ">+2",
                                        "\t",     "\r\n",
                                        "# c",    "\\N",
                                        "\\x41",  "\\u00e9",
                                        "\\",     "''",
                                        "\"\"",   "{",
                                        "}",      "[",
                                        "]",      ", ",
                                        "<<: ",   "~",
                                        "null",   "\xF0\x9F\x98\x80",
                                        "  ",     "%YAML 1.2\n"};
  static const std::string kAlphabet = " \t\n\r-:?,[]{}#&*!|>'\"%@`~\\ax0\xC3\xA9";
  // EVALKIT_YAML_EDIT_SEED and EVALKIT_YAML_EDIT_ROUNDS explore further than CI does.
  const char* seed = std::getenv("EVALKIT_YAML_EDIT_SEED");
  const char* rounds_set = std::getenv("EVALKIT_YAML_EDIT_ROUNDS");
  const int rounds = rounds_set != nullptr ? std::atoi(rounds_set) : 40;
  std::mt19937 random(seed != nullptr ? static_cast<unsigned>(std::atol(seed)) : 20261130u);
  size_t edits = 0;
  scanned_texts = 0;
  for (const auto& file : repository_yaml_files()) {
    const std::string original = read_file(file);
    if (original.empty() || original.size() > 20000) continue;
    for (int round = 0; round < rounds; ++round) {
      std::string text = original;
      const int changes = 1 + static_cast<int>(random() % 3);
      for (int c = 0; c < changes; ++c) {
        const size_t at = random() % text.size();
        const char ch = kAlphabet[random() % kAlphabet.size()];
        switch (random() % 4) {
          case 3:
            text.insert(at, kTokens[random() % std::size(kTokens)]);
            break;
          case 0:
            text.insert(at, 1, ch);
            break;
          case 1:
            text.erase(at, 1);
            break;
          default:
            text[at] = ch;
        }
        if (text.empty()) text.push_back('a');
      }
      expect_same_reading(text, file.string() + " edit " + std::to_string(round));
      ++edits;
      if (::testing::Test::HasFailure()) return;  // one clear failure, not thousands
    }
  }
  EXPECT_GE(edits, 1000u);
  // Many edits still read as block YAML, and were compared event for event.
  std::cout << scanned_texts << " of " << edits << " edits read by the block scanner\n";
  EXPECT_GE(scanned_texts, 100u);
}

}  // namespace
}  // namespace evalkit

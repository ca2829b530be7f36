#include "evalkit/suite/csv_reader.h"

#include <gtest/gtest.h>

#include "evalkit/suite/dataset_reader.h"

namespace evalkit {
namespace {

using Rows = std::vector<std::vector<std::string>>;

Rows read_all(std::string_view data, std::vector<int>* lines = nullptr,
              std::string* error = nullptr) {
  CsvReader reader(data);
  Rows rows;
  std::vector<std::string> fields;
  int line = 0;
  while (reader.next(&fields, &line)) {
    rows.push_back(fields);
    if (lines != nullptr) lines->push_back(line);
  }
  if (error != nullptr) *error = reader.error();
  return rows;
}

TEST(CsvReaderTest, PlainAndQuotedFields) {
  EXPECT_EQ(read_all("a,b\n1,2\n"), (Rows{{"a", "b"}, {"1", "2"}}));
  EXPECT_EQ(read_all("a,b\r\n1,\r\n"), (Rows{{"a", "b"}, {"1", ""}}));
  EXPECT_EQ(read_all("\"x, y\",\"say \"\"hi\"\"\",\"\"\n"), (Rows{{"x, y", "say \"hi\"", ""}}));
  EXPECT_EQ(read_all("no newline at end"), (Rows{{"no newline at end"}}));
  EXPECT_EQ(read_all("\xEF\xBB\xBFid\n1\n"), (Rows{{"id"}, {"1"}}));
}

TEST(CsvReaderTest, EmbeddedNewlinesKeepLineNumbers) {
  std::vector<int> lines;
  EXPECT_EQ(read_all("h\n\"two\nlines\"\n\nlast\n", &lines),
            (Rows{{"h"}, {"two\nlines"}, {"last"}}));
  EXPECT_EQ(lines, (std::vector<int>{1, 2, 5}));
}

TEST(CsvReaderTest, MalformedInput) {
  std::string error;
  read_all("a\n\"open\n", nullptr, &error);
  EXPECT_EQ(error, "quoted field opened on line 2 is never closed");
  read_all("\"a\"b\n", nullptr, &error);
  EXPECT_EQ(error, "unexpected text after a closing quote");
}

TEST(CsvReaderTest, LabelsSplitOnCommaOrSemicolon) {
  EXPECT_EQ(split_labels("a; b ,c"), (std::vector<std::string>{"a", "b", "c"}));
  EXPECT_EQ(split_labels(" ;, "), std::vector<std::string>{});
  EXPECT_EQ(split_labels("solo"), std::vector<std::string>{"solo"});
}

}  // namespace
}  // namespace evalkit

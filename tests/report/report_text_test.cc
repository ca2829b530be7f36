#include "evalkit/report/report_text.h"

#include <cmath>

#include <gtest/gtest.h>

namespace evalkit {
namespace {

const std::string kReplacement = "\xEF\xBF\xBD";

TEST(ReportTextTest, ValidUtf8PassesThroughUnchanged) {
  const std::string text = "Paris é € 𝄞 \t\n";
  EXPECT_EQ(valid_utf8(text), text);
  EXPECT_EQ(xml_safe_text(text), text);
}

TEST(ReportTextTest, InvalidSequencesBecomeReplacementCharacters) {
  EXPECT_EQ(valid_utf8("a\xff"
                       "b"),
            "a" + kReplacement + "b");
  EXPECT_EQ(valid_utf8("\xC3"), kReplacement) << "truncated sequence";
  EXPECT_EQ(valid_utf8("\xC0\xAF"), kReplacement + kReplacement) << "overlong '/'";
  EXPECT_EQ(valid_utf8("\xED\xA0\x80"), kReplacement + kReplacement + kReplacement)
      << "encoded surrogate";
  EXPECT_EQ(valid_utf8("\xF4\x90\x80\x80").find("\xF4"), std::string::npos) << "above U+10FFFF";
}

TEST(ReportTextTest, XmlSafeTextDropsForbiddenControls) {
  EXPECT_EQ(xml_safe_text(std::string("a\x01"
                                      "b\x1b"
                                      "c",
                                      5)),
            "a" + kReplacement + "b" + kReplacement + "c");
  EXPECT_EQ(xml_safe_text(std::string(1, '\0')), kReplacement);
  EXPECT_EQ(xml_safe_text("\xEF\xBF\xBE"), kReplacement) << "U+FFFE";
  EXPECT_EQ(valid_utf8("\x01"), "\x01") << "only the XML variant drops controls";
}

TEST(ReportTextTest, TruncationKeepsCodePointsWhole) {
  EXPECT_EQ(truncate_utf8("short", 10), "short");
  EXPECT_EQ(truncate_utf8("abcdefghij", 8, "..."), "abcde...");
  // "éé" is four bytes; cutting at 3 must not split the second é.
  EXPECT_EQ(truncate_utf8("ééé", 3, ""), "é");
  EXPECT_EQ(truncate_utf8("ééé", 5, "…"), "é…");
}

TEST(ReportTextTest, SingleLineCollapsesWhitespace) {
  EXPECT_EQ(single_line("  a\n\n b\t c  \r\n"), "a b c");
  EXPECT_EQ(single_line(""), "");
}

TEST(ReportTextTest, TerminalSafeEscapesEverythingThatDrivesATerminal) {
  // OSC 52 (write the clipboard), a title, CSI in its 7-bit and 8-bit (C1) forms, DEL, a
  // carriage return that would overwrite the line, a right-to-left override.
  EXPECT_EQ(terminal_safe("\x1b]52;c;aGk=\x07"), "\\x1B]52;c;aGk=\\x07");
  EXPECT_EQ(terminal_safe("a\rb\nc\td\x7f"), "a\\x0Db\\x0Ac\\x09d\\x7F");
  EXPECT_EQ(terminal_safe("x\xc2\x9b"
                          "31m"),
            "x\\u009B31m");
  EXPECT_EQ(terminal_safe("abc\xe2\x80\xae"
                          "fed"),
            "abc\\u202Efed");
  EXPECT_EQ(terminal_safe("\xff"), "\xEF\xBF\xBD");
  EXPECT_EQ(terminal_safe("Paris — ok ✓"), "Paris — ok ✓");
}

TEST(ReportTextTest, FormatFixed) {
  EXPECT_EQ(format_fixed(0.8456, 3), "0.846");
  EXPECT_EQ(format_fixed(2, 1), "2.0");
  EXPECT_EQ(format_fixed(std::nan(""), 2), "–");
}

}  // namespace
}  // namespace evalkit

// The event-stream framing every streamed answer comes in, read as the WHATWG standard says.
#include "evalkit/http/server_sent_events.h"

#include <gtest/gtest.h>

namespace evalkit {
namespace {

TEST(ServerSentEventsTest, ReadsDataEventsAndTheirEndOffsets) {
  const std::string body = "data: {\"a\":1}\n\ndata: [DONE]\n\n";
  const auto events = parse_server_sent_events(body);
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0].event, "message");
  EXPECT_EQ(events[0].data, "{\"a\":1}");
  EXPECT_EQ(events[0].end_offset, body.find("data: [DONE]"));
  EXPECT_EQ(events[1].data, "[DONE]");
  EXPECT_EQ(events[1].end_offset, body.size());
}

TEST(ServerSentEventsTest, NamedEventsCommentsAndEveryLineEnding) {
  const std::string body =
      ": keep-alive\r\n"
      "event: message_start\r\ndata: {\"x\":1}\r\n\r\n"
      "event: ping\rdata: {}\r\r"
      "id: 7\nevent: content_block_delta\ndata:no-space\n\n";
  const auto events = parse_server_sent_events(body);
  ASSERT_EQ(events.size(), 3u);
  EXPECT_EQ(events[0].event, "message_start");
  EXPECT_EQ(events[0].data, "{\"x\":1}");
  EXPECT_EQ(events[1].event, "ping");
  EXPECT_EQ(events[1].data, "{}");
  EXPECT_EQ(events[2].event, "content_block_delta");
  EXPECT_EQ(events[2].data, "no-space");
  EXPECT_EQ(events[2].id, "7");
}

TEST(ServerSentEventsTest, JoinsDataLinesAndDropsOnlyOneLeadingSpace) {
  const auto events = parse_server_sent_events("data:  two spaces\ndata: line\n\n");
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].data, " two spaces\nline");
}

TEST(ServerSentEventsTest, EventsWithoutDataAreNotDispatched) {
  const auto events = parse_server_sent_events("event: ping\n\nretry: 10\n\ndata: x\n\n");
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].event, "message");  // the ping's name does not leak into the next event
  EXPECT_EQ(events[0].data, "x");
}

TEST(ServerSentEventsTest, ALastCompleteEventNeedsNoBlankLineButACutLineIsDropped) {
  auto events = parse_server_sent_events("data: one\n\ndata: two\n");
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[1].data, "two");
  events = parse_server_sent_events("data: one\n\ndata: {\"cut");
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].data, "one");
}

// A hostile stream: one id of a megabyte, then many tiny events. Each event would carry a
// copy of the id (gigabytes from a 32 MiB body); an id that long is ignored instead.
TEST(ServerSentEventsTest, AnOverlongIdIsNotCopiedIntoEveryEvent) {
  std::string body = "id: " + std::string(1 << 20, 'i') + "\n";
  for (int i = 0; i < 1000; ++i) body += "data: {}\n\n";
  const auto events = parse_server_sent_events(body);
  ASSERT_EQ(events.size(), 1000u);
  size_t kept = 0;
  for (const auto& event : events) kept += event.id.size();
  EXPECT_EQ(kept, 0u);
  // Ordinary ids are kept as before.
  const auto ordinary =
      parse_server_sent_events("id: " + std::string(kMaxEventIdBytes, '7') + "\ndata: x\n\n");
  ASSERT_EQ(ordinary.size(), 1u);
  EXPECT_EQ(ordinary[0].id.size(), kMaxEventIdBytes);
}

TEST(ServerSentEventsTest, SkipsAByteOrderMark) {
  const auto events = parse_server_sent_events(
      "\xEF\xBB\xBF"
      "data: x\n\n");
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].data, "x");
}

TEST(ServerSentEventsTest, EmptyBodyHasNoEvents) {
  EXPECT_TRUE(parse_server_sent_events("").empty());
  EXPECT_TRUE(parse_server_sent_events("\n\n\n").empty());
}

}  // namespace
}  // namespace evalkit

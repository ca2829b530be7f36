// Server-sent events (text/event-stream), the framing of streamed model answers: OpenAI's
// `data: {...}` chunks ending in `data: [DONE]`, Anthropic's named events.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace evalkit {

struct ServerSentEvent {
  std::string event;      // the `event:` field; "message" when the stream named none
  std::string data;       // the `data:` lines joined with '\n'
  std::string id;         // the last `id:` field seen, if any
  size_t end_offset = 0;  // where in the body the event ended (just past its last line)
};

// The events in a complete event-stream body, in order, as the WHATWG HTML standard reads
// them: lines end in CRLF, LF or CR; `:` starts a comment; one space after the field's colon
// is dropped; an event is dispatched by a blank line, and one without data is not. A final
// event whose last line is complete is dispatched at the end of the body even without the
// blank line; a line cut off mid-way is dropped (the stream was truncated).
// An `id:` longer than kMaxEventIdBytes is ignored (the id repeats in every later event).
std::vector<ServerSentEvent> parse_server_sent_events(std::string_view body);

inline constexpr size_t kMaxEventIdBytes = 1024;

}  // namespace evalkit

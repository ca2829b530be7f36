#include "evalkit/http/server_sent_events.h"

namespace evalkit {

std::vector<ServerSentEvent> parse_server_sent_events(std::string_view body) {
  std::vector<ServerSentEvent> events;
  size_t at = 0;
  if (body.substr(0, 3) == "\xEF\xBB\xBF") at = 3;  // a UTF-8 byte order mark
  std::string event_type, data, last_id;
  bool has_data = false;
  const auto dispatch = [&](size_t end) {
    if (has_data) {
      if (!data.empty() && data.back() == '\n') data.pop_back();
      events.push_back(
          {event_type.empty() ? "message" : event_type, std::move(data), last_id, end});
    }
    event_type.clear();
    data.clear();
    has_data = false;
  };
  while (at < body.size()) {
    const size_t end = body.find_first_of("\r\n", at);
    if (end == std::string_view::npos) break;  // an unterminated last line: truncated
    const std::string_view line = body.substr(at, end - at);
    size_t next = end + 1;
    if (body[end] == '\r' && next < body.size() && body[next] == '\n') ++next;
    at = next;
    if (line.empty()) {
      dispatch(at);
      continue;
    }
    if (line.front() == ':') continue;  // a comment (keep-alive)
    const size_t colon = line.find(':');
    const std::string_view field = line.substr(0, colon);
    std::string_view value;
    if (colon != std::string_view::npos) {
      value = line.substr(colon + 1);
      if (!value.empty() && value.front() == ' ') value.remove_prefix(1);
    }
    if (field == "data") {
      data.append(value);
      data.push_back('\n');
      has_data = true;
    } else if (field == "event") {
      event_type.assign(value);
    } else if (field == "id") {
      // The id is repeated in every later event: a hostile megabyte-long id followed by
      // thousands of tiny events would multiply it into gigabytes. No protocol evalkit speaks
      // needs ids longer than kMaxEventIdBytes; longer ones are ignored.
      if (value.find('\0') == std::string_view::npos && value.size() <= kMaxEventIdBytes) {
        last_id.assign(value);
      }
    }
    // "retry" and unknown fields are ignored.
  }
  dispatch(at);
  return events;
}

}  // namespace evalkit

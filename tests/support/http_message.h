// HTTP/1.1 messages as the fake test servers see them: requests parsed out of a connection's
// receive buffer, responses written back. Parsing is stateless: the caller keeps unparsed
// bytes and calls again when more arrive, so pipelined requests are taken one at a time.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace evalkit::testing {

struct HttpRequest {
  std::string method;
  std::string target;  // as sent: path plus query
  std::string path;    // target without the query
  int minor_version = 1;
  std::vector<std::pair<std::string, std::string>> headers;  // names as sent
  std::string body;  // de-chunked when the request used chunked transfer coding

  // The first header named `name` (case-insensitive), or nullptr.
  const std::string* header(std::string_view name) const;
  // Whether the connection stays open after the answer (HTTP/1.1 default, `Connection`).
  bool keep_alive() const;
  // Whether the client waits for "100 Continue" before sending the body.
  bool expects_continue() const;
};

enum class HttpParseStatus {
  kNeedMore,  // no complete request yet; `headers_complete` tells if only the body is missing
  kComplete,  // `request` holds one request; `consumed` bytes belong to it
  kError,     // the bytes are not HTTP; answer `error_status` and close
};

struct HttpParseResult {
  HttpParseStatus status = HttpParseStatus::kNeedMore;
  size_t consumed = 0;
  bool headers_complete = false;
  int error_status = 0;
  std::string error_message;
};

struct HttpParseLimits {
  size_t max_header_bytes = 64 * 1024;
  size_t max_body_bytes = 64 * 1024 * 1024;
};

// Parses the request at the start of `buffer` into `request` (overwritten on kComplete,
// and on kNeedMore with headers_complete so the caller can read the headers early).
HttpParseResult parse_http_request(std::string_view buffer, HttpRequest& request,
                                   const HttpParseLimits& limits = {});

struct HttpResponse {
  int status = 200;
  std::string content_type = "application/json";
  std::vector<std::pair<std::string, std::string>> headers;  // besides type, length, connection
  std::string body;
};

// The bytes of `response` with Content-Length, and `Connection: close` when `close` is set.
std::string serialize_http_response(const HttpResponse& response, bool close);

// The status line and headers of a response whose body follows in chunks
// (`Transfer-Encoding: chunked`), then the blank line; `close` as above.
std::string serialize_chunked_response_head(const HttpResponse& response, bool close);
// One chunk of a chunked body: its size in hex, CRLF, data, CRLF. An empty data is the last chunk.
std::string serialize_chunk(std::string_view data);

// The standard reason phrase for `status` ("Too Many Requests"), or "Status" if unknown.
std::string_view http_reason_phrase(int status);

// Case-insensitive ASCII comparison, as HTTP header names and tokens are compared.
bool equals_ignore_case(std::string_view a, std::string_view b);

}  // namespace evalkit::testing

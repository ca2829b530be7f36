#include "tests/support/http_message.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstdio>

namespace evalkit::testing {
namespace {

constexpr std::string_view kCrlf = "\r\n";

std::string_view trim_spaces(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

bool is_token_char(char c) {
  const auto u = static_cast<unsigned char>(c);
  if (std::isalnum(u)) return true;
  return std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

// True if the comma-separated header value lists `token`.
bool list_contains(std::string_view value, std::string_view token) {
  while (!value.empty()) {
    const size_t comma = value.find(',');
    const std::string_view item = trim_spaces(value.substr(0, comma));
    if (equals_ignore_case(item, token)) return true;
    if (comma == std::string_view::npos) break;
    value.remove_prefix(comma + 1);
  }
  return false;
}

HttpParseResult error(int status, std::string message) {
  HttpParseResult result;
  result.status = HttpParseStatus::kError;
  result.error_status = status;
  result.error_message = std::move(message);
  return result;
}

bool parse_request_line(std::string_view line, HttpRequest& request) {
  const size_t first_space = line.find(' ');
  const size_t last_space = line.rfind(' ');
  if (first_space == std::string_view::npos || first_space == last_space) return false;
  const std::string_view method = line.substr(0, first_space);
  const std::string_view target = line.substr(first_space + 1, last_space - first_space - 1);
  const std::string_view version = line.substr(last_space + 1);
  if (method.empty() || !std::all_of(method.begin(), method.end(), is_token_char)) return false;
  if (target.empty() || target.find(' ') != std::string_view::npos) return false;
  if (version == "HTTP/1.1") {
    request.minor_version = 1;
  } else if (version == "HTTP/1.0") {
    request.minor_version = 0;
  } else {
    return false;
  }
  request.method = std::string(method);
  request.target = std::string(target);
  request.path = std::string(target.substr(0, target.find('?')));
  return true;
}

bool parse_header_line(std::string_view line, HttpRequest& request) {
  const size_t colon = line.find(':');
  if (colon == std::string_view::npos || colon == 0) return false;
  const std::string_view name = line.substr(0, colon);
  if (!std::all_of(name.begin(), name.end(), is_token_char)) return false;
  request.headers.emplace_back(std::string(name), std::string(trim_spaces(line.substr(colon + 1))));
  return true;
}

enum class ChunkedResult { kNeedMore, kComplete, kError };

// De-chunks the body starting at `pos`; on kComplete, `pos` is just past the final CRLF.
ChunkedResult parse_chunked_body(std::string_view buffer, size_t& pos, std::string& body,
                                 size_t max_body_bytes) {
  body.clear();
  while (true) {
    const size_t line_end = buffer.find(kCrlf, pos);
    if (line_end == std::string_view::npos) {
      return buffer.size() - pos > 1024 ? ChunkedResult::kError : ChunkedResult::kNeedMore;
    }
    std::string_view size_text = buffer.substr(pos, line_end - pos);
    size_text = trim_spaces(size_text.substr(0, size_text.find(';')));
    size_t chunk_size = 0;
    const auto [end, ec] =
        std::from_chars(size_text.data(), size_text.data() + size_text.size(), chunk_size, 16);
    if (size_text.empty() || ec != std::errc() || end != size_text.data() + size_text.size()) {
      return ChunkedResult::kError;
    }
    pos = line_end + kCrlf.size();
    if (chunk_size == 0) break;
    if (chunk_size > max_body_bytes || body.size() + chunk_size > max_body_bytes) {
      return ChunkedResult::kError;
    }
    if (buffer.size() - pos < chunk_size + kCrlf.size()) return ChunkedResult::kNeedMore;
    if (buffer.substr(pos + chunk_size, kCrlf.size()) != kCrlf) return ChunkedResult::kError;
    body.append(buffer.substr(pos, chunk_size));
    pos += chunk_size + kCrlf.size();
  }
  // Trailer fields, ignored, up to the empty line.
  while (true) {
    const size_t line_end = buffer.find(kCrlf, pos);
    if (line_end == std::string_view::npos) return ChunkedResult::kNeedMore;
    const bool empty_line = line_end == pos;
    pos = line_end + kCrlf.size();
    if (empty_line) return ChunkedResult::kComplete;
  }
}

}  // namespace

bool equals_ignore_case(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

const std::string* HttpRequest::header(std::string_view name) const {
  for (const auto& [key, value] : headers) {
    if (equals_ignore_case(key, name)) return &value;
  }
  return nullptr;
}

bool HttpRequest::keep_alive() const {
  const std::string* connection = header("Connection");
  if (minor_version == 0) return connection != nullptr && list_contains(*connection, "keep-alive");
  return connection == nullptr || !list_contains(*connection, "close");
}

bool HttpRequest::expects_continue() const {
  const std::string* expect = header("Expect");
  return minor_version == 1 && expect != nullptr && equals_ignore_case(*expect, "100-continue");
}

HttpParseResult parse_http_request(std::string_view buffer, HttpRequest& request,
                                   const HttpParseLimits& limits) {
  // Empty lines before a request line are allowed (RFC 9112 section 2.2).
  size_t start = 0;
  while (buffer.substr(start, kCrlf.size()) == kCrlf) start += kCrlf.size();

  HttpParseResult result;
  const size_t header_end = buffer.find("\r\n\r\n", start);
  if (header_end == std::string_view::npos) {
    if (buffer.size() - start > limits.max_header_bytes) {
      return error(431, "request header section too large");
    }
    return result;
  }
  if (header_end - start > limits.max_header_bytes) {
    return error(431, "request header section too large");
  }

  request = HttpRequest{};
  std::string_view head = buffer.substr(start, header_end - start);
  const size_t request_line_end = std::min(head.find(kCrlf), head.size());
  if (!parse_request_line(head.substr(0, request_line_end), request)) {
    return error(400, "malformed request line");
  }
  head.remove_prefix(std::min(head.size(), request_line_end + kCrlf.size()));
  while (!head.empty()) {
    const size_t line_end = std::min(head.find(kCrlf), head.size());
    if (!parse_header_line(head.substr(0, line_end), request)) {
      return error(400, "malformed header line");
    }
    head.remove_prefix(std::min(head.size(), line_end + kCrlf.size()));
  }
  result.headers_complete = true;

  size_t body_start = header_end + 4;
  const std::string* transfer_encoding = request.header("Transfer-Encoding");
  const std::string* content_length = request.header("Content-Length");
  if (transfer_encoding != nullptr) {
    if (content_length != nullptr) return error(400, "both Transfer-Encoding and Content-Length");
    if (!list_contains(*transfer_encoding, "chunked")) {
      return error(501, "unsupported transfer coding: " + *transfer_encoding);
    }
    size_t pos = body_start;
    switch (parse_chunked_body(buffer, pos, request.body, limits.max_body_bytes)) {
      case ChunkedResult::kNeedMore:
        request.body.clear();
        return result;
      case ChunkedResult::kError:
        return error(400, "malformed chunked body");
      case ChunkedResult::kComplete:
        result.status = HttpParseStatus::kComplete;
        result.consumed = pos;
        return result;
    }
  }

  size_t length = 0;
  if (content_length != nullptr) {
    const std::string& text = *content_length;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), length);
    if (text.empty() || ec != std::errc() || end != text.data() + text.size()) {
      return error(400, "invalid Content-Length");
    }
    for (const auto& [name, value] : request.headers) {
      if (equals_ignore_case(name, "Content-Length") && value != text) {
        return error(400, "conflicting Content-Length headers");
      }
    }
    if (length > limits.max_body_bytes) return error(413, "request body too large");
  }
  if (buffer.size() - body_start < length) return result;
  request.body = std::string(buffer.substr(body_start, length));
  result.status = HttpParseStatus::kComplete;
  result.consumed = body_start + length;
  return result;
}

std::string_view http_reason_phrase(int status) {
  switch (status) {
    case 100:
      return "Continue";
    case 200:
      return "OK";
    case 201:
      return "Created";
    case 204:
      return "No Content";
    case 400:
      return "Bad Request";
    case 401:
      return "Unauthorized";
    case 403:
      return "Forbidden";
    case 404:
      return "Not Found";
    case 405:
      return "Method Not Allowed";
    case 408:
      return "Request Timeout";
    case 413:
      return "Content Too Large";
    case 422:
      return "Unprocessable Content";
    case 429:
      return "Too Many Requests";
    case 431:
      return "Request Header Fields Too Large";
    case 500:
      return "Internal Server Error";
    case 501:
      return "Not Implemented";
    case 502:
      return "Bad Gateway";
    case 503:
      return "Service Unavailable";
    case 504:
      return "Gateway Timeout";
    default:
      return "Status";
  }
}

namespace {

std::string status_and_headers(const HttpResponse& response, bool close,
                               std::string_view framing_header) {
  std::string out;
  out.reserve(160 + response.body.size());
  out += "HTTP/1.1 ";
  out += std::to_string(response.status);
  out += ' ';
  out += http_reason_phrase(response.status);
  out += "\r\nContent-Type: ";
  out += response.content_type;
  out += "\r\n";
  out += framing_header;
  out += "\r\n";
  for (const auto& [name, value] : response.headers) {
    out += name;
    out += ": ";
    out += value;
    out += "\r\n";
  }
  if (close) out += "Connection: close\r\n";
  out += "\r\n";
  return out;
}

}  // namespace

std::string serialize_http_response(const HttpResponse& response, bool close) {
  std::string out = status_and_headers(response, close,
                                       "Content-Length: " + std::to_string(response.body.size()));
  out += response.body;
  return out;
}

std::string serialize_chunked_response_head(const HttpResponse& response, bool close) {
  return status_and_headers(response, close, "Transfer-Encoding: chunked");
}

std::string serialize_chunk(std::string_view data) {
  char size[24];
  std::snprintf(size, sizeof size, "%zx\r\n", data.size());
  std::string out = size;
  out.append(data);
  out += "\r\n";
  return out;
}

}  // namespace evalkit::testing

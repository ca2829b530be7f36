#include "tests/support/http_message.h"

#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace evalkit::testing {
namespace {

using ::testing::HasSubstr;

TEST(HttpMessage, ParsesAContentLengthRequest) {
  const std::string bytes =
      "POST /v1/chat/completions?x=1 HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n"
      "authorization:  Bearer k \r\n\r\nhello";
  HttpRequest request;
  const HttpParseResult result = parse_http_request(bytes, request);
  ASSERT_EQ(result.status, HttpParseStatus::kComplete);
  EXPECT_EQ(result.consumed, bytes.size());
  EXPECT_EQ(request.method, "POST");
  EXPECT_EQ(request.target, "/v1/chat/completions?x=1");
  EXPECT_EQ(request.path, "/v1/chat/completions");
  EXPECT_EQ(request.body, "hello");
  ASSERT_NE(request.header("Authorization"), nullptr);
  EXPECT_EQ(*request.header("AUTHORIZATION"), "Bearer k");
  EXPECT_TRUE(request.keep_alive());
}

TEST(HttpMessage, WaitsForTheWholeBody) {
  const std::string bytes = "POST / HTTP/1.1\r\nContent-Length: 10\r\nExpect: 100-continue\r\n\r\n";
  HttpRequest request;
  HttpParseResult result = parse_http_request(bytes + "abc", request);
  EXPECT_EQ(result.status, HttpParseStatus::kNeedMore);
  EXPECT_TRUE(result.headers_complete);
  EXPECT_TRUE(request.expects_continue());
  result = parse_http_request("POST / HTTP/1.1\r\nContent-Le", request);
  EXPECT_EQ(result.status, HttpParseStatus::kNeedMore);
  EXPECT_FALSE(result.headers_complete);
}

TEST(HttpMessage, TakesPipelinedRequestsOneAtATime) {
  const std::string first = "GET /a HTTP/1.1\r\nHost: x\r\n\r\n";
  const std::string second = "POST /b HTTP/1.1\r\nContent-Length: 2\r\nConnection: close\r\n\r\nhi";
  const std::string both = first + second;
  HttpRequest request;
  HttpParseResult result = parse_http_request(both, request);
  ASSERT_EQ(result.status, HttpParseStatus::kComplete);
  EXPECT_EQ(result.consumed, first.size());
  EXPECT_EQ(request.path, "/a");
  result = parse_http_request(std::string_view(both).substr(result.consumed), request);
  ASSERT_EQ(result.status, HttpParseStatus::kComplete);
  EXPECT_EQ(request.path, "/b");
  EXPECT_EQ(request.body, "hi");
  EXPECT_FALSE(request.keep_alive());
}

TEST(HttpMessage, DechunksBodiesAndSkipsTrailers) {
  const std::string bytes =
      "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n"
      "4;ext=1\r\nWiki\r\n6\r\npedia \r\nE\r\nin \r\n\r\nchunks.\r\n0\r\nX-Trailer: y\r\n\r\nNEXT";
  HttpRequest request;
  const HttpParseResult result = parse_http_request(bytes, request);
  ASSERT_EQ(result.status, HttpParseStatus::kComplete);
  EXPECT_EQ(request.body, "Wikipedia in \r\n\r\nchunks.");
  EXPECT_EQ(bytes.substr(result.consumed), "NEXT");
  // Every proper prefix is incomplete, never an error.
  for (size_t cut = 0; cut < result.consumed; ++cut) {
    EXPECT_EQ(parse_http_request(bytes.substr(0, cut), request).status, HttpParseStatus::kNeedMore)
        << cut;
  }
}

TEST(HttpMessage, RejectsWhatIsNotHttp) {
  HttpRequest request;
  EXPECT_EQ(parse_http_request("hello\r\n\r\n", request).error_status, 400);
  EXPECT_EQ(parse_http_request("GET / HTTP/2.0\r\n\r\n", request).error_status, 400);
  EXPECT_EQ(parse_http_request("GET / HTTP/1.1\r\nbad header\r\n\r\n", request).error_status, 400);
  EXPECT_EQ(
      parse_http_request("POST / HTTP/1.1\r\nContent-Length: x\r\n\r\n", request).error_status,
      400);
  EXPECT_EQ(
      parse_http_request("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", request)
          .error_status,
      400);
  EXPECT_EQ(parse_http_request("POST / HTTP/1.1\r\nTransfer-Encoding: gzip\r\n\r\n", request)
                .error_status,
            501);
  HttpParseLimits limits;
  limits.max_body_bytes = 10;
  EXPECT_EQ(parse_http_request("POST / HTTP/1.1\r\nContent-Length: 11\r\n\r\n", request, limits)
                .error_status,
            413);
  limits.max_header_bytes = 8;
  EXPECT_EQ(parse_http_request("GET / HTTP/1.1\r\nHost: x", request, limits).error_status, 431);
}

TEST(HttpMessage, HttpOneZeroClosesUnlessAskedToKeepAlive) {
  HttpRequest request;
  parse_http_request("GET / HTTP/1.0\r\n\r\n", request);
  EXPECT_FALSE(request.keep_alive());
  parse_http_request("GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n", request);
  EXPECT_TRUE(request.keep_alive());
}

TEST(HttpMessage, SerializesResponses) {
  HttpResponse response;
  response.status = 429;
  response.headers.emplace_back("Retry-After", "3");
  response.body = "{}";
  const std::string bytes = serialize_http_response(response, true);
  EXPECT_THAT(bytes, ::testing::StartsWith("HTTP/1.1 429 Too Many Requests\r\n"));
  EXPECT_THAT(bytes, HasSubstr("Content-Length: 2\r\n"));
  EXPECT_THAT(bytes, HasSubstr("Retry-After: 3\r\n"));
  EXPECT_THAT(bytes, HasSubstr("Connection: close\r\n"));
  EXPECT_THAT(bytes, ::testing::EndsWith("\r\n\r\n{}"));
}

}  // namespace
}  // namespace evalkit::testing

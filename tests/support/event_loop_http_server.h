// A small HTTP/1.1 server on 127.0.0.1 for tests and benchmarks: one epoll thread serves all
// connections (keep-alive, pipelining, delayed answers on timers), so hundreds of requests can
// wait out a simulated latency without a thread or a sleep each.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "tests/support/http_message.h"

namespace evalkit::testing {

// A piece of a streamed answer body, sent `after` the piece before it (the first piece goes
// with the status line, after the reply's delay).
struct StreamPart {
  std::chrono::milliseconds after{0};
  std::string data;
};

// What to do with one request: answer `response` after `delay`, or, with
// `close_without_answer`, close the connection after `delay` without answering. With `stream`,
// the body is sent in those pieces with chunked transfer coding (response.body is ignored),
// as a server-sent-events endpoint does; `cut_stream` closes the connection after the last
// piece without ending the body, as a dropped stream looks.
struct HttpReply {
  HttpResponse response;
  std::chrono::milliseconds delay{0};
  bool close_without_answer = false;
  std::vector<StreamPart> stream;
  bool cut_stream = false;
};

// Decides the answers. Both methods run on the server's I/O thread, one call at a time.
class HttpHandler {
 public:
  virtual ~HttpHandler() = default;
  // The reply to a complete request.
  virtual HttpReply handle(HttpRequest& request) = 0;
  // The answer to bytes that are not a valid request; the connection closes after it.
  virtual HttpResponse reject(int status, std::string_view message) = 0;
};

class EventLoopHttpServer {
 public:
  // Listens on 127.0.0.1:`port` (0 picks a free port) and starts the I/O thread, which calls
  // `handler` until stop(). `handler` must outlive the server. Throws std::runtime_error when
  // the socket cannot be set up.
  EventLoopHttpServer(uint16_t port, HttpHandler& handler, HttpParseLimits limits = {});
  ~EventLoopHttpServer();  // stop()s
  EventLoopHttpServer(const EventLoopHttpServer&) = delete;
  EventLoopHttpServer& operator=(const EventLoopHttpServer&) = delete;

  uint16_t port() const { return port_; }
  // Stops the I/O thread and closes every connection; answers still waiting are dropped.
  // Safe to call more than once, from any thread but the I/O thread.
  void stop();
  uint64_t connections_accepted() const { return connections_accepted_.load(); }

 private:
  class Loop;
  std::unique_ptr<Loop> loop_;
  uint16_t port_ = 0;
  std::atomic<uint64_t> connections_accepted_{0};
};

}  // namespace evalkit::testing

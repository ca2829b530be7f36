// One libcurl multi loop on its own thread. Requests in flight hold no other thread: callers
// submit and get a callback. Connections are reused (HTTP/2 multiplexing where offered).
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace evalkit {

struct HttpRequest {
  std::string method = "POST";
  std::string url;
  std::vector<std::string> headers;  // "Name: value"
  std::string body;
  double timeout_s = 60;  // whole attempt, connect included
  // Requests sharing a pool share its concurrency limit and rate limits (one pool per
  // provider, so generation, judge and embedding calls to it all count).
  std::string pool;
  // What this request is expected to cost against the pool's tokens-per-minute limit;
  // corrected with correct_pool_tokens() once the real usage is known.
  double estimated_tokens = 0;
  // Streamed answers (server-sent events): also note when each piece of the body arrived
  // (HttpResponse::arrivals), so a parser can tell when each event came. Off, the body costs
  // nothing extra.
  bool timestamp_body = false;
};

// A piece of a streamed body: the byte offset where it starts and when it arrived, in seconds
// since the attempt started.
struct BodyArrival {
  size_t offset = 0;
  double elapsed_s = 0;
};

struct HttpResponse {
  int status = 0;                 // HTTP status; 0 when no response arrived
  std::string body;
  std::string retry_after;        // value of the Retry-After header, if any
  std::string content_type;
  std::string transport_error;    // empty on a completed exchange
  bool timed_out = false;
  bool body_too_large = false;    // the body exceeded HttpClientOptions::max_body_bytes
  double elapsed_s = 0;
  // With HttpRequest::timestamp_body: one entry per piece, in order (offsets increase).
  std::vector<BodyArrival> arrivals;
};

// When the byte at offset arrived: the elapsed_s of the piece that holds it (the last piece's
// for an offset past the end); 0 when there are no arrivals.
double arrival_time_s(const std::vector<BodyArrival>& arrivals, size_t offset);

struct HttpClientOptions {
  int max_in_flight = 1024;                    // over all pools
  size_t max_body_bytes = 32 * 1024 * 1024;    // larger answers fail the attempt
  double connect_timeout_s = 10;
};

struct HttpClientStats {
  long long requests_started = 0;
  long long requests_finished = 0;
  int max_in_flight_seen = 0;
  long long rate_limited_waits = 0;  // times a request waited for a rate-limit bucket
  long long concurrency_cuts = 0;    // times an adaptive pool halved its concurrency
};

class HttpClient {
 public:
  using Callback = std::function<void(HttpResponse)>;

  explicit HttpClient(const HttpClientOptions& options = {});
  // Stops the loop; requests still queued or in flight complete with transport_error set.
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  // At most limit requests of this pool are in flight at once (default: unlimited).
  void set_pool_limit(const std::string& pool, int limit);

  // Adaptive concurrency for the pool (AdaptiveLimit): a 429 or 503 halves the requests it
  // may have in flight, successes grow them back, never above its limit (set_pool_limit,
  // or max_in_flight when it has none). Call after set_pool_limit.
  void set_pool_adaptive(const std::string& pool, bool adaptive);

  // Token buckets for the pool: at most requests_per_minute requests and tokens_per_minute
  // (estimated) tokens per minute, with a burst of one second's worth; 0 = no limit.
  void set_pool_rate(const std::string& pool, double requests_per_minute,
                     double tokens_per_minute);

  // Charges (or refunds, when negative) tokens to the pool's token bucket: the difference
  // between a request's real usage and its estimate.
  void correct_pool_tokens(const std::string& pool, double tokens);

  // Queues request; done runs exactly once, on the I/O thread, so it must be quick (hand CPU
  // work to TBB). delay_s postpones the start (used for retry backoff).
  void submit(HttpRequest request, Callback done, double delay_s = 0);

  HttpClientStats stats() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace evalkit

#include "evalkit/http/http_client.h"

#include <curl/curl.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <algorithm>
#include <iterator>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <map>
#include <mutex>
#include <optional>
#include <queue>
#include <thread>
#include <unordered_map>

#include "evalkit/base/secrets.h"
#include "evalkit/http/adaptive_limit.h"

namespace evalkit {
namespace {

using Clock = std::chrono::steady_clock;

struct CurlGlobal {
  CurlGlobal() { curl_global_init(CURL_GLOBAL_DEFAULT); }
};

void ensure_curl_global() { static CurlGlobal global; }

std::string trim(std::string s) {
  const auto not_space = [](unsigned char c) { return !std::isspace(c); };
  s.erase(s.begin(), std::find_if(s.begin(), s.end(), not_space));
  s.erase(std::find_if(s.rbegin(), s.rend(), not_space).base(), s.end());
  return s;
}

}  // namespace

struct HttpClient::Impl {
  struct Pending {
    HttpRequest request;
    Callback done;
    Clock::time_point not_before;
    uint64_t sequence = 0;
  };
  struct Transfer {
    CURL* easy = nullptr;
    curl_slist* headers = nullptr;
    HttpRequest request;
    Callback done;
    HttpResponse response;
    Clock::time_point started;
    size_t max_body = 0;
    uint64_t adaptive_epoch = 0;  // the pool's AdaptiveLimit epoch when it started
  };
  // A token bucket refilled continuously at rate_per_s up to one second's worth.
  struct Bucket {
    double rate_per_s = 0;  // 0 = no limit
    double level = 0;
    Clock::time_point refilled{};

    double capacity() const { return std::max(1.0, rate_per_s); }
    void refill(Clock::time_point now) {
      if (rate_per_s <= 0) return;
      if (refilled == Clock::time_point{}) {
        level = capacity();
      } else {
        level = std::min(capacity(),
                         level + rate_per_s * std::chrono::duration<double>(now - refilled).count());
      }
      refilled = now;
    }
    // Whether cost may be taken now; otherwise when it may be (level must reach the smaller
    // of cost and capacity, so a request larger than the burst still goes, alone).
    bool ready(double cost, Clock::time_point now, Clock::time_point* when) const {
      if (rate_per_s <= 0) return true;
      const double needed = std::min(cost, capacity());
      if (level >= needed) return true;
      *when = now + std::chrono::microseconds(
                        static_cast<long long>((needed - level) / rate_per_s * 1e6) + 1);
      return false;
    }
  };
  struct Pool {
    int limit = 0;  // 0 = unlimited
    std::optional<AdaptiveLimit> adaptive;  // lowers limit while the endpoint says slow down
    int in_flight = 0;
    std::deque<Pending> waiting;
    Bucket requests;
    Bucket tokens;
  };
  struct LaterFirst {
    bool operator()(const Pending& a, const Pending& b) const {
      if (a.not_before != b.not_before) return a.not_before > b.not_before;
      return a.sequence > b.sequence;
    }
  };

  HttpClientOptions options;
  CURLM* multi = nullptr;
  // curl tells us which sockets to watch (socket callback) and when to call back (timer
  // callback); epoll then costs O(ready sockets) per turn however many are open.
  int epoll_fd = -1;
  int wake_fd = -1;
  // Set by the first submit after the loop last looked at `incoming`; later submits see it
  // set and skip the eventfd write, so a burst of submits costs one wakeup.
  std::atomic<bool> wake_pending{false};
  // When curl wants CURL_SOCKET_TIMEOUT action; max() when it set no timer.
  Clock::time_point curl_deadline = Clock::time_point::max();
  std::thread loop_thread;

  std::mutex mutex;  // guards incoming, pool_limits_incoming, stopping
  std::vector<Pending> incoming;
  std::map<std::string, int> pool_limits_incoming;
  std::map<std::string, bool> pool_adaptive_incoming;
  std::map<std::string, std::pair<double, double>> pool_rates_incoming;  // rpm, tpm
  std::map<std::string, double> token_corrections_incoming;
  bool stopping = false;
  uint64_t sequence = 0;

  // Owned by the loop thread.
  std::priority_queue<Pending, std::vector<Pending>, LaterFirst> delayed;
  std::unordered_map<std::string, Pool> pools;
  std::deque<std::string> ready_pools;  // round-robin over pools with waiting requests
  int in_flight = 0;
  std::vector<CURL*> idle_easy;
  // Earliest moment a pool held back by a rate limit may start its next request.
  Clock::time_point rate_wake = Clock::time_point::max();
  std::atomic<long long> rate_waits{0};

  std::atomic<long long> started{0}, finished{0};
  std::atomic<int> max_seen{0};
  std::atomic<long long> concurrency_cuts{0};

  static size_t on_body(char* data, size_t size, size_t count, void* user) {
    auto* t = static_cast<Transfer*>(user);
    const size_t n = size * count;
    if (t->response.body.size() + n > t->max_body) {
      t->response.body_too_large = true;
      return 0;  // aborts the transfer
    }
    if (t->request.timestamp_body && n > 0) {
      t->response.arrivals.push_back(
          {t->response.body.size(),
           std::chrono::duration<double>(Clock::now() - t->started).count()});
    }
    t->response.body.append(data, n);
    return n;
  }

  static size_t on_header(char* data, size_t size, size_t count, void* user) {
    auto* t = static_cast<Transfer*>(user);
    const size_t n = size * count;
    std::string line(data, n);
    const size_t colon = line.find(':');
    if (colon != std::string::npos) {
      std::string name = line.substr(0, colon);
      std::transform(name.begin(), name.end(), name.begin(), ::tolower);
      if (name == "retry-after") t->response.retry_after = trim(line.substr(colon + 1));
      if (name == "content-type") t->response.content_type = trim(line.substr(colon + 1));
    }
    return n;
  }

  void run_loop() {
    std::vector<Pending> batch;
    for (;;) {
      {
        wake_pending = false;
        std::lock_guard<std::mutex> lock(mutex);
        batch.swap(incoming);
        for (const auto& [name, limit] : pool_limits_incoming) pools[name].limit = limit;
        pool_limits_incoming.clear();
        for (const auto& [name, on] : pool_adaptive_incoming) {
          Pool& pool = pools[name];
          pool.adaptive.reset();
          if (on) pool.adaptive.emplace(pool.limit > 0 ? pool.limit : options.max_in_flight);
        }
        pool_adaptive_incoming.clear();
        for (const auto& [name, rates] : pool_rates_incoming) {
          pools[name].requests.rate_per_s = rates.first / 60.0;
          pools[name].tokens.rate_per_s = rates.second / 60.0;
        }
        pool_rates_incoming.clear();
        for (const auto& [name, tokens] : token_corrections_incoming) {
          Pool& pool = pools[name];
          if (pool.tokens.rate_per_s > 0) pool.tokens.level -= tokens;
        }
        token_corrections_incoming.clear();
        if (stopping && in_flight == 0 && batch.empty()) break;
        if (stopping) {
          for (auto& p : batch) fail(std::move(p), "client stopped");
          batch.clear();
          drain_all("client stopped");
        }
      }
      const auto now = Clock::now();
      for (auto& p : batch) {
        if (p.not_before > now) {
          delayed.push(std::move(p));
        } else {
          enqueue_ready(std::move(p));
        }
      }
      batch.clear();
      while (!delayed.empty() && delayed.top().not_before <= now) {
        Pending p = delayed.top();
        delayed.pop();
        enqueue_ready(std::move(p));
      }
      start_ready();

      int timeout_ms = 1000;
      if (curl_deadline != Clock::time_point::max()) {
        const auto wait =
            std::chrono::duration_cast<std::chrono::milliseconds>(curl_deadline - Clock::now()).count();
        timeout_ms = int(std::min<long long>(timeout_ms, std::max<long long>(0, wait)));
      }
      if (!delayed.empty()) {
        const auto wait = std::chrono::duration_cast<std::chrono::milliseconds>(
                              delayed.top().not_before - Clock::now())
                              .count();
        timeout_ms = int(std::min<long long>(timeout_ms, std::max<long long>(0, wait)));
      }
      if (rate_wake != Clock::time_point::max()) {
        const auto wait =
            std::chrono::duration_cast<std::chrono::milliseconds>(rate_wake - Clock::now()).count() + 1;
        timeout_ms = int(std::min<long long>(timeout_ms, std::max<long long>(0, wait)));
      }
      epoll_event events[256];
      const int n = epoll_wait(epoll_fd, events, 256, timeout_ms);
      int running = 0;
      for (int i = 0; i < n; ++i) {
        if (events[i].data.fd == wake_fd) {
          uint64_t drained;
          [[maybe_unused]] ssize_t r = read(wake_fd, &drained, sizeof drained);
          continue;
        }
        int flags = 0;
        if (events[i].events & EPOLLIN) flags |= CURL_CSELECT_IN;
        if (events[i].events & EPOLLOUT) flags |= CURL_CSELECT_OUT;
        if (events[i].events & (EPOLLERR | EPOLLHUP)) flags |= CURL_CSELECT_ERR;
        curl_multi_socket_action(multi, events[i].data.fd, flags, &running);
      }
      if (Clock::now() >= curl_deadline) {
        curl_deadline = Clock::time_point::max();
        curl_multi_socket_action(multi, CURL_SOCKET_TIMEOUT, 0, &running);
      }
      collect_finished();
    }
  }

  static int on_socket(CURL*, curl_socket_t fd, int what, void* user, void*) {
    auto* self = static_cast<Impl*>(user);
    if (what == CURL_POLL_REMOVE) {
      epoll_ctl(self->epoll_fd, EPOLL_CTL_DEL, fd, nullptr);
      return 0;
    }
    epoll_event event{};
    event.data.fd = fd;
    if (what & CURL_POLL_IN) event.events |= EPOLLIN;
    if (what & CURL_POLL_OUT) event.events |= EPOLLOUT;
    if (epoll_ctl(self->epoll_fd, EPOLL_CTL_MOD, fd, &event) != 0) {
      epoll_ctl(self->epoll_fd, EPOLL_CTL_ADD, fd, &event);
    }
    return 0;
  }

  static int on_timer(CURLM*, long timeout_ms, void* user) {
    static_cast<Impl*>(user)->curl_deadline =
        timeout_ms < 0 ? Clock::time_point::max()
                       : Clock::now() + std::chrono::milliseconds(timeout_ms);
    return 0;
  }

  void wake() {
    if (wake_pending.exchange(true)) return;
    const uint64_t one = 1;
    [[maybe_unused]] ssize_t r = write(wake_fd, &one, sizeof one);
  }

  void enqueue_ready(Pending p) {
    Pool& pool = pools[p.request.pool];
    if (pool.waiting.empty()) ready_pools.push_back(p.request.pool);
    pool.waiting.push_back(std::move(p));
  }

  // Starts waiting requests while the global and per-pool limits allow, round-robin over
  // pools so one busy provider cannot starve another.
  void start_ready() {
    const auto now = Clock::now();
    rate_wake = Clock::time_point::max();
    size_t scanned = 0;
    while (in_flight < options.max_in_flight && !ready_pools.empty() &&
           scanned < ready_pools.size()) {
      const std::string name = ready_pools.front();
      ready_pools.pop_front();
      Pool& pool = pools[name];
      if (pool.waiting.empty()) {
        scanned = 0;
        continue;
      }
      const int allowed = pool.adaptive ? pool.adaptive->current() : pool.limit;
      if (allowed > 0 && pool.in_flight >= allowed) {
        ready_pools.push_back(name);
        ++scanned;
        continue;
      }
      pool.requests.refill(now);
      pool.tokens.refill(now);
      Clock::time_point when_requests = now, when_tokens = now;
      const double cost = pool.waiting.front().request.estimated_tokens;
      const bool requests_ok = pool.requests.ready(1, now, &when_requests);
      const bool tokens_ok = pool.tokens.ready(cost, now, &when_tokens);
      if (!requests_ok || !tokens_ok) {
        // Held back by a rate limit: look again when the slower bucket has refilled.
        rate_wake = std::min(rate_wake, std::max(when_requests, when_tokens));
        ++rate_waits;
        ready_pools.push_back(name);
        ++scanned;
        continue;
      }
      if (pool.requests.rate_per_s > 0) pool.requests.level -= 1;
      if (pool.tokens.rate_per_s > 0) pool.tokens.level -= cost;
      scanned = 0;
      Pending p = std::move(pool.waiting.front());
      pool.waiting.pop_front();
      if (!pool.waiting.empty()) ready_pools.push_back(name);
      start_transfer(std::move(p));
    }
  }

  void start_transfer(Pending p) {
    auto* t = new Transfer;
    t->request = std::move(p.request);
    t->done = std::move(p.done);
    t->max_body = options.max_body_bytes;
    if (!idle_easy.empty()) {
      t->easy = idle_easy.back();
      idle_easy.pop_back();
      curl_easy_reset(t->easy);
    } else {
      t->easy = curl_easy_init();
    }
    CURL* e = t->easy;
    for (const auto& h : t->request.headers) t->headers = curl_slist_append(t->headers, h.c_str());
    curl_easy_setopt(e, CURLOPT_URL, t->request.url.c_str());
    curl_easy_setopt(e, CURLOPT_HTTPHEADER, t->headers);
    if (t->request.method == "POST") {
      curl_easy_setopt(e, CURLOPT_POST, 1L);
      curl_easy_setopt(e, CURLOPT_POSTFIELDS, t->request.body.data());
      curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(t->request.body.size()));
    } else if (t->request.method != "GET") {
      curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, t->request.method.c_str());
    }
    curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, &Impl::on_body);
    curl_easy_setopt(e, CURLOPT_WRITEDATA, t);
    curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, &Impl::on_header);
    curl_easy_setopt(e, CURLOPT_HEADERDATA, t);
    curl_easy_setopt(e, CURLOPT_PRIVATE, t);
    curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, long(t->request.timeout_s * 1000));
    curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, long(options.connect_timeout_s * 1000));
    // HTTP/2 over TLS when the server offers it; plain http stays HTTP/1.1 with keep-alive.
    curl_easy_setopt(e, CURLOPT_HTTP_VERSION, long(CURL_HTTP_VERSION_2TLS));
    // Waiting to learn whether a connection multiplexes only pays off where HTTP/2 can be
    // negotiated (TLS); on plain http it would hold the first wave behind one response.
    if (t->request.url.rfind("https://", 0) == 0) curl_easy_setopt(e, CURLOPT_PIPEWAIT, 1L);
    curl_easy_setopt(e, CURLOPT_TCP_KEEPALIVE, 1L);
    curl_easy_setopt(e, CURLOPT_TCP_NODELAY, 1L);
    curl_easy_setopt(e, CURLOPT_ACCEPT_ENCODING, "");
    curl_easy_setopt(e, CURLOPT_USERAGENT, "evalkit/" EVALKIT_VERSION);
    // Only HTTP(S), also after a redirect: a base URL of file:// or gopher:// must not work.
    curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(e, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
    t->started = Clock::now();
    Pool& pool = pools[t->request.pool];
    if (pool.adaptive) t->adaptive_epoch = pool.adaptive->epoch();
    ++pool.in_flight;
    ++in_flight;
    ++started;
    if (in_flight > max_seen.load()) max_seen = in_flight;
    curl_multi_add_handle(multi, e);
  }

  void collect_finished() {
    int left = 0;
    while (CURLMsg* msg = curl_multi_info_read(multi, &left)) {
      if (msg->msg != CURLMSG_DONE) continue;
      CURL* e = msg->easy_handle;
      Transfer* t = nullptr;
      curl_easy_getinfo(e, CURLINFO_PRIVATE, &t);
      const CURLcode code = msg->data.result;
      long status = 0;
      curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, &status);
      t->response.status = int(status);
      t->response.elapsed_s =
          std::chrono::duration<double>(Clock::now() - t->started).count();
      if (code != CURLE_OK) {
        t->response.timed_out = code == CURLE_OPERATION_TIMEDOUT;
        if (t->response.body_too_large) {
          t->response.transport_error =
              "response body larger than " + std::to_string(options.max_body_bytes) + " bytes";
        } else if (code == CURLE_PARTIAL_FILE) {
          // A stream (or a body) cut off by the server or the network.
          t->response.transport_error = "the connection closed before the whole answer arrived";
        } else {
          t->response.transport_error = curl_easy_strerror(code);
        }
      }
      curl_multi_remove_handle(multi, e);
      curl_slist_free_all(t->headers);
      idle_easy.push_back(e);
      Pool& pool = pools[t->request.pool];
      --pool.in_flight;
      --in_flight;
      if (pool.adaptive) {
        // 429 (rate limited) and 503 (overloaded) mean "fewer at once"; other failures say
        // nothing about concurrency.
        if (status == 429 || status == 503) {
          const int before = pool.adaptive->cuts();
          pool.adaptive->on_throttled(t->adaptive_epoch);
          concurrency_cuts += pool.adaptive->cuts() - before;
        } else if (code == CURLE_OK && status >= 200 && status < 300) {
          pool.adaptive->on_success();
        }
      }
      ++finished;
      Callback done = std::move(t->done);
      HttpResponse response = std::move(t->response);
      // An endpoint may echo a key (in an error, or in an answer); no caller sees it.
      redact_secrets_in_place(&response.body);
      delete t;
      done(std::move(response));
    }
  }

  void fail(Pending p, const std::string& why) {
    HttpResponse response;
    response.transport_error = why;
    p.done(std::move(response));
  }

  // Called with mutex held while stopping: fails every request not yet started.
  void drain_all(const std::string& why) {
    while (!delayed.empty()) {
      Pending p = delayed.top();
      delayed.pop();
      fail(std::move(p), why);
    }
    for (auto& [name, pool] : pools) {
      for (auto& p : pool.waiting) fail(std::move(p), why);
      pool.waiting.clear();
    }
    ready_pools.clear();
  }
};

double arrival_time_s(const std::vector<BodyArrival>& arrivals, size_t offset) {
  if (arrivals.empty()) return 0;
  // The last piece starting at or before offset holds it.
  auto after = std::upper_bound(arrivals.begin(), arrivals.end(), offset,
                                [](size_t at, const BodyArrival& a) { return at < a.offset; });
  if (after == arrivals.begin()) return arrivals.front().elapsed_s;
  return std::prev(after)->elapsed_s;
}

HttpClient::HttpClient(const HttpClientOptions& options) : impl_(std::make_unique<Impl>()) {
  ensure_curl_global();
  impl_->options = options;
  impl_->multi = curl_multi_init();
  impl_->epoll_fd = epoll_create1(EPOLL_CLOEXEC);
  impl_->wake_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  epoll_event wake_event{};
  wake_event.events = EPOLLIN;
  wake_event.data.fd = impl_->wake_fd;
  epoll_ctl(impl_->epoll_fd, EPOLL_CTL_ADD, impl_->wake_fd, &wake_event);
  curl_multi_setopt(impl_->multi, CURLMOPT_SOCKETFUNCTION, &Impl::on_socket);
  curl_multi_setopt(impl_->multi, CURLMOPT_SOCKETDATA, impl_.get());
  curl_multi_setopt(impl_->multi, CURLMOPT_TIMERFUNCTION, &Impl::on_timer);
  curl_multi_setopt(impl_->multi, CURLMOPT_TIMERDATA, impl_.get());
  curl_multi_setopt(impl_->multi, CURLMOPT_PIPELINING, long(CURLPIPE_MULTIPLEX));
  curl_multi_setopt(impl_->multi, CURLMOPT_MAXCONNECTS, long(std::max(64, options.max_in_flight)));
  impl_->loop_thread = std::thread([this] { impl_->run_loop(); });
}

HttpClient::~HttpClient() {
  {
    std::lock_guard<std::mutex> lock(impl_->mutex);
    impl_->stopping = true;
  }
  impl_->wake();
  impl_->loop_thread.join();
  for (CURL* e : impl_->idle_easy) curl_easy_cleanup(e);
  curl_multi_cleanup(impl_->multi);
  close(impl_->epoll_fd);
  close(impl_->wake_fd);
}

void HttpClient::set_pool_limit(const std::string& pool, int limit) {
  {
    std::lock_guard<std::mutex> lock(impl_->mutex);
    impl_->pool_limits_incoming[pool] = limit;
  }
  impl_->wake();
}

void HttpClient::set_pool_adaptive(const std::string& pool, bool adaptive) {
  {
    std::lock_guard<std::mutex> lock(impl_->mutex);
    impl_->pool_adaptive_incoming[pool] = adaptive;
  }
  impl_->wake();
}

void HttpClient::submit(HttpRequest request, Callback done, double delay_s) {
  Impl::Pending p;
  p.request = std::move(request);
  p.done = std::move(done);
  p.not_before = Clock::now() + std::chrono::microseconds(static_cast<long long>(delay_s * 1e6));
  {
    std::lock_guard<std::mutex> lock(impl_->mutex);
    if (!impl_->stopping) {
      p.sequence = impl_->sequence++;
      impl_->incoming.push_back(std::move(p));
      p.done = nullptr;
    }
  }
  if (p.done) {
    HttpResponse response;
    response.transport_error = "client stopped";
    p.done(std::move(response));
    return;
  }
  impl_->wake();
}

void HttpClient::set_pool_rate(const std::string& pool, double requests_per_minute,
                               double tokens_per_minute) {
  {
    std::lock_guard<std::mutex> lock(impl_->mutex);
    impl_->pool_rates_incoming[pool] = {requests_per_minute, tokens_per_minute};
  }
  impl_->wake();
}

void HttpClient::correct_pool_tokens(const std::string& pool, double tokens) {
  if (tokens == 0) return;
  {
    std::lock_guard<std::mutex> lock(impl_->mutex);
    impl_->token_corrections_incoming[pool] += tokens;
  }
  impl_->wake();
}

HttpClientStats HttpClient::stats() const {
  HttpClientStats s;
  s.requests_started = impl_->started;
  s.requests_finished = impl_->finished;
  s.max_in_flight_seen = impl_->max_seen;
  s.rate_limited_waits = impl_->rate_waits;
  s.concurrency_cuts = impl_->concurrency_cuts;
  return s;
}

}  // namespace evalkit

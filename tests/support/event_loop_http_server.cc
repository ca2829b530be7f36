#include "tests/support/event_loop_http_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <deque>
#include <functional>
#include <mutex>
#include <queue>
#include <stdexcept>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

namespace evalkit::testing {
namespace {

using Clock = std::chrono::steady_clock;

// epoll user data for the loop's own descriptors; connections count up from kFirstConnectionId.
constexpr uint64_t kListenId = 0;
constexpr uint64_t kWakeId = 1;
constexpr uint64_t kTimerId = 2;
constexpr uint64_t kFirstConnectionId = 16;

constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";

[[noreturn]] void throw_errno(const std::string& what) {
  throw std::runtime_error(what + ": " + std::strerror(errno));
}

// One answer waiting its turn: answers leave in request order (RFC 9112 pipelining).
struct PendingAnswer {
  Clock::time_point ready;
  std::string bytes;
  bool close_without_answer = false;
  bool close_after = false;
};

struct Connection {
  int fd = -1;
  std::string in;
  std::string out;
  size_t out_offset = 0;
  std::deque<PendingAnswer> pending;
  bool stop_parsing = false;  // a request asked to close, or the bytes were not HTTP
  bool close_after_flush = false;
  bool sent_continue = false;  // for the request whose body is still arriving
  bool watching_writable = false;
};

struct Timer {
  Clock::time_point deadline;
  uint64_t connection_id;
  bool operator>(const Timer& other) const { return deadline > other.deadline; }
};

// Answers due within the same millisecond share one timer wakeup; none leaves early.
Clock::time_point round_up_to_millisecond(Clock::time_point t) {
  return std::chrono::ceil<std::chrono::milliseconds>(t);
}

}  // namespace

class EventLoopHttpServer::Loop {
 public:
  Loop(int listen_fd, HttpHandler& handler, HttpParseLimits limits,
       std::atomic<uint64_t>& connections_accepted)
      : listen_fd_(listen_fd),
        handler_(handler),
        limits_(limits),
        connections_accepted_(connections_accepted) {
    epoll_fd_ = epoll_create1(EPOLL_CLOEXEC);
    wake_fd_ = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    timer_fd_ = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
    if (epoll_fd_ < 0 || wake_fd_ < 0 || timer_fd_ < 0) {
      close_fds();
      throw_errno("cannot set up the event loop");
    }
    try {
      watch(listen_fd_, kListenId, EPOLLIN);
      watch(wake_fd_, kWakeId, EPOLLIN);
      watch(timer_fd_, kTimerId, EPOLLIN);
    } catch (...) {
      close_fds();
      throw;
    }
    thread_ = std::thread([this] { run(); });
  }

  ~Loop() {
    stop();
    close_fds();
  }

  void stop() {
    std::lock_guard lock(stop_mutex_);
    if (!thread_.joinable()) return;
    stopping_.store(true);
    const uint64_t one = 1;
    [[maybe_unused]] ssize_t n = write(wake_fd_, &one, sizeof one);
    thread_.join();
    // Closing the listening socket too makes later connection attempts fail fast.
    close_fds();
  }

 private:
  void close_fds() {
    for (auto& [id, connection] : connections_) close(connection.fd);
    connections_.clear();
    for (int* fd : {&listen_fd_, &wake_fd_, &timer_fd_, &epoll_fd_}) {
      if (*fd >= 0) close(*fd);
      *fd = -1;
    }
  }

  void watch(int fd, uint64_t id, uint32_t events) {
    epoll_event event{};
    event.events = events;
    event.data.u64 = id;
    if (epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, fd, &event) != 0) throw_errno("epoll_ctl");
  }

  void run() {
    std::vector<epoll_event> events(256);
    while (!stopping_.load()) {
      const int n = epoll_wait(epoll_fd_, events.data(), int(events.size()), -1);
      if (n < 0) {
        if (errno == EINTR) continue;
        break;
      }
      for (int i = 0; i < n; ++i) {
        const uint64_t id = events[i].data.u64;
        const uint32_t flags = events[i].events;
        if (id == kListenId) {
          accept_all();
        } else if (id == kTimerId) {
          fire_timers();
        } else if (id == kWakeId) {
          uint64_t value;
          [[maybe_unused]] ssize_t r = read(wake_fd_, &value, sizeof value);
        } else {
          if (flags & EPOLLOUT) write_some(id);
          if (flags & (EPOLLIN | EPOLLRDHUP | EPOLLHUP | EPOLLERR)) read_some(id);
        }
      }
    }
  }

  void accept_all() {
    while (true) {
      const int fd = accept4(listen_fd_, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
      if (fd < 0) return;  // EAGAIN, or out of descriptors: the rest wait in the backlog
      const int one = 1;
      setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
      const uint64_t id = next_connection_id_++;
      connections_[id].fd = fd;
      watch(fd, id, EPOLLIN | EPOLLRDHUP);
      connections_accepted_.fetch_add(1);
    }
  }

  Connection* find(uint64_t id) {
    const auto it = connections_.find(id);
    return it == connections_.end() ? nullptr : &it->second;
  }

  void close_connection(uint64_t id) {
    const auto it = connections_.find(id);
    if (it == connections_.end()) return;
    // Half-close first so answers already sent are not lost to a reset.
    shutdown(it->second.fd, SHUT_WR);
    close(it->second.fd);
    connections_.erase(it);
  }

  void read_some(uint64_t id) {
    Connection* connection = find(id);
    if (connection == nullptr) return;
    char buffer[65536];
    while (true) {
      const ssize_t n = recv(connection->fd, buffer, sizeof buffer, 0);
      if (n > 0) {
        if (!connection->stop_parsing) connection->in.append(buffer, size_t(n));
        // A short read drained the socket; epoll is level-triggered and reports anything
        // newer, so the recv that would only say EAGAIN is skipped.
        if (size_t(n) < sizeof buffer) break;
        continue;
      }
      if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) break;
      if (n < 0 && errno == EINTR) continue;
      // The peer closed or reset: nobody is left to read pending answers.
      close_connection(id);
      return;
    }
    parse_requests(id, *connection);
  }

  void parse_requests(uint64_t id, Connection& connection) {
    size_t offset = 0;
    while (!connection.stop_parsing && offset < connection.in.size()) {
      HttpRequest request;
      const std::string_view unparsed = std::string_view(connection.in).substr(offset);
      const HttpParseResult result = parse_http_request(unparsed, request, limits_);
      if (result.status == HttpParseStatus::kNeedMore) {
        if (result.headers_complete && request.expects_continue() && !connection.sent_continue &&
            connection.pending.empty() && connection.out_offset == connection.out.size()) {
          connection.out += kContinue;
          connection.sent_continue = true;
        }
        break;
      }
      if (result.status == HttpParseStatus::kError) {
        connection.stop_parsing = true;
        const HttpResponse response = handler_.reject(result.error_status, result.error_message);
        connection.pending.push_back(
            {Clock::now(), serialize_http_response(response, true), false, true});
        break;
      }
      offset += result.consumed;
      connection.sent_continue = false;
      const bool keep_alive = request.keep_alive();
      HttpReply reply = handler_.handle(request);
      const bool delayed = reply.delay.count() > 0;
      const Clock::time_point ready =
          delayed ? round_up_to_millisecond(Clock::now() + reply.delay) : Clock::now();
      if (!reply.stream.empty() && !reply.close_without_answer) {
        queue_stream(id, connection, reply, ready, keep_alive);
      } else {
        connection.pending.push_back({ready,
                                      reply.close_without_answer
                                          ? std::string()
                                          : serialize_http_response(reply.response, !keep_alive),
                                      reply.close_without_answer, !keep_alive});
        if (delayed) add_timer(ready, id);
      }
      if (!keep_alive) connection.stop_parsing = true;
    }
    connection.in.erase(0, offset);
    if (connection.stop_parsing) connection.in.clear();
    release_ready_answers(id, connection);
  }

  // A streamed answer is one pending entry per piece, each due `after` the one before: the
  // connection's in-order release sends them as their times come.
  void queue_stream(uint64_t id, Connection& connection, const HttpReply& reply,
                    Clock::time_point ready, bool keep_alive) {
    const bool close = !keep_alive || reply.cut_stream;
    std::string head = serialize_chunked_response_head(reply.response, close);
    for (size_t i = 0; i < reply.stream.size(); ++i) {
      const StreamPart& part = reply.stream[i];
      if (i > 0) ready = round_up_to_millisecond(ready + part.after);
      std::string bytes = i == 0 ? std::move(head) : std::string();
      if (!part.data.empty()) bytes += serialize_chunk(part.data);
      connection.pending.push_back({ready, std::move(bytes), false, false});
      if (ready > Clock::now()) add_timer(ready, id);
    }
    if (reply.cut_stream) {
      connection.pending.push_back({ready, std::string(), true, true});
    } else {
      connection.pending.push_back({ready, serialize_chunk(""), false, !keep_alive});
    }
  }

  // Moves answers whose time has come, in order, to the output buffer and writes.
  void release_ready_answers(uint64_t id, Connection& connection) {
    const Clock::time_point now = Clock::now();
    while (!connection.pending.empty() && connection.pending.front().ready <= now) {
      PendingAnswer& answer = connection.pending.front();
      if (!answer.close_without_answer) connection.out += answer.bytes;
      if (answer.close_without_answer || answer.close_after) {
        connection.close_after_flush = true;
        connection.pending.clear();
        break;
      }
      connection.pending.pop_front();
    }
    write_some(id);
  }

  void write_some(uint64_t id) {
    Connection* connection = find(id);
    if (connection == nullptr) return;
    while (connection->out_offset < connection->out.size()) {
      const ssize_t n = send(connection->fd, connection->out.data() + connection->out_offset,
                             connection->out.size() - connection->out_offset, MSG_NOSIGNAL);
      if (n > 0) {
        connection->out_offset += size_t(n);
        continue;
      }
      if (n < 0 && errno == EINTR) continue;
      if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
        set_watch_writable(id, *connection, true);
        return;
      }
      close_connection(id);
      return;
    }
    connection->out.clear();
    connection->out_offset = 0;
    set_watch_writable(id, *connection, false);
    if (connection->close_after_flush) close_connection(id);
  }

  void set_watch_writable(uint64_t id, Connection& connection, bool writable) {
    if (connection.watching_writable == writable) return;
    epoll_event event{};
    event.events = EPOLLIN | EPOLLRDHUP | (writable ? EPOLLOUT : 0u);
    event.data.u64 = id;
    epoll_ctl(epoll_fd_, EPOLL_CTL_MOD, connection.fd, &event);
    connection.watching_writable = writable;
  }

  void add_timer(Clock::time_point deadline, uint64_t id) {
    timers_.push({deadline, id});
    if (!armed_ || deadline < armed_deadline_) arm(deadline);
  }

  void arm(Clock::time_point deadline) {
    itimerspec spec{};
    const auto wait =
        std::max(deadline - Clock::now(), Clock::duration(std::chrono::microseconds(1)));
    const auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(wait).count();
    spec.it_value.tv_sec = time_t(ns / 1000000000);
    spec.it_value.tv_nsec = long(ns % 1000000000);
    timerfd_settime(timer_fd_, 0, &spec, nullptr);
    armed_ = true;
    armed_deadline_ = deadline;
  }

  void fire_timers() {
    uint64_t expirations;
    [[maybe_unused]] ssize_t r = read(timer_fd_, &expirations, sizeof expirations);
    armed_ = false;
    const Clock::time_point now = Clock::now();
    while (!timers_.empty() && timers_.top().deadline <= now) {
      const uint64_t id = timers_.top().connection_id;
      timers_.pop();
      if (Connection* connection = find(id)) release_ready_answers(id, *connection);
    }
    if (!timers_.empty()) arm(timers_.top().deadline);
  }

  int listen_fd_;
  int epoll_fd_ = -1;
  int wake_fd_ = -1;
  int timer_fd_ = -1;
  HttpHandler& handler_;
  HttpParseLimits limits_;
  std::atomic<uint64_t>& connections_accepted_;
  std::atomic<bool> stopping_{false};
  std::mutex stop_mutex_;
  std::thread thread_;
  // Touched by the I/O thread only.
  std::unordered_map<uint64_t, Connection> connections_;
  uint64_t next_connection_id_ = kFirstConnectionId;
  std::priority_queue<Timer, std::vector<Timer>, std::greater<Timer>> timers_;
  bool armed_ = false;
  Clock::time_point armed_deadline_;
};

EventLoopHttpServer::EventLoopHttpServer(uint16_t port, HttpHandler& handler,
                                         HttpParseLimits limits) {
  const int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) throw_errno("socket");
  const int one = 1;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof address;
  // A deep backlog: hundreds of clients connect at once when a benchmark starts.
  if (bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
      listen(fd, 4096) != 0 ||
      getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
    const int saved = errno;
    close(fd);
    errno = saved;
    throw_errno("cannot listen on 127.0.0.1:" + std::to_string(port));
  }
  port_ = ntohs(address.sin_port);
  loop_ = std::make_unique<Loop>(fd, handler, limits, connections_accepted_);
}

EventLoopHttpServer::~EventLoopHttpServer() { stop(); }

void EventLoopHttpServer::stop() {
  if (loop_) loop_->stop();
}

}  // namespace evalkit::testing

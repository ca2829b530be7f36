// fake_openai: the fake OpenAI-compatible server as a program, for benchmarks and for tests
// that run evalkit as a separate process. Prints "listening on URL" once ready, serves until
// SIGTERM, SIGINT or --max-seconds, then prints its statistics as one JSON line.
#include <pthread.h>
#include <signal.h>

#include <cerrno>
#include <cstdio>
#include <ctime>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include <boost/program_options.hpp>
#include <nlohmann/json.hpp>

#include "tests/support/fake_openai_server.h"

namespace po = boost::program_options;
using evalkit::testing::FakeOpenAIServer;
using evalkit::testing::FakeOpenAIServerOptions;

namespace {

std::vector<evalkit::testing::FakeOpenAIRule> read_rules(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot read rules file " + path);
  std::stringstream text;
  text << in.rdbuf();
  const nlohmann::json rules = nlohmann::json::parse(text.str(), nullptr, false);
  if (rules.is_discarded()) throw std::runtime_error(path + ": not valid JSON");
  try {
    return evalkit::testing::parse_fake_openai_rules(rules);
  } catch (const std::invalid_argument& e) {
    throw std::runtime_error(path + ": " + e.what());
  }
}

std::vector<evalkit::testing::MalformedKind> parse_kinds(const std::string& list) {
  std::vector<evalkit::testing::MalformedKind> kinds;
  std::stringstream in(list);
  std::string name;
  while (std::getline(in, name, ',')) {
    const auto kind = evalkit::testing::parse_malformed_kind(name);
    if (!kind) throw std::runtime_error("unknown malformed kind '" + name + "'");
    kinds.push_back(*kind);
  }
  return kinds;
}

void check_fraction(const char* name, double value) {
  if (value < 0 || value > 1) {
    throw std::runtime_error(std::string("--") + name + " must be between 0 and 1");
  }
}

}  // namespace

int main(int argc, char** argv) {
  FakeOpenAIServerOptions options;
  int port = 0;
  double max_seconds = 600;
  std::string rules_file, stall_end = "close", malformed_kinds;
  po::options_description flags("fake_openai: a fake OpenAI-compatible server on 127.0.0.1");
  flags.add_options()("help,h", "show this help")("port", po::value(&port)->default_value(0),
                                                  "port to listen on (0 picks a free one)")(
      "latency-ms", po::value(&options.latency_ms)->default_value(0), "delay before each answer")(
      "rules", po::value(&rules_file),
      "JSON file: array of {match, reply, status, raw_body, finish_reason}")(
      "fail-500", po::value(&options.fail_500)->default_value(0), "fraction answered 500")(
      "fail-429", po::value(&options.fail_429)->default_value(0), "fraction answered 429")(
      "retry-after", po::value(&options.retry_after_s)->default_value(1),
      "Retry-After seconds on 429")("retry-after-date",
                                    po::bool_switch(&options.retry_after_http_date),
                                    "send Retry-After as an HTTP-date")(
      "stall", po::value(&options.stall)->default_value(0), "fraction held for --stall-ms")(
      "stall-ms", po::value(&options.stall_ms)->default_value(30000), "how long a stall lasts")(
      "stall-end", po::value(&stall_end)->default_value("close"), "after a stall: close | answer")(
      "malformed", po::value(&options.malformed)->default_value(0),
      "fraction answered with a broken body")(
      "malformed-kinds", po::value(&malformed_kinds),
      "comma-separated subset of truncated_json,invalid_json,wrong_types,missing_choices,"
      "invalid_utf8,html_error_page,oversized (default: all, in rotation)")(
      "oversize-bytes",
      po::value(&options.malformed_oversize_bytes)->default_value(size_t{4} << 20),
      "an oversized body is larger than this")("seed", po::value(&options.seed)->default_value(0),
                                               "seed of the fault draws")(
      "degrade-rate", po::value(&options.degrade_rate)->default_value(0),
      "fraction of chat questions answered with --degrade-reply (the same ones every run)")(
      "degrade-reply", po::value(&options.degrade_reply)->default_value(options.degrade_reply),
      "the degraded answer")(
      "require-api-key", po::value(&options.require_api_key),
      "answer 401 unless `Authorization: Bearer KEY`")(
      "max-seconds", po::value(&max_seconds)->default_value(600),
      "exit after this long even without a signal");

  try {
    po::variables_map vm;
    po::store(po::parse_command_line(argc, argv, flags), vm);
    po::notify(vm);
    if (vm.count("help")) {
      std::cout << flags << "\n";
      return 0;
    }
    if (port < 0 || port > 65535) throw std::runtime_error("--port must be 0..65535");
    options.port = static_cast<uint16_t>(port);
    check_fraction("fail-500", options.fail_500);
    check_fraction("fail-429", options.fail_429);
    check_fraction("stall", options.stall);
    check_fraction("malformed", options.malformed);
    check_fraction("degrade-rate", options.degrade_rate);
    if (stall_end != "close" && stall_end != "answer") {
      throw std::runtime_error("--stall-end must be close or answer");
    }
    options.stall_end = stall_end == "close" ? evalkit::testing::StallEnd::kClose
                                             : evalkit::testing::StallEnd::kAnswer;
    if (!rules_file.empty()) options.rules = read_rules(rules_file);
    if (!malformed_kinds.empty()) options.malformed_kinds = parse_kinds(malformed_kinds);
    if (max_seconds <= 0) throw std::runtime_error("--max-seconds must be positive");
  } catch (const std::exception& e) {
    std::cerr << "fake_openai: " << e.what() << "\n";
    return 2;
  }

  // Block the stop signals before the I/O thread starts so only sigtimedwait sees them.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGTERM);
  sigaddset(&stop_signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

  try {
    FakeOpenAIServer server(options);
    std::printf("listening on %s\n", server.base_url().c_str());
    std::fflush(stdout);

    timespec timeout{};
    timeout.tv_sec = static_cast<time_t>(max_seconds);
    timeout.tv_nsec = static_cast<long>((max_seconds - double(timeout.tv_sec)) * 1e9);
    while (true) {
      const int signal = sigtimedwait(&stop_signals, nullptr, &timeout);
      if (signal >= 0 || errno == EAGAIN) break;  // a stop signal, or time is up
    }
    server.stop();
    std::printf("%s\n", server.stats().to_json().dump().c_str());
    std::fflush(stdout);
  } catch (const std::exception& e) {
    std::cerr << "fake_openai: " << e.what() << "\n";
    return 1;
  }
  return 0;
}

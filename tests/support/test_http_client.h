// A blocking HTTP client for integration tests, on one libcurl easy handle: requests made with
// the same client reuse its connection, as a real client's keep-alive would.
#pragma once

#include <curl/curl.h>

#include <chrono>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace evalkit::testing {

struct HttpResult {
  CURLcode code = CURLE_OK;  // transport outcome; status and body are valid when CURLE_OK
  long status = 0;
  std::string body;
  std::string headers;  // the raw header block(s) as received
  std::string content_type;
  std::chrono::milliseconds elapsed{0};
};

class TestHttpClient {
 public:
  TestHttpClient();
  ~TestHttpClient();
  TestHttpClient(const TestHttpClient&) = delete;
  TestHttpClient& operator=(const TestHttpClient&) = delete;

  // Sends `method` (GET or POST) to `url`; a POST carries `body`. Gives up after `timeout_ms`.
  HttpResult request(const std::string& method, const std::string& url, const std::string& body,
                     const std::vector<std::string>& headers = {}, long timeout_ms = 10000);
  // POSTs `body` as JSON.
  HttpResult post(const std::string& url, const nlohmann::json& body,
                  const std::vector<std::string>& headers = {}, long timeout_ms = 10000);

 private:
  CURL* curl_;
};

}  // namespace evalkit::testing

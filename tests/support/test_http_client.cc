#include "tests/support/test_http_client.h"

#include <stdexcept>

namespace evalkit::testing {
namespace {

size_t append_to_string(char* data, size_t size, size_t count, void* out) {
  static_cast<std::string*>(out)->append(data, size * count);
  return size * count;
}

}  // namespace

TestHttpClient::TestHttpClient() : curl_(curl_easy_init()) {
  if (curl_ == nullptr) throw std::runtime_error("curl_easy_init failed");
}

TestHttpClient::~TestHttpClient() { curl_easy_cleanup(curl_); }

HttpResult TestHttpClient::request(const std::string& method, const std::string& url,
                                   const std::string& body, const std::vector<std::string>& headers,
                                   long timeout_ms) {
  HttpResult result;
  curl_slist* list = nullptr;
  for (const auto& header : headers) list = curl_slist_append(list, header.c_str());
  curl_easy_setopt(curl_, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl_, CURLOPT_HTTPHEADER, list);
  curl_easy_setopt(curl_, CURLOPT_TIMEOUT_MS, timeout_ms);
  curl_easy_setopt(curl_, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl_, CURLOPT_WRITEFUNCTION, append_to_string);
  curl_easy_setopt(curl_, CURLOPT_WRITEDATA, &result.body);
  curl_easy_setopt(curl_, CURLOPT_HEADERFUNCTION, append_to_string);
  curl_easy_setopt(curl_, CURLOPT_HEADERDATA, &result.headers);
  if (method == "POST") {
    curl_easy_setopt(curl_, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(body.size()));
    curl_easy_setopt(curl_, CURLOPT_POSTFIELDS, body.c_str());
  } else {
    curl_easy_setopt(curl_, CURLOPT_HTTPGET, 1L);
  }
  const auto start = std::chrono::steady_clock::now();
  result.code = curl_easy_perform(curl_);
  result.elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(
      std::chrono::steady_clock::now() - start);
  curl_easy_getinfo(curl_, CURLINFO_RESPONSE_CODE, &result.status);
  char* type = nullptr;
  curl_easy_getinfo(curl_, CURLINFO_CONTENT_TYPE, &type);
  if (type != nullptr) result.content_type = type;
  curl_easy_setopt(curl_, CURLOPT_HTTPHEADER, nullptr);
  curl_slist_free_all(list);
  return result;
}

HttpResult TestHttpClient::post(const std::string& url, const nlohmann::json& body,
                                const std::vector<std::string>& headers, long timeout_ms) {
  std::vector<std::string> all = headers;
  all.push_back("Content-Type: application/json");
  return request("POST", url, body.dump(), all, timeout_ms);
}

}  // namespace evalkit::testing

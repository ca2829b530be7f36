// The HTTP client speaks HTTP and HTTPS only: a URL of another scheme (a base URL of
// file:///etc/passwd or gopher://host:25 from a careless or hostile environment) fails the
// attempt instead of reading a local file or talking to another service, and a body an
// endpoint sends back never carries a registered secret.
#include <future>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "evalkit/base/secrets.h"
#include "evalkit/http/http_client.h"
#include "tests/support/fake_openai_server.h"

namespace evalkit {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

HttpResponse send_once(HttpClient& client, const std::string& url, const std::string& body) {
  HttpRequest request;
  request.url = url;
  request.pool = "pool";
  request.headers = {"Content-Type: application/json"};
  request.body = body;
  request.timeout_s = 10;
  std::promise<HttpResponse> answered;
  client.submit(std::move(request),
                [&](HttpResponse response) { answered.set_value(std::move(response)); });
  return answered.get_future().get();
}

TEST(HttpProtocolsTest, OnlyHttpAndHttpsAreSpoken) {
  HttpClient client;
  for (const char* url : {"file:///etc/passwd", "gopher://127.0.0.1:1/", "dict://127.0.0.1:1/"}) {
    const HttpResponse response = send_once(client, url, "{}");
    EXPECT_FALSE(response.transport_error.empty()) << url;
    EXPECT_EQ(response.status, 0) << url;
    EXPECT_THAT(response.body, Not(HasSubstr("root:"))) << url;
  }
}

TEST(HttpProtocolsTest, EchoedSecretIsRedactedFromTheBody) {
  clear_secrets_for_testing();
  std::string key;
  ASSERT_TRUE(register_secret("OPENAI_API_KEY", "sk-live-0123456789abcdefXYZ", &key).is_ok());
  testing::FakeOpenAIServer server;  // echoes the prompt
  HttpClient client;
  const HttpResponse response =
      send_once(client, server.base_url() + "/chat/completions",
                R"({"model":"fake-chat","messages":[{"role":"user","content":")" + key + "\"}]}");
  clear_secrets_for_testing();
  EXPECT_EQ(response.status, 200);
  EXPECT_THAT(response.body, HasSubstr("echo: [redacted]"));
  EXPECT_THAT(response.body, Not(HasSubstr("0123456789abcdef")));
}

}  // namespace
}  // namespace evalkit

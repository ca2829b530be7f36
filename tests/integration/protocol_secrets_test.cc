// Every protocol provider (http, anthropic-messages, azure-openai, bedrock) against an
// endpoint that echoes its whole request (request line, every header, the body) into its
// answers, and a piece of it into its errors. Credentials sent in headers, in a URL's userinfo
// (also as the Basic authorization the client builds from it), in a URL's query, in a cookie,
// from ANTHROPIC_BASE_URL / AZURE_OPENAI_ENDPOINT, and the AWS keys and session token of a
// SigV4-signed request must never reach a file the run writes (store, reports, response cache,
// replay recording) or what it prints, whole or cut.
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <mutex>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "tests/support/event_loop_http_server.h"
#include "tests/support/process.h"
#include "tests/support/secret_samples.h"
#include "tests/support/test_files.h"

namespace evalkit::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

// Answers in the shape of the protocol its path names, with the request echoed as the text.
// A body holding "ERRCUT" gets an authentication error whose message repeats each line of
// the request cut to its first 40 bytes, as servers that quote a rejected credential do.
class EchoEndpoint : public HttpHandler {
 public:
  HttpReply handle(HttpRequest& request) override {
    std::string echo = request.method + " " + request.target + "\n";
    for (const auto& [name, value] : request.headers) echo += name + ": " + value + "\n";
    echo += request.body;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      requests_.push_back(echo);
    }
    const bool fail = request.body.find("ERRCUT") != std::string::npos;
    std::string cut;
    for (size_t start = 0; start < echo.size();) {
      const size_t end = std::min(echo.find('\n', start), echo.size());
      cut += echo.substr(start, std::min<size_t>(end - start, 40)) + " | ";
      start = end + 1;
    }
    HttpReply reply;
    HttpResponse& response = reply.response;
    if (request.path.find("/messages") != std::string::npos) {
      response.body =
          fail ? nlohmann::json{{"type", "error"},
                                {"error", {{"type", "authentication_error"}, {"message", cut}}}}
                     .dump()
               : nlohmann::json{{"type", "message"},
                                {"content", {{{"type", "text"}, {"text", echo}}}},
                                {"stop_reason", "end_turn"},
                                {"usage", {{"input_tokens", 3}, {"output_tokens", 5}}}}
                     .dump();
    } else if (request.path.find("/converse") != std::string::npos) {
      response.body =
          fail ? nlohmann::json{{"message", cut}}.dump()
               : nlohmann::json{{"output",
                                 {{"message",
                                   {{"role", "assistant"}, {"content", {{{"text", echo}}}}}}}},
                                {"stopReason", "end_turn"},
                                {"usage", {{"inputTokens", 3}, {"outputTokens", 5}}}}
                     .dump();
    } else if (request.path.find("/chat/completions") != std::string::npos) {
      response.body =
          fail ? nlohmann::json{{"error", {{"message", cut}}}}.dump()
               : nlohmann::json{{"choices",
                                 {{{"index", 0},
                                   {"message", {{"role", "assistant"}, {"content", echo}}},
                                   {"finish_reason", "stop"}}}},
                                {"usage", {{"prompt_tokens", 3}, {"completion_tokens", 5}}}}
                     .dump();
    } else {
      response.body =
          fail ? nlohmann::json{{"message", cut}}.dump() : nlohmann::json{{"answer", echo}}.dump();
    }
    response.status =
        fail ? (request.path.find("/converse") != std::string::npos ? 403 : 401) : 200;
    return reply;
  }

  HttpResponse reject(int status, std::string_view message) override {
    HttpResponse response;
    response.status = status;
    response.body = std::string(message);
    return response;
  }

  std::string all_requests() const {
    std::lock_guard<std::mutex> lock(mutex_);
    std::string all;
    for (const auto& r : requests_) all += r + "\n";
    return all;
  }

 private:
  mutable std::mutex mutex_;
  std::vector<std::string> requests_;
};

std::string read_bytes(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

// The secrets, each long enough that a 40-byte cut of its header line still holds a
// recognisable piece.
const std::string kAppPassword = "app-pass-5f4e3d2c1b0a99887766";
const std::string kAppBasic = "YXBwdXNlcjphcHAtcGFzcy01ZjRlM2QyYzFiMGE5OTg4Nzc2Ng==";  // base64
const std::string kSasSignature = "sas-sig-0a1b2c3d4e5f60718293";
const std::string kCookie = "session=ck-77aa88bb99cc00dd11ee";
const std::string kAppToken = "app-token-1029384756abcdef";
const std::string kAnthropicPassword = "anth-pass-aabbccddeeff00112233";
const std::string kAnthropicBasic = "YW50aHVzZXI6YW50aC1wYXNzLWFhYmJjY2RkZWVmZjAwMTEyMjMz";
const std::string kAnthropicKey = "sk-ant-api03-abcdefghijklmnop0123456789";
const std::string kAzurePassword = "azure-pass-99887766554433221100";
const std::string kAzureBasic = "YXp1c2VyOmF6dXJlLXBhc3MtOTk4ODc3NjY1NTQ0MzMyMjExMDA=";
const std::string kAzureKey = "azurekey0123456789abcdef01234567";
const std::string kAccessKeyId = "AKIAIOSFODNN7EXAMPLE";
const std::string kSecretAccessKey = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
const std::string kSessionToken = "FwoGZXIvYXdzEJr-session-0123456789abcdefghijklmnop";

std::string suite_for(uint16_t port) {
  const std::string host = "127.0.0.1:" + std::to_string(port);
  return R"(suite: protocol-echoes
providers:
  - id: app
    type: http
    url: "http://appuser:)" +
         kAppPassword + "@" + host + "/echo?sig=" + kSasSignature + R"(&mode=plain"
    body: {q: "{{q}}"}
    output: answer
    headers: {Cookie: ")" +
         kCookie + R"(", X-App-Token: "${APP_TOKEN}", X-Tenant: tenant-one}
    max_attempts: 1
  - id: claude
    type: anthropic-messages
    model: claude-echo
    max_attempts: 1
  - id: azure
    type: azure-openai
    deployment: echo-deployment
    max_attempts: 1
  - id: bedrock
    type: bedrock
    model: echo-model
    region: us-east-1
    base_url: http://)" +
         host + R"(
    max_attempts: 1
prompts:
  - id: p
    messages:
      - {role: user, content: "{{q}}"}
cases:
  - {id: echo, vars: {q: hello}, expected: x}
  - {id: cut, vars: {q: ERRCUT}, expected: x}
scorers:
  - {type: exact_match}
)";
}

TEST(ProtocolSecretsTest, EchoedCredentialsOfEveryProtocolNeverReachAFileOrOutput) {
  EchoEndpoint endpoint;
  EventLoopHttpServer server(0, endpoint);
  const std::string host = "127.0.0.1:" + std::to_string(server.port());
  const std::string dir = make_temp_dir("protocol-secrets");
  const std::string suite = write_test_file(dir, "suite.yaml", suite_for(server.port()));
  ProcessOptions env;
  env.env["APP_TOKEN"] = kAppToken;
  env.env["ANTHROPIC_BASE_URL"] = "http://anthuser:" + kAnthropicPassword + "@" + host;
  env.env["ANTHROPIC_API_KEY"] = kAnthropicKey;
  env.env["AZURE_OPENAI_ENDPOINT"] = "http://azuser:" + kAzurePassword + "@" + host;
  env.env["AZURE_OPENAI_API_KEY"] = kAzureKey;
  env.env["AWS_ACCESS_KEY_ID"] = kAccessKeyId;
  env.env["AWS_SECRET_ACCESS_KEY"] = kSecretAccessKey;
  env.env["AWS_SESSION_TOKEN"] = kSessionToken;
  env.unset_env = {"AWS_REGION", "AWS_DEFAULT_REGION", "AWS_PROFILE", "OPENAI_BASE_URL"};
  env.timeout_s = 120;
  const std::vector<std::string> args = {"run",
                                         suite,
                                         "--db",
                                         dir + "/s.db",
                                         "--report-json",
                                         dir + "/r.json",
                                         "--report-html",
                                         dir + "/r.html",
                                         "--junit",
                                         dir + "/r.xml",
                                         "--report-md",
                                         dir + "/r.md",
                                         "--cache",
                                         "on",
                                         "--record",
                                         dir + "/rec.jsonl",
                                         "-V",
                                         "--output-on-failure"};
  const ProcessResult first = run_evalkit(args, env);
  ASSERT_EQ(first.exit_code, 1) << first.out << first.err;  // the ERRCUT cases errored
  const ProcessResult second = run_evalkit(args, env);      // the echoes come from the cache
  ASSERT_EQ(second.exit_code, 1) << second.out << second.err;

  // Every credential was sent (so the checks below are not vacuous)...
  const std::string sent = endpoint.all_requests();
  for (const std::string& secret :
       {kAppBasic, kSasSignature, kCookie, kAppToken, kAnthropicBasic, kAnthropicKey, kAzureBasic,
        kAzureKey, kAccessKeyId, kSessionToken}) {
    EXPECT_THAT(sent, HasSubstr(secret));
  }
  // ...and came back in the answers and errors, where only the mark is left of them.
  const nlohmann::json doc = read_json_file(dir + "/r.json");
  std::map<std::string, nlohmann::json> trials;
  for (const auto& t : doc["trials"]) {
    trials[t["case_id"].get<std::string>() + "/" + t["provider_id"].get<std::string>()] = t;
  }
  ASSERT_EQ(trials.size(), 8u) << doc.dump(1);
  for (const char* provider : {"app", "claude", "azure", "bedrock"}) {
    const auto& echo = trials[std::string("echo/") + provider];
    EXPECT_EQ(echo.value("error", ""), "") << provider;
    EXPECT_THAT(echo.value("output", ""), HasSubstr("[redacted]")) << provider;
    EXPECT_THAT(trials[std::string("cut/") + provider].value("error", ""), HasSubstr("[redacted]"))
        << provider;
  }
  // Plain header values are no secrets: they stay readable in answers and errors.
  EXPECT_THAT(trials["echo/app"]["output"].get<std::string>(), HasSubstr("tenant-one"));
  EXPECT_THAT(trials["cut/app"]["error"].get<std::string>(), HasSubstr("X-Tenant: tenant-one"));
  EXPECT_THAT(trials["cut/app"]["error"].get<std::string>(),
              HasSubstr("Content-Type: application/json"));

  const std::vector<std::string> secrets = {
      kAppPassword,       kAppBasic,       kSasSignature,    kCookie,        kAppToken,
      kAnthropicPassword, kAnthropicBasic, kAnthropicKey,    kAzurePassword, kAzureBasic,
      kAzureKey,          kAccessKeyId,    kSecretAccessKey, kSessionToken};
  for (const ProcessResult* r : {&first, &second}) {
    for (const auto& secret : secrets) {
      EXPECT_EQ(leaked_piece(r->out + r->err, secret), "") << secret << "\n" << r->out << r->err;
    }
  }
  int files = 0;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(dir)) {
    if (!entry.is_regular_file() || entry.path().filename() == "suite.yaml") continue;
    ++files;
    const std::string bytes = read_bytes(entry.path());
    for (const auto& secret : secrets) {
      EXPECT_EQ(leaked_piece(bytes, secret), "") << secret << " in " << entry.path();
    }
  }
  EXPECT_GE(files, 6);  // db, four reports, the recording
}

// A malformed url names what is wrong without the credentials in it.
TEST(ProtocolSecretsTest, AnHttpUrlOfAnotherSchemeIsRefusedWithoutItsCredentials) {
  const std::string dir = make_temp_dir("protocol-secrets-url");
  const std::string suite = write_test_file(dir, "suite.yaml", R"(suite: bad-url
providers:
  - id: app
    type: http
    url: "ftp://appuser:)" + kAppPassword + R"(@127.0.0.1:9/x"
    body: {q: "{{q}}"}
    output: answer
prompts:
  - {id: p, messages: [{role: user, content: "{{q}}"}]}
cases:
  - {id: a, vars: {q: hi}}
)");
  const ProcessResult r = run_evalkit({"validate", suite});
  EXPECT_EQ(r.exit_code, 3) << r.out << r.err;
  EXPECT_THAT(r.err, HasSubstr("'url' must start with http:// or https://"));
  EXPECT_THAT(r.out + r.err, Not(HasSubstr(kAppPassword)));
}

// ANTHROPIC_BASE_URL is checked like OPENAI_BASE_URL: file:// or gopher:// never reach the
// HTTP client, and the message shows the URL without its credentials.
TEST(ProtocolSecretsTest, AnthropicBaseUrlFromTheEnvironmentMustBeHttp) {
  const std::string dir = make_temp_dir("protocol-secrets-anthropic-url");
  const std::string suite = write_test_file(dir, "suite.yaml", R"(suite: anthropic-env
providers:
  - {id: claude, type: anthropic-messages, model: claude-echo}
prompts:
  - {id: p, messages: [{role: user, content: "{{q}}"}]}
cases:
  - {id: a, vars: {q: hi}}
)");
  ProcessOptions env;
  env.env["ANTHROPIC_BASE_URL"] = "gopher://anthuser:" + kAnthropicPassword + "@127.0.0.1:9/";
  env.env["ANTHROPIC_API_KEY"] = kAnthropicKey;
  const ProcessResult r = run_evalkit({"run", suite, "--db", dir + "/s.db", "-q"}, env);
  EXPECT_EQ(r.exit_code, 3) << r.out << r.err;
  EXPECT_THAT(r.err, HasSubstr("must start with http:// or https:// (check ANTHROPIC_BASE_URL)"));
  EXPECT_THAT(r.out + r.err, Not(HasSubstr(kAnthropicPassword)));
}

}  // namespace
}  // namespace evalkit::testing

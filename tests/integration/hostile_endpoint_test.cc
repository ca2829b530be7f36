// A hostile endpoint behind the new protocols: a 100,000-deep JSON answer, a 40 MB body, a
// stream cut mid-way, a stream that floods events and never stops, a deep value inside one
// stream event. Each trial it spoils is recorded as an error that says what was wrong, the
// other trials of the run get their answers, and the run finishes with everything stored.
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "tests/support/event_loop_http_server.h"
#include "tests/support/process.h"
#include "tests/support/store_query.h"
#include "tests/support/test_files.h"

namespace evalkit::testing {
namespace {

using ::testing::HasSubstr;

std::string event(const nlohmann::json& data) {
  return "event: " + data.value("type", "") + "\ndata: " + data.dump() + "\n\n";
}

// The opening of an Anthropic stream and its ending, around text.
std::string stream_start() {
  return event({{"type", "message_start"}, {"message", {{"usage", {{"input_tokens", 3}}}}}}) +
         event({{"type", "content_block_start"},
                {"index", 0},
                {"content_block", {{"type", "text"}, {"text", ""}}}});
}
std::string text_delta(const std::string& text) {
  return event({{"type", "content_block_delta"},
                {"index", 0},
                {"delta", {{"type", "text_delta"}, {"text", text}}}});
}
std::string stream_end() {
  return event({{"type", "message_delta"},
                {"delta", {{"stop_reason", "end_turn"}}},
                {"usage", {{"output_tokens", 1}}}}) +
         event({{"type", "message_stop"}});
}

// POST /v1/messages (stream: true) answered by what the question asks for; /app answers the
// http provider's {"answer": ...} the same way.
class HostileEndpoint : public HttpHandler {
 public:
  HttpReply handle(HttpRequest& request) override {
    const std::string& body = request.body;
    const bool app = request.path == "/app";
    HttpReply reply;
    HttpResponse& response = reply.response;
    response.content_type = app ? "application/json" : "text/event-stream";
    const std::string deep = std::string(100000, '[') + std::string(100000, ']');
    if (body.find("DEEPBODY") != std::string::npos) {
      response.content_type = "application/json";
      response.body = deep;
    } else if (body.find("HUGE") != std::string::npos) {
      response.body = std::string(40 << 20, 'a');  // past the 32 MiB cap
    } else if (app) {
      response.body = nlohmann::json{{"answer", "fine"}}.dump();
    } else if (body.find("CUTSTREAM") != std::string::npos) {
      reply.stream = {{std::chrono::milliseconds(0), stream_start()},
                      {std::chrono::milliseconds(5), text_delta("half an ans")}};
      reply.cut_stream = true;
    } else if (body.find("FLOOD") != std::string::npos) {
      // 8 MB of events, every one a new content block, and no message_stop.
      std::string flood = stream_start();
      for (int i = 1; flood.size() < (8u << 20); ++i) {
        flood += event({{"type", "content_block_start"},
                        {"index", i},
                        {"content_block", {{"type", "text"}, {"text", "x"}}}});
      }
      response.body = std::move(flood);
    } else if (body.find("WRONGTYPES") != std::string::npos) {
      // Fields of other types than the API's: read as absent, never thrown on.
      response.content_type = "application/json";
      response.body = R"({"type": "message", "content": [{"type": 1, "id": 2},
                          {"type": "text", "text": "typed"}], "stop_reason": "end_turn"})";
    } else if (body.find("DEEPEVENT") != std::string::npos) {
      response.body =
          stream_start() + "event: content_block_delta\ndata: " + deep + "\n\n" + stream_end();
    } else {
      response.body = stream_start() + text_delta("fine") + stream_end();
    }
    return reply;
  }

  HttpResponse reject(int status, std::string_view message) override {
    HttpResponse response;
    response.status = status;
    response.body = std::string(message);
    return response;
  }
};

TEST(HostileEndpointTest, SpoiledAnswersAreErrorsAndTheRestOfTheRunGoesOn) {
  HostileEndpoint endpoint;
  EventLoopHttpServer server(0, endpoint);
  const std::string base = "http://127.0.0.1:" + std::to_string(server.port());
  const std::string dir = make_temp_dir("hostile-endpoint");
  const std::string suite = write_test_file(dir, "suite.yaml",
                                            R"(suite: hostile
providers:
  - {id: claude, type: anthropic-messages, model: m, base_url: )" +
                                                base + R"(, stream: true,
     max_attempts: 1, timeout: 30}
  - {id: app, type: http, url: ")" + base + R"(/app", body: {q: "{{q}}"}, output: answer,
     max_attempts: 1, timeout: 30}
prompts:
  - {id: p, messages: [{role: user, content: "{{q}}"}]}
cases:
  - {id: deep-body, vars: {q: DEEPBODY}, expected: fine}
  - {id: huge, vars: {q: HUGE}, expected: fine}
  - {id: cut-stream, vars: {q: CUTSTREAM}, expected: fine}
  - {id: flood, vars: {q: FLOOD}, expected: fine}
  - {id: deep-event, vars: {q: DEEPEVENT}, expected: fine}
  - {id: wrong-types, vars: {q: WRONGTYPES}, expected: fine}
  - {id: plain, vars: {q: hello}, expected: fine}
scorers:
  - {type: exact_match}
)");
  ProcessOptions env;
  env.env["ANTHROPIC_API_KEY"] = "test-key-0123456789";
  env.timeout_s = 240;
  const std::string db = dir + "/s.db";
  const ProcessResult r =
      run_evalkit({"run", suite, "--db", db, "--report-json", dir + "/r.json", "-q"}, env);
  ASSERT_EQ(r.signal, 0) << r.err;
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;  // trials errored; nothing crashed

  const nlohmann::json doc = read_json_file(dir + "/r.json");
  std::map<std::string, std::string> errors, outputs;
  for (const auto& t : doc["trials"]) {
    const std::string id =
        t["case_id"].get<std::string>() + "/" + t["provider_id"].get<std::string>();
    errors[id] = t.value("error", "");
    outputs[id] = t.value("output", "");
  }
  ASSERT_EQ(errors.size(), 14u) << doc.dump(1).substr(0, 2000);
  EXPECT_EQ(sql_count(db, "SELECT COUNT(*) FROM trials"), 14);
  // The ordinary case (and the stream-only faults on the http provider) answered.
  EXPECT_EQ(outputs["plain/claude"], "fine");
  EXPECT_EQ(outputs["plain/app"], "fine");
  EXPECT_EQ(outputs["wrong-types/claude"], "typed");
  for (const char* id : {"cut-stream/app", "flood/app", "deep-event/app", "wrong-types/app"}) {
    EXPECT_EQ(errors[id], "") << id;
  }
  // Each spoiled answer says what was wrong with it.
  EXPECT_THAT(errors["deep-body/claude"], HasSubstr("malformed response"));
  EXPECT_THAT(errors["deep-body/app"], HasSubstr("malformed response"));
  EXPECT_THAT(errors["huge/claude"], HasSubstr("response body larger than"));
  EXPECT_THAT(errors["huge/app"], HasSubstr("response body larger than"));
  EXPECT_THAT(errors["cut-stream/claude"], HasSubstr("closed before the whole answer arrived"));
  EXPECT_THAT(errors["flood/claude"],
              HasSubstr("the stream opened more than 10000 content blocks"));
  EXPECT_THAT(errors["deep-event/claude"], HasSubstr("a stream event is not a JSON object"));
  for (const auto& [id, error] : errors) EXPECT_LT(error.size(), 2100u) << id;
  EXPECT_EQ(sql_count(db, "SELECT COUNT(*) FROM runs WHERE status = 'complete'"), 1);
}

}  // namespace
}  // namespace evalkit::testing

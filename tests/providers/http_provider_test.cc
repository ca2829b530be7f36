// The generic http provider's two halves: body templates (whole placeholders keep their JSON
// type) and reading an answer at its paths.
#include "evalkit/providers/http_provider.h"

#include <gtest/gtest.h>

#include "evalkit/base/json_path.h"

namespace evalkit {
namespace {

ModelRequest request_with_vars() {
  ModelRequest request;
  request.messages = {
      {"system", "Be kind."}, {"user", "first"}, {"assistant", "ok"}, {"user", "Where is {x}?"}};
  request.vars = {{"user", {{"id", 7}, {"name", "Ann"}}}, {"k", 3}, {"prompt", "shadowed"}};
  return request;
}

TEST(HttpProviderTest, WholePlaceholdersKeepTheirTypeOthersRenderAsText) {
  const nlohmann::json context = http_template_context(request_with_vars());
  nlohmann::json body;
  ASSERT_TRUE(render_json_template(nlohmann::json::parse(R"({
      "q": "{{prompt}}", "sys": "{{ system }}", "history": "{{messages}}", "uid": "{{user.id}}",
      "who": "user {{user.name}} #{{user.id}}", "all": "{{vars}}", "k": "{{k}}", "n": [1, "{{k}}"],
      "{{user.name}}": true, "fixed": {"top": 5}})"),
                                   context, &body));
  EXPECT_EQ(body["q"], "Where is {x}?");  // the built-in wins over a var named prompt
  EXPECT_EQ(body["sys"], "Be kind.");
  ASSERT_TRUE(body["history"].is_array());
  EXPECT_EQ(body["history"].size(), 4u);
  EXPECT_EQ(body["uid"], 7);
  EXPECT_EQ(body["who"], "user Ann #7");
  EXPECT_EQ(body["all"]["k"], 3);
  EXPECT_EQ(body["n"], nlohmann::json::parse("[1, 3]"));
  EXPECT_EQ(body["Ann"], true);
  EXPECT_EQ(body["fixed"]["top"], 5);
}

TEST(HttpProviderTest, AMissingVariableIsAnError) {
  nlohmann::json body;
  const Status s = render_json_template(nlohmann::json::parse(R"({"a": "{{nope}}"})"),
                                        http_template_context(request_with_vars()), &body);
  ASSERT_FALSE(s);
  EXPECT_NE(s.message().find("nope"), std::string::npos);
}

TEST(HttpProviderTest, ReadsTheAnswerAtItsPaths) {
  HttpAnswerPaths paths;
  paths.output = "json.data.items.0.text";
  paths.prompt_tokens = "/usage/in";
  paths.completion_tokens = "usage.out";
  paths.tool_calls = "data.calls";
  paths.finish_reason = "data.why";
  paths.error = "error";
  ModelResponse response;
  read_http_answer(paths, R"({"data": {"items": [{"text": "Paris"}], "why": "done",
      "calls": [{"id": "1", "name": "f", "arguments": "{\"a\": 1}"},
                {"id": "2", "type": "function", "function": {"name": "g", "arguments": "{}"}}]},
      "usage": {"in": 12, "out": 3}, "error": null})",
                   &response);
  ASSERT_TRUE(response.ok) << response.error;
  EXPECT_EQ(response.text, "Paris");
  EXPECT_EQ(response.prompt_tokens, 12);
  EXPECT_EQ(response.completion_tokens, 3);
  EXPECT_EQ(response.finish_reason, "done");
  ASSERT_EQ(response.tool_calls.size(), 2u);
  EXPECT_EQ(response.tool_calls[0].arguments, nlohmann::json({{"a", 1}}));
  EXPECT_EQ(response.tool_calls[1].name, "g");
}

TEST(HttpProviderTest, AnErrorFieldAMissingAnswerAndNonJsonFail) {
  HttpAnswerPaths paths;
  paths.output = "answer";
  paths.error = "error";
  ModelResponse reported;
  read_http_answer(paths, R"({"answer": "x", "error": {"message": "quota exceeded"}})", &reported);
  EXPECT_FALSE(reported.ok);
  EXPECT_EQ(reported.error_kind, error_kind::kHttp);
  EXPECT_EQ(reported.error, "the endpoint reported an error: quota exceeded");
  ModelResponse missing;
  read_http_answer(paths, R"({"answer": null, "error": false})", &missing);
  EXPECT_FALSE(missing.ok);
  EXPECT_EQ(missing.error_kind, error_kind::kMalformed);
  ModelResponse html;
  read_http_answer(paths, "<html>502 Bad Gateway</html>", &html);
  EXPECT_EQ(html.error_kind, error_kind::kMalformed);
  ModelResponse object;
  paths.output = "/answer";
  read_http_answer(paths, R"({"answer": {"a": [1, 2]}})", &object);
  EXPECT_EQ(object.text, R"({"a":[1,2]})");
}

TEST(HttpProviderTest, JsonPathsAndPointersFindTheSameValues) {
  const auto doc = nlohmann::json::parse(R"({"a": {"b": [10, {"c": "x"}]}, "1": "key", "d.e": 5})");
  EXPECT_EQ(*find_json_path(doc, "a.b.1.c"), "x");
  EXPECT_EQ(*find_json_path(doc, "json.a.b.0"), 10);
  EXPECT_EQ(*find_json_path(doc, "/a/b/1/c"), "x");
  EXPECT_EQ(*find_json_path(doc, "/d.e"), 5);
  EXPECT_EQ(*find_json_path(doc, "1"), "key");  // a number names an object's key
  EXPECT_EQ(find_json_path(doc, "a.b.7"), nullptr);
  EXPECT_EQ(find_json_path(doc, "a.b.c"), nullptr);
  EXPECT_EQ(find_json_path(doc, "/a/x"), nullptr);
  EXPECT_EQ(find_json_path(doc, "json"), &doc);
  std::string problem;
  EXPECT_FALSE(valid_json_path("a..b", &problem));
  EXPECT_FALSE(valid_json_path("/a/~2", &problem));
  EXPECT_TRUE(valid_json_path("/a/~1b", &problem));
}

}  // namespace
}  // namespace evalkit

// Untrusted endpoint answers in every protocol evalkit speaks: the same bytes as an Anthropic
// message, an Anthropic event stream, an OpenAI chat event stream, a Bedrock Converse answer
// and a generic http provider's JSON. Each becomes a response or an error that says why,
// never a crash, and what is accepted can be stored (bounded nesting).
#include <string>

#include "evalkit/providers/anthropic_messages_provider.h"
#include "evalkit/providers/bedrock_converse_provider.h"
#include "evalkit/providers/http_provider.h"
#include "evalkit/providers/openai_chat_provider.h"

namespace {

void check(const evalkit::ModelResponse& response) {
  if (!response.ok && response.error.empty()) __builtin_trap();  // an error must say why
  (void)evalkit::answer_to_json(response).dump();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string body(reinterpret_cast<const char*>(data), size);
  evalkit::HttpResponse http;
  http.status = 200;
  http.body = body;
  http.content_type = "text/event-stream";
  {
    evalkit::ModelResponse response;
    evalkit::parse_anthropic_message(body, &response);
    check(response);
  }
  {
    evalkit::ModelResponse response;
    evalkit::parse_anthropic_stream(http, &response);
    check(response);
  }
  {
    evalkit::ModelResponse response;
    evalkit::parse_chat_completion_stream(http, &response);
    check(response);
  }
  {
    evalkit::ModelResponse response;
    evalkit::parse_bedrock_converse(body, &response);
    check(response);
  }
  {
    evalkit::HttpAnswerPaths paths;
    paths.output = "data.answer.text";
    paths.prompt_tokens = "meta.usage.in";
    paths.completion_tokens = "meta.usage.out";
    paths.tool_calls = "data.actions";
    paths.finish_reason = "meta.stop";
    paths.error = "error";
    evalkit::ModelResponse response;
    evalkit::read_http_answer(paths, body, &response);
    check(response);
  }
  return 0;
}

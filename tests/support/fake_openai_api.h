// What the fake OpenAI-compatible server answers when it behaves: chat completions chosen by
// rules or echoed, deterministic bag-of-words embeddings, the model list, OpenAI-style errors.
// Pure functions of the request, so every answer can be predicted by the tests.
#pragma once

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "tests/support/event_loop_http_server.h"
#include "tests/support/http_message.h"

namespace evalkit::testing {

// One scripted chat answer. The first rule whose `match` occurs in the concatenated message
// contents wins. With `raw_body` the body is sent verbatim (status default 200); a `status`
// of 400 or above without `raw_body` sends an OpenAI error JSON whose message is `reply`.
struct FakeOpenAIRule {
  std::string match;
  std::string reply;
  std::optional<int> status;
  std::optional<std::string> raw_body;
  std::optional<std::string> finish_reason;  // default "stop"
};

// Reads rules from a JSON array of {"match", "reply", "status", "raw_body", "finish_reason"}.
// Throws std::invalid_argument naming the offending element.
std::vector<FakeOpenAIRule> parse_fake_openai_rules(const nlohmann::json& rules);

// The text of a chat request's last user message ("" when there is none); text parts of
// an array content are joined with newlines.
std::string last_user_message(const nlohmann::json& request);

// An error in OpenAI's shape: {"error": {"message", "type", "param": null, "code"}}.
HttpResponse openai_error(int status, std::string_view message, std::string_view type,
                          std::optional<std::string_view> code = std::nullopt);

// The chat.completion object for `request` (already parsed JSON), a 400 error when the
// request has no `messages` array or misuses tools as OpenAI would refuse them (a tool turn
// that answers no call of the assistant turn before it, tool_choice without tools), or the
// matching rule's scripted answer. Without a rule, tool calls are decided by the question
// (fake_model_turns.h).
HttpResponse chat_completion_response(const nlohmann::json& request,
                                      const std::vector<FakeOpenAIRule>& rules,
                                      std::string_view completion_id);

// The chunks of a streamed answer for a chat.completion `completion`: a role chunk, a chunk a
// word of content, each tool call's name and then its arguments in two fragments, a
// finish_reason chunk, the usage chunk when asked, and `data: [DONE]`; `interval` apart.
std::vector<StreamPart> chat_completion_stream(const nlohmann::json& completion, bool include_usage,
                                               std::chrono::milliseconds interval);

// The embeddings list for `request`: `input` is a string or an array of strings,
// `dimensions` (default 64) the vector length. A 400 error for any other input.
HttpResponse embeddings_response(const nlohmann::json& request);

// The model list, as GET /v1/models answers it.
HttpResponse models_response(const std::vector<std::string>& model_ids);

// Words separated by ASCII whitespace; the fake's token count.
size_t count_words(std::string_view text);

// A unit vector of `dimensions` floats: each lower-cased word (runs of ASCII letters and
// digits, and of non-ASCII bytes) adds +-1 to the bucket its hash picks. Texts that share
// words get a high cosine. A text without words maps to the empty word's vector.
std::vector<float> fake_embedding(std::string_view text, size_t dimensions);

}  // namespace evalkit::testing

#include "tests/support/fake_openai_api.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <stdexcept>

#include "evalkit/base/hash.h"
#include "tests/support/fake_model_turns.h"

namespace evalkit::testing {
namespace {

using ordered_json = nlohmann::ordered_json;

// A fixed creation time keeps answers byte-for-byte reproducible.
constexpr int64_t kCreatedAt = 1700000000;
constexpr size_t kDefaultDimensions = 64;
constexpr size_t kMaxDimensions = 65536;

bool is_ascii_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

bool is_word_byte(char c) {
  const auto u = static_cast<unsigned char>(c);
  return u >= 0x80 || std::isalnum(u);
}

// A message's text: a plain string, or the text parts of a content-part array.
std::string message_text(const nlohmann::json& content) {
  if (content.is_string()) return content.get<std::string>();
  std::string text;
  if (content.is_array()) {
    for (const auto& part : content) {
      if (part.is_object() && part.value("type", "") == "text" && part.contains("text") &&
          part["text"].is_string()) {
        if (!text.empty()) text += '\n';
        text += part["text"].get<std::string>();
      }
    }
  }
  return text;
}

HttpResponse json_response(int status, const ordered_json& body) {
  HttpResponse response;
  response.status = status;
  response.body = body.dump();
  return response;
}

HttpResponse answer_from_rule(const FakeOpenAIRule& rule, const ordered_json& completion) {
  if (rule.raw_body) {
    HttpResponse response;
    response.status = rule.status.value_or(200);
    response.body = *rule.raw_body;
    return response;
  }
  if (rule.status && *rule.status >= 400) {
    return openai_error(*rule.status, rule.reply, "invalid_request_error");
  }
  return json_response(rule.status.value_or(200), completion);
}

}  // namespace

std::vector<FakeOpenAIRule> parse_fake_openai_rules(const nlohmann::json& rules) {
  if (!rules.is_array()) throw std::invalid_argument("rules must be a JSON array");
  std::vector<FakeOpenAIRule> parsed;
  for (size_t i = 0; i < rules.size(); ++i) {
    const auto& item = rules[i];
    const std::string where = "rule " + std::to_string(i) + ": ";
    if (!item.is_object()) throw std::invalid_argument(where + "must be an object");
    FakeOpenAIRule rule;
    try {
      rule.match = item.value("match", "");
      rule.reply = item.value("reply", "");
      if (item.contains("status")) rule.status = item["status"].get<int>();
      if (item.contains("raw_body")) rule.raw_body = item["raw_body"].get<std::string>();
      if (item.contains("finish_reason")) {
        rule.finish_reason = item["finish_reason"].get<std::string>();
      }
    } catch (const nlohmann::json::exception& e) {
      throw std::invalid_argument(where + e.what());
    }
    for (const auto& [key, value] : item.items()) {
      if (key != "match" && key != "reply" && key != "status" && key != "raw_body" &&
          key != "finish_reason") {
        throw std::invalid_argument(where + "unknown key '" + key + "'");
      }
    }
    parsed.push_back(std::move(rule));
  }
  return parsed;
}

HttpResponse openai_error(int status, std::string_view message, std::string_view type,
                          std::optional<std::string_view> code) {
  ordered_json error = {{"message", message}, {"type", type}, {"param", nullptr}};
  error["code"] = code ? ordered_json(*code) : ordered_json(nullptr);
  return json_response(status, ordered_json{{"error", error}});
}

namespace {

HttpResponse invalid(std::string_view message) {
  return openai_error(400, message, "invalid_request_error");
}

// The checks OpenAI makes of tools, tool_choice and tool turns, with its own messages.
std::optional<HttpResponse> check_tool_use(const nlohmann::json& request,
                                           FakeConversation* conversation) {
  const bool has_tools = request.contains("tools");
  if (has_tools) {
    if (!request["tools"].is_array()) return invalid("Invalid type for 'tools': expected an array");
    for (const auto& tool : request["tools"]) {
      if (!tool.is_object() || tool.value("type", "") != "function" || !tool.contains("function") ||
          !tool["function"].is_object() || !tool["function"].contains("name") ||
          !tool["function"]["name"].is_string()) {
        return invalid("Missing required parameter: 'tools[0].function'.");
      }
      conversation->tool_names.push_back(tool["function"]["name"].get<std::string>());
    }
  }
  if (request.contains("tool_choice")) {
    if (!has_tools) {
      return invalid(
          "Invalid value for 'tool_choice': 'tool_choice' is only allowed when 'tools' are "
          "specified.");
    }
    const auto& choice = request["tool_choice"];
    if (choice == "none") {
      conversation->tool_mode = FakeToolMode::kNone;
    } else if (choice == "required") {
      conversation->tool_mode = FakeToolMode::kRequired;
    } else if (choice.is_object() && choice.contains("function") &&
               choice["function"].is_object() && choice["function"].contains("name")) {
      conversation->tool_mode = FakeToolMode::kNamed;
      conversation->forced_tool = choice["function"]["name"].get<std::string>();
    } else if (choice != "auto") {
      return invalid("Invalid value for 'tool_choice'.");
    }
  }
  std::vector<std::string> open_calls;  // ids the last assistant turn called
  for (const auto& message : request["messages"]) {
    const std::string role = message.value("role", "");
    if (role == "assistant") {
      open_calls.clear();
      conversation->trailing_tool_results.clear();
      if (!message.contains("tool_calls")) continue;
      if (!message["tool_calls"].is_array())
        return invalid("Invalid type for 'messages.tool_calls'");
      for (const auto& call : message["tool_calls"]) {
        if (!call.is_object() || !call.contains("id") || !call["id"].is_string() ||
            call.value("type", "") != "function" || !call.contains("function") ||
            !call["function"].is_object() || !call["function"].contains("name") ||
            !call["function"].contains("arguments") || !call["function"]["arguments"].is_string()) {
          return invalid(
              "Invalid 'messages.tool_calls': each call needs an id, type 'function' and a "
              "function with a name and its arguments as a JSON string.");
        }
        open_calls.push_back(call["id"].get<std::string>());
      }
    } else if (role == "tool") {
      const std::string id = message.contains("tool_call_id") && message["tool_call_id"].is_string()
                                 ? message["tool_call_id"].get<std::string>()
                                 : "";
      if (std::find(open_calls.begin(), open_calls.end(), id) == open_calls.end()) {
        return invalid(
            "Invalid parameter: messages with role 'tool' must be a response to a preceeding "
            "message with 'tool_calls'.");
      }
      conversation->trailing_tool_results.push_back(
          message.contains("content") ? message_text(message["content"]) : "");
    } else if (role == "user") {
      conversation->trailing_tool_results.clear();
    }
  }
  // Results only count when they end the conversation.
  const auto& last = request["messages"].back();
  if (!last.is_object() || last.value("role", "") != "tool") {
    conversation->trailing_tool_results.clear();
  }
  return std::nullopt;
}

}  // namespace

std::string last_user_message(const nlohmann::json& request) {
  std::string text;
  if (!request.is_object() || !request.contains("messages") || !request["messages"].is_array()) {
    return text;
  }
  for (const auto& message : request["messages"]) {
    if (message.is_object() && message.value("role", "") == "user" && message.contains("content")) {
      text = message_text(message["content"]);
    }
  }
  return text;
}

HttpResponse chat_completion_response(const nlohmann::json& request,
                                      const std::vector<FakeOpenAIRule>& rules,
                                      std::string_view completion_id) {
  if (!request.is_object() || !request.contains("messages") || !request["messages"].is_array() ||
      request["messages"].empty()) {
    return openai_error(400, "'messages' is a required property and must be an array",
                        "invalid_request_error");
  }
  std::string prompt;
  std::string last_user_message;
  for (const auto& message : request["messages"]) {
    if (!message.is_object()) {
      return openai_error(400, "each message must be an object", "invalid_request_error");
    }
    const std::string text = message.contains("content") ? message_text(message["content"]) : "";
    if (!prompt.empty()) prompt += '\n';
    prompt += text;
    if (message.value("role", "") == "user") last_user_message = text;
  }
  FakeConversation conversation;
  conversation.last_user_text = last_user_message;
  if (auto refused = check_tool_use(request, &conversation)) return *refused;

  const FakeOpenAIRule* rule = nullptr;
  for (const auto& candidate : rules) {
    if (prompt.find(candidate.match) != std::string::npos) {
      rule = &candidate;
      break;
    }
  }
  FakeTurn turn;
  if (rule) {
    turn.text = rule->reply;
  } else {
    // Sequence from the completion id's digits, so call ids differ between answers.
    uint64_t sequence = 0;
    for (char c : completion_id) {
      if (c >= '0' && c <= '9') sequence = sequence * 10 + uint64_t(c - '0');
    }
    turn = decide_fake_turn(conversation, "call_", sequence);
  }
  std::string finish_reason = turn.calls.empty() ? "stop" : "tool_calls";
  if (rule && rule->finish_reason) finish_reason = *rule->finish_reason;
  const std::string model = request.contains("model") && request["model"].is_string()
                                ? request["model"].get<std::string>()
                                : std::string("fake-model");
  ordered_json message = {{"role", "assistant"}};
  message["content"] =
      turn.calls.empty() || !turn.text.empty() ? ordered_json(turn.text) : ordered_json(nullptr);
  size_t completion_tokens = count_words(turn.text);
  if (!turn.calls.empty()) {
    ordered_json calls = ordered_json::array();
    for (const auto& call : turn.calls) {
      const std::string arguments = call.arguments.dump();
      completion_tokens += 1 + count_words(arguments);
      calls.push_back({{"id", call.id},
                       {"type", "function"},
                       {"function", {{"name", call.name}, {"arguments", arguments}}}});
    }
    message["tool_calls"] = std::move(calls);
  }
  const size_t prompt_tokens = count_words(prompt);
  const ordered_json completion = {
      {"id", completion_id},
      {"object", "chat.completion"},
      {"created", kCreatedAt},
      {"model", model},
      {"choices", ordered_json::array({{{"index", 0},
                                        {"message", std::move(message)},
                                        {"logprobs", nullptr},
                                        {"finish_reason", finish_reason}}})},
      {"usage",
       {{"prompt_tokens", prompt_tokens},
        {"completion_tokens", completion_tokens},
        {"total_tokens", prompt_tokens + completion_tokens}}}};
  if (rule) return answer_from_rule(*rule, completion);
  return json_response(200, completion);
}

std::vector<StreamPart> chat_completion_stream(const nlohmann::json& completion, bool include_usage,
                                               std::chrono::milliseconds interval) {
  std::vector<StreamPart> parts;
  const auto event = [&](const ordered_json& chunk, bool first) {
    parts.push_back(
        {first ? std::chrono::milliseconds(0) : interval, "data: " + chunk.dump() + "\n\n"});
  };
  const auto chunk_with = [&](ordered_json choices) {
    return ordered_json{{"id", completion["id"]},
                        {"object", "chat.completion.chunk"},
                        {"created", completion["created"]},
                        {"model", completion["model"]},
                        {"choices", std::move(choices)}};
  };
  const auto& choice = completion["choices"][0];
  const auto& message = choice["message"];
  const auto delta_chunk = [&](ordered_json delta, const ordered_json& finish) {
    return chunk_with(ordered_json::array({{{"index", 0},
                                            {"delta", std::move(delta)},
                                            {"logprobs", nullptr},
                                            {"finish_reason", finish}}}));
  };
  event(delta_chunk({{"role", "assistant"}, {"content", ""}}, nullptr), true);
  if (message.contains("content") && message["content"].is_string()) {
    for (const auto& piece : fake_stream_pieces(message["content"].get<std::string>())) {
      event(delta_chunk({{"content", piece}}, nullptr), false);
    }
  }
  if (message.contains("tool_calls")) {
    for (size_t i = 0; i < message["tool_calls"].size(); ++i) {
      const auto& call = message["tool_calls"][i];
      const std::string arguments = call["function"]["arguments"].get<std::string>();
      event(delta_chunk(
                {{"tool_calls",
                  ordered_json::array(
                      {{{"index", i},
                        {"id", call["id"]},
                        {"type", "function"},
                        {"function", {{"name", call["function"]["name"]}, {"arguments", ""}}}}})}},
                nullptr),
            false);
      // The arguments in two fragments, split mid-token as real streams do.
      const size_t half = arguments.size() / 2;
      for (const std::string& fragment : {arguments.substr(0, half), arguments.substr(half)}) {
        event(delta_chunk(
                  {{"tool_calls", ordered_json::array(
                                      {{{"index", i}, {"function", {{"arguments", fragment}}}}})}},
                  nullptr),
              false);
      }
    }
  }
  event(delta_chunk(ordered_json::object(), choice["finish_reason"]), false);
  if (include_usage) {
    ordered_json usage_chunk = chunk_with(ordered_json::array());
    usage_chunk["usage"] = completion["usage"];
    event(usage_chunk, false);
  }
  parts.push_back({interval, "data: [DONE]\n\n"});
  return parts;
}

HttpResponse embeddings_response(const nlohmann::json& request) {
  if (!request.is_object() || !request.contains("input")) {
    return openai_error(400, "'input' is a required property", "invalid_request_error");
  }
  std::vector<std::string> inputs;
  const auto& input = request["input"];
  if (input.is_string()) {
    inputs.push_back(input.get<std::string>());
  } else if (input.is_array() && !input.empty()) {
    for (const auto& item : input) {
      if (!item.is_string()) {
        return openai_error(400, "'input' must be a string or an array of strings",
                            "invalid_request_error");
      }
      inputs.push_back(item.get<std::string>());
    }
  } else {
    return openai_error(400, "'input' must be a string or a non-empty array of strings",
                        "invalid_request_error");
  }
  size_t dimensions = kDefaultDimensions;
  if (request.contains("dimensions")) {
    const auto& value = request["dimensions"];
    if (!value.is_number_integer() || value.get<int64_t>() < 1 ||
        value.get<int64_t>() > int64_t(kMaxDimensions)) {
      return openai_error(400, "'dimensions' must be an integer between 1 and 65536",
                          "invalid_request_error");
    }
    dimensions = value.get<size_t>();
  }

  ordered_json data = ordered_json::array();
  size_t tokens = 0;
  for (size_t i = 0; i < inputs.size(); ++i) {
    tokens += count_words(inputs[i]);
    data.push_back({{"object", "embedding"},
                    {"index", i},
                    {"embedding", fake_embedding(inputs[i], dimensions)}});
  }
  const std::string model = request.contains("model") && request["model"].is_string()
                                ? request["model"].get<std::string>()
                                : std::string("fake-embedding");
  return json_response(
      200, ordered_json{{"object", "list"},
                        {"data", data},
                        {"model", model},
                        {"usage", {{"prompt_tokens", tokens}, {"total_tokens", tokens}}}});
}

HttpResponse models_response(const std::vector<std::string>& model_ids) {
  ordered_json data = ordered_json::array();
  for (const auto& id : model_ids) {
    data.push_back(
        {{"id", id}, {"object", "model"}, {"created", kCreatedAt}, {"owned_by", "evalkit"}});
  }
  return json_response(200, ordered_json{{"object", "list"}, {"data", data}});
}

size_t count_words(std::string_view text) {
  size_t words = 0;
  bool in_word = false;
  for (char c : text) {
    const bool space = is_ascii_space(c);
    if (!space && !in_word) ++words;
    in_word = !space;
  }
  return words;
}

std::vector<float> fake_embedding(std::string_view text, size_t dimensions) {
  std::vector<double> sums(dimensions, 0.0);
  auto add_word = [&](std::string_view word) {
    const uint64_t h = fnv1a64(word);
    // Bucket and sign come from different bits so they are independent.
    sums[h % dimensions] += ((h >> 40) & 1) ? -1.0 : 1.0;
  };
  std::string word;
  bool any_word = false;
  for (size_t i = 0; i <= text.size(); ++i) {
    if (i < text.size() && is_word_byte(text[i])) {
      word += static_cast<char>(std::tolower(static_cast<unsigned char>(text[i])));
      continue;
    }
    if (!word.empty()) {
      add_word(word);
      any_word = true;
      word.clear();
    }
  }
  double norm = 0;
  for (double v : sums) norm += v * v;
  if (!any_word || norm == 0) {
    // Words that cancel out, or no words at all: fall back to the empty word's direction
    // so the vector is still a unit vector.
    std::fill(sums.begin(), sums.end(), 0.0);
    add_word("");
    norm = 1;
  }
  norm = std::sqrt(norm);
  std::vector<float> vector(dimensions);
  for (size_t i = 0; i < dimensions; ++i) vector[i] = static_cast<float>(sums[i] / norm);
  return vector;
}

}  // namespace evalkit::testing

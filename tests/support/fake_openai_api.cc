#include "tests/support/fake_openai_api.h"

#include <cctype>
#include <cmath>
#include <stdexcept>

#include "evalkit/base/hash.h"

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
  if (!request.is_object() || !request.contains("messages") || !request["messages"].is_array()) {
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

  const FakeOpenAIRule* rule = nullptr;
  for (const auto& candidate : rules) {
    if (prompt.find(candidate.match) != std::string::npos) {
      rule = &candidate;
      break;
    }
  }
  const std::string reply = rule ? rule->reply : "echo: " + last_user_message;
  const std::string finish_reason =
      rule && rule->finish_reason ? *rule->finish_reason : std::string("stop");
  const std::string model = request.contains("model") && request["model"].is_string()
                                ? request["model"].get<std::string>()
                                : std::string("fake-model");
  const size_t prompt_tokens = count_words(prompt);
  const size_t completion_tokens = count_words(reply);
  const ordered_json completion = {
      {"id", completion_id},
      {"object", "chat.completion"},
      {"created", kCreatedAt},
      {"model", model},
      {"choices", ordered_json::array({{{"index", 0},
                                        {"message", {{"role", "assistant"}, {"content", reply}}},
                                        {"finish_reason", finish_reason}}})},
      {"usage",
       {{"prompt_tokens", prompt_tokens},
        {"completion_tokens", completion_tokens},
        {"total_tokens", prompt_tokens + completion_tokens}}}};
  if (rule) return answer_from_rule(*rule, completion);
  return json_response(200, completion);
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

#include "tests/support/fake_model_turns.h"

#include <cctype>

namespace evalkit::testing {
namespace {

bool is_name_byte(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-';
}

// Whether text holds name as a whole word.
bool mentions(const std::string& text, const std::string& name) {
  for (size_t at = text.find(name); at != std::string::npos; at = text.find(name, at + 1)) {
    const bool starts = at == 0 || !is_name_byte(text[at - 1]);
    const size_t end = at + name.size();
    const bool ends = end == text.size() || !is_name_byte(text[end]);
    if (starts && ends) return true;
  }
  return false;
}

nlohmann::json scalar_value(const std::string& text) {
  if (text == "true") return true;
  if (text == "false") return false;
  if (!text.empty() && text.find_first_not_of("-0123456789.") == std::string::npos &&
      text.find_first_of("0123456789") != std::string::npos) {
    const nlohmann::json number = nlohmann::json::parse(text, nullptr, false);
    if (!number.is_discarded() && number.is_number()) return number;
  }
  return text;
}

}  // namespace

nlohmann::json fake_tool_arguments(const std::string& text) {
  nlohmann::json arguments = nlohmann::json::object();
  size_t at = 0;
  while (at < text.size()) {
    while (at < text.size() && std::isspace(static_cast<unsigned char>(text[at]))) ++at;
    size_t end = at;
    while (end < text.size() && !std::isspace(static_cast<unsigned char>(text[end]))) ++end;
    const std::string word = text.substr(at, end - at);
    at = end;
    const size_t equals = word.find('=');
    if (equals == std::string::npos || equals == 0) continue;
    std::string value = word.substr(equals + 1);
    while (!value.empty() && std::string(".,?!;").find(value.back()) != std::string::npos) {
      value.pop_back();
    }
    arguments[word.substr(0, equals)] = scalar_value(value);
  }
  return arguments;
}

FakeTurn decide_fake_turn(const FakeConversation& conversation, const std::string& id_prefix,
                          uint64_t sequence) {
  FakeTurn turn;
  if (!conversation.trailing_tool_results.empty()) {
    turn.text = "tool said: ";
    for (size_t i = 0; i < conversation.trailing_tool_results.size(); ++i) {
      if (i > 0) turn.text += " | ";
      turn.text += conversation.trailing_tool_results[i];
    }
    return turn;
  }
  std::vector<std::string> called;
  if (!conversation.tool_names.empty() && conversation.tool_mode != FakeToolMode::kNone) {
    if (conversation.tool_mode == FakeToolMode::kNamed) {
      called.push_back(conversation.forced_tool);
    } else {
      for (const auto& name : conversation.tool_names) {
        if (mentions(conversation.last_user_text, name)) called.push_back(name);
      }
      if (called.empty() && conversation.tool_mode == FakeToolMode::kRequired) {
        called.push_back(conversation.tool_names.front());
      }
    }
  }
  if (called.empty()) {
    turn.text = "echo: " + conversation.last_user_text;
    return turn;
  }
  const nlohmann::json arguments = fake_tool_arguments(conversation.last_user_text);
  for (size_t i = 0; i < called.size(); ++i) {
    turn.calls.push_back({id_prefix + std::to_string(sequence * 10 + i), called[i], arguments});
  }
  return turn;
}

std::vector<std::string> fake_stream_pieces(const std::string& text) {
  std::vector<std::string> pieces;
  size_t at = 0;
  while (at < text.size()) {
    size_t end = at;
    while (end < text.size() && text[end] == ' ') ++end;
    while (end < text.size() && text[end] != ' ') ++end;
    pieces.push_back(text.substr(at, end - at));
    at = end;
  }
  return pieces;
}

}  // namespace evalkit::testing

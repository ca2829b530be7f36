// What every fake model endpoint answers, whatever its protocol: the protocol fakes turn their
// request into a FakeConversation, ask decide_fake_turn, and write the decision in their own
// wire format. Deterministic, so tests can predict every answer.
//
// Tool calls are decided by the question: when tools are offered and the last user turn names
// one of them ("get_weather city=Paris unit=celsius"), the fake calls it with the key=value
// words of the question as arguments (numbers and true/false as JSON values). When the
// conversation ends in tool results, the fake answers "tool said: <result>" (results joined
// with " | "), which proves the results came back in a shape the protocol accepts.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace evalkit::testing {

enum class FakeToolMode { kAuto, kNone, kRequired, kNamed };

struct FakeConversation {
  std::string last_user_text;                      // the last user turn's text
  std::vector<std::string> trailing_tool_results;  // tool results after the last assistant turn
  std::vector<std::string> tool_names;             // the tools offered, in order
  FakeToolMode tool_mode = FakeToolMode::kAuto;
  std::string forced_tool;  // kNamed
};

struct FakeToolCall {
  std::string id;
  std::string name;
  nlohmann::json arguments = nlohmann::json::object();
};

struct FakeTurn {
  std::string text;                 // empty when the turn only calls tools
  std::vector<FakeToolCall> calls;  // in order
};

// The fake's answer. Call ids are id_prefix followed by a number unique within this answer
// and derived from sequence (so ids differ between answers).
FakeTurn decide_fake_turn(const FakeConversation& conversation, const std::string& id_prefix,
                          uint64_t sequence);

// The key=value words of text as a JSON object ("city=Paris" -> {"city": "Paris"}); trailing
// punctuation (.,?!;) is dropped from values; integers, decimals, true and false become JSON.
nlohmann::json fake_tool_arguments(const std::string& text);

// Splits text into the pieces a fake streams it in: each word with the space before it.
std::vector<std::string> fake_stream_pieces(const std::string& text);

}  // namespace evalkit::testing

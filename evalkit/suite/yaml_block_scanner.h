// The YAML that suites are mostly written in, read without libyaml: block maps and lists,
// one-line plain, quoted and flow values, comments. It gives the events libyaml's parser gives
// for the same text (types, marks, values and styles), pointing into the text or into a
// buffer of its own rather than allocating for every token, which is about half of the cost of
// reading a large suite with libyaml. Whatever it does not read exactly as libyaml does
// (anchors, tags, block scalars, values over several lines, tabs, carriage returns, bytes
// outside ASCII, documents markers, ...) it refuses, and the caller reads the text with
// libyaml instead.
#pragma once

#include <yaml.h>

#include <functional>
#include <string>
#include <string_view>

namespace evalkit {

enum class BlockScan {
  kRead,     // every event was given, from the stream's start to its end
  kRefused,  // the text holds what the scanner leaves to libyaml (events may have been given)
  kStopped,  // the receiver of an event asked to stop
};

// Gives each event of text to receive, in order, as libyaml's parser would give it; receive
// returns false to stop. Events are valid only during the call.
BlockScan scan_block_yaml(std::string_view text,
                          const std::function<bool(const yaml_event_t&)>& receive);

}  // namespace evalkit

// What a script scorer or provider runs: a command of the user's own that speaks the JSON-lines
// protocol, or promptfoo-style JavaScript/Python run by the shims in share/evalkit/. Shared by
// scorers/script.cc and providers/script_provider.cc.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "evalkit/worker/json_line_worker.h"

namespace evalkit {

struct ScriptSource {
  enum class Kind { kCommand, kJavascript, kPython };
  Kind kind = Kind::kCommand;
  WorkerCommand command;  // what the worker runs (the user's argv, or interpreter + shim)
  // kJavascript/kPython: sent with every request so one shim process serves many scripts;
  // {"code": "..."} or {"file": "/abs/path.js", "function": "name"}.
  nlohmann::json target;
  std::string description;   // "checks/grade.py", "javascript: output.includes(…)"
  std::string content_hash;  // SHA-256 of the script file or inline code ("" when unknown)
};

// The options that name a script, as written in a suite.
struct ScriptOptions {
  std::vector<std::string> command;      // argv
  std::string javascript;                // inline code or file://path[:function]
  std::string python;                    // inline code or file://path[:function]
  std::vector<std::string> interpreter;  // default: node / python3
  std::string directory;                 // the suite's folder: relative paths resolve here
  bool allow_inline = true;              // providers take files only
};

// ScriptOptions of a script provider: `python`, `javascript` and `interpreter` from extra
// (files only, no inline code), command as given.
ScriptOptions script_options(const nlohmann::json& extra, const std::vector<std::string>& command,
                             const std::string& directory);

// Builds the source from options: exactly one of command, javascript, python; programs must
// be found (on PATH or relative to directory) and files must exist. On failure returns false
// with *error set ("'node' is not installed (needed for javascript:) ...").
bool make_script_source(const ScriptOptions& options, ScriptSource* out, std::string* error);

// The program argv[0] names: itself when it holds a '/' (relative to directory), else the
// first executable of that name on PATH. Empty when there is none.
std::string find_program(const std::string& name, const std::string& directory);

// A command given as a string (split on whitespace, no shell quoting) or a list of strings.
bool read_command_option(const nlohmann::json& value, std::vector<std::string>* argv,
                         std::string* error);

}  // namespace evalkit

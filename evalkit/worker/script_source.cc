#include "evalkit/worker/script_source.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cctype>
#include <cstdlib>
#include <fstream>
#include <map>
#include <mutex>
#include <sstream>

#include "evalkit/base/embedded.h"
#include "evalkit/base/hash.h"
#include "evalkit/text/excerpt.h"

namespace evalkit {
namespace {

std::string join_path(const std::string& directory, const std::string& path) {
  if (path.empty() || path[0] == '/' || directory.empty()) return path;
  return directory + (directory.back() == '/' ? "" : "/") + path;
}

bool is_regular_file(const std::string& path) {
  struct stat info {};
  return stat(path.c_str(), &info) == 0 && S_ISREG(info.st_mode);
}

bool is_executable_file(const std::string& path) {
  return is_regular_file(path) && access(path.c_str(), X_OK) == 0;
}

bool read_whole_file(const std::string& path, std::string* out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  std::ostringstream buffer;
  buffer << in.rdbuf();
  *out = buffer.str();
  return true;
}

bool is_identifier(const std::string& text) {
  if (text.empty() || std::isdigit(static_cast<unsigned char>(text[0]))) return false;
  for (char c : text) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_' && c != '$') return false;
  }
  return true;
}

std::string join_argv(const std::vector<std::string>& argv) {
  std::string out;
  for (const auto& a : argv) out += (out.empty() ? "" : " ") + a;
  return out;
}

// "file://checks/grade.py:custom_assert" -> file and function; false for inline code.
bool split_file_reference(const std::string& value, std::string* file, std::string* function) {
  static const std::string kScheme = "file://";
  if (value.rfind(kScheme, 0) != 0) return false;
  std::string rest = value.substr(kScheme.size());
  const size_t colon = rest.rfind(':');
  if (colon != std::string::npos && colon > 0 && is_identifier(rest.substr(colon + 1)) &&
      rest.substr(0, colon).find('.') != std::string::npos) {
    *function = rest.substr(colon + 1);
    rest = rest.substr(0, colon);
  }
  *file = rest;
  return true;
}

bool make_shim_source(ScriptSource::Kind kind, const std::string& value,
                      const ScriptOptions& options, ScriptSource* out, std::string* error) {
  const bool javascript = kind == ScriptSource::Kind::kJavascript;
  const char* key = javascript ? "javascript" : "python";
  std::vector<std::string> interpreter = options.interpreter;
  if (interpreter.empty()) interpreter = {javascript ? "node" : "python3"};
  if (find_program(interpreter[0], options.directory).empty()) {
    *error = "'" + interpreter[0] + "' is not installed (needed for " + key + ":); install " +
             (javascript ? "Node.js" : "Python 3") + " or set 'interpreter'";
    return false;
  }
  std::string file, function;
  // Providers take files only, so a bare path needs no file:// prefix there.
  const std::string reference =
      options.allow_inline || value.rfind("file://", 0) == 0 ? value : "file://" + value;
  if (split_file_reference(reference, &file, &function)) {
    if (file.empty()) {
      *error = "'" + std::string(key) + "' names no file";
      return false;
    }
    const std::string path = join_path(options.directory, file);
    std::string content;
    if (!is_regular_file(path) || !read_whole_file(path, &content)) {
      *error = std::string(key) + " file '" + file + "' does not exist" +
               (options.directory.empty() ? "" : " (looked in " + options.directory + ")");
      return false;
    }
    out->target = {{"file", path}};
    if (!function.empty()) out->target["function"] = function;
    out->description = file + (function.empty() ? "" : ":" + function);
    out->content_hash = sha256_hex(content);
  } else {
    if (!options.allow_inline) {
      *error = "'" + std::string(key) + "' must name a file (file://path" +
               (javascript ? ".js" : ".py") + ")";
      return false;
    }
    if (value.find_first_not_of(" \t\r\n") == std::string::npos) {
      *error = "'" + std::string(key) + "' is empty";
      return false;
    }
    out->target = {{"code", value}};
    out->description = std::string(key) + ": " + excerpt(value, 60);
    out->content_hash = sha256_hex(value);
  }
  const std::string shim_name =
      javascript ? "share/evalkit/promptfoo_worker.js" : "share/evalkit/promptfoo_worker.py";
  const std::optional<std::string_view> shim = embedded_file(shim_name);
  if (!shim) {
    *error = shim_name + " is missing from this build";
    return false;
  }
  out->command.argv = interpreter;
  out->command.argv.push_back(javascript ? "-e" : "-c");
  out->command.argv.emplace_back(*shim);
  out->command.directory = options.directory;
  out->command.label = interpreter[0] + " (" + shim_name + ")";
  return true;
}

}  // namespace

std::string find_program(const std::string& name, const std::string& directory) {
  if (name.empty()) return "";
  if (name.find('/') != std::string::npos) {
    const std::string path = join_path(directory, name);
    return is_executable_file(path) ? path : "";
  }
  const char* path_env = std::getenv("PATH");
  std::istringstream entries(path_env != nullptr ? path_env : "/usr/local/bin:/usr/bin:/bin");
  std::string entry;
  while (std::getline(entries, entry, ':')) {
    const std::string candidate = (entry.empty() ? "." : entry) + "/" + name;
    if (is_executable_file(candidate)) return candidate;
  }
  return "";
}

bool read_command_option(const nlohmann::json& value, std::vector<std::string>* argv,
                         std::string* error) {
  argv->clear();
  if (value.is_string()) {
    std::istringstream words(value.get<std::string>());
    std::string word;
    while (words >> word) argv->push_back(word);
  } else if (value.is_array()) {
    for (const auto& item : value) {
      if (!item.is_string()) {
        *error = "'command' must be a string or a list of strings";
        return false;
      }
      argv->push_back(item.get<std::string>());
    }
  } else {
    *error = "'command' must be a string or a list of strings";
    return false;
  }
  if (argv->empty() || (*argv)[0].empty()) {
    *error = "'command' is empty";
    return false;
  }
  return true;
}

ScriptOptions script_options(const nlohmann::json& extra, const std::vector<std::string>& command,
                             const std::string& directory) {
  ScriptOptions options;
  options.command = command;
  options.directory = directory;
  options.allow_inline = false;
  if (extra.is_object()) {
    options.python = extra.value("python", "");
    options.javascript = extra.value("javascript", "");
    if (const auto it = extra.find("interpreter"); it != extra.end() && it->is_array()) {
      for (const auto& word : *it) {
        if (word.is_string()) options.interpreter.push_back(word.get<std::string>());
      }
    }
  }
  return options;
}

namespace {

// Sources already made, by their options: scorers of a case are built for every trial, and
// looking programs up on PATH and hashing script files each time would cost more than the
// trial itself. Only successes are kept, so an error is reported every time.
struct SourceCache {
  std::mutex mutex;
  std::map<std::string, ScriptSource> sources;
};

SourceCache& source_cache() {
  static SourceCache cache;
  return cache;
}

std::string cache_key(const ScriptOptions& options) {
  std::string key = options.directory + '\0' + options.javascript + '\0' + options.python + '\0' +
                    (options.allow_inline ? "inline" : "files");
  for (const auto& a : options.command) key += "\0c" + a;
  for (const auto& a : options.interpreter) key += "\0i" + a;
  return key;
}

bool make_fresh_script_source(const ScriptOptions& options, ScriptSource* out, std::string* error);

}  // namespace

bool make_script_source(const ScriptOptions& options, ScriptSource* out, std::string* error) {
  SourceCache& cache = source_cache();
  const std::string key = cache_key(options);
  {
    std::lock_guard<std::mutex> lock(cache.mutex);
    if (const auto it = cache.sources.find(key); it != cache.sources.end()) {
      *out = it->second;
      return true;
    }
  }
  if (!make_fresh_script_source(options, out, error)) return false;
  std::lock_guard<std::mutex> lock(cache.mutex);
  if (cache.sources.size() < 10000) cache.sources.emplace(key, *out);
  return true;
}

namespace {

bool make_fresh_script_source(const ScriptOptions& options, ScriptSource* out, std::string* error) {
  const int given = int(!options.command.empty()) + int(!options.javascript.empty()) +
                    int(!options.python.empty());
  if (given != 1) {
    *error = given == 0 ? "needs one of 'command', 'javascript' or 'python'"
                        : "takes only one of 'command', 'javascript' and 'python'";
    return false;
  }
  if (!options.command.empty()) {
    if (!options.interpreter.empty()) {
      *error = "'interpreter' applies to 'javascript' and 'python', not to 'command'";
      return false;
    }
    const std::string& program = options.command[0];
    if (find_program(program, options.directory).empty()) {
      *error = program.find('/') != std::string::npos
                   ? "'" + program + "' is not an executable file" +
                         (options.directory.empty() ? "" : " (in " + options.directory + ")")
                   : "cannot find '" + program + "' on PATH";
      return false;
    }
    out->kind = ScriptSource::Kind::kCommand;
    out->command.argv = options.command;
    out->command.directory = options.directory;
    out->command.label = excerpt(join_argv(options.command), 80);
    out->description = out->command.label;
    // What the command runs: its argv and any argument that is a file beside the suite.
    std::string identity = join_argv(options.command);
    for (size_t i = 1; i < options.command.size(); ++i) {
      std::string content;
      const std::string path = join_path(options.directory, options.command[i]);
      struct stat info {};
      if (stat(path.c_str(), &info) == 0 && S_ISREG(info.st_mode) && info.st_size < (1 << 20) &&
          read_whole_file(path, &content)) {
        identity += '\0' + content;
      }
    }
    out->content_hash = sha256_hex(identity);
    return true;
  }
  out->kind =
      options.javascript.empty() ? ScriptSource::Kind::kPython : ScriptSource::Kind::kJavascript;
  return make_shim_source(out->kind,
                          options.javascript.empty() ? options.python : options.javascript, options,
                          out, error);
}

}  // namespace

}  // namespace evalkit

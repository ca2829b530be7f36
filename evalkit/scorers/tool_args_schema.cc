// tool_args_schema: every tool call's arguments validate against its tool's JSON Schema (the
// `parameters` of the tool the request offered, or a schema given inline under `schemas:`, by
// tool name). The value is the share of calls whose arguments are valid; the scorer passes
// when all are. A call to a tool with no schema fails (`unknown_tools: ignore` skips it), and
// an answer without any call fails (`allow_no_calls: true` passes it), so the check never
// passes for want of something to check.
#include <list>
#include <map>
#include <memory>
#include <mutex>

#include "evalkit/base/hash.h"
#include "evalkit/scorers/argument_matcher.h"
#include "evalkit/scorers/json_schema.h"
#include "evalkit/scorers/scorer_options.h"
#include "evalkit/text/excerpt.h"

namespace evalkit {
namespace {

using json = nlohmann::json;

// Compiled schemas of the requests' tools, by their text: a suite offers few tool sets, so
// each is compiled once however many trials use it. Bounded, oldest out first.
class SchemaCache {
 public:
  struct Entry {
    std::shared_ptr<const JsonSchema> schema;  // null when it did not compile
    std::string error;
  };

  Entry get(const json& schema) {
    const std::string key = sha256_hex(schema.dump(-1, ' ', false, json::error_handler_t::replace));
    {
      std::lock_guard<std::mutex> lock(mutex_);
      if (const auto it = entries_.find(key); it != entries_.end()) return it->second;
    }
    Entry entry;
    auto compiled = std::make_shared<JsonSchema>();
    if (JsonSchema::compile(schema, compiled.get(), &entry.error)) entry.schema = compiled;
    std::lock_guard<std::mutex> lock(mutex_);
    if (entries_.emplace(key, entry).second) {
      order_.push_back(key);
      if (order_.size() > kMaxEntries) {
        entries_.erase(order_.front());
        order_.pop_front();
      }
    }
    return entry;
  }

 private:
  static constexpr size_t kMaxEntries = 256;
  std::mutex mutex_;
  std::map<std::string, Entry> entries_;
  std::list<std::string> order_;
};

std::string describe_call(const ToolCall& call) {
  return call.name + "(" +
         (call.arguments.is_object()
              ? excerpt(call.arguments.dump(-1, ' ', false, json::error_handler_t::replace), 60)
              : short_value(call.arguments)) +
         ")";
}

class ToolArgsSchemaScorer : public Scorer {
 public:
  ToolArgsSchemaScorer(const ScorerSpec& spec, std::map<std::string, JsonSchema> inline_schemas,
                       bool ignore_unknown, bool allow_no_calls, std::string settings)
      : type_(spec.type),
        name_(spec.name.empty() ? spec.type : spec.name),
        signature_(spec.type + "|" + settings),
        weight_(spec.weight),
        threshold_(spec.threshold.value_or(1.0)),
        inline_schemas_(std::move(inline_schemas)),
        ignore_unknown_(ignore_unknown),
        allow_no_calls_(allow_no_calls) {}

  std::string name() const override { return name_; }
  std::string signature() const override { return signature_; }

  Score score(const ScoreInput& input) const override {
    Score score;
    score.name = name_;
    score.type = type_;
    score.signature = signature_;
    score.weight = weight_;
    if (input.answer == nullptr) {
      score.error = true;
      score.reason = "needs the whole answer (its tool calls)";
      return score;
    }
    const std::vector<ToolCall>& calls = input.answer->tool_calls;
    if (calls.empty()) {
      score.value = allow_no_calls_ ? 1 : 0;
      score.pass = allow_no_calls_;
      score.reason =
          allow_no_calls_
              ? "no tool call (allowed)"
              : "no tool call to check" +
                    (input.answer->text.empty()
                         ? std::string()
                         : " (the answer is text: " + quoted_excerpt(input.answer->text, 60) + ")");
      return score;
    }
    size_t checked = 0, valid = 0;
    std::vector<std::string> problems;
    for (const ToolCall& call : calls) {
      std::string problem;
      const Verdict verdict = check(call, input.tools, &problem);
      if (verdict == Verdict::kSkipped) continue;
      ++checked;
      if (verdict == Verdict::kSchemaError) {
        score.error = true;
        score.reason = problem;
        return score;
      }
      if (verdict == Verdict::kValid) {
        ++valid;
      } else {
        problems.push_back(std::move(problem));
      }
    }
    if (checked == 0) {
      score.value = allow_no_calls_ ? 1 : 0;
      score.pass = allow_no_calls_;
      score.reason = "no call to a tool with a schema (unknown tools ignored)";
      return score;
    }
    score.value = double(valid) / double(checked);
    score.pass = score.value >= threshold_;
    if (problems.empty()) {
      score.reason = checked == 1 ? "the call's arguments match its tool's schema"
                                  : "the arguments of all " + std::to_string(checked) +
                                        " calls match their tools' schemas";
    } else {
      for (size_t i = 0; i < problems.size() && i < 3; ++i) {
        score.reason += (i == 0 ? "" : "; ") + problems[i];
      }
      if (problems.size() > 3) {
        score.reason += "; and " + std::to_string(problems.size() - 3) + " more";
      }
    }
    score.details = {{"calls", checked}, {"valid", valid}};
    return score;
  }

 private:
  enum class Verdict { kValid, kInvalid, kSkipped, kSchemaError };

  Verdict check(const ToolCall& call, const json* tools, std::string* problem) const {
    const JsonSchema* schema = nullptr;
    SchemaCache::Entry entry;
    if (const auto it = inline_schemas_.find(call.name); it != inline_schemas_.end()) {
      schema = &it->second;
    } else if (const json* parameters = offered_parameters(tools, call.name)) {
      entry = cache_.get(*parameters);
      if (entry.schema == nullptr) {
        *problem = "the parameters of tool '" + call.name +
                   "' are not a schema evalkit can check: " + entry.error;
        return Verdict::kSchemaError;
      }
      schema = entry.schema.get();
    } else if (offered(tools, call.name)) {
      // A tool offered without parameters takes no arguments: an empty object.
      if (call.arguments.is_object() && call.arguments.empty()) return Verdict::kValid;
      *problem = describe_call(call) + ": the tool takes no arguments";
      return Verdict::kInvalid;
    } else {
      if (ignore_unknown_) return Verdict::kSkipped;
      *problem = describe_call(call) + ": " +
                 (tools == nullptr && inline_schemas_.empty()
                      ? "the request offered no tools and no 'schemas' are given"
                      : "no tool of that name was offered");
      return Verdict::kInvalid;
    }
    if (call.arguments.is_string()) {
      *problem = call.name + ": the arguments are not JSON: " +
                 quoted_excerpt(call.arguments.get<std::string>(), 60);
      return Verdict::kInvalid;
    }
    std::string failure;
    if (schema->validate(call.arguments, &failure)) return Verdict::kValid;
    *problem = describe_call(call) + ": " + failure;
    return Verdict::kInvalid;
  }

  static const json* offered_tool(const json* tools, const std::string& name) {
    if (tools == nullptr || !tools->is_array()) return nullptr;
    for (const json& tool : *tools) {
      const auto function = tool.find("function");
      if (function == tool.end() || !function->is_object()) continue;
      const auto tool_name = function->find("name");
      if (tool_name != function->end() && *tool_name == name) return &*function;
    }
    return nullptr;
  }
  static bool offered(const json* tools, const std::string& name) {
    return offered_tool(tools, name) != nullptr;
  }
  static const json* offered_parameters(const json* tools, const std::string& name) {
    const json* function = offered_tool(tools, name);
    if (function == nullptr) return nullptr;
    const auto parameters = function->find("parameters");
    return parameters == function->end() || parameters->is_null() ? nullptr : &*parameters;
  }

  std::string type_;
  std::string name_;
  std::string signature_;
  double weight_;
  double threshold_;
  std::map<std::string, JsonSchema> inline_schemas_;
  bool ignore_unknown_;
  bool allow_no_calls_;
  mutable SchemaCache cache_;
};

}  // namespace

std::unique_ptr<Scorer> make_tool_args_schema_scorer(const ScorerSpec& spec, std::string* error) {
  ScorerOptions options(spec);
  std::string unknown_tools = "fail";
  bool allow_no_calls = false;
  options.get_string("unknown_tools", &unknown_tools);
  options.get_bool("allow_no_calls", &allow_no_calls);
  const json* schemas = options.get_json("schemas");
  if (!options.finish(error)) return nullptr;
  if (unknown_tools != "fail" && unknown_tools != "ignore") {
    *error =
        "option 'unknown_tools' is 'fail' (default: a call to a tool with no schema fails) "
        "or 'ignore', got '" +
        unknown_tools + "'";
    return nullptr;
  }
  std::map<std::string, JsonSchema> inline_schemas;
  std::string settings = "unknown:" + unknown_tools + (allow_no_calls ? "|none:allow" : "");
  if (schemas != nullptr) {
    if (!schemas->is_object() || schemas->empty()) {
      *error =
          "option 'schemas' maps tool names to their arguments' JSON Schemas, e.g. "
          "{get_weather: {type: object, required: [city]}}";
      return nullptr;
    }
    for (const auto& [tool, schema] : schemas->items()) {
      std::string problem;
      if (!JsonSchema::compile(schema, &inline_schemas[tool], &problem)) {
        *error = "option 'schemas', tool '" + tool + "': " + problem;
        return nullptr;
      }
    }
    settings +=
        "|schemas:" +
        sha256_hex(schemas->dump(-1, ' ', false, json::error_handler_t::replace)).substr(0, 12);
  }
  return std::make_unique<ToolArgsSchemaScorer>(spec, std::move(inline_schemas),
                                                unknown_tools == "ignore", allow_no_calls,
                                                std::move(settings));
}

}  // namespace evalkit

#include "tests/support/gate_suite.h"

#include <fstream>

namespace evalkit::testing {

std::set<int> range(int from, int to) {
  std::set<int> out;
  for (int i = from; i < to; ++i) out.insert(i);
  return out;
}

void write_gate_cases(const std::string& path, int n, const std::string& prefix) {
  std::ofstream out(path);
  for (int i = 0; i < n; ++i) {
    out << "{\"id\": \"" << prefix << i << "\", \"vars\": {\"n\": " << i
        << "}, \"expected\": \"Paris\"}\n";
  }
}

FakeOpenAIServerOptions gate_model(const std::set<int>& wrong) {
  FakeOpenAIServerOptions options;
  for (int i : wrong) options.rules.push_back({"Q[" + std::to_string(i) + "]", "Lyon", {}, {}, {}});
  options.rules.push_back({"", "Paris", {}, {}, {}});
  return options;
}

std::string write_gate_suite(const std::string& dir, const GateSuite& suite) {
  const std::string path = dir + "/" + suite.file;
  std::ofstream out(path);
  out << "suite: " << suite.name << "\n"
      << suite.defaults
      << "providers:\n  - id: model\n    type: openai-chat\n    model: " << suite.model
      << "\n    base_url: " << suite.base_url << "\n    params: " << suite.params << "\n"
      << suite.more_providers << "prompts:\n  - id: " << suite.prompt_id << "\n"
      << suite.prompt_extra << "    messages: [{role: user, content: \"Q[{{n}}] capital?\"}]\n"
      << "cases:\n  - file: " << suite.cases_file << "\nscorers:\n"
      << suite.scorers;
  if (!suite.gate.empty()) out << "gate:\n" << suite.gate;
  return path;
}

}  // namespace evalkit::testing

// Prompt templates of arbitrary text rendered against fixed vars.
#include <string_view>

#include "evalkit/suite/template.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const nlohmann::json vars = {
      {"country", "France"}, {"user", {{"name", "Ada"}, {"tags", {"a", "b"}}}}, {"n", 3}};
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  std::string out;
  (void)evalkit::render_template(text, vars, &out);
  (void)evalkit::template_variables(text);
  return 0;
}

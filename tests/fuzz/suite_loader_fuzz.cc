// The suite loader on arbitrary bytes, as YAML and as JSON: it must return a Status, never
// crash, hang or read out of bounds.
#include "evalkit/suite/suite_loader.h"
#include "tests/fuzz/fuzz_input.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  evalkit::SuiteLoadOptions options;
  options.getenv = [](const std::string& name) -> std::optional<std::string> {
    if (name == "FUZZ_SET") return std::string("value");
    return std::nullopt;
  };
  for (const char* extension : {".yaml", ".json"}) {
    const std::string path = evalkit::fuzz::write_scratch_file(extension, data, size);
    evalkit::Suite suite;
    (void)evalkit::load_suite(path, &suite, options);
    std::remove(path.c_str());
  }
  return 0;
}

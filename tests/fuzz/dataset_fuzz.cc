// The JSONL and CSV dataset readers on arbitrary bytes; what they accept can be serialized.
#include "evalkit/suite/csv_reader.h"
#include "evalkit/suite/dataset_reader.h"
#include "tests/fuzz/fuzz_input.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  for (const char* extension : {".jsonl", ".csv"}) {
    const std::string path = evalkit::fuzz::write_scratch_file(extension, data, size);
    std::vector<evalkit::CaseConfig> cases;
    std::string sha;
    (void)evalkit::read_dataset_cases(path, &cases, &sha);
    // What the store and the reports do with a case's vars: nesting must be bounded.
    for (const auto& c : cases) (void)c.vars.dump();
    std::remove(path.c_str());
  }
  evalkit::CsvReader reader(std::string_view(reinterpret_cast<const char*>(data), size));
  std::vector<std::string> fields;
  int line = 0;
  for (int records = 0; records < 100000 && reader.next(&fields, &line); ++records) {
  }
  return 0;
}

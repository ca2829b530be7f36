// Cases from dataset files: JSONL (one case object a line, or an OpenAI Evals sample) and
// CSV (header row = variable names). Lines are parsed with nlohmann::json, not YAML, so
// datasets of hundreds of thousands of lines load quickly.
#pragma once

#include <string>
#include <vector>

#include "evalkit/base/status.h"
#include "evalkit/suite/suite.h"

namespace evalkit {

// Reads the dataset at path (by extension: .jsonl/.ndjson or .csv) and appends its cases to
// *cases; each case's `where` is path:line. Cases without an id get "<file-stem>-<line>".
// *sha256 receives the SHA-256 of the file's bytes. Errors name path:line[:column].
Status read_dataset_cases(const std::string& path, std::vector<CaseConfig>* cases,
                          std::string* sha256);

// Splits a CSV labels cell on ',' and ';', trimming spaces and dropping empty parts.
std::vector<std::string> split_labels(std::string_view cell);

}  // namespace evalkit

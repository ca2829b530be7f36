// Cases from dataset files: JSONL (one case object a line, or an OpenAI Evals sample) and
// CSV (header row = variable names). Lines are parsed with nlohmann::json, not YAML, so
// datasets of hundreds of thousands of lines load quickly. Rows are read one at a time: a
// JSONL file is never held whole, so a run over a million rows keeps only the rows in flight.
#pragma once

#include <sys/types.h>

#include <ctime>
#include <memory>
#include <string>
#include <vector>

#include "evalkit/base/status.h"
#include "evalkit/suite/suite.h"

namespace evalkit {

// A dataset file held open from loading to the end of the run. Rows are read through this
// descriptor, so a file replaced (renamed over) after loading still gives the loaded rows;
// one changed in place is noticed (changed(), and the SHA-256 of the rows read again).
class DatasetFile {
 public:
  // Opens path for reading; the error reads "cannot read PATH: reason".
  static Status open(const std::string& path, std::shared_ptr<const DatasetFile>* out);
  ~DatasetFile();
  DatasetFile(const DatasetFile&) = delete;
  DatasetFile& operator=(const DatasetFile&) = delete;

  const std::string& path() const { return path_; }
  int descriptor() const { return fd_; }
  // Whether the file's size or modification time differ from when it was opened.
  bool changed() const;

 private:
  DatasetFile() = default;
  std::string path_;
  int fd_ = -1;
  off_t size_ = 0;
  timespec modified_{};
};

// The rows of one dataset file, one case at a time, in file order. Each case's `where` is
// path:line; cases without an id get "<file-stem>-<line>". Errors name path:line[:column].
class DatasetRows {
 public:
  // Starts reading file (the extension of its path picks .jsonl/.ndjson or .csv). A CSV
  // header is read here, so its errors come from open().
  static Status open(std::shared_ptr<const DatasetFile> file, std::unique_ptr<DatasetRows>* out);
  virtual ~DatasetRows();

  // Reads the next case into *out (a fresh CaseConfig); sets *end at the end of the file.
  virtual Status next(CaseConfig* out, bool* end) = 0;
  // The SHA-256 of the bytes read so far: the whole file's once next() has set *end.
  std::string sha256() const;

 protected:
  explicit DatasetRows(std::shared_ptr<const DatasetFile> file);
  // Appends up to n bytes from the file's current read position to *out; false at the end
  // of the file. Read errors become *status.
  bool read_more(std::string* out, size_t n, Status* status);

  std::shared_ptr<const DatasetFile> file_;
  std::string stem_;

 private:
  struct Digest;
  std::unique_ptr<Digest> digest_;
  off_t offset_ = 0;
};

// Reads the dataset at path and appends its cases to *cases; *sha256 receives the SHA-256
// of the file's bytes. For small files and tools: a suite streams its datasets instead.
Status read_dataset_cases(const std::string& path, std::vector<CaseConfig>* cases,
                          std::string* sha256);

// Whether path names a dataset format evalkit reads; otherwise *error says which it reads.
bool is_dataset_format(const std::string& path, Status* error);

// Splits a CSV labels cell on ',' and ';', trimming spaces and dropping empty parts.
std::vector<std::string> split_labels(std::string_view cell);

}  // namespace evalkit

#include "evalkit/suite/dataset_reader.h"

#include <fcntl.h>
#include <openssl/evp.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <unordered_map>

#include <nlohmann/json.hpp>

#include "evalkit/base/json_parse.h"

#include "evalkit/base/files.h"
#include "evalkit/base/hash.h"
#include "evalkit/base/suggest.h"
#include "evalkit/suite/csv_reader.h"
#include "evalkit/suite/promptfoo_check.h"
#include "evalkit/suite/scorer_spec_parser.h"
#include "evalkit/suite/message_parser.h"
#include "evalkit/suite/suite_keys.h"
#include "evalkit/text/utf8.h"

namespace evalkit {
namespace {

SourceLocation line_location(const std::string& path, int line, int column = 0) {
  return SourceLocation{path, line, column};
}

// nlohmann's messages start with "[json.exception...] parse error at line 1, column 5: ";
// the location is already in our prefix, so keep only the explanation.
std::string parse_error_reason(const nlohmann::json::parse_error& e) {
  const std::string what = e.what();
  const size_t column = what.find("column ");
  const size_t colon = column == std::string::npos ? column : what.find(": ", column);
  return colon == std::string::npos ? what : what.substr(colon + 2);
}

// A JSON scalar as reference text: strings as they are, numbers and booleans as written.
bool reference_text(const nlohmann::json& value, std::string* out) {
  if (value.is_string()) {
    *out = value.get<std::string>();
    return true;
  }
  if (value.is_number() || value.is_boolean()) {
    *out = value.dump();
    return true;
  }
  return false;
}

bool read_references(const nlohmann::json& value, std::vector<std::string>* out) {
  out->clear();
  std::string text;
  if (reference_text(value, &text)) {
    out->push_back(std::move(text));
    return true;
  }
  if (!value.is_array()) return false;
  for (const auto& item : value) {
    if (!reference_text(item, &text)) return false;
    out->push_back(std::move(text));
  }
  return true;
}

// OpenAI Evals "input": a string, or chat messages whose last user message is the input.
bool read_evals_input(const nlohmann::json& input, nlohmann::json* vars, std::string* problem) {
  if (input.is_string()) {
    (*vars)["input"] = input;
    return true;
  }
  if (!input.is_array()) {
    *problem = "'input' must be a string or a list of {role, content} messages";
    return false;
  }
  std::string last_user;
  for (const auto& message : input) {
    if (!message.is_object() || !message.contains("role") || !message.contains("content") ||
        !message["role"].is_string() || !message["content"].is_string()) {
      *problem = "'input' must be a string or a list of {role, content} messages";
      return false;
    }
    if (message["role"] == "user") last_user = message["content"].get<std::string>();
  }
  (*vars)["messages"] = input;
  (*vars)["input"] = last_user;
  return true;
}

// A case's own pass rule: "all" or {"weighted_score": x} with 0 <= x <= 1.
Status read_pass_json(const nlohmann::json& value, const SourceLocation& where, CaseConfig* out) {
  PassRule rule;
  if (value == "all") {
    out->pass = rule;
    return Status::ok();
  }
  const auto problem = [&] {
    return Status::error_at(where, "expected \"all\" or {\"weighted_score\": x} for 'pass'");
  };
  if (!value.is_object() || value.size() != 1 || !value.contains("weighted_score")) {
    return problem();
  }
  const auto& score = value["weighted_score"];
  if (!score.is_number() || score.get<double>() < 0 || score.get<double>() > 1) {
    return Status::error_at(where, "'weighted_score' must be a number between 0 and 1");
  }
  rule.kind = PassRule::Kind::kWeightedScore;
  rule.min_weighted_score = score.get<double>();
  out->pass = rule;
  return Status::ok();
}

Status read_jsonl_case(const std::string& path, int line, std::string_view text,
                       const std::string& stem, CaseConfig* out) {
  const SourceLocation where = line_location(path, line);
  nlohmann::json value;
  if (const size_t deep = json_nesting_overflow(text); deep != std::string_view::npos) {
    return Status::error_at(
        line_location(path, line, static_cast<int>(deep + 1)),
        "invalid JSON: nested deeper than " + std::to_string(kMaxJsonDepth) + " levels");
  }
  try {
    value = nlohmann::json::parse(text);
  } catch (const nlohmann::json::parse_error& e) {
    return Status::error_at(line_location(path, line, static_cast<int>(e.byte)),
                            "invalid JSON: " + parse_error_reason(e));
  } catch (const nlohmann::json::exception& e) {
    // Valid grammar nlohmann still refuses, such as a number too large for a double.
    return Status::error_at(where, std::string("unreadable JSON: ") + e.what());
  }
  if (!value.is_object()) return Status::error_at(where, "expected a JSON object for a case");
  out->where = where;
  const auto& allowed = suite_keys::dataset_line();
  bool has_expected = false;
  for (auto& [key, field] : value.items()) {
    if (std::find(allowed.begin(), allowed.end(), key) == allowed.end()) {
      return Status::error_at(where,
                              "unknown key '" + key + "' in case" + did_you_mean(key, allowed));
    }
    if (key == "id") {
      if (!field.is_string() && !field.is_number_integer()) {
        return Status::error_at(where, "expected a string for 'id'");
      }
      out->id = field.is_string() ? field.get<std::string>() : field.dump();
    } else if (key == "vars") {
      if (!field.is_object()) return Status::error_at(where, "expected an object for 'vars'");
      for (auto& [name, var] : field.items()) {
        if (out->vars.contains(name)) {
          return Status::error_at(where, "variable '" + name + "' is given twice");
        }
        out->vars[name] = std::move(var);
      }
    } else if (key == "expected" || key == "ideal") {
      if (has_expected) return Status::error_at(where, "give 'expected' or 'ideal', not both");
      has_expected = true;
      if (!read_references(field, &out->expected)) {
        return Status::error_at(where, "expected a string or a list of strings for '" + key + "'");
      }
    } else if (key == "labels") {
      if (!read_references(field, &out->labels)) {
        return Status::error_at(where, "expected a string or a list of strings for 'labels'");
      }
    } else if (key == "prompt") {
      if (!field.is_string()) return Status::error_at(where, "expected a string for 'prompt'");
      out->prompt = field.get<std::string>();
    } else if (key == "timeout") {
      if (!field.is_number() || field.get<double>() <= 0) {
        return Status::error_at(where, "expected a positive number of seconds for 'timeout'");
      }
      out->timeout_s = field.get<double>();
    } else if (key == "description") {
      if (!field.is_string()) return Status::error_at(where, "expected a string for 'description'");
      out->description = field.get<std::string>();
    } else if (key == "scorers") {
      if (Status s = parse_scorer_specs_json(field, where, &out->scorers); !s) return s;
    } else if (key == "pass") {
      if (Status s = read_pass_json(field, where, out); !s) return s;
    } else if (key == "messages") {
      std::string problem;
      if (!chat_messages_from_json(field, &out->messages, &problem)) {
        return Status::error_at(where, problem);
      }
    } else if (key == "input") {
      nlohmann::json input_vars = nlohmann::json::object();
      std::string problem;
      if (!read_evals_input(field, &input_vars, &problem)) return Status::error_at(where, problem);
      for (auto& [name, var] : input_vars.items()) {
        if (out->vars.contains(name)) {
          return Status::error_at(where, "variable '" + name + "' is given twice");
        }
        out->vars[name] = std::move(var);
      }
    }
  }
  if (out->id.empty()) out->id = stem + "-" + std::to_string(line);
  return Status::ok();
}

// What a CSV column means.
struct CsvColumn {
  // kChecks: promptfoo's `__expected` syntax; kReference: evalkit's `expected`.
  enum class Role {
    kVar,
    kId,
    kReference,
    kChecks,
    kLabels,
    kThreshold,
    kMetric,
    kDescription,
    kMetadata
  };
  Role role = Role::kVar;
  std::string name;
};

// promptfoo reads every column starting with "__expected" as a check.
bool is_checks_column(const std::string& name) { return name.rfind("__expected", 0) == 0; }

// A cell of an `__expected` column: a check in promptfoo's syntax ("icontains:paris",
// "similar(0.8):...", "not-regex:..."), or plain text, which is a reference and an exact check.
Status read_checks_cell(const std::string& cell, const SourceLocation& where,
                        const std::string& column, CaseConfig* out) {
  PromptfooCheck check;
  nlohmann::json scorer;
  if (!parse_promptfoo_cell(cell, &check)) {
    out->expected.push_back(cell);
    scorer = {{"type", "exact_match"}, {"expected", cell}};
  } else if (Status s = promptfoo_check_scorer(check, &scorer); !s) {
    return Status::error_at(where, "column '" + column + "': " + s.message());
  }
  return parse_scorer_specs_json(nlohmann::json::array({scorer}), where, &out->scorers);
}

// `__metadata:KEY` gives the label "KEY=value"; `__metadata:KEY[]` one label per item of a
// comma-separated list (`\,` is a comma inside an item), as promptfoo splits it.
void add_metadata_labels(const std::string& column, const std::string& cell,
                         std::vector<std::string>* labels) {
  std::string key = column.substr(11);
  const bool list = key.size() > 2 && key.compare(key.size() - 2, 2, "[]") == 0;
  if (list) key.resize(key.size() - 2);
  const auto add = [&](std::string value) {
    const size_t begin = value.find_first_not_of(" \t");
    if (begin == std::string::npos) return;
    value = value.substr(begin, value.find_last_not_of(" \t") - begin + 1);
    labels->push_back(key + "=" + value);
  };
  if (!list) return add(cell);
  std::string item;
  for (size_t i = 0; i < cell.size(); ++i) {
    if (cell[i] == '\\' && i + 1 < cell.size() && cell[i + 1] == ',') {
      item += ',';
      ++i;
    } else if (cell[i] == ',') {
      add(std::move(item));
      item.clear();
    } else {
      item += cell[i];
    }
  }
  add(std::move(item));
}

// `__threshold`: the row passes when the weighted mean of its scores reaches it. Empty or 0
// means the suite's rule, as in promptfoo.
Status read_threshold_cell(const std::string& cell, const SourceLocation& where, CaseConfig* out) {
  if (cell.find_first_not_of(" \t") == std::string::npos) return Status::ok();
  char* end = nullptr;
  const double value = std::strtod(cell.c_str(), &end);
  if (end == cell.c_str() || std::string_view(end).find_first_not_of(" \t") != std::string::npos ||
      !(value >= 0 && value <= 1)) {
    return Status::error_at(
        where, "column '__threshold': expected a number from 0 to 1, got '" + cell + "'");
  }
  if (value == 0) return Status::ok();
  PassRule rule;
  rule.kind = PassRule::Kind::kWeightedScore;
  rule.min_weighted_score = value;
  out->pass = rule;
  return Status::ok();
}

// A CSV dataset: RFC 4180 records may span lines, so the file's bytes are read whole when
// reading starts (the bytes, not the parsed cases) and released when the reader goes.
class CsvRows : public DatasetRows {
 public:
  explicit CsvRows(std::shared_ptr<const DatasetFile> file) : DatasetRows(std::move(file)) {}

  Status start() {
    Status status;
    while (read_more(&data_, 1 << 20, &status)) {
    }
    if (!status) return status;
    const std::string& path = file_->path();
    if (const size_t bad = first_invalid_utf8(data_); bad != std::string::npos) {
      // Cells become JSON values, SQLite text and report text, which are all UTF-8.
      const TextPosition at = text_position(data_, bad);
      return Status::error_at(SourceLocation{path, at.line, at.column},
                              "invalid UTF-8 (CSV datasets must be UTF-8 text)");
    }
    reader_ = std::make_unique<CsvReader>(data_);
    std::vector<std::string> fields;
    if (!reader_->next(&fields, &line_)) {
      if (!reader_->error().empty()) {
        return Status::error_at(line_location(path, line_), reader_->error());
      }
      return Status::error_at(line_location(path, 1), "CSV file has no header row");
    }
    std::unordered_map<std::string, size_t> seen;
    for (size_t i = 0; i < fields.size(); ++i) {
      const std::string& name = fields[i];
      const SourceLocation where = line_location(path, line_, 0);
      if (name.empty()) {
        return Status::error_at(where, "column " + std::to_string(i + 1) + " has no name");
      }
      if (!seen.emplace(name, i).second) {
        return Status::error_at(where, "column '" + name + "' appears twice in the header");
      }
      CsvColumn column;
      if (Status s = classify_column(name, where, &column); !s) return s;
      columns_.push_back(std::move(column));
    }
    return Status::ok();
  }

  Status next(CaseConfig* out, bool* end) override {
    *end = false;
    const std::string& path = file_->path();
    if (!reader_->next(&fields_, &line_)) {
      if (!reader_->error().empty()) {
        return Status::error_at(line_location(path, line_), reader_->error());
      }
      *end = true;
      return Status::ok();
    }
    if (fields_.size() != columns_.size()) {
      return Status::error_at(line_location(path, line_),
                              "row has " + std::to_string(fields_.size()) + " fields, header has " +
                                  std::to_string(columns_.size()));
    }
    CaseConfig& config = *out;
    config.where = line_location(path, line_);
    std::string metric;
    for (size_t i = 0; i < columns_.size(); ++i) {
      std::string& cell = fields_[i];
      switch (columns_[i].role) {
        case CsvColumn::Role::kVar:
          config.vars[columns_[i].name] = std::move(cell);
          break;
        case CsvColumn::Role::kId:
          config.id = std::move(cell);
          break;
        case CsvColumn::Role::kReference:
          if (!cell.empty()) config.expected.push_back(std::move(cell));
          break;
        case CsvColumn::Role::kChecks:
          if (cell.find_first_not_of(" \t\r\n") == std::string::npos) break;
          if (Status s = read_checks_cell(cell, config.where, columns_[i].name, &config); !s) {
            return s;
          }
          break;
        case CsvColumn::Role::kLabels:
          for (auto& label : split_labels(cell)) config.labels.push_back(std::move(label));
          break;
        case CsvColumn::Role::kThreshold:
          if (Status s = read_threshold_cell(cell, config.where, &config); !s) return s;
          break;
        case CsvColumn::Role::kMetric:
          metric = std::move(cell);
          break;
        case CsvColumn::Role::kDescription:
          config.description = std::move(cell);
          break;
        case CsvColumn::Role::kMetadata:
          add_metadata_labels(columns_[i].name, cell, &config.labels);
          break;
      }
    }
    if (!metric.empty()) {
      for (auto& spec : config.scorers) spec.name = metric;
    }
    if (config.id.empty()) config.id = stem_ + "-" + std::to_string(line_);
    return Status::ok();
  }

 private:
  static Status classify_column(const std::string& name, const SourceLocation& where,
                                CsvColumn* column) {
    column->name = name;
    static const std::vector<std::string> kSpecial = {"__expected", "__threshold", "__metric",
                                                      "__description"};
    if (name == "id") {
      column->role = CsvColumn::Role::kId;
    } else if (name == "labels") {
      column->role = CsvColumn::Role::kLabels;
    } else if (name == "expected") {
      column->role = CsvColumn::Role::kReference;
    } else if (is_checks_column(name)) {
      column->role = CsvColumn::Role::kChecks;
    } else if (name == "__threshold") {
      column->role = CsvColumn::Role::kThreshold;
    } else if (name == "__metric") {
      column->role = CsvColumn::Role::kMetric;
    } else if (name == "__description") {
      column->role = CsvColumn::Role::kDescription;
    } else if (name.rfind("__metadata:", 0) == 0 && name.size() > 11) {
      column->role = CsvColumn::Role::kMetadata;
    } else if (name == "__prefix" || name == "__suffix" || name == "__providerOutput" ||
               name.rfind("__config", 0) == 0) {
      return Status::error_at(where, "promptfoo column '" + name + "' is not supported (use " +
                                         "__expected, __threshold, __metric, __description or " +
                                         "__metadata:KEY)");
    } else if (name.rfind("__", 0) == 0) {
      return Status::error_at(
          where, "unknown special column '" + name + "'" + did_you_mean(name, kSpecial));
    }
    return Status::ok();
  }

  std::string data_;
  std::unique_ptr<CsvReader> reader_;
  std::vector<CsvColumn> columns_;
  std::vector<std::string> fields_;
  int line_ = 0;
};

// A JSONL dataset, read a block at a time: one line is held at once (plus the block).
class JsonlRows : public DatasetRows {
 public:
  explicit JsonlRows(std::shared_ptr<const DatasetFile> file) : DatasetRows(std::move(file)) {}

  Status next(CaseConfig* out, bool* end) override {
    *end = false;
    while (true) {
      std::string_view text;
      Status status;
      if (!next_line(&text, &status)) {
        if (!status) return status;
        *end = true;
        return Status::ok();
      }
      ++line_;
      if (text.find_first_not_of(" \t\r") == std::string_view::npos) continue;
      return read_jsonl_case(file_->path(), line_, text, stem_, out);
    }
  }

 private:
  static constexpr size_t kBlock = 64 * 1024;

  // The next line (without its '\n'), valid until the next call; false at the end.
  bool next_line(std::string_view* text, Status* status) {
    while (true) {
      const size_t newline = buffer_.find('\n', position_);
      if (newline != std::string::npos) {
        *text = std::string_view(buffer_).substr(position_, newline - position_);
        position_ = newline + 1;
        return true;
      }
      if (at_end_) {
        if (position_ >= buffer_.size()) return false;
        *text = std::string_view(buffer_).substr(position_);
        position_ = buffer_.size();
        return true;
      }
      buffer_.erase(0, position_);
      position_ = 0;
      const size_t before = buffer_.size();
      if (!read_more(&buffer_, kBlock, status)) {
        if (!*status) return false;
        at_end_ = true;
      }
      if (first_block_ && buffer_.size() > before) {
        first_block_ = false;
        if (buffer_.compare(0, 3, "\xEF\xBB\xBF") == 0) position_ = 3;
      } else if (first_block_ && at_end_) {
        first_block_ = false;
      }
    }
  }

  std::string buffer_;
  size_t position_ = 0;
  bool at_end_ = false;
  bool first_block_ = true;
  int line_ = 0;
};

}  // namespace

std::vector<std::string> split_labels(std::string_view cell) {
  std::vector<std::string> labels;
  size_t position = 0;
  while (position <= cell.size()) {
    size_t end = cell.find_first_of(",;", position);
    if (end == std::string_view::npos) end = cell.size();
    std::string_view part = cell.substr(position, end - position);
    const size_t begin = part.find_first_not_of(" \t");
    if (begin != std::string_view::npos) {
      part = part.substr(begin, part.find_last_not_of(" \t") - begin + 1);
      labels.emplace_back(part);
    }
    position = end + 1;
  }
  return labels;
}

bool is_dataset_format(const std::string& path, Status* error) {
  const std::string extension = std::filesystem::path(path).extension().string();
  if (extension == ".jsonl" || extension == ".ndjson" || extension == ".csv") return true;
  *error = Status::error(path + ": unsupported dataset format '" + extension +
                         "' (use .jsonl, .ndjson or .csv)");
  return false;
}

Status DatasetFile::open(const std::string& path, std::shared_ptr<const DatasetFile>* out) {
  std::shared_ptr<DatasetFile> file(new DatasetFile());
  file->path_ = path;
  file->fd_ = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  struct stat info {};
  if (file->fd_ < 0 || ::fstat(file->fd_, &info) != 0) {
    return Status::error("cannot read " + path + ": " + std::strerror(errno));
  }
  if (S_ISDIR(info.st_mode)) return Status::error("cannot read " + path + ": Is a directory");
  file->size_ = info.st_size;
  file->modified_ = info.st_mtim;
  *out = std::move(file);
  return Status::ok();
}

DatasetFile::~DatasetFile() {
  if (fd_ >= 0) ::close(fd_);
}

bool DatasetFile::changed() const {
  struct stat info {};
  if (::fstat(fd_, &info) != 0) return true;
  const auto same = [](const timespec& a, const timespec& b) {
    return a.tv_sec == b.tv_sec && a.tv_nsec == b.tv_nsec;
  };
  // Not the change time: unlinking a file replaced by a rename changes it, and its rows
  // are as they were.
  return info.st_size != size_ || !same(info.st_mtim, modified_);
}

struct DatasetRows::Digest {
  Digest() : context(EVP_MD_CTX_new()) { EVP_DigestInit_ex(context, EVP_sha256(), nullptr); }
  ~Digest() { EVP_MD_CTX_free(context); }
  EVP_MD_CTX* context;
};

DatasetRows::DatasetRows(std::shared_ptr<const DatasetFile> file)
    : file_(std::move(file)),
      stem_(std::filesystem::path(file_->path()).stem().string()),
      digest_(std::make_unique<Digest>()) {}

DatasetRows::~DatasetRows() = default;

bool DatasetRows::read_more(std::string* out, size_t n, Status* status) {
  const size_t before = out->size();
  out->resize(before + n);
  ssize_t got = 0;
  do {
    got = ::pread(file_->descriptor(), out->data() + before, n, offset_);
  } while (got < 0 && errno == EINTR);
  if (got < 0) {
    out->resize(before);
    *status = Status::error("cannot read " + file_->path() + ": " + std::strerror(errno));
    return false;
  }
  out->resize(before + size_t(got));
  offset_ += got;
  EVP_DigestUpdate(digest_->context, out->data() + before, size_t(got));
  return got > 0;
}

std::string DatasetRows::sha256() const {
  EVP_MD_CTX* copy = EVP_MD_CTX_new();
  EVP_MD_CTX_copy_ex(copy, digest_->context);
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_DigestFinal_ex(copy, digest, &length);
  EVP_MD_CTX_free(copy);
  static const char kHex[] = "0123456789abcdef";
  std::string hex;
  for (unsigned int i = 0; i < length; ++i) {
    hex.push_back(kHex[digest[i] >> 4]);
    hex.push_back(kHex[digest[i] & 15]);
  }
  return hex;
}

Status DatasetRows::open(std::shared_ptr<const DatasetFile> file,
                         std::unique_ptr<DatasetRows>* out) {
  Status format;
  if (!is_dataset_format(file->path(), &format)) return format;
  if (std::filesystem::path(file->path()).extension() == ".csv") {
    auto rows = std::make_unique<CsvRows>(std::move(file));
    if (Status s = rows->start(); !s) return s;
    *out = std::move(rows);
  } else {
    *out = std::make_unique<JsonlRows>(std::move(file));
  }
  return Status::ok();
}

Status read_dataset_cases(const std::string& path, std::vector<CaseConfig>* cases,
                          std::string* sha256) {
  Status format;
  if (!is_dataset_format(path, &format)) return format;
  std::shared_ptr<const DatasetFile> file;
  if (Status s = DatasetFile::open(path, &file); !s) return s;
  std::unique_ptr<DatasetRows> rows;
  if (Status s = DatasetRows::open(file, &rows); !s) return s;
  while (true) {
    CaseConfig config;
    bool end = false;
    if (Status s = rows->next(&config, &end); !s) return s;
    if (end) break;
    cases->push_back(std::move(config));
  }
  *sha256 = rows->sha256();
  return Status::ok();
}

}  // namespace evalkit

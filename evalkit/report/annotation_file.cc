#include "evalkit/report/annotation_file.h"

#include <map>
#include <set>

#include <nlohmann/json.hpp>

#include "evalkit/report/report_text.h"

namespace evalkit {
namespace {

using nlohmann::json;

constexpr int kMaxDepth = 16;  // the format nests three deep

// The line and column (1-based) of byte offset `at`.
std::string line_column(const std::string& text, size_t at) {
  int line = 1, column = 1;
  for (size_t i = 0; i < at && i < text.size(); ++i) {
    if (text[i] == '\n') {
      ++line;
      column = 1;
    } else if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) {
      ++column;
    }
  }
  return std::to_string(line) + ":" + std::to_string(column);
}

// The offset where nesting first exceeds max_depth, or npos. Strings are skipped, so
// brackets inside them do not count.
size_t too_deep_at(const std::string& text, int max_depth) {
  int depth = 0;
  bool in_string = false;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_string) {
      if (c == '\\') {
        ++i;
      } else if (c == '"') {
        in_string = false;
      }
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      if (++depth > max_depth) return i;
    } else if (c == ']' || c == '}') {
      --depth;
    }
  }
  return std::string::npos;
}

size_t code_points(const std::string& utf8) {
  size_t n = 0;
  for (char c : utf8) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80 ? 1 : 0;
  return n;
}

std::string describe(const json& value) {
  std::string text = value.dump(-1, ' ', false, json::error_handler_t::replace);
  return text.size() > 40 ? text.substr(0, 40) + "…" : text;
}

// Reads one entry; returns "" or the problem (without the "annotations[i]." prefix).
std::string read_entry(const json& item, AnnotationEntry* entry) {
  if (!item.is_object()) return ": expected an object, got " + describe(item);
  const auto index = item.find("trial_index");
  if (index == item.end()) return ": trial_index is missing";
  if (!index->is_number_integer() || index->get<int64_t>() < 0) {
    return ".trial_index: expected a whole number from 0, got " + describe(*index);
  }
  entry->annotation.trial_index = index->get<int64_t>();
  for (const auto& [field, target] :
       {std::pair<const char*, std::string*>{"case_id", &entry->case_id},
        {"prompt_id", &entry->prompt_id},
        {"provider_id", &entry->provider_id}}) {
    const auto it = item.find(field);
    if (it == item.end() || it->is_null()) continue;
    if (!it->is_string())
      return std::string(".") + field + ": expected a string, got " + describe(*it);
    *target = it->get<std::string>();
  }
  if (const auto it = item.find("repeat"); it != item.end() && !it->is_null()) {
    if (!it->is_number_integer() || it->get<int64_t>() < 0) {
      return ".repeat: expected a whole number from 0, got " + describe(*it);
    }
    entry->repeat = it->get<int64_t>();
  }
  if (const auto it = item.find("verdict"); it != item.end() && !it->is_null()) {
    if (!it->is_string() || (*it != "pass" && *it != "fail")) {
      return ".verdict: expected \"pass\", \"fail\" or null, got " + describe(*it);
    }
    entry->annotation.verdict = it->get<std::string>();
  }
  if (const auto it = item.find("comment"); it != item.end() && !it->is_null()) {
    if (!it->is_string()) return ".comment: expected a string, got " + describe(*it);
    entry->annotation.comment = valid_utf8(it->get_ref<const std::string&>());
    if (code_points(entry->annotation.comment) > kMaxAnnotationCommentBytes) {
      return ".comment: longer than " + std::to_string(kMaxAnnotationCommentBytes) + " characters";
    }
  }
  if (const auto it = item.find("author"); it != item.end() && !it->is_null()) {
    if (!it->is_string()) return ".author: expected a string, got " + describe(*it);
    entry->annotation.author = valid_utf8(it->get_ref<const std::string&>());
    if (entry->annotation.author.size() > kMaxAnnotationAuthorBytes) {
      return ".author: longer than " + std::to_string(kMaxAnnotationAuthorBytes) + " bytes";
    }
  }
  if (const auto it = item.find("updated_at"); it != item.end() && !it->is_null()) {
    if (!it->is_string() || it->get_ref<const std::string&>().size() > 64) {
      return ".updated_at: expected a time such as \"2026-11-30T10:00:00Z\", got " + describe(*it);
    }
    entry->annotation.updated_at = valid_utf8(it->get_ref<const std::string&>());
  }
  entry->cleared = entry->annotation.verdict.empty() && entry->annotation.comment.empty();
  return "";
}

}  // namespace

Status parse_annotation_file(const std::string& text, const std::string& path,
                             AnnotationFile* out) {
  *out = AnnotationFile{};
  if (text.size() > kMaxAnnotationFileBytes) {
    return Status::error(path + ": larger than " + std::to_string(kMaxAnnotationFileBytes >> 20) +
                         " MiB; not a reviews file exported by the report");
  }
  if (const size_t at = too_deep_at(text, kMaxDepth); at != std::string::npos) {
    return Status::error(path + ":" + line_column(text, at) + ": nested more than " +
                         std::to_string(kMaxDepth) + " levels deep");
  }
  json document;
  try {
    document = json::parse(text);
  } catch (const json::parse_error& e) {
    const std::string what = e.what();
    const size_t colon = what.find(": ", what.find("parse error"));
    return Status::error(path + ":" + line_column(text, e.byte == 0 ? 0 : e.byte - 1) +
                         ": not valid JSON (" +
                         (colon == std::string::npos ? what : what.substr(colon + 2)) + ")");
  } catch (const json::exception& e) {
    return Status::error(path + ": not valid JSON (" + std::string(e.what()) + ")");
  }
  if (!document.is_object()) return Status::error(path + ": expected a JSON object");
  const auto format = document.find("format");
  if (format == document.end() || *format != "evalkit-annotations") {
    return Status::error(path +
                         ": not an evalkit reviews file (\"format\" must be "
                         "\"evalkit-annotations\"; export one with the HTML report's "
                         "\"Export reviews\" button)");
  }
  const auto version = document.find("version");
  if (version == document.end() || *version != 1) {
    return Status::error(path + ": version " +
                         (version == document.end() ? "missing" : describe(*version)) +
                         " is not supported (this evalkit reads version 1)");
  }
  const auto run_id = document.find("run_id");
  if (run_id == document.end() || !run_id->is_string() ||
      run_id->get_ref<const std::string&>().empty() ||
      run_id->get_ref<const std::string&>().size() > 200) {
    return Status::error(path + ": run_id: expected the id of the run the reviews belong to");
  }
  out->run_id = run_id->get<std::string>();
  const auto annotations = document.find("annotations");
  if (annotations == document.end() || !annotations->is_array()) {
    return Status::error(path + ": annotations: expected a list");
  }
  std::map<int64_t, size_t> seen;
  for (size_t i = 0; i < annotations->size(); ++i) {
    AnnotationEntry entry;
    const std::string problem = read_entry((*annotations)[i], &entry);
    const std::string where = path + ": annotations[" + std::to_string(i) + "]";
    if (!problem.empty()) return Status::error(where + problem);
    const auto [it, added] = seen.emplace(entry.annotation.trial_index, i);
    if (!added) {
      return Status::error(where + ": trial " + std::to_string(entry.annotation.trial_index) +
                           " is annotated twice (also annotations[" + std::to_string(it->second) +
                           "])");
    }
    out->entries.push_back(std::move(entry));
  }
  return Status::ok();
}

Status match_annotation_trials(const AnnotationFile& file, const std::string& path,
                               const std::vector<TrialResult>& trials) {
  std::map<int64_t, const TrialResult*> by_index;
  for (const auto& t : trials) by_index[t.index] = &t;
  for (size_t i = 0; i < file.entries.size(); ++i) {
    const AnnotationEntry& e = file.entries[i];
    const std::string where = path + ": annotations[" + std::to_string(i) + "]";
    const auto it = by_index.find(e.annotation.trial_index);
    if (it == by_index.end()) {
      return Status::error(where + ": run " + file.run_id + " has no trial " +
                           std::to_string(e.annotation.trial_index) + " (test #" +
                           std::to_string(e.annotation.trial_index + 1) + ")");
    }
    const TrialKey& key = it->second->key;
    const bool same = (e.case_id.empty() || e.case_id == key.case_id) &&
                      (e.prompt_id.empty() || e.prompt_id == key.prompt_id) &&
                      (e.provider_id.empty() || e.provider_id == key.provider_id) &&
                      (e.repeat < 0 || e.repeat == key.repeat);
    if (!same) {
      return Status::error(where + ": trial " + std::to_string(e.annotation.trial_index) +
                           " of run " + file.run_id + " is " + key.case_id + " / " + key.prompt_id +
                           " / " + key.provider_id + " repeat " + std::to_string(key.repeat) +
                           ", not the " + e.case_id + " / " + e.prompt_id + " / " + e.provider_id +
                           " the reviewer saw");
    }
  }
  return Status::ok();
}

}  // namespace evalkit

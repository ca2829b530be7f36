#include "tests/support/store_query.h"

#include <sqlite3.h>

#include <filesystem>

#include <gtest/gtest.h>

namespace evalkit::testing {
namespace {

// Runs sql and hands each row's first column to on_row.
template <typename OnRow>
void for_each_row(const std::string& db_path, const std::string& sql, OnRow on_row) {
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(db_path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
    ADD_FAILURE() << "cannot open " << db_path;
    sqlite3_close(db);
    return;
  }
  sqlite3_busy_timeout(db, 5000);
  sqlite3_stmt* stmt = nullptr;
  if (sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt, nullptr) != SQLITE_OK) {
    ADD_FAILURE() << sqlite3_errmsg(db) << " in " << sql;
  } else {
    while (sqlite3_step(stmt) == SQLITE_ROW) on_row(stmt);
  }
  sqlite3_finalize(stmt);
  sqlite3_close(db);
}

}  // namespace

int64_t sql_count(const std::string& db_path, const std::string& sql) {
  int64_t value = -1;
  bool first = true;
  for_each_row(db_path, sql, [&](sqlite3_stmt* stmt) {
    if (first) value = sqlite3_column_int64(stmt, 0);
    first = false;
  });
  return value;
}

bool table_has_rows(const std::string& db_path, const std::string& table) {
  return std::filesystem::exists(db_path) &&
         sql_count(db_path, "SELECT COUNT(*) FROM sqlite_master WHERE name = '" + table + "'") ==
             1 &&
         sql_count(db_path, "SELECT COUNT(*) FROM " + table) > 0;
}

std::vector<std::string> sql_column(const std::string& db_path, const std::string& sql) {
  std::vector<std::string> values;
  for_each_row(db_path, sql, [&](sqlite3_stmt* stmt) {
    const unsigned char* text = sqlite3_column_text(stmt, 0);
    values.emplace_back(text ? reinterpret_cast<const char*>(text) : "");
  });
  return values;
}

nlohmann::json stored_answer(const std::string& db_path, const std::string& case_id) {
  std::vector<nlohmann::json> answers;
  for_each_row(db_path,
               "SELECT output, finish_reason, latency_s, prompt_tokens, completion_tokens, "
               "answer_json FROM trials WHERE case_id = '" +
                   case_id + "'",
               [&](sqlite3_stmt* stmt) {
                 const auto text = [&](int column) {
                   const unsigned char* value = sqlite3_column_text(stmt, column);
                   return std::string(value ? reinterpret_cast<const char*>(value) : "");
                 };
                 nlohmann::json answer = nlohmann::json::object();
                 if (!text(5).empty()) answer = nlohmann::json::parse(text(5));
                 answer["text"] = text(0);
                 answer["finish_reason"] = text(1);
                 answer["latency_s"] = sqlite3_column_double(stmt, 2);
                 if (!answer.contains("prompt_tokens"))
                   answer["prompt_tokens"] = sqlite3_column_int64(stmt, 3);
                 if (!answer.contains("completion_tokens")) {
                   answer["completion_tokens"] = sqlite3_column_int64(stmt, 4);
                 }
                 answers.push_back(std::move(answer));
               });
  if (answers.size() != 1) {
    ADD_FAILURE() << "expected one trial for case " << case_id << ", found " << answers.size();
    return nlohmann::json::object();
  }
  return answers[0];
}

}  // namespace evalkit::testing

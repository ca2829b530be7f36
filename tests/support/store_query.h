// Read-only queries on an evalkit SQLite database, for tests that check what a run stored.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace evalkit::testing {

// The first column of the first row of sql as an integer; -1 when there is no row. Fails the
// calling test (ADD_FAILURE) when the database cannot be opened or sql does not prepare.
int64_t sql_count(const std::string& db_path, const std::string& sql);

// True when db_path exists and holds a table named table with at least one row; false while a
// run has not yet created or filled it, without failing the calling test.
bool table_has_rows(const std::string& db_path, const std::string& table);

// The first column of every row of sql, as text ("" for NULL).
std::vector<std::string> sql_column(const std::string& db_path, const std::string& sql);

// The answer the one trial of case_id got, whole (answer_to_json's form): the stored
// answer_json with the text, finish reason, latency and tokens the store keeps in columns.
// Fails the calling test and returns {} when there is not exactly one such trial.
nlohmann::json stored_answer(const std::string& db_path, const std::string& case_id);

}  // namespace evalkit::testing

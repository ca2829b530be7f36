// The evalkit subcommands. Each takes the arguments after its name and returns an exit code.
#pragma once

#include <string>
#include <vector>

namespace evalkit::cli {

using Args = std::vector<std::string>;

int run_command(const Args& args, const std::string& command_line);
int score_command(const Args& args);
int validate_command(const Args& args);
int list_command(const Args& args);
int runs_command(const Args& args);
int baseline_command(const Args& args);
int report_command(const Args& args);
int compare_command(const Args& args);
int init_command(const Args& args);
int import_command(const Args& args);
int merge_command(const Args& args);
int annotate_command(const Args& args);
int completion_command(const Args& args);
int version_command(const Args& args);

// The default database path: $EVALKIT_DB or .evalkit/evalkit.db.
std::string default_db_path();

}  // namespace evalkit::cli

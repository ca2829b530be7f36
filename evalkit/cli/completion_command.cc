// evalkit completion bash: prints the completion script built into the binary, for
// `source <(evalkit completion bash)` where the installed copy is not on the system.
#include <cstdio>

#include "evalkit/base/embedded.h"
#include "evalkit/cli/commands.h"
#include "evalkit/cli/exit_codes.h"

namespace evalkit::cli {

int completion_command(const Args& args) {
  if (args.size() != 1 || args[0] != "bash") {
    std::fputs(
        "Usage: evalkit completion bash\n\nPrints the bash completion script. Load it "
        "with:  source <(evalkit completion bash)\n",
        args.size() == 1 && (args[0] == "--help" || args[0] == "-h") ? stdout : stderr);
    return args.size() == 1 && (args[0] == "--help" || args[0] == "-h") ? exit_code::kPassed
                                                                        : exit_code::kUsageError;
  }
  const auto script = embedded_file("share/evalkit.bash");
  if (!script) {
    std::fputs("evalkit completion: the script was not built into this binary\n", stderr);
    return exit_code::kInfrastructure;
  }
  std::fwrite(script->data(), 1, script->size(), stdout);
  return exit_code::kPassed;
}

}  // namespace evalkit::cli

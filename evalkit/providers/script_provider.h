// The team's own code as the system under test: a long-lived worker process speaking JSON
// lines (docs/scripts.md), or a promptfoo-style Python/JavaScript provider file run by the
// shims in share/evalkit/.
#pragma once

#include <memory>

#include "evalkit/providers/provider.h"

namespace evalkit {

// Builds a `script` provider from config (command, or extra.python / extra.javascript, with
// extra.interpreter, extra.config, extra.workers). Workers start on the first request.
Status make_script_provider(const ProviderConfig& config, std::unique_ptr<Provider>* out);

}  // namespace evalkit

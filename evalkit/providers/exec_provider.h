// Runs a local command per request: the rendered prompt on stdin, the output from stdout.
// For evaluating one's own pipeline (a script, a RAG service client) without an HTTP server.
#pragma once

#include <memory>

#include "evalkit/providers/provider.h"

namespace evalkit {

// The command gets the last user message on stdin (or, with `input: json` in the provider,
// {"messages": [...], "params": {...}} as JSON) and runs at most config.concurrency at once.
// A non-zero exit or a timeout is an error for the trial, with the end of stderr.
std::unique_ptr<Provider> make_exec_provider(const ProviderConfig& config);

}  // namespace evalkit

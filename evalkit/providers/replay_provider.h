// Answers from a replay file recorded with --record: offline, deterministic runs.
#pragma once

#include <memory>

#include "evalkit/providers/provider.h"

namespace evalkit {

// Loads config.responses_file; a missing request is an error for that trial (replay_miss).
Status make_replay_provider(const ProviderConfig& config, std::unique_ptr<Provider>* out);

}  // namespace evalkit

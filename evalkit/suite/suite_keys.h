// The keys each part of a suite file accepts. The loader rejects any other key (with a
// did-you-mean), and tests check docs/suite.schema.json against these same lists.
#pragma once

#include <string>
#include <vector>

namespace evalkit::suite_keys {

const std::vector<std::string>& top_level();      // suite, description, providers, ...
const std::vector<std::string>& defaults();       // provider, judge, embedder
const std::vector<std::string>& provider();       // id, type, model, ...
const std::vector<std::string>& prompt();         // id, messages, prompt
const std::vector<std::string>& message();        // role, content
const std::vector<std::string>& inline_case();    // id, vars, expected, ...
const std::vector<std::string>& dataset_entry();  // file, plus what applies to each case
const std::vector<std::string>& dataset_line();   // keys of one JSONL case line
const std::vector<std::string>& scorer();  // type, weight, threshold, name (the rest are options)
const std::vector<std::string>& pass_rule();  // weighted_score, k_of_n
const std::vector<std::string>& gate_rule();  // max_drop, min, test, max_increase, max
// Gated metrics measured on the answers rather than scored: latency_p95, latency_mean,
// cost_mean (gate/resource_metrics.h).
const std::vector<std::string>& resource_metrics();

// Provider types and message roles.
const std::vector<std::string>& provider_types();
const std::vector<std::string>& message_roles();

}  // namespace evalkit::suite_keys

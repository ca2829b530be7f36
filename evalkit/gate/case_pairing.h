// Pairs the cases of a baseline and a run by (case id, prompt id, provider id), with renamed
// prompts paired on purpose, and says why the cases that did not pair did not, and when too
// few paired for a comparison to mean anything.
#pragma once

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "evalkit/gate/case_aggregate.h"

namespace evalkit {

// How the cases of the two runs paired.
struct Pairing {
  int64_t baseline_cases = 0;
  int64_t current_cases = 0;
  int64_t paired = 0;
  double min_paired = 1.0;
  std::map<std::string, std::string> prompt_pairs;  // applied: baseline prompt -> current prompt
  // Ids seen on one side only among the unpaired cases, to say why they did not pair.
  std::set<std::string> prompts_only_in_baseline, prompts_only_in_current;
  std::set<std::string> providers_only_in_baseline, providers_only_in_current;
  std::set<std::string> cases_only_in_baseline, cases_only_in_current;
};

// The baseline prompt ids renamed to current ones: each of prompt_pairs (baseline prompt id ->
// current prompt id) that applies, which is when the current run has no cases of the old prompt
// and the baseline none of the new one.
std::map<std::string, std::string> prompt_renames(
    const std::set<std::string>& baseline_prompts, const std::set<std::string>& current_prompts,
    const std::map<std::string, std::string>& prompt_pairs);

// For each baseline case, the index of the current case it pairs with (the same case id,
// provider id and prompt id, the baseline's renamed by renames), or UINT32_MAX. Of cases with
// the same key the first pairs.
std::vector<uint32_t> match_cases(const std::vector<CaseAggregate>& baseline,
                                  const std::vector<CaseAggregate>& current,
                                  const std::map<std::string, std::string>& renames);

// Fills the ids seen on one side only among the unpaired cases.
void explain_unpaired(const std::vector<CaseKey>& only_baseline,
                      const std::vector<CaseKey>& only_current, Pairing* pairing);

// Why the pairing leaves nothing to compare: no case paired, or fewer than min_paired of the
// baseline's cases; then what differs (prompt ids, with the flag that pairs a renamed prompt,
// provider ids, case ids). Empty when enough cases paired.
std::vector<std::string> pairing_problems(const Pairing& pairing);

}  // namespace evalkit

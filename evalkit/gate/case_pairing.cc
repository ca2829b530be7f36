#include "evalkit/gate/case_pairing.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <functional>
#include <iterator>
#include <string_view>
#include <utility>

#include "evalkit/base/number_text.h"

namespace evalkit {
void explain_unpaired(const std::vector<CaseKey>& only_baseline,
                      const std::vector<CaseKey>& only_current, Pairing* pairing) {
  std::set<std::string> prompts_b, prompts_c, providers_b, providers_c, cases_b, cases_c;
  for (const CaseKey& key : only_baseline) {
    prompts_b.insert(key.prompt_id);
    providers_b.insert(key.provider_id);
    cases_b.insert(key.case_id);
  }
  for (const CaseKey& key : only_current) {
    prompts_c.insert(key.prompt_id);
    providers_c.insert(key.provider_id);
    cases_c.insert(key.case_id);
  }
  auto minus = [](const std::set<std::string>& x, const std::set<std::string>& y) {
    std::set<std::string> out;
    std::set_difference(x.begin(), x.end(), y.begin(), y.end(), std::inserter(out, out.end()));
    return out;
  };
  pairing->prompts_only_in_baseline = minus(prompts_b, prompts_c);
  pairing->prompts_only_in_current = minus(prompts_c, prompts_b);
  pairing->providers_only_in_baseline = minus(providers_b, providers_c);
  pairing->providers_only_in_current = minus(providers_c, providers_b);
  pairing->cases_only_in_baseline = minus(cases_b, cases_c);
  pairing->cases_only_in_current = minus(cases_c, cases_b);
}

namespace {

std::string joined(const std::set<std::string>& items, size_t limit = 5) {
  std::string out;
  size_t shown = 0;
  for (const std::string& item : items) {
    if (shown == limit) {
      out += ", ... (" + std::to_string(items.size()) + " in all)";
      break;
    }
    out += (shown++ == 0 ? "'" : ", '") + item + "'";
  }
  return out;
}

}  // namespace

std::map<std::string, std::string> prompt_renames(
    const std::set<std::string>& baseline_prompts, const std::set<std::string>& current_prompts,
    const std::map<std::string, std::string>& prompt_pairs) {
  std::map<std::string, std::string> renames;
  for (const auto& [was, is] : prompt_pairs) {
    if (baseline_prompts.count(was) && !current_prompts.count(was) && !baseline_prompts.count(is)) {
      renames[was] = is;
    }
  }
  return renames;
}

std::vector<uint32_t> match_cases(const std::vector<CaseAggregate>& baseline,
                                  const std::vector<CaseAggregate>& current,
                                  const std::map<std::string, std::string>& renames) {
  // The prompt id a baseline case pairs under (its own, or the one it was renamed to).
  auto mapped_prompt = [&](const CaseKey& key) -> const std::string& {
    auto it = renames.find(key.prompt_id);
    return it != renames.end() ? it->second : key.prompt_id;
  };
  auto key_hash = [](std::string_view case_id, std::string_view prompt_id,
                     std::string_view provider_id) {
    const std::hash<std::string_view> hash;
    uint64_t h = hash(case_id);
    h = h * 1000003u ^ hash(prompt_id);
    return h * 1000003u ^ hash(provider_id);
  };
  // The baseline's cases by the hash of their key as paired (12 bytes a case, not a tree
  // of keys), each found by comparing the keys themselves; of cases with the same key the
  // first is paired.
  std::vector<std::pair<uint64_t, uint32_t>> by_hash;
  by_hash.reserve(baseline.size());
  for (size_t i = 0; i < baseline.size(); ++i) {
    const CaseKey& key = baseline[i].key;
    by_hash.emplace_back(key_hash(key.case_id, mapped_prompt(key), key.provider_id),
                         uint32_t(i));
  }
  std::sort(by_hash.begin(), by_hash.end());
  std::vector<uint32_t> matched(baseline.size(), UINT32_MAX);
  for (size_t c = 0; c < current.size(); ++c) {
    const CaseKey& key = current[c].key;
    const uint64_t h = key_hash(key.case_id, key.prompt_id, key.provider_id);
    for (auto it = std::lower_bound(by_hash.begin(), by_hash.end(), std::make_pair(h, 0u));
         it != by_hash.end() && it->first == h; ++it) {
      const CaseKey& b = baseline[it->second].key;
      if (matched[it->second] == UINT32_MAX && b.case_id == key.case_id &&
          b.provider_id == key.provider_id && mapped_prompt(b) == key.prompt_id) {
        matched[it->second] = uint32_t(c);
        break;
      }
    }
  }
  return matched;
}

std::vector<std::string> pairing_problems(const Pairing& pairing) {
  std::vector<std::string> problems;
  if (pairing.paired == 0) {
    std::string line = "no case of the baseline (" + std::to_string(pairing.baseline_cases) +
                       " cases) pairs with this run's " + std::to_string(pairing.current_cases);
    if (pairing.baseline_cases == 0) line = "the baseline has no cases";
    problems.push_back(line);
  } else {
    const double needed =
        std::ceil(pairing.min_paired * static_cast<double>(pairing.baseline_cases) - 1e-9);
    if (static_cast<double>(pairing.paired) < needed) {
      problems.push_back("only " + std::to_string(pairing.paired) + " of the baseline's " +
                         std::to_string(pairing.baseline_cases) + " cases paired; at least " +
                         format_number(needed) + " must (--min-paired " +
                         format_number(pairing.min_paired) + ")");
    }
  }
  if (problems.empty()) return problems;
  if (!pairing.prompts_only_in_baseline.empty() || !pairing.prompts_only_in_current.empty()) {
    std::string line =
        "prompt ids differ: baseline " +
        (pairing.prompts_only_in_baseline.empty() ? std::string("(none)")
                                                  : joined(pairing.prompts_only_in_baseline)) +
        ", this run " +
        (pairing.prompts_only_in_current.empty() ? std::string("(none)")
                                                 : joined(pairing.prompts_only_in_current));
    if (pairing.prompts_only_in_baseline.size() == 1 &&
        pairing.prompts_only_in_current.size() == 1) {
      const std::string& was = *pairing.prompts_only_in_baseline.begin();
      const std::string& is = *pairing.prompts_only_in_current.begin();
      line += "; to compare a renamed prompt, pass --pair-prompts " + was + "=" + is +
              " or give prompt '" + is + "' `replaces: " + was + "` in the suite";
    }
    problems.push_back(line);
  }
  if (!pairing.providers_only_in_baseline.empty() || !pairing.providers_only_in_current.empty()) {
    problems.push_back(
        "provider ids differ: baseline " +
        (pairing.providers_only_in_baseline.empty() ? std::string("(none)")
                                                    : joined(pairing.providers_only_in_baseline)) +
        ", this run " +
        (pairing.providers_only_in_current.empty() ? std::string("(none)")
                                                   : joined(pairing.providers_only_in_current)));
  }
  if (!pairing.cases_only_in_baseline.empty()) {
    problems.push_back(std::to_string(pairing.cases_only_in_baseline.size()) +
                       " case ids only in the baseline: " + joined(pairing.cases_only_in_baseline) +
                       (pairing.cases_only_in_current.empty()
                            ? std::string()
                            : "; " + std::to_string(pairing.cases_only_in_current.size()) +
                                  " only in this run: " + joined(pairing.cases_only_in_current)));
  }
  return problems;
}

}  // namespace evalkit

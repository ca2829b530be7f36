// The one registry that maps scorer type names to implementations.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "evalkit/base/status.h"
#include "evalkit/scorers/scorer.h"

namespace evalkit {

struct ScorerKind {
  const char* type;         // name used in suites: "exact_match"
  const char* description;  // one line for `evalkit --help` and docs
  // Builds a scorer from a spec; on a bad option, returns null and sets *error (without
  // location: the caller prefixes spec.where).
  std::unique_ptr<Scorer> (*make)(const ScorerSpec& spec, std::string* error);
  bool model_assisted;  // needs a provider (similarity, judge)
  // The scorer's own options, one per line ("name  what it does"), for `evalkit score TYPE
  // --help`; null when it has none beyond the common ones (weight, threshold, name).
  const char* options = nullptr;
  // Options (space-separated) whose text only says what to look for or what to tell a judge:
  // any string there builds the same scorer (same name, same errors, same need for
  // references), so a suite's checks build one scorer for every such text.
  const char* free_text_options = nullptr;
};

// Every registered scorer kind, in registry order.
const std::vector<ScorerKind>& scorer_kinds();

// The kind named type, or null.
const ScorerKind* find_scorer_kind(const std::string& type);

// Builds a scorer; an unknown type gets a did-you-mean suggestion in the error.
Status make_scorer(const ScorerSpec& spec, std::unique_ptr<Scorer>* out);

// Whether option key of kind is one of its free_text_options.
bool is_free_text_option(const ScorerKind& kind, std::string_view key);

}  // namespace evalkit

// secrets: the output holds no credentials (API keys of common providers by their documented
// prefixes, private key blocks, JWTs, passwords in URLs); what is found is reported masked.
#include <algorithm>
#include <memory>

#include "evalkit/scorers/finding_scorer.h"
#include "evalkit/text/secret_finder.h"

namespace evalkit {
namespace {

const std::vector<std::string>& secret_kinds() {
  static const std::vector<std::string> kinds = {"api_key", "private_key", "jwt", "password_url"};
  return kinds;
}

class SecretsScorer : public FindingScorer {
 public:
  SecretsScorer(const ScorerSpec& spec, std::vector<std::string> kinds)
      : FindingScorer(spec, std::move(kinds), "credentials") {}

 protected:
  std::vector<Finding> find(std::string_view output) const override {
    std::vector<Finding> out;
    for (auto& m : find_secrets(output)) {
      if (!kinds().empty() && std::find(kinds().begin(), kinds().end(), m.kind) == kinds().end()) {
        continue;
      }
      out.push_back({m.kind, m.issuer, m.offset, std::move(m.masked)});
    }
    return out;
  }
};

}  // namespace

std::unique_ptr<Scorer> make_secrets_scorer(const ScorerSpec& spec, std::string* error) {
  ScorerOptions options(spec);
  std::vector<std::string> kinds;
  FindingScorer::read_kinds(options, secret_kinds(), &kinds);
  if (!options.finish(error)) return nullptr;
  return std::make_unique<SecretsScorer>(spec, std::move(kinds));
}

}  // namespace evalkit

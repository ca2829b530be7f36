#include "evalkit/providers/price_table.h"

#include <utility>
#include <vector>

namespace evalkit {
namespace {

// USD per 1M tokens (input, output), from OpenAI's published API pricing as of 2025-06
// (standard tier, uncached input). Prices change: a suite can override with `price:`.
const std::vector<std::pair<std::string, TokenPrice>>& price_table() {
  static const std::vector<std::pair<std::string, TokenPrice>> table = {
      {"gpt-4o", {2.50, 10.00}},
      {"gpt-4o-mini", {0.15, 0.60}},
      {"gpt-4.1", {2.00, 8.00}},
      {"gpt-4.1-mini", {0.40, 1.60}},
      {"gpt-4.1-nano", {0.10, 0.40}},
      {"gpt-4-turbo", {10.00, 30.00}},
      {"gpt-4", {30.00, 60.00}},
      {"gpt-3.5-turbo", {0.50, 1.50}},
      {"o1", {15.00, 60.00}},
      {"o1-mini", {1.10, 4.40}},
      {"o3", {2.00, 8.00}},
      {"o3-mini", {1.10, 4.40}},
      {"o4-mini", {1.10, 4.40}},
      {"text-embedding-3-small", {0.02, 0}},
      {"text-embedding-3-large", {0.13, 0}},
      {"text-embedding-ada-002", {0.10, 0}},
  };
  return table;
}

}  // namespace

std::optional<TokenPrice> known_model_price(const std::string& model) {
  const TokenPrice* best = nullptr;
  size_t best_length = 0;
  for (const auto& [prefix, price] : price_table()) {
    if (model.rfind(prefix, 0) != 0 || prefix.size() <= best_length) continue;
    // "gpt-4" must not price "gpt-4x": a prefix ends the name or is followed by '-'.
    if (model.size() > prefix.size() && model[prefix.size()] != '-') continue;
    best = &price;
    best_length = prefix.size();
  }
  if (best == nullptr) return std::nullopt;
  return *best;
}

std::optional<TokenPrice> provider_price(const ProviderConfig& config) {
  if (config.price) return config.price;
  if (config.type == "exec" || config.type == "replay") return TokenPrice{};
  return known_model_price(config.model);
}

double token_cost_usd(const TokenPrice& price, int64_t prompt_tokens, int64_t completion_tokens) {
  return (double(prompt_tokens) * price.input_per_million +
          double(completion_tokens) * price.output_per_million) /
         1e6;
}

}  // namespace evalkit

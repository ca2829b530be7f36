#include "evalkit/providers/price_table.h"

#include <utility>
#include <vector>

namespace evalkit {
namespace {

// USD per 1M tokens (input, output). OpenAI's from its published API pricing as of 2025-06
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
      // Anthropic's published API prices (claude.com/pricing, 2025-11), standard tier, base
      // input: the same on Bedrock's on-demand tier.
      {"claude-opus-4-5", {5.00, 25.00}},
      {"claude-opus-4-1", {15.00, 75.00}},
      {"claude-opus-4", {15.00, 75.00}},
      {"claude-sonnet-4-5", {3.00, 15.00}},
      {"claude-sonnet-4", {3.00, 15.00}},
      {"claude-haiku-4-5", {1.00, 5.00}},
      {"claude-3-7-sonnet", {3.00, 15.00}},
      {"claude-3-5-sonnet", {3.00, 15.00}},
      {"claude-3-5-haiku", {0.80, 4.00}},
      {"claude-3-opus", {15.00, 75.00}},
      {"claude-3-haiku", {0.25, 1.25}},
      // Amazon Bedrock on-demand prices (aws.amazon.com/bedrock/pricing, us-east-1, 2025).
      {"nova-micro", {0.035, 0.14}},
      {"nova-lite", {0.06, 0.24}},
      {"nova-pro", {0.80, 3.20}},
      {"nova-premier", {2.50, 12.50}},
      {"llama3-1-8b-instruct", {0.22, 0.22}},
      {"llama3-1-70b-instruct", {0.72, 0.72}},
      {"llama3-3-70b-instruct", {0.72, 0.72}},
  };
  return table;
}

// A Bedrock id without its cross-region inference prefix ("us.", "eu.", "apac.", "global.")
// and its vendor ("anthropic.", "amazon.", "meta."): "us.anthropic.claude-3-5-haiku-20241022-
// v1:0" prices as "claude-3-5-haiku-20241022-v1:0".
std::string without_bedrock_prefixes(std::string model) {
  for (const char* region : {"us.", "eu.", "apac.", "global.", "us-gov.", "jp.", "au.", "ca."}) {
    if (model.rfind(region, 0) == 0) {
      model.erase(0, std::string(region).size());
      break;
    }
  }
  for (const char* vendor : {"anthropic.", "amazon.", "meta.", "mistral.", "cohere.", "ai21."}) {
    if (model.rfind(vendor, 0) == 0) return model.substr(std::string(vendor).size());
  }
  return model;
}

}  // namespace

std::optional<TokenPrice> known_model_price(const std::string& full_model) {
  const std::string model = without_bedrock_prefixes(full_model);
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

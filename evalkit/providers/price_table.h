// What model calls cost: USD per million input and output tokens, from a built-in table of
// common OpenAI, Anthropic and Bedrock models or the suite's own `price:` for a provider.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "evalkit/suite/suite.h"

namespace evalkit {

// The built-in price of model, matched by the longest known prefix so dated snapshots
// ("gpt-4o-2024-08-06") price like their family, after dropping a Bedrock id's region and
// vendor prefixes ("us.anthropic."); nullopt for a model the table lacks.
std::optional<TokenPrice> known_model_price(const std::string& model);

// The provider's price: its suite `price:` when given, else the built-in table; nullopt when
// neither knows the model. exec and replay providers cost nothing.
std::optional<TokenPrice> provider_price(const ProviderConfig& config);

// USD for one call's tokens at price.
double token_cost_usd(const TokenPrice& price, int64_t prompt_tokens, int64_t completion_tokens);

}  // namespace evalkit

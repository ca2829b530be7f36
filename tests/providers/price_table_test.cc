#include "evalkit/providers/price_table.h"

#include <gtest/gtest.h>

namespace evalkit {
namespace {

TEST(PriceTableTest, DatedSnapshotsPriceLikeTheirFamily) {
  const auto mini = known_model_price("gpt-4o-mini-2024-07-18");
  ASSERT_TRUE(mini.has_value());
  EXPECT_DOUBLE_EQ(mini->input_per_million, 0.15);
  EXPECT_DOUBLE_EQ(mini->output_per_million, 0.60);
  const auto full = known_model_price("gpt-4o-2024-08-06");
  ASSERT_TRUE(full.has_value());
  EXPECT_DOUBLE_EQ(full->input_per_million, 2.50);
}

TEST(PriceTableTest, UnknownModelsHaveNoPrice) {
  EXPECT_FALSE(known_model_price("gpt-4x").has_value());  // not a "gpt-4" snapshot
  EXPECT_FALSE(known_model_price("llama-3-70b").has_value());
}

TEST(PriceTableTest, SuitePriceWinsAndLocalProvidersAreFree) {
  ProviderConfig config;
  config.type = "openai-chat";
  config.model = "gpt-4o";
  config.price = TokenPrice{1, 3};
  EXPECT_DOUBLE_EQ(provider_price(config)->output_per_million, 3);
  ProviderConfig exec;
  exec.type = "exec";
  EXPECT_DOUBLE_EQ(provider_price(exec)->input_per_million, 0);
}

TEST(PriceTableTest, CostIsPerMillionTokens) {
  EXPECT_DOUBLE_EQ(token_cost_usd(TokenPrice{2.5, 10}, 1000, 500), 0.0025 + 0.005);
}

}  // namespace
}  // namespace evalkit

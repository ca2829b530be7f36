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

TEST(PriceTableTest, AnthropicModelsPriceByFamilyNewestFirst) {
  EXPECT_DOUBLE_EQ(known_model_price("claude-opus-4-5-20251101")->input_per_million, 5.00);
  EXPECT_DOUBLE_EQ(known_model_price("claude-opus-4-20250514")->input_per_million, 15.00);
  EXPECT_DOUBLE_EQ(known_model_price("claude-sonnet-4-5")->output_per_million, 15.00);
  EXPECT_DOUBLE_EQ(known_model_price("claude-3-5-haiku-20241022")->input_per_million, 0.80);
  EXPECT_DOUBLE_EQ(known_model_price("claude-haiku-4-5-20251001")->output_per_million, 5.00);
}

TEST(PriceTableTest, BedrockIdsDropTheirRegionAndVendor) {
  EXPECT_DOUBLE_EQ(
      known_model_price("anthropic.claude-3-5-sonnet-20240620-v1:0")->input_per_million, 3.00);
  EXPECT_DOUBLE_EQ(
      known_model_price("us.anthropic.claude-3-haiku-20240307-v1:0")->output_per_million, 1.25);
  EXPECT_DOUBLE_EQ(known_model_price("amazon.nova-pro-v1:0")->output_per_million, 3.20);
  EXPECT_DOUBLE_EQ(known_model_price("meta.llama3-1-70b-instruct-v1:0")->input_per_million, 0.72);
  EXPECT_FALSE(known_model_price("amazon.titan-text-express-v1").has_value());
  ProviderConfig bedrock;
  bedrock.type = "bedrock";
  bedrock.model = "eu.amazon.nova-lite-v1:0";
  EXPECT_DOUBLE_EQ(provider_price(bedrock)->input_per_million, 0.06);
}

TEST(PriceTableTest, CostIsPerMillionTokens) {
  EXPECT_DOUBLE_EQ(token_cost_usd(TokenPrice{2.5, 10}, 1000, 500), 0.0025 + 0.005);
}

}  // namespace
}  // namespace evalkit

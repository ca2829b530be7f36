#include "evalkit/http/adaptive_limit.h"

#include <gtest/gtest.h>

namespace evalkit {
namespace {

TEST(AdaptiveLimitTest, StartsAtTheCeilingAndHalvesOncePerEpoch) {
  AdaptiveLimit limit(64);
  EXPECT_EQ(limit.current(), 64);
  const uint64_t first_wave = limit.epoch();
  limit.on_throttled(first_wave);
  EXPECT_EQ(limit.current(), 32);
  // The rest of the first wave was sent at 64: its 429s say nothing about 32.
  for (int i = 0; i < 20; ++i) limit.on_throttled(first_wave);
  EXPECT_EQ(limit.current(), 32);
  limit.on_throttled(limit.epoch());
  EXPECT_EQ(limit.current(), 16);
  EXPECT_EQ(limit.cuts(), 2);
}

TEST(AdaptiveLimitTest, NeverFallsBelowOne) {
  AdaptiveLimit limit(3);
  for (int i = 0; i < 10; ++i) limit.on_throttled(limit.epoch());
  EXPECT_EQ(limit.current(), 1);
}

TEST(AdaptiveLimitTest, GrowsByOnePerWindowOfSuccessesUpToTheCeiling) {
  AdaptiveLimit limit(10);
  limit.on_throttled(limit.epoch());
  ASSERT_EQ(limit.current(), 5);
  for (int i = 0; i < 4; ++i) limit.on_success();
  EXPECT_EQ(limit.current(), 5);  // a window is `current` successes
  limit.on_success();
  EXPECT_EQ(limit.current(), 6);
  for (int i = 0; i < 6 + 7 + 8 + 9; ++i) limit.on_success();
  EXPECT_EQ(limit.current(), 10);
  for (int i = 0; i < 100; ++i) limit.on_success();
  EXPECT_EQ(limit.current(), 10);
}

TEST(AdaptiveLimitTest, AThrottleRestartsTheWindow) {
  AdaptiveLimit limit(16);
  limit.on_throttled(limit.epoch());  // 8
  for (int i = 0; i < 7; ++i) limit.on_success();
  limit.on_throttled(limit.epoch());  // 4, and the 7 successes no longer count
  limit.on_success();
  EXPECT_EQ(limit.current(), 4);
  for (int i = 0; i < 3; ++i) limit.on_success();
  EXPECT_EQ(limit.current(), 5);
}

TEST(AdaptiveLimitTest, ACeilingBelowOneMeansOne) { EXPECT_EQ(AdaptiveLimit(0).current(), 1); }

}  // namespace
}  // namespace evalkit

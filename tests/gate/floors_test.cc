#include "evalkit/gate/floors.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "evalkit/gate/gate_verdict.h"
#include "tests/support/gate_trials.h"

namespace evalkit {
namespace {

using ::testing::HasSubstr;
using testing::make_trial;
using testing::numbered;
using testing::pass_fail_run;

TEST(FloorsTest, APassRateFloorHoldsOrFailsOnTheRunAlone) {
  std::map<std::string, GateRule> gate;
  gate["pass_rate"].min = 0.9;
  const std::vector<FloorCheck> below = check_floors(pass_fail_run(50, 42), gate, PassRule{});
  ASSERT_EQ(below.size(), 1u);
  EXPECT_EQ(below[0].metric, "pass_rate");
  EXPECT_DOUBLE_EQ(*below[0].value, 0.84);
  EXPECT_EQ(below[0].cases, 50);
  EXPECT_FALSE(below[0].held);
  EXPECT_FALSE(floors_held(below));
  const GateVerdict verdict = decide_gate(nullptr, below);
  EXPECT_FALSE(verdict.passed);
  EXPECT_EQ(verdict.headline, "BELOW FLOOR");
  EXPECT_THAT(verdict.reasons[0], HasSubstr("pass_rate 0.84 is below its floor 0.9"));

  const std::vector<FloorCheck> above = check_floors(pass_fail_run(50, 45), gate, PassRule{});
  EXPECT_TRUE(above[0].held);
  EXPECT_TRUE(decide_gate(nullptr, above).passed);
}

TEST(FloorsTest, AScoreFloorUsesTheMeanOfCaseMeansAndAMissingMetricFails) {
  std::vector<TrialResult> run;
  for (int i = 0; i < 4; ++i) {
    run.push_back(make_trial(numbered("c", i), 0, true, {{"rougeL", 0.2 + 0.1 * i, "r"}}));
  }
  std::map<std::string, GateRule> gate;
  gate["rougeL"].min = 0.4;
  gate["bleu"].min = 0.1;
  const std::vector<FloorCheck> floors = check_floors(run, gate, PassRule{});
  ASSERT_EQ(floors.size(), 2u);
  EXPECT_EQ(floors[0].metric, "bleu");  // map order
  EXPECT_FALSE(floors[0].held);
  EXPECT_FALSE(floors[0].value.has_value());
  EXPECT_THAT(floors[0].note, HasSubstr("no case was scored"));
  EXPECT_NEAR(*floors[1].value, 0.35, 1e-12);
  EXPECT_FALSE(floors[1].held);
  // Rules without min are no floors.
  std::map<std::string, GateRule> drop_only;
  drop_only["pass_rate"].max_drop = 0.05;
  EXPECT_TRUE(check_floors(run, drop_only, PassRule{}).empty());
}

}  // namespace
}  // namespace evalkit

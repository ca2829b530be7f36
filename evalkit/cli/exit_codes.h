// Stable exit codes (documented in README.md).
#pragma once

namespace evalkit::exit_code {
inline constexpr int kPassed = 0;          // every selected case passed
inline constexpr int kCaseFailures = 1;    // some case failed or errored
inline constexpr int kRegression = 2;      // a metric regressed against the baseline
inline constexpr int kUsageError = 3;      // bad command line or invalid suite
inline constexpr int kInfrastructure = 4;  // no case could reach its endpoint / database error
inline constexpr int kNothingSelected = 5; // filters selected no case
}  // namespace evalkit::exit_code

#include "evalkit/http/adaptive_limit.h"

#include <algorithm>

namespace evalkit {

AdaptiveLimit::AdaptiveLimit(int ceiling)
    : ceiling_(std::max(1, ceiling)), current_(std::max(1, ceiling)) {}

void AdaptiveLimit::on_throttled(uint64_t started_epoch) {
  if (started_epoch != epoch_) return;
  current_ = std::max(1, current_ / 2);
  successes_ = 0;
  ++epoch_;
  ++cuts_;
}

void AdaptiveLimit::on_success() {
  if (current_ >= ceiling_) return;
  if (++successes_ >= current_) {
    ++current_;
    successes_ = 0;
  }
}

}  // namespace evalkit

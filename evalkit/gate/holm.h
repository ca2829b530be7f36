// Holm–Bonferroni adjustment: several metrics are tested at once, so the chance that at
// least one of them looks significant by luck is kept at alpha.
#pragma once

#include <vector>

namespace evalkit {

// Holm's step-down adjusted p-values, in the order given. With the m p-values sorted
// ascending, p_(1) <= ... <= p_(m), the adjusted value of the i-th smallest is
//   max over j <= i of min(1, (m - j + 1) * p_(j)),
// so rejecting where adjusted <= alpha controls the family-wise error rate at alpha.
// Ties keep their input order; an empty input gives an empty output.
std::vector<double> holm_adjust(const std::vector<double>& p_values);

}  // namespace evalkit

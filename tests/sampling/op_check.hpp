#pragma once
// Shared helpers of the sampling tests: the dot-product test of any sampling operator.
#include <cstdint>
#include <vector>

#include "sphaera/sampling/concepts.hpp"
#include "support/adjoint.hpp"

namespace sphaera::sampling::test_support {

/// Dot-product test |<Φx, y> − <x, Φᵀy>| ≤ 1e-12 ‖x‖‖y‖ at random x, y.
template <class Op>
sphaera::test::adjoint_report adjoint_check(const Op& op, std::uint64_t seed = 1) {
    const auto x = sphaera::test::normal<double>(op.in_size(), seed);
    const auto y = sphaera::test::normal<double>(op.out_size(), seed + 1);
    return sphaera::test::adjoint_test(
        [&](const std::vector<double>& v) {
            std::vector<double> out(op.out_size());
            op.apply(as_view(v), as_view(out));
            return out;
        },
        [&](const std::vector<double>& w) {
            std::vector<double> out(op.in_size());
            op.adjoint(as_view(w), as_view(out));
            return out;
        },
        x, y);
}

inline double max_abs_diff(const std::vector<double>& a, const std::vector<double>& b) {
    double m = 0;
    for (std::size_t i = 0; i < a.size(); ++i) m = std::max(m, std::abs(a[i] - b[i]));
    return m;
}

}  // namespace sphaera::sampling::test_support

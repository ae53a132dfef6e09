#pragma once
/// \file reduction_ops.hpp
/// \brief Combining rules shared by the host and device reductions: NaN-propagating
/// max/min and the (max, scaled sum) pairs of a one-pass log-sum-exp.

#include <limits>

#include "sphaera/core/complex_math.hpp"
#include "sphaera/core/config.hpp"
#include "sphaera/core/expr_functors.hpp"

namespace sphaera::detail {

/// max that returns NaN once either side is NaN (a reduction must not hide bad input).
struct nan_max {
    template <class T>
    SPHAERA_HD constexpr T operator()(T a, T b) const {
        return (b > a || b != b) ? b : a;
    }
};
struct nan_min {
    template <class T>
    SPHAERA_HD constexpr T operator()(T a, T b) const {
        return (b < a || b != b) ? b : a;
    }
};

/// Partial log-sum-exp: the value is max + log(sum), with sum = Σ exp(xᵢ − max).
template <class T>
struct lse_pair {
    T max;
    T sum;
};

/// Merges two partial log-sum-exps without overflow. −∞ maxima (empty or all −∞ parts)
/// contribute nothing; a +∞ or NaN maximum dominates.
template <class T>
SPHAERA_HD inline lse_pair<T> lse_merge(lse_pair<T> a, lse_pair<T> b) {
    constexpr T inf = std::numeric_limits<T>::infinity();
    if (a.max != a.max || b.max != b.max) return {a.max + b.max, T(1)};
    if (a.max == -inf) return b;
    if (b.max == -inf) return a;
    if (a.max == inf || b.max == inf) return {inf, T(1)};
    if (a.max >= b.max) return {a.max, a.sum + b.sum * math::exp(b.max - a.max)};
    return {b.max, b.sum + a.sum * math::exp(a.max - b.max)};
}

/// Turns one element into a partial log-sum-exp.
struct lse_lift {
    template <class T>
    SPHAERA_HD constexpr lse_pair<T> operator()(T x) const { return {x, T(1)}; }
};

struct lse_combine {
    template <class T>
    SPHAERA_HD lse_pair<T> operator()(lse_pair<T> a, lse_pair<T> b) const {
        return lse_merge(a, b);
    }
};

template <class T>
SPHAERA_HD inline T lse_value(lse_pair<T> p) {
    constexpr T inf = std::numeric_limits<T>::infinity();
    if (p.max == -inf || p.max == inf || p.max != p.max) return p.max;
    return p.max + math::log(p.sum);
}

}  // namespace sphaera::detail

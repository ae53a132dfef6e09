#pragma once
/// \file algorithms.hpp
/// \brief The evaluators: `assign` (one fused loop or kernel per expression) and the
/// reductions sum, mean, dot, norm, max, min, logsumexp. Each takes the backend as a value,
/// first argument (as Thrust does); the backend is chosen by ordinary overloading.

#include <cmath>
#include <limits>
#include <type_traits>

#include "sphaera/backend/host_eval.hpp"
#include "sphaera/backend/tags.hpp"
#include "sphaera/core/error.hpp"
#include "sphaera/core/expr.hpp"
#include "sphaera/core/expr_operators.hpp"
#include "sphaera/core/view.hpp"

#if SPHAERA_HAS_DEVICE_BACKEND
#include "sphaera/backend/device_eval.hpp"
#endif

namespace sphaera {

namespace detail {

template <class B>
inline constexpr bool device_backend_compiled =
    !std::is_same_v<B, backend::cuda> || SPHAERA_HAS_DEVICE_BACKEND;

template <class B, class Space>
constexpr void check_space() {
    static_assert(device_backend_compiled<B>,
                  "sphaera: backend::cuda needs a .cu translation unit compiled by nvcc");
    static_assert(std::is_same_v<Space, any_space> || std::is_same_v<Space, memory_space_t<B>>,
                  "sphaera: the arrays of this expression live in another memory space than "
                  "the backend computes in (host arrays with backend::cuda or the reverse)");
}

template <class X>
auto reducible(const X& x, const char* what) {
    auto e = as_expression(x);
    if (e.size() == scalar_size)
        raise<invalid_argument>("sphaera::", what, ": the operand is a scalar, not an array");
    return e;
}

template <class E>
void require_nonempty(const E& e, const char* what) {
    if (e.size() == 0)
        raise<invalid_argument>("sphaera::", what,
                                ": the array is empty (size 0); the result is undefined");
}

// Backend dispatch: one overload per tag.
template <class T, class E>
void dispatch_assign(const backend::serial&, T* out, const E& e) { host_assign(1, out, e); }
template <class T, class E>
void dispatch_assign(const backend::openmp& b, T* out, const E& e) {
    host_assign(openmp_threads(b), out, e);
}
template <class Kind, class E>
auto dispatch_reduce(const backend::serial&, const E& e) { return host_reduce<Kind>(1, e); }
template <class Kind, class E>
auto dispatch_reduce(const backend::openmp& b, const E& e) {
    return host_reduce<Kind>(openmp_threads(b), e);
}

#if SPHAERA_HAS_DEVICE_BACKEND
template <class T, class E>
void dispatch_assign(const backend::cuda& b, T* out, const E& e) { device_assign(b, out, e); }
template <class Kind, class E>
auto dispatch_reduce(const backend::cuda& b, const E& e) {
    using V = typename E::value_type;
    if constexpr (std::is_same_v<Kind, sum_kind>) {
        return device_reduce(b, e, identity_lift{}, device_plus{}, V{});
    } else if constexpr (std::is_same_v<Kind, max_kind>) {
        return device_reduce(b, e, identity_lift{}, nan_max{}, -std::numeric_limits<V>::infinity());
    } else if constexpr (std::is_same_v<Kind, min_kind>) {
        return device_reduce(b, e, identity_lift{}, nan_min{}, std::numeric_limits<V>::infinity());
    } else {
        return device_reduce(b, e, lse_lift{}, lse_combine{},
                             lse_pair<V>{-std::numeric_limits<V>::infinity(), V(0)});
    }
}
#endif

template <class Kind, backend_tag B, class X>
auto reduce_with(const B& b, const X& x, const char* what) {
    auto e = reducible(x, what);
    check_space<B, expr_space_t<decltype(e)>>();
    return dispatch_reduce<Kind>(b, e);
}

}  // namespace detail

/// dst[i] = x[i] for every i, in one fused loop (host) or kernel (cuda). x is an
/// expression, an lvalue buffer or a scalar (fill). Sizes must agree (shape_mismatch).
/// Real values stored into a complex destination get a zero imaginary part; every other
/// conversion must be written with cast<T>().
template <backend_tag B, class T, class Space, class X>
    requires(readable<X> || host_scalar<X>)
void assign(const B& b, view<T, Space> dst, const X& x) {
    static_assert(!std::is_const_v<T>, "sphaera::assign: the destination view is const");
    static_assert(std::is_same_v<Space, memory_space_t<B>>,
                  "sphaera::assign: the destination lives in another memory space than the "
                  "backend computes in");
    auto e = [&] {
        if constexpr (host_scalar<X>) return detail::as_scalar<T>(x);
        else return detail::as_expression(x);
    }();
    using V = expr_value_t<decltype(e)>;
    static_assert(std::is_same_v<V, T> || (is_complex_v<T> && std::is_same_v<V, real_type_t<T>>),
                  "sphaera::assign: the expression's value type differs from the destination's; "
                  "convert explicitly with cast<T>(e) (or real()/abs() for complex to real)");
    detail::check_space<B, expr_space_t<decltype(e)>>();
    // A scalar (a host value or a scalar_expr node) has no size of its own: it is broadcast
    // to the destination's. Decided by type, so no array is ever read under a scalar's size.
    if constexpr (is_scalar_expr_v<decltype(e)>) {
        if (dst.size() != 0)
            detail::dispatch_assign(b, dst.data(), broadcast_expr<decltype(e)>(e, dst.size()));
    } else {
        detail::require_same_size("sphaera::assign", e.size(), dst.size());
        if (dst.size() != 0) detail::dispatch_assign(b, dst.data(), e);
    }
}

/// Σᵢ x[i] (0 for an empty array).
template <backend_tag B, class X>
    requires readable<X>
auto sum(const B& b, const X& x) {
    auto e = detail::reducible(x, "sum");
    using V = expr_value_t<decltype(e)>;
    static_assert(scalar_value<V>, "sphaera::sum: needs float, double or complex values");
    if (e.size() == 0) return V{};
    return detail::reduce_with<detail::sum_kind>(b, e, "sum");
}

/// Σᵢ x[i] / n; throws invalid_argument on an empty array.
template <backend_tag B, class X>
    requires readable<X>
auto mean(const B& b, const X& x) {
    auto e = detail::reducible(x, "mean");
    detail::require_nonempty(e, "mean");
    using R = real_type_t<expr_value_t<decltype(e)>>;
    const auto s = sum(b, e);
    return s / static_cast<R>(e.size());
}

/// ⟨a, c⟩ = Σᵢ conj(a[i])·c[i] (conjugate-linear in the first argument).
template <backend_tag B, class X, class Y>
    requires readable<X> && readable<Y>
auto dot(const B& b, const X& a, const Y& c) {
    return sum(b, conj(detail::as_expression(a)) * detail::as_expression(c));
}

/// Euclidean norm sqrt(Σᵢ |x[i]|²). Values beyond ~1e154 (double) overflow the squares.
template <backend_tag B, class X>
    requires readable<X>
auto norm(const B& b, const X& x) {
    using std::sqrt;
    return sqrt(sum(b, abs2(detail::as_expression(x))));
}

/// Largest value of a real array; NaN if any element is NaN; invalid_argument if empty.
template <backend_tag B, class X>
    requires readable<X>
auto max(const B& b, const X& x) {
    auto e = detail::reducible(x, "max");
    static_assert(std::is_floating_point_v<expr_value_t<decltype(e)>>,
                  "sphaera::max: defined for real values; reduce abs() or real() of complex data");
    detail::require_nonempty(e, "max");
    return detail::reduce_with<detail::max_kind>(b, e, "max");
}

/// Smallest value of a real array; NaN if any element is NaN; invalid_argument if empty.
template <backend_tag B, class X>
    requires readable<X>
auto min(const B& b, const X& x) {
    auto e = detail::reducible(x, "min");
    static_assert(std::is_floating_point_v<expr_value_t<decltype(e)>>,
                  "sphaera::min: defined for real values; reduce abs() or real() of complex data");
    detail::require_nonempty(e, "min");
    return detail::reduce_with<detail::min_kind>(b, e, "min");
}

/// log Σᵢ exp(x[i]) without overflow or underflow, for any magnitude of x (one pass on the
/// device, two per block on the host). −∞ for an empty array or all x = −∞.
template <backend_tag B, class X>
    requires readable<X>
auto logsumexp(const B& b, const X& x) {
    auto e = detail::reducible(x, "logsumexp");
    using V = expr_value_t<decltype(e)>;
    static_assert(std::is_floating_point_v<V>, "sphaera::logsumexp: defined for real values");
    if (e.size() == 0) return -std::numeric_limits<V>::infinity();
    return detail::lse_value(detail::reduce_with<detail::lse_kind>(b, e, "logsumexp"));
}

}  // namespace sphaera

#pragma once
/// \file host_eval.hpp
/// \brief Evaluation of expressions on the host backends: one fused loop per expression
/// (`omp parallel for simd` under backend::openmp).
///
/// Reductions are blocked: fixed blocks of `reduction_block` elements are reduced in order
/// and their partials combined in order, by the serial and the OpenMP backend alike. The
/// result is therefore bit-identical for every thread count, and the blocking also bounds
/// the rounding error growth of long sums.

#include <algorithm>
#include <cstddef>
#include <limits>
#include <vector>

#include "sphaera/backend/tags.hpp"
#include "sphaera/core/expr.hpp"
#include "sphaera/core/reduction_ops.hpp"
#include "sphaera/core/view.hpp"

#if SPHAERA_HAS_OPENMP
#include <omp.h>
#endif

namespace sphaera::detail {

inline constexpr std::size_t reduction_block = 1024;
/// Below this many elements a parallel region costs more than it saves.
inline constexpr std::size_t openmp_min_parallel = 16384;

inline int openmp_threads(const backend::openmp& b) {
#if SPHAERA_HAS_OPENMP
    return b.threads > 0 ? b.threads : omp_get_max_threads();
#else
    (void)b;
    return 1;
#endif
}

template <class T, class V>
SPHAERA_HD constexpr T convert_element(V v) {
    if constexpr (is_complex_v<T> && !is_complex_v<V>) return T(v, real_type_t<T>(0));
    else return T(v);
}

template <class T, class E>
void host_assign_range(T* SPHAERA_RESTRICT out, const E& e, std::size_t n) {
#pragma omp simd
    for (std::size_t i = 0; i < n; ++i) out[i] = convert_element<T>(e[i]);
}

struct sum_kind {};
struct max_kind {};
struct min_kind {};
struct lse_kind {};

/// Reduces elements [begin, end) (non-empty) of e in the way Kind names.
template <class Kind, class E>
auto host_block(const E& e, std::size_t begin, std::size_t end) {
    using V = typename E::value_type;
    if constexpr (std::is_same_v<Kind, sum_kind>) {
        if constexpr (is_complex_v<V>) {
            real_type_t<V> re = 0, im = 0;
#pragma omp simd reduction(+ : re, im)
            for (std::size_t i = begin; i < end; ++i) {
                const V v = e[i];
                re += v.real();
                im += v.imag();
            }
            return V(re, im);
        } else {
            V s = 0;
#pragma omp simd reduction(+ : s)
            for (std::size_t i = begin; i < end; ++i) s += e[i];
            return s;
        }
    } else if constexpr (std::is_same_v<Kind, max_kind> || std::is_same_v<Kind, min_kind>) {
        using op = std::conditional_t<std::is_same_v<Kind, max_kind>, nan_max, nan_min>;
        V m = e[begin];
        for (std::size_t i = begin + 1; i < end; ++i) m = op{}(m, V(e[i]));
        return m;
    } else {
        static_assert(std::is_same_v<Kind, lse_kind>);
        V m = e[begin];
        for (std::size_t i = begin + 1; i < end; ++i) m = nan_max{}(m, V(e[i]));
        constexpr V inf = std::numeric_limits<V>::infinity();
        if (m == -inf || m == inf || m != m) return lse_pair<V>{m, V(1)};
        V s = 0;
#pragma omp simd reduction(+ : s)
        for (std::size_t i = begin; i < end; ++i) s += math::exp(V(e[i]) - m);
        return lse_pair<V>{m, s};
    }
}

template <class P>
P host_combine(P a, P b, sum_kind) {
    if constexpr (is_complex_v<P>) return P(a.real() + b.real(), a.imag() + b.imag());
    else return a + b;
}
template <class P>
P host_combine(P a, P b, max_kind) { return nan_max{}(a, b); }
template <class P>
P host_combine(P a, P b, min_kind) { return nan_min{}(a, b); }
template <class P>
P host_combine(P a, P b, lse_kind) { return lse_merge(a, b); }

/// Blocked reduction of a non-empty expression: partials of fixed blocks, combined in order.
template <class Kind, class E>
auto host_reduce(int threads, const E& e) {
    const std::size_t n = e.size();
    const std::size_t nblocks = (n + reduction_block - 1) / reduction_block;
    using P = decltype(host_block<Kind>(e, 0, 1));
    auto block = [&](std::size_t b) {
        return host_block<Kind>(e, b * reduction_block, std::min(n, (b + 1) * reduction_block));
    };
    if (nblocks == 1) return block(0);
    std::vector<P> partial(nblocks);
    const bool parallel = threads > 1 && n >= openmp_min_parallel;
#pragma omp parallel for num_threads(threads) schedule(static) if (parallel)
    for (std::size_t b = 0; b < nblocks; ++b) partial[b] = block(b);
    P r = partial[0];
    for (std::size_t b = 1; b < nblocks; ++b) r = host_combine(r, partial[b], Kind{});
    return r;
}

template <class T, class E>
void host_assign(int threads, T* out, const E& e) {
    const std::size_t n = e.size();
    if (threads > 1 && n >= openmp_min_parallel) {
#pragma omp parallel for simd num_threads(threads) schedule(static)
        for (std::size_t i = 0; i < n; ++i) out[i] = convert_element<T>(e[i]);
    } else {
        host_assign_range(out, e, n);
    }
}

inline int host_threads(const backend::serial&) { return 1; }
inline int host_threads(const backend::openmp& b) { return openmp_threads(b); }

}  // namespace sphaera::detail

#pragma once
/// \file wavelet_test_util.hpp
/// \brief Shared helpers of the wavelet tests: band-limited random fields, error norms and the
/// dot-product tests of a plan's two adjoints.

#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <complex>
#include <cstdint>
#include <vector>

#include "sphaera/sht/sht.hpp"
#include "support/adjoint.hpp"
#include "support/backends.hpp"

namespace sphaera::test {

/// Random spin-s coefficients of band-limit L (zero for ℓ < |s|): (L²).
template <class T>
std::vector<std::complex<T>> random_alm(int L, int spin, std::uint64_t seed) {
    auto a = normal<std::complex<T>>(sht::alm_count(L), seed);
    for (int l = 0; l < std::min(L, std::abs(spin)); ++l)
        for (int m = -l; m <= l; ++m) a[sht::alm_index(l, m)] = 0;
    return a;
}

/// Random real-field (Hermitian) coefficients of band-limit L: (L²).
template <class T>
std::vector<std::complex<T>> random_real_alm(int L, std::uint64_t seed) {
    auto a = normal<std::complex<T>>(sht::alm_count(L), seed);
    for (int l = 0; l < L; ++l) {
        a[sht::alm_index(l, 0)] = a[sht::alm_index(l, 0)].real();
        for (int m = 1; m <= l; ++m) a[sht::alm_index(l, -m)] = T(m % 2 ? -1 : 1) * std::conj(a[sht::alm_index(l, m)]);
    }
    return a;
}

/// max|a − b| / max|b|.
template <class V>
double rel_max_error(const V& a, const V& b) {
    double e = 0, n = 0;
    for (std::size_t i = 0; i < a.size(); ++i) {
        e = std::max(e, static_cast<double>(std::abs(a[i] - b[i])));
        n = std::max(n, static_cast<double>(std::abs(b[i])));
    }
    return e / n;
}

/// Dot-product tests of a wavelet plan (wavelets::plan or real_plan, whose maps and
/// coefficients share the value type V): analysis against adjoint_analysis at random
/// x (map, seed) and y (coefficients, seed + 1), and synthesis against adjoint_synthesis.
template <class V, class Plan>
void check_wavelet_adjoints(const Plan& w, std::uint64_t seed) {
    const auto x = normal<V>(w.map_size(), seed);
    const auto y = normal<V>(w.coefficients_size(), seed + 1);
    // v ↦ transform(v) into a fresh output of size n.
    const auto op = [](std::size_t n, auto transform) {
        return [n, transform](const std::vector<V>& v) {
            std::vector<V> o(n);
            transform(v, o);
            return o;
        };
    };
    const auto ana = op(w.coefficients_size(), [&w](const auto& v, auto& o) { w.analysis({v.data(), v.size()}, {o.data(), o.size()}); });
    const auto ana_adj = op(w.map_size(), [&w](const auto& v, auto& o) { w.adjoint_analysis({v.data(), v.size()}, {o.data(), o.size()}); });
    const auto syn = op(w.map_size(), [&w](const auto& v, auto& o) { w.synthesis({v.data(), v.size()}, {o.data(), o.size()}); });
    const auto syn_adj = op(w.coefficients_size(), [&w](const auto& v, auto& o) { w.adjoint_synthesis({v.data(), v.size()}, {o.data(), o.size()}); });
    const auto r1 = adjoint_test(ana, ana_adj, x, y);
    INFO("analysis: " << r1);
    CHECK(r1.passed);
    const auto r2 = adjoint_test(syn, syn_adj, y, x);
    INFO("synthesis: " << r2);
    CHECK(r2.passed);
}

}  // namespace sphaera::test

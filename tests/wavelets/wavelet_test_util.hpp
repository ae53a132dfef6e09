#pragma once
/// \file wavelet_test_util.hpp
/// \brief Shared helpers of the wavelet tests: band-limited random fields and error norms.

#include <algorithm>
#include <cmath>
#include <complex>
#include <cstdint>
#include <vector>

#include "sphaera/sht/sht.hpp"
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

}  // namespace sphaera::test
